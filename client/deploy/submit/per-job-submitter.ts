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
import type { ClusterDeployOptions } from './cluster-deployer.js';
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
  const { detached, onProgress, onDeployed, names, ...deployOptions } = opts;
  // Attached clusters hold a lease: if this client dies, they end after loom.client.heartbeat-timeout.
  markAttached(ctx.conf, !detached);
  return {
    async submit(plan) {
      const jobId = randomBytes(16).toString('hex');
      if (detached) {
        const deployed = await deployPerJob(ctx, { ...deployOptions, packed, job: plan, jobId, attached: false });
        onDeployed?.({ jobId, applicationId: deployed.applicationId });
        return {
          id: jobId,
          applicationId: deployed.applicationId,
          result: () => Promise.reject(new DetachedResultError(jobId, deployed.applicationId)),
        };
      }
      // Attached: from the first step, a client that goes away takes the cluster with it (attached-exit.ts).
      const abort = new AbortController();
      let followed: { cluster: SessionCluster; lease: ClusterLease } | undefined;
      let leaving = false;
      const deploying = deployPerJob(ctx, { ...deployOptions, packed, job: plan, jobId, attached: true, signal: abort.signal }).then(
        (deployed) => {
          const cluster = new SessionCluster(ctx, {
            applicationId: deployed.applicationId,
            secret: deployed.secret,
            report: deployed.report,
            stagingDir: deployed.stagingDir,
          });
          followed = { cluster, lease: holdClusterLease(ctx.conf, cluster, ctx.log) };
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
      try {
        ({ cluster, lease } = await deploying);
      } catch (err) {
        unregister();
        throw err;
      }
      const { applicationId } = cluster;
      onDeployed?.({ jobId, applicationId });
      const follow = {
        recoveryTimeoutMs: amRecoveryTimeoutMs(ctx.conf),
        log: ctx.log,
        ...(onProgress ? { onProgress } : {}),
        ...(names ? { names } : {}),
      };
      return { id: jobId, applicationId, result: () => followAndStop(cluster, lease, jobId, follow, () => leaving).finally(unregister) };
    },
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
