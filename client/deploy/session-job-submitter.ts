/**
 * Session mode for a program whose main() runs in the client: its jobs go to the running session
 * (POST /jobs), the bundle uploaded once to the session's staging dir, and each job is followed
 * over REST when the program asks for its result.
 */
import type { PackedBundle } from '../bundle/bundle-pack.js';
import type { UploadedBundleRef } from '../bundle/bundle-ref.js';
import { uploadBundle } from '../bundle/bundle-upload.js';
import type { JobSubmitter } from '../program/program-context.js';
import type { DeployContext } from './deploy-context.js';
import type { JobDetails } from './dispatcher-client.js';
import { followJob } from './job-follow.js';
import type { SessionCluster } from './session-cluster.js';
import { jobsDir } from './staging-dir.js';

export function sessionJobSubmitter(ctx: DeployContext, cluster: SessionCluster, packed: PackedBundle, onProgress?: (job: JobDetails) => void): JobSubmitter {
  let bundle: Promise<UploadedBundleRef> | undefined;
  return {
    async submit(plan) {
      bundle ??= uploadBundle({ client: ctx.fs, packed, dir: jobsDir(cluster.stagingDir), fsUri: ctx.fsUri });
      const jobId = await cluster.dispatcher.submitJob({ ...plan, bundle: await bundle });
      ctx.log(`submitted job ${jobId} (${plan.name}) to ${cluster.applicationId}`);
      return { id: jobId, applicationId: cluster.applicationId, result: () => followJob(cluster, jobId, onProgress) };
    },
  };
}
