/**
 * Deploys a per-job cluster: a cluster of its own for one job. The client uploads the job's
 * bundle to that application's staging dir and ships the job description (the JobSpec with the
 * bundle's HDFS facts, and the job id it chose) as the local resource `loom-job.json`; the AM runs
 * that job as soon as it serves and ends with it. Attached: returns once the REST API answers, so
 * the caller can follow the job; detached: once YARN accepted the application.
 */
import { OWNER_ONLY_FILE, writeFileWithMode } from '../../wire/security/local-file-modes.js';
import { join } from 'node:path';
import type { PackedBundle } from '../bundle/bundle-pack.js';
import type { JobPlan } from '../../program/job-request.js';
import { deployCluster, type ClusterDeployOptions, type DeployedCluster } from './cluster-deployer.js';
import type { DeployContext } from './deploy-context.js';
import { ProgramResourceNames, type PerJobDescription } from '../../contracts/program-contract.js';

export interface PerJobDeployOptions extends Pick<ClusterDeployOptions, 'shipFiles' | 'timeoutMs' | 'pollMs' | 'signal' | 'runtime'> {
  packed: PackedBundle;
  job: JobPlan;
  /** 32 hex digits, chosen by the client. */
  jobId: string;
  attached: boolean;
}

export async function deployPerJob(ctx: DeployContext, opts: PerJobDeployOptions): Promise<DeployedCluster> {
  return deployCluster(ctx, {
    ...opts,
    mode: 'per-job',
    defaultName: `Loom per-job: ${opts.job.name}`,
    waitFor: opts.attached ? 'rest' : 'submitted',
    stageModeFiles: async (staging) => {
      const { packed } = opts;
      // Fetched by the TaskExecutors from HDFS, like a session job's bundle: not a resource of the AM.
      const uploaded = await staging.stageFile(packed.localFile, packed.uploadName, 'FILE', 'APPLICATION');
      const description: PerJobDescription = {
        jobId: opts.jobId,
        job: {
          ...opts.job,
          bundle: { ...packed.description, url: uploaded.uri, size: uploaded.size, modificationTime: uploaded.timestamp },
        },
        attached: opts.attached,
      };
      const file = join(staging.localDir, ProgramResourceNames.job);
      await writeFileWithMode(file, JSON.stringify(description), OWNER_ONLY_FILE); // the job's arguments
      return { resources: { [ProgramResourceNames.job]: await staging.stageFile(file, ProgramResourceNames.job, 'FILE', 'APPLICATION') } };
    },
  });
}
