/**
 * Following one job over REST to its end, as a program's result(): its results, or a
 * JobFailedError with the reasons. The job is followed across AM attempts: when its AM stops
 * answering, YARN's report says where the new attempt serves (same secret, the job taken over
 * from the HA store), and following goes on there.
 */
import type { LoomConfig } from '../conf/loom-config.js';
import { LoomOptions } from '../conf/loom-config-options.js';
import { JobFailedError } from '../program/program-errors.js';
import { followAm, isConnectionLost, type LocatableCluster } from './am-locator.js';
import type { DispatcherClient, JobDetails } from './dispatcher-client.js';

/** A cluster whose dispatcher follows its report (SessionCluster). */
export interface FollowedCluster extends LocatableCluster {
  readonly dispatcher: DispatcherClient;
}

export interface FollowJobOptions {
  onProgress?: (job: JobDetails) => void;
  /** Where the one line about a moved AM goes. */
  log?: (line: string) => void;
  /** How long a lost AM is looked for: amRecoveryTimeoutMs(conf). */
  recoveryTimeoutMs: number;
  pollMs?: number;
}

/** How long a client looks for its lost AM: loom.client.heartbeat-timeout, after which an attached cluster would end anyway. */
export function amRecoveryTimeoutMs(conf: LoomConfig): number {
  return conf.get(LoomOptions.clientHeartbeatTimeout);
}

export async function followJob(cluster: FollowedCluster, jobId: string, opts: FollowJobOptions): Promise<unknown[]> {
  return jobResults(await waitForJobAcrossAttempts(cluster, jobId, opts));
}

/** The job's last state (FINISHED, FAILED or CANCELED), whichever AM attempt it ends on. */
export async function waitForJobAcrossAttempts(cluster: FollowedCluster, jobId: string, opts: FollowJobOptions): Promise<JobDetails> {
  for (;;) {
    try {
      return await cluster.dispatcher.waitForJob(jobId, {
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
      });
    } catch (err) {
      if (!isConnectionLost(err)) throw err;
      await followAm(cluster, { lost: err as Error, jobId, timeoutMs: opts.recoveryTimeoutMs, ...(opts.log ? { log: opts.log } : {}) });
    }
  }
}

/** A FINISHED job's results in task order; any other end as a JobFailedError naming the failed tasks. */
export function jobResults(job: JobDetails): unknown[] {
  if (job.state === 'FINISHED') return job.results ?? job.tasks.map((t) => t.result);
  const taskErrors = job.tasks.filter((t) => t.error).map((t) => `task ${t.index} (attempt ${t.attempt}): ${t.error}`);
  const reason = [job.error, ...(job.error ? [] : taskErrors)].filter(Boolean).join('; ');
  throw new JobFailedError(job.id, job.state, reason || undefined);
}
