/**
 * What each attached form undoes when its client goes away (the rule in attached-exit.ts): a
 * session job is cancelled; a per-job cluster has its job cancelled and is stopped with the status
 * that follows (a job that had FINISHED stops it SUCCEEDED); an application cluster is stopped
 * KILLED, which cancels main()'s running jobs; a deployment under way is abandoned (the
 * application killed, its staging dir removed).
 */
import { isTerminalJobState } from '../../contracts/job-states.js';
import type { ClientExitReason, ExitCleanup } from './attached-exit.js';
import type { ClusterLease } from './cluster-lease.js';
import type { DeployContext } from '../submit/deploy-context.js';
import type { JobStatus } from './dispatcher-client.js';
import type { FollowedCluster } from './job-follow.js';
import type { SessionCluster } from './session-cluster.js';

/** How long the stop of a cluster is waited for before the client kills it through YARN. */
const STOP_WAIT_MS = 6000;

/** A per-job cluster's final status for its job's end (Flink: a cancelled job's YARN application ends KILLED). */
export function perJobFinalStatus(state: string): 'SUCCEEDED' | 'FAILED' | 'KILLED' {
  return state === 'FINISHED' ? 'SUCCEEDED' : state === 'CANCELED' ? 'KILLED' : 'FAILED';
}

function goneBecause(why: ClientExitReason): string {
  return why === 'EPIPE'
    ? 'the attached Loom client lost its output (EPIPE) and went away'
    : `the attached Loom client was interrupted (${why})`;
}

/** What cancelling did, in a few words. */
function cancelPhrase(jobId: string, job: JobStatus): string {
  return job.state === 'CANCELED' || job.state === 'CANCELLING' ? `cancelled job ${jobId}` : `job ${jobId} had ${job.state}`;
}

/** A session job (the `-c` form, or one of a program's): cancelled; the session stays. `jobId` may still be on its way. */
export function cancelSessionJob(cluster: FollowedCluster, jobId: Promise<string>): ExitCleanup {
  return async () => {
    const id = await jobId.catch(() => undefined);
    // The submission failed: nothing runs.
    if (id === undefined) return [];
    return [cancelPhrase(id, await cluster.dispatcher.cancelJob(id))];
  };
}

/** A per-job cluster: its job cancelled (if it still runs), then the cluster stopped with the status that follows. */
export async function stopPerJobCluster(
  cluster: SessionCluster,
  lease: ClusterLease,
  jobId: string,
  why: ClientExitReason,
): Promise<string[]> {
  let job: JobStatus | undefined;
  let cancelError: string | undefined;
  try {
    job = await cluster.dispatcher.cancelJob(jobId);
  } catch (err) {
    cancelError = (err as Error).message;
  }
  const finalStatus = job ? perJobFinalStatus(job.state) : 'KILLED';
  const diagnostics = `job ${jobId} ${job?.state ?? `could not be cancelled (${cancelError})`}: ${goneBecause(why)}`;
  try {
    const ended = await cluster.stop({ finalStatus, diagnostics, timeoutMs: STOP_WAIT_MS });
    return [
      job ? cancelPhrase(jobId, job) : `could not cancel job ${jobId} (${cancelError})`,
      `stopped cluster ${cluster.applicationId} (${ended.finalStatus})`,
    ];
  } finally {
    lease.stop();
  }
}

/**
 * An application cluster: stopped KILLED; the AM's shutdown cancels main()'s running jobs (cancelling them first would let main() fail the
 * application).
 */
export function stopApplicationCluster(cluster: SessionCluster, lease: ClusterLease): ExitCleanup {
  return async (why) => {
    const running = await cluster.dispatcher.jobIds().then(
      (jobs) => jobs.filter((j) => !isTerminalJobState(j.state)).map((j) => j.id),
      () => [] as string[],
    );
    try {
      const ended = await cluster.stop({
        finalStatus: 'KILLED',
        diagnostics: `${goneBecause(why)}: main() was stopped and its running jobs cancelled`,
        timeoutMs: STOP_WAIT_MS,
      });
      return [...running.map((id) => `cancelled job ${id}`), `stopped cluster ${cluster.applicationId} (${ended.finalStatus})`];
    } finally {
      lease.stop();
    }
  };
}

/** A cluster whose AM has not registered yet (no REST API to ask): killed through YARN, its staging dir removed. */
export async function killUnregisteredCluster(
  ctx: DeployContext,
  cluster: { applicationId: string; stagingDir: string },
  why: ClientExitReason,
): Promise<string[]> {
  await ctx.yarn.killApplication(cluster.applicationId, { diagnostics: goneBecause(why), timeoutMs: STOP_WAIT_MS });
  await ctx.fs.delete(cluster.stagingDir, { recursive: true, ignoreMissing: true });
  return [`killed cluster ${cluster.applicationId} (its ApplicationMaster had not started yet)`];
}

/** A deployment still under way: abandoned through its AbortSignal (the deployer kills what it submitted and removes the staging dir). */
export async function abandonDeployment(
  abort: AbortController,
  deploying: Promise<unknown>,
  what: string,
  why: ClientExitReason,
): Promise<string[]> {
  abort.abort(new Error(goneBecause(why)));
  await deploying.catch(() => undefined);
  return [`stopped deploying ${what}`];
}
