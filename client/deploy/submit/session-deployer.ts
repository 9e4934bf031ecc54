/**
 * Deploys a Loom session cluster on YARN with the shared deploy step (runtime, configuration,
 * secret, ship files; submit; wait until the AM registered and its REST endpoint answers), and
 * records the session and its secret in the properties file for later `loom run`s. A failed
 * deployment leaves nothing behind (see deployCluster).
 */
import { deployCluster, DeploymentError, type ClusterDeployOptions } from './cluster-deployer.js';
import type { DeployContext } from './deploy-context.js';
import { writeSessionProperties } from './properties-file.js';
import { SessionCluster } from '../running/session-cluster.js';
import { DEFAULT_SESSION_NAME } from './submission-context.js';

export { DeploymentError };

export type DeploySessionOptions = Pick<ClusterDeployOptions, 'shipFiles' | 'timeoutMs' | 'pollMs' | 'signal' | 'runtime'>;

export async function deploySession(ctx: DeployContext, opts: DeploySessionOptions = {}): Promise<SessionCluster> {
  const deployed = await deployCluster(ctx, { ...opts, mode: 'session', defaultName: DEFAULT_SESSION_NAME, waitFor: 'rest' });
  const { applicationId, secret, certificate, report, stagingDir, timings } = deployed;
  const cluster = new SessionCluster(ctx, { applicationId, secret, certificate, report, stagingDir });
  const { amRegistered, restReady } = timings;
  if (amRegistered === undefined || restReady === undefined)
    throw new Error(`the deployment of ${applicationId} did not wait for its REST API`);
  cluster.timings = { ...timings, amRegistered, restReady };
  await writeSessionProperties(ctx.propertiesFile(), { applicationId, secret });
  return cluster;
}
