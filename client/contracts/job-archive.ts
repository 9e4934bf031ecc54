/**
 * The job archive on HDFS (Flink's `jobmanager.archive.fs.dir`, which its HistoryServer reads):
 * the AM writes each ended job there as JSON, and `loom history` and `loom list` read it after
 * the application ended, when the AM and its staging dir (with the HA store) are gone. Layout:
 * `<dir>/<applicationId>/<jobId>.json`, dir from `jobmanager.archive.fs.dir`, default
 * `.loom-history` under the user's HDFS home (beside `.loom`, whose application dirs go when
 * their application ends). Each file is written under a temporary name and renamed into place,
 * so a reader never sees half a file (and skips leftover temporary names).
 */
import { LoomError } from '../errors/loom-error.js';
import { randomBytes } from 'node:crypto';
import { joinHdfsPath, parseHdfsPath } from '../hadoop/hdfs/hdfs-path.js';
import type { WebHdfsClient } from '../hadoop/hdfs/webhdfs-client.js';
import { FileNotFoundError } from '../hadoop/hdfs/webhdfs-errors.js';
import type { JobStatus } from './dispatcher-rest-types.js';
import { isTempName, readHdfsText, TEMP_MARK } from './ha-store-layout.js';
import { isTerminalJobState } from './job-states.js';

/** The default archive dir's name under the user's HDFS home. */
export const JOB_ARCHIVE_DIR_NAME = '.loom-history';

/** Largest archive file: above it the job's results are left out (and the record says so). */
export const JOB_ARCHIVE_MAX_BYTES = 32 * 1024 * 1024;

/** One archived job: its final status as GET /jobs/<id> answered it with the secret (results included). */
export interface ArchivedJob {
  applicationId: string;
  archivedAt: number;
  job: JobStatus;
  /** The results were larger than JOB_ARCHIVE_MAX_BYTES allows and are not in `job`. */
  resultsLeftOut?: boolean;
}

export class JobArchiveError extends LoomError {
  static override readonly code: string = 'JOB_ARCHIVE_UNREADABLE';
  override name = 'JobArchiveError';
}

/** The archive dir of one application: `<configured or home/.loom-history>/<applicationId>`. */
export async function jobArchiveDir(client: WebHdfsClient, configured: string | undefined, applicationId: string): Promise<string> {
  const base = configured?.trim()
    ? parseHdfsPath(configured.trim()).path
    : joinHdfsPath(await client.getHomeDirectory(), JOB_ARCHIVE_DIR_NAME);
  return joinHdfsPath(base, applicationId);
}

/** The record for `job`, its results left out when the whole would exceed the bound. */
export function archiveRecord(applicationId: string, job: JobStatus, now: number, maxBytes = JOB_ARCHIVE_MAX_BYTES): string {
  const whole: ArchivedJob = { applicationId, archivedAt: now, job };
  const text = `${JSON.stringify(whole)}\n`;
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const { results: _results, tasks, ...rest } = job;
  const slim: ArchivedJob = {
    applicationId,
    archivedAt: now,
    job: { ...rest, tasks: tasks.map(({ result: _result, ...t }) => t) },
    resultsLeftOut: true,
  };
  return `${JSON.stringify(slim)}\n`;
}

/** Writes one job's record: a temporary file, renamed into place (an existing record is replaced). */
export async function writeArchivedJob(
  client: WebHdfsClient,
  dir: string,
  applicationId: string,
  job: JobStatus,
  now = Date.now(),
): Promise<string> {
  const path = joinHdfsPath(dir, `${job.id}.json`);
  await client.mkdirs(dir, { permission: '700' });
  const temp = `${path}${TEMP_MARK}${randomBytes(6).toString('hex')}`;
  await client.create(temp, Buffer.from(archiveRecord(applicationId, job, now)), { overwrite: false, permission: '600' });
  try {
    await client.rename(temp, path, { overwrite: true });
  } catch (err) {
    await client.delete(temp, { ignoreMissing: true }).catch(() => undefined);
    throw err;
  }
  return path;
}

/** Every archived job of one application, oldest submission first; an absent dir reads as none. */
export async function readArchivedJobs(client: WebHdfsClient, dir: string): Promise<ArchivedJob[]> {
  let names: string[];
  try {
    names = (await client.listStatus(dir)).map((s) => s.pathSuffix);
  } catch (err) {
    if (err instanceof FileNotFoundError) return [];
    throw err;
  }
  const out: ArchivedJob[] = [];
  for (const name of names.filter((n) => n.endsWith('.json') && !isTempName(n))) {
    const path = joinHdfsPath(dir, name);
    out.push(parseArchivedJob(await readHdfsText(client, path), path));
  }
  return out.sort((a, b) => a.job.submittedAt - b.job.submittedAt);
}

export function parseArchivedJob(text: string, source: string): ArchivedJob {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new JobArchiveError(`${source} is not JSON (${(err as Error).message}); it was not written by Loom`);
  }
  const r = typeof v === 'object' && v !== null ? (v as Partial<ArchivedJob>) : undefined;
  const job = r?.job;
  if (
    !r ||
    typeof r.applicationId !== 'string' ||
    !job ||
    typeof job.id !== 'string' ||
    !isTerminalJobState(job.state) ||
    !Array.isArray(job.tasks)
  )
    throw new JobArchiveError(`${source} is not an archived Loom job (applicationId, job with id, an ended state and tasks)`);
  return r as ArchivedJob;
}
