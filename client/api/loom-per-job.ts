/**
 * A job in a cluster of its own (LoomClient.runPerJob): per-job mode, `loom run -t yarn-per-job`
 * for one job. The cluster is deployed for the job and ends with it. Attached (the default),
 * result() follows the job across ApplicationMaster attempts and then stops its cluster with the
 * matching final status (SUCCEEDED, FAILED, KILLED), as Flink's per-job cluster ends with its job;
 * the client heartbeats the cluster meanwhile, so it ends if this process dies. Detached, the
 * cluster runs on by itself and ends when the job ends; result() rejects with a
 * DetachedResultError, and waitForEnd() gives YARN's final report.
 */
import type { ClusterLease } from '../deploy/running/cluster-lease.js';
import type { JobStatus } from '../deploy/running/dispatcher-client.js';
import { attachToSession } from '../deploy/running/session-attach.js';
import type { SessionCluster } from '../deploy/running/session-cluster.js';
import type { DeployContext } from '../deploy/submit/deploy-context.js';
import type { PerJobSubmission } from '../deploy/submit/per-job-submitter.js';
import { clusterApplication, type ClusterApplication } from './cluster-application.js';
import type { LoomJob } from './loom-job.js';

export interface RunPerJobOptions {
  /**
   * Resolve once YARN accepted the cluster and leave it to run its job alone (`loom run -t
   * yarn-per-job -d`): result() then rejects with a DetachedResultError. Default false: resolve
   * once the cluster's REST API answers, and keep the cluster only while this client lives.
   */
  detached?: boolean;
  /** Aborting it while the cluster is being deployed kills the application and removes its staging dir. */
  signal?: AbortSignal;
}

/** A per-job job: the job (LoomJob: id, result, details, cancel) and its cluster's YARN application (ClusterApplication). */
export interface LoomPerJob extends LoomJob, ClusterApplication {
  /** Deployed with `detached: true`. */
  readonly detached: boolean;
}

/** The handle of `submission`; `lease` (attached) is stopped when the cluster is killed. */
export function loomPerJob(ctx: DeployContext, submission: PerJobSubmission, lease: ClusterLease | undefined): LoomPerJob {
  const { id } = submission;
  const application = clusterApplication(ctx, submission.deployed, () => lease?.stop());
  // Detached: the REST API is found (with the secret from the staging dir) once the AM registered.
  let reached: Promise<SessionCluster> | undefined;
  const cluster = (): Promise<SessionCluster> =>
    submission.cluster
      ? Promise.resolve(submission.cluster)
      : (reached ??= attachToSession(ctx, { applicationId: submission.applicationId }).catch((err: unknown) => {
          reached = undefined;
          throw err;
        }));
  return {
    id,
    detached: submission.cluster === undefined,
    applicationId: application.applicationId,
    get trackingUrl() {
      return application.trackingUrl;
    },
    report: () => application.report(),
    waitForEnd: (opts) => application.waitForEnd(opts),
    kill: () => application.kill(),
    result: (opts = {}) => submission.result(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    details: async (): Promise<JobStatus> => (await cluster()).dispatcher.getJob(id),
    cancel: async (): Promise<JobStatus> => (await cluster()).dispatcher.cancelJob(id),
  };
}
