/**
 * Following one job over REST to its end, as a program's result(): its results, or a
 * JobFailedError with the reasons. The job is followed across AM attempts: when its AM stops
 * answering, YARN's report says where the new attempt serves (same secret, the job taken over
 * from the HA store), and following goes on there.
 */
import type { BundleNames } from '../bundle/bundle-names.js';
import type { LoomConfig } from '../../conf/loom-config.js';
import { LoomOptions } from '../../conf/loom-config-options.js';
import { JobFailedError } from '../../program/program-errors.js';
import { followAm, isConnectionLost, locateAm, type LocatableCluster } from './am-locator.js';
import { endedError } from './application-waiter.js';
import { DispatcherError } from './dispatcher-error.js';
import { describeJobEnd } from './job-end.js';
import type { DispatcherClient, JobStatus } from './dispatcher-client.js';

/** A cluster whose dispatcher follows its report (SessionCluster). */
export interface FollowedCluster extends LocatableCluster {
  readonly dispatcher: DispatcherClient;
}

export interface FollowJobOptions {
  onProgress?: (job: JobStatus) => void;
  /** Where the one line about a moved AM goes. */
  log?: (line: string) => void;
  /** How long a lost AM is looked for: amRecoveryTimeoutMs(conf). */
  recoveryTimeoutMs: number;
  pollMs?: number;
  /** The bundle's files as the user knows them, for the errors of failed tasks. */
  names?: BundleNames;
}

/** How long a client looks for its lost AM: loom.client.heartbeat-timeout, after which an attached cluster would end anyway. */
export function amRecoveryTimeoutMs(conf: LoomConfig): number {
  return conf.get(LoomOptions.clientHeartbeatTimeout);
}

export async function followJob(cluster: FollowedCluster, jobId: string, opts: FollowJobOptions): Promise<unknown[]> {
  return jobResults(await waitForJobAcrossAttempts(cluster, jobId, opts), opts.names);
}

/** The job's last state (FINISHED, FAILED or CANCELED), whichever AM attempt it ends on. */
export async function waitForJobAcrossAttempts(cluster: FollowedCluster, jobId: string, opts: FollowJobOptions): Promise<JobStatus> {
  let unknownSince: number | undefined;
  for (;;) {
    try {
      return await cluster.dispatcher.waitForJob(jobId, {
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
      });
    } catch (err) {
      if (isJobUnknown(err)) {
        // The client chose this id: the AM has it or will have it (a new attempt still taking it
        // over, an AM not yet past its start). Never a reason to give the cluster up by itself.
        if (unknownSince === undefined) {
          unknownSince = Date.now();
          opts.log?.(
            `the ApplicationMaster of ${cluster.applicationId} does not know job ${jobId} yet; waiting up to ${Math.round(opts.recoveryTimeoutMs / 1000)} s for it`,
          );
        }
        await waitForUnknownJob(cluster, jobId, err as DispatcherError, unknownSince, opts);
        continue;
      }
      if (!isConnectionLost(err)) throw err;
      unknownSince = undefined;
      await followAm(cluster, { lost: err as Error, jobId, timeoutMs: opts.recoveryTimeoutMs, ...(opts.log ? { log: opts.log } : {}) });
    }
  }
}

/** The AM answered 404 for the job: Flink's "job not found" as DispatcherError. */
function isJobUnknown(err: unknown): boolean {
  return err instanceof DispatcherError && err.status === 404;
}

/**
 * One pause while the AM does not know the client's own job: the application's report decides.
 * Ended: its final status and diagnostics are the answer (the AM could not start the job).
 * Still running: ask again, for at most the recovery timeout counted from the first 404.
 */
async function waitForUnknownJob(
  cluster: FollowedCluster,
  jobId: string,
  notFound: DispatcherError,
  since: number,
  opts: FollowJobOptions,
): Promise<void> {
  const at = await locateAm(cluster);
  if (at.state === 'ended') throw endedError(at.report, `job ${jobId}`);
  const waited = Date.now() - since;
  if (waited >= opts.recoveryTimeoutMs) {
    throw new DispatcherError(
      `the ApplicationMaster of ${cluster.applicationId} has not known job ${jobId} for ${Math.round(waited / 1000)} s (${notFound.message}); ` +
        `the application is ${at.report.state}: see yarn application -status ${cluster.applicationId}, and raise loom.client.heartbeat-timeout to wait longer`,
      404,
    );
  }
  await new Promise((r) => setTimeout(r, opts.pollMs ?? UNKNOWN_JOB_POLL_MS));
}

const UNKNOWN_JOB_POLL_MS = 250;

/**
 * A FINISHED job's results in task order; any other end as a JobFailedError whose message is one
 * line naming the failed task and where in the user's files (`names`) it threw.
 */
export function jobResults(job: JobStatus, names?: BundleNames): unknown[] {
  if (job.state === 'FINISHED') return job.results ?? job.tasks.map((t) => t.result);
  const taskErrors = job.tasks.filter((t) => t.error).map((t) => `task ${t.index} (attempt ${t.attempt}): ${t.error}`);
  const reason = [job.error, ...(job.error ? [] : taskErrors)].filter(Boolean).join('; ');
  throw new JobFailedError(job.id, job.state, reason || undefined, describeJobEnd(job, names));
}
