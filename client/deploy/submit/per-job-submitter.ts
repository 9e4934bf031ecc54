/**
 * Per-job mode for a program whose main() runs in the client: every ctx.submit() deploys a
 * cluster of its own for that job. Attached, result() follows the job over REST and then stops
 * its cluster with the matching final status (SUCCEEDED, FAILED, KILLED), so the staging dir is
 * gone when it resolves; detached (-d), submit() returns once YARN accepted the cluster, with the
 * job and application ids. An attached client that goes away (Ctrl+C, SIGTERM, SIGHUP, its output
 * closed) cancels the job and stops its cluster, or abandons the deployment (attached-exit.ts).
 */
import { randomBytes } from 'node:crypto';
import type { BundleNames } from '../bundle/bundle-names.js';
import type { PackedBundle } from '../bundle/bundle-pack.js';
import type { JobSubmitter } from '../../program/program-context.js';
import { DetachedResultError } from '../../program/program-errors.js';
import type { ClusterDeployOptions, DeployedCluster } from './cluster-deployer.js';
import type { JobPlan } from '../../program/job-request.js';
import { attachedWork } from '../running/attached-exit.js';
import { holdClusterLease, markAttached, type ClusterLease } from '../running/cluster-lease.js';
import type { DeployContext } from './deploy-context.js';
import type { JobStatus } from '../running/dispatcher-client.js';
import { amRecoveryTimeoutMs, jobResults, waitForJobAcrossAttempts, type FollowJobOptions } from '../running/job-follow.js';
import { abandonDeployment, perJobFinalStatus, stopPerJobCluster } from '../running/exit-cleanups.js';
import { deployPerJob } from './per-job-deployer.js';
import { SessionCluster } from '../running/session-cluster.js';

export interface PerJobSubmitterOptions extends Pick<ClusterDeployOptions, 'shipFiles' | 'timeoutMs' | 'pollMs' | 'runtime'> {
  detached: boolean;
  onProgress?: (job: JobStatus) => void;
  /** The bundle's files as the user knows them, for the errors of failed tasks. */
  names?: BundleNames;
  /** Told each cluster as soon as it was submitted (the CLI prints the ids). */
  onDeployed?: (d: { jobId: string; applicationId: string }) => void;
}

export function perJobSubmitter(ctx: DeployContext, packed: PackedBundle, opts: PerJobSubmitterOptions): JobSubmitter {
  return {
    async submit(plan) {
      const submitted = await submitPerJob(ctx, packed, plan, opts);
      return { id: submitted.id, applicationId: submitted.applicationId, result: () => submitted.result() };
    },
  };
}

/** One per-job cluster submitted: its job and application, and the job's end. */
export interface PerJobSubmission {
  /** The job id (32 hex digits), chosen by this client. */
  id: string;
  applicationId: string;
  /** The deployment: the secret, the staging dir, and YARN's report as it was submitted (attached: registered, REST answering). */
  deployed: DeployedCluster;
  /** Attached: the cluster, whose REST API answers and whose lease this client holds until the job ended. Detached: none. */
  cluster: SessionCluster | undefined;
  /** Attached: the heartbeats that keep the cluster alive while this client lives; result() stops them once the job ended. */
  lease: ClusterLease | undefined;
  /**
   * Attached: the tasks' results (or a JobFailedError) once the job ended, its cluster then
   * stopped with the matching final status; `onProgress` replaces the submitter's. Detached: a
   * DetachedResultError.
   */
  result(opts?: { onProgress?: (job: JobStatus) => void }): Promise<unknown[]>;
}

/** Deploys a cluster of its own for the job `plan` (of the bundle `packed`); resolves once YARN accepted it (detached) or its REST API answers (attached). */
export async function submitPerJob(
  ctx: DeployContext,
  packed: PackedBundle,
  plan: JobPlan,
  opts: PerJobSubmitterOptions & Pick<ClusterDeployOptions, 'signal'>,
): Promise<PerJobSubmission> {
  const { detached, onProgress, onDeployed, names, signal, ...deployOptions } = opts;
  // Attached clusters hold a lease: if this client dies, they end after loom.client.heartbeat-timeout.
  markAttached(ctx.conf, !detached);
  const jobId = randomBytes(16).toString('hex');
  if (detached) {
    const deployed = await deployPerJob(ctx, {
      ...deployOptions,
      ...(signal ? { signal } : {}),
      packed,
      job: plan,
      jobId,
      attached: false,
    });
    onDeployed?.({ jobId, applicationId: deployed.applicationId });
    return {
      id: jobId,
      applicationId: deployed.applicationId,
      deployed,
      cluster: undefined,
      lease: undefined,
      result: () => Promise.reject(new DetachedResultError(jobId, deployed.applicationId)),
    };
  }
  // Attached: from the first step, a client that goes away takes the cluster with it (attached-exit.ts).
  const abort = new AbortController();
  const onAbort = () => abort.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) onAbort();
  let followed: { cluster: SessionCluster; lease: ClusterLease; deployed: DeployedCluster } | undefined;
  let leaving = false;
  const deploying = deployPerJob(ctx, { ...deployOptions, packed, job: plan, jobId, attached: true, signal: abort.signal }).then(
    (deployed) => {
      const cluster = new SessionCluster(ctx, {
        applicationId: deployed.applicationId,
        secret: deployed.secret,
        certificate: deployed.certificate,
        report: deployed.report,
        stagingDir: deployed.stagingDir,
      });
      followed = { cluster, lease: holdClusterLease(ctx.conf, cluster, ctx.log), deployed };
      return followed;
    },
  );
  const unregister = attachedWork.register(`job ${jobId}`, async (why) => {
    leaving = true;
    let following = followed;
    if (!following) {
      const stopped = await abandonDeployment(abort, deploying, `the cluster of job ${jobId}`, why);
      // Deployed just before the abort: followed by now.
      following = await deploying.catch(() => undefined);
      if (!following) return stopped;
    }
    return stopPerJobCluster(following.cluster, following.lease, jobId, why);
  });
  let cluster: SessionCluster;
  let lease: ClusterLease;
  let deployed: DeployedCluster;
  try {
    ({ cluster, lease, deployed } = await deploying);
  } catch (err) {
    unregister();
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  const { applicationId } = cluster;
  onDeployed?.({ jobId, applicationId });
  const follow = {
    recoveryTimeoutMs: amRecoveryTimeoutMs(ctx.conf),
    log: ctx.log,
    ...(onProgress ? { onProgress } : {}),
    ...(names ? { names } : {}),
  };
  let ending: Promise<unknown[]> | undefined;
  return {
    id: jobId,
    applicationId,
    deployed,
    cluster,
    lease,
    // Once: the cluster is stopped after the first follow, so later calls share its answer.
    result: (o = {}) =>
      (ending ??= followAndStop(
        cluster,
        lease,
        jobId,
        { ...follow, ...(o.onProgress ? { onProgress: o.onProgress } : {}) },
        () => leaving,
      ).finally(unregister)),
  };
}

/** The job's end, then its cluster's: the lease dropped, the cluster stopped with the status that matches, staging dir removed. */
async function followAndStop(
  cluster: SessionCluster,
  lease: ClusterLease,
  jobId: string,
  follow: FollowJobOptions,
  clientLeaving: () => boolean,
): Promise<unknown[]> {
  let job: JobStatus;
  try {
    job = await waitForJobAcrossAttempts(cluster, jobId, follow);
  } catch (err) {
    if (clientLeaving()) throw err;
    lease.stop();
    await cluster.kill(`the Loom client lost job ${jobId}: ${(err as Error).message}`).catch(() => undefined);
    throw err;
  }
  // The client is going away: the exit cleanup stops the cluster, with the diagnostics that say why.
  if (clientLeaving()) return jobResults(job);
  lease.stop();
  const finalStatus = perJobFinalStatus(job.state);
  await cluster.stop({ finalStatus, diagnostics: `job ${jobId} ${job.state}${job.error ? `: ${job.error}` : ''}` });
  return jobResults(job, follow.names);
}
