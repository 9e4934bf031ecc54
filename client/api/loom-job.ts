/**
 * A job submitted through the programmatic client (LoomSession.submitJob): its ids, its result
 * followed to the end across ApplicationMaster attempts (as `loom run -c` follows it), its
 * current state, and cancelling it.
 */
import type { BundleNames } from '../deploy/bundle/bundle-names.js';
import type { JobStatus } from '../deploy/running/dispatcher-client.js';
import { followJob, type FollowedCluster } from '../deploy/running/job-follow.js';

export interface JobResultOptions {
  /** Called with the job's state each time it or one of its tasks changes. */
  onProgress?: (job: JobStatus) => void;
}

export interface LoomJob {
  /** The job id (32 hex digits), as `loom list` shows it. */
  readonly id: string;
  /** The YARN application the job runs in. */
  readonly applicationId: string;
  /**
   * The tasks' results in task order once the job FINISHED; rejects with a JobFailedError (one
   * line naming the failed task) when it FAILED or was CANCELED.
   */
  result(opts?: JobResultOptions): Promise<unknown[]>;
  /** The job's state now: its tasks, and its results once FINISHED. */
  details(): Promise<JobStatus>;
  /** Asks the cluster to cancel the job; resolves with its state after the request. */
  cancel(): Promise<JobStatus>;
}

export interface LoomJobFollowing {
  /** How long a lost ApplicationMaster is looked for (loom.client.heartbeat-timeout). */
  recoveryTimeoutMs: number;
  log: (line: string) => void;
  /** The bundle's files as the caller named them, for the errors of failed tasks. */
  names: BundleNames;
}

/** The job `id` of `cluster`, followed as `following` says. */
export function loomJob(id: string, cluster: FollowedCluster, following: LoomJobFollowing): LoomJob {
  return {
    id,
    applicationId: cluster.applicationId,
    result: (opts = {}) => followJob(cluster, id, { ...following, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) }),
    details: () => cluster.dispatcher.getJob(id),
    cancel: () => cluster.dispatcher.cancelJob(id),
  };
}
