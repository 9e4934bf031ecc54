/**
 * Archives each ended job to HDFS (Flink's `jobmanager.archive.fs.dir`): its status, tasks with
 * attempts and errors, and results, as `<dir>/<applicationId>/<jobId>.json`
 * (client/contracts/job-archive.ts), so `loom history` and `loom list` can show it after the
 * application ended. An archive that cannot be written is a warning in the AM's log, never a
 * failure of the job or the application.
 */
import { jobArchiveDir, writeArchivedJob } from '../../client/contracts/job-archive.js';
import type { WebHdfsClient } from '../../client/hadoop/hdfs/webhdfs-client.js';
import type { JobStatus } from '../cluster-api.js';

export class JobArchiver {
  private dir: Promise<string> | undefined;
  private client: WebHdfsClient | undefined;

  constructor(
    /**
     * Made on the first archive, not at start-up: a configuration without a usable file system
     * (fs.defaultFS file:/// outside YARN) then costs a warning per job, never the AM's start.
     */
    private readonly makeClient: () => WebHdfsClient,
    /** jobmanager.archive.fs.dir; undefined: .loom-history under the user's home. */
    private readonly configuredDir: string | undefined,
    private readonly applicationId: string,
    private readonly log: (line: string) => void,
  ) {}

  /** Writes the job's record; resolves either way (a failure is logged). */
  async archive(job: JobStatus): Promise<void> {
    try {
      const client = (this.client ??= this.makeClient());
      this.dir ??= jobArchiveDir(client, this.configuredDir, this.applicationId);
      const path = await writeArchivedJob(client, await this.dir, this.applicationId, job);
      this.log(`archived job ${job.id} (${job.state}) to ${path}`);
    } catch (err) {
      this.dir = undefined;
      this.log(`WARN could not archive job ${job.id} to the job archive (loom history will not show it): ${(err as Error).message}`);
    }
  }
}
