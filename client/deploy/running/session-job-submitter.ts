/**
 * Session mode for a program whose main() runs in the client: its jobs go to the running session
 * (POST /jobs), the bundle uploaded once to the session's staging dir, and each job is followed
 * over REST when the program asks for its result, across AM attempts. A client that goes away
 * while a job runs cancels it (attached-exit.ts); the session stays.
 *
 * A submission whose answer is lost (the AM died) is never sent again blindly: the client proposes
 * the job's id, finds the AM again and looks the job up there (the HA store keeps every job the AM
 * accepted). Only an AM known to take the client's ids (an earlier answer echoed one) gets the
 * submission again, with the same id, when the job is not there.
 */
import { randomBytes } from 'node:crypto';
import type { BundleNames } from '../bundle/bundle-names.js';
import type { PackedBundle } from '../bundle/bundle-pack.js';
import type { BundleRef } from '../../contracts/bundle-ref.js';
import { uploadBundle } from '../bundle/bundle-upload.js';
import type { JobSubmitter } from '../../program/program-context.js';
import { followAm, isConnectionLost } from './am-locator.js';
import { attachedWork } from './attached-exit.js';
import type { DeployContext } from '../submit/deploy-context.js';
import { DispatcherError, type JobStatus, type JobSubmission } from './dispatcher-client.js';
import { cancelSessionJob } from './exit-cleanups.js';
import { amRecoveryTimeoutMs, followJob, type FollowedCluster } from './job-follow.js';
import type { SessionCluster } from './session-cluster.js';
import { jobsDir } from '../submit/staging-dir.js';
import { noLog } from '../no-log.js';

/** Uploads a job's bundle to the session's staging dir, where the AM and its TaskExecutors read it. */
export function uploadJobBundle(ctx: DeployContext, cluster: SessionCluster, packed: PackedBundle): Promise<BundleRef> {
  return uploadBundle({
    client: ctx.fs,
    packed,
    dir: jobsDir(cluster.stagingDir),
    fsUri: ctx.fsUri,
    ...(ctx.transfers ? { transfers: ctx.transfers } : {}),
  });
}

export function sessionJobSubmitter(
  ctx: DeployContext,
  cluster: SessionCluster,
  packed: PackedBundle,
  onProgress?: (job: JobStatus) => void,
  names?: BundleNames,
): JobSubmitter {
  let bundle: Promise<BundleRef> | undefined;
  const submitter = new SessionSubmitter(cluster, amRecoveryTimeoutMs(ctx.conf), ctx.log);
  return {
    async submit(plan) {
      bundle ??= uploadJobBundle(ctx, cluster, packed);
      const submitting = bundle.then((uploaded) => submitter.submit({ ...plan, bundle: uploaded }));
      // A client that goes away cancels the job, also one whose submission is still under way (attached-exit.ts).
      const unregister = attachedWork.register(`job ${plan.name}`, cancelSessionJob(cluster, submitting));
      let jobId: string;
      try {
        jobId = await submitting;
      } catch (err) {
        unregister();
        throw err;
      }
      ctx.log(`submitted job ${jobId} (${plan.name}) to ${cluster.applicationId}`);
      return {
        id: jobId,
        applicationId: cluster.applicationId,
        result: () =>
          followJob(cluster, jobId, {
            recoveryTimeoutMs: submitter.recoveryTimeoutMs,
            log: ctx.log,
            ...(onProgress ? { onProgress } : {}),
            ...(names ? { names } : {}),
          }).finally(unregister),
      };
    },
  };
}

/** Submitting to a session whose AM may be replaced while it answers. */
export class SessionSubmitter {
  /** Learned from answers: does this AM keep the ids the client proposes? */
  private takesClientIds: boolean | undefined;

  constructor(
    private readonly cluster: FollowedCluster,
    readonly recoveryTimeoutMs: number,
    private readonly log: (line: string) => void = noLog,
  ) {}

  /** Resolves with the job's id once an AM (this attempt or the next) has it. */
  async submit(job: JobSubmission): Promise<string> {
    const id = randomBytes(16).toString('hex');
    try {
      return this.accepted(id, await this.cluster.dispatcher.submitJob(job, { id }));
    } catch (err) {
      if (!isConnectionLost(err)) throw err;
      const lost = err as Error;
      await followAm(this.cluster, {
        lost,
        jobId: id,
        thenWhat: `looking up job ${id} there`,
        timeoutMs: this.recoveryTimeoutMs,
        log: this.log,
      });
      try {
        return (await this.cluster.dispatcher.getJob(id)).id;
      } catch (lookup) {
        if (!(lookup instanceof DispatcherError) || lookup.status !== 404) throw lookup;
      }
      if (this.takesClientIds !== true) {
        throw new DispatcherError(
          `the submission of job ${job.name ?? job.exportName} to ${this.cluster.applicationId} got no answer (${lost.message}), and the ApplicationMaster ` +
            `has no job ${id}: it may have taken it under an id of its own (it does not keep client-chosen ids). See its jobs with loom list before submitting again`,
        );
      }
      // Not in the HA store, so it never started; the same id makes a second copy impossible.
      return this.accepted(id, await this.cluster.dispatcher.submitJob(job, { id }));
    }
  }

  private accepted(proposed: string, answered: string): string {
    this.takesClientIds = proposed === answered;
    return answered;
  }
}
