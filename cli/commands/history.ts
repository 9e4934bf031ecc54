/**
 * `loom history <applicationId> [jobId]`: the jobs of an application as its AM archived them when
 * each ended (jobmanager.archive.fs.dir, client/contracts/job-archive.ts), readable after the
 * application ended, as Flink's HistoryServer reads its archive. Without a job id: one line per
 * job; with one: the job's status, each task with its attempt, TaskExecutor and error, and its
 * results as JSON.
 */
import { LoomOptions } from '../../client/conf/loom-config-options.js';
import { jobArchiveDir, readArchivedJobs, type ArchivedJob } from '../../client/contracts/job-archive.js';
import { LoomError } from '../../client/errors/loom-error.js';
import type { DeployContext } from '../../client/deploy/submit/deploy-context.js';
import { applicationIdOption, jobIdOption } from '../option-values.js';
import { loomCommand, parseCommand, withContext, type ClusterCommandIo, type ClusterFlags } from './cluster-options.js';

export class ArchivedJobNotFoundError extends LoomError {
  static override readonly code: string = 'ARCHIVED_JOB_NOT_FOUND';
  override name = 'ArchivedJobNotFoundError';
}

export async function showHistory(argv: string[], io: ClusterCommandIo): Promise<number> {
  const cmd = loomCommand('loom history', io)
    .description("Show the jobs an application's AM archived when they ended (also after the application ended).")
    .argument('<applicationId>', 'the application, as loom list-clusters and yarn application -list print it', (v: string) =>
      applicationIdOption(v, '<applicationId>'),
    )
    .argument('[jobId]', 'one job: its tasks and results', jobIdOption);
  const parsed = parseCommand(cmd, argv);
  if ('code' in parsed) return parsed.code;
  const [applicationId, jobId] = cmd.processedArgs as [string, string | undefined];
  return withContext('history', io, cmd.opts<ClusterFlags>(), [], async (ctx) => {
    const jobs = await archivedJobs(ctx, applicationId);
    if (jobId === undefined) {
      printJobList(io, `application ${applicationId} (archived)`, jobs);
      return 0;
    }
    const found = jobs.find((j) => j.job.id === jobId);
    if (!found)
      throw new ArchivedJobNotFoundError(
        `job ${jobId} is not in the archive of ${applicationId} (${jobs.length} job(s) there); loom history ${applicationId} lists them`,
      );
    printJob(io, found);
    return 0;
  });
}

/** The archived jobs of one application, from the archive dir this client's configuration names. */
export async function archivedJobs(ctx: DeployContext, applicationId: string): Promise<ArchivedJob[]> {
  const dir = await jobArchiveDir(ctx.fs, ctx.conf.get(LoomOptions.jobArchiveDir), applicationId);
  return readArchivedJobs(ctx.fs, dir);
}

/** The lines loom list prints for a cluster's jobs, from the archive. */
export function printJobList(io: ClusterCommandIo, heading: string, jobs: readonly ArchivedJob[]): void {
  io.stdout.write(`${heading}: ${jobs.length} job${jobs.length === 1 ? '' : 's'}\n`);
  for (const { job } of jobs) {
    const done = job.tasks.filter((t) => t.state === 'FINISHED').length;
    const seconds = ((job.endedAt ?? job.submittedAt) - job.submittedAt) / 1000;
    io.stdout.write(`${job.id}\t${job.state}\t${done}/${job.parallelism} tasks finished\t${seconds.toFixed(1)} s\t${job.name}\n`);
  }
}

function printJob(io: ClusterCommandIo, { job, resultsLeftOut }: ArchivedJob): void {
  const lines = [
    `job ${job.id} (${job.name}): ${job.state}`,
    `  submitted ${new Date(job.submittedAt).toISOString()}${job.endedAt !== undefined ? `, ended ${new Date(job.endedAt).toISOString()}` : ''}`,
    ...(job.error !== undefined ? [`  error: ${job.error}`] : []),
    ...job.tasks.map(
      (t) =>
        `  task ${t.index}\t${t.state}\tattempt ${t.attempt}\t${t.taskExecutorId ?? '-'}${t.error !== undefined ? `\t${t.error.split('\n')[0] ?? ''}` : ''}`,
    ),
    resultsLeftOut
      ? '  results: left out of the archive (larger than its bound)'
      : job.results !== undefined
        ? `  results: ${JSON.stringify(job.results)}`
        : '  results: none',
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
}
