/**
 * Start-up phase 5: the AM registers with the ResourceManager, advertising its REST address as
 * the tracking URL (YARN's web proxy forwards the application's link there). From here on the AM
 * serves, so the client lease's clock starts.
 */
import type { RegisterResult } from '../../client/hadoop/yarn/amrm-client.js';
import { hostForUrl, type AmProcess } from './am-process.js';
import type { AmServers } from './am-servers.js';
import type { ClusterJobs } from './cluster-jobs.js';
import type { ClusterSetup } from './cluster-setup.js';
import type { YarnConnection } from './yarn-connection.js';

export async function registerWithResourceManager(
  proc: AmProcess,
  yarn: YarnConnection,
  setup: ClusterSetup,
  servers: AmServers,
  cluster: ClusterJobs,
): Promise<RegisterResult> {
  const { advertisedHost } = setup.listen;
  const restPort = servers.dispatcher.address().port;
  const trackingUrl = `${servers.restScheme}://${hostForUrl(advertisedHost)}:${restPort}/`;
  const registration = await yarn.amrm.register(advertisedHost, restPort, trackingUrl);
  cluster.lease?.start();
  proc.log(`registered with the ResourceManager: REST and dashboard at ${trackingUrl}, TaskExecutor gateway at ${servers.gatewayAddress}`);
  return registration;
}
