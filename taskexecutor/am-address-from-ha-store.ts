/**
 * Where the AM serves now: the newest AM address record in the HA store (LOOM_HA_STORE). A new
 * AM attempt serves on another port, often on another node; a TaskExecutor that lost its AM asks
 * here before reconnecting, with the application's user, as its other WebHDFS calls.
 */
import type { HostPort } from '../client/conf/hadoop-address.js';
import { gatewayHostPort, readCurrentAmAddress } from '../client/contracts/ha-store-layout.js';
import { parseHdfsPath } from '../client/hadoop/hdfs/hdfs-path.js';
import type { WebHdfsClient } from '../client/hadoop/hdfs/webhdfs-client.js';

export function amLocator(storeUrl: string, clientFor: (url: string) => WebHdfsClient): () => Promise<HostPort | undefined> {
  const path = parseHdfsPath(storeUrl).path;
  return async () => {
    const record = await readCurrentAmAddress(clientFor(storeUrl), path);
    return record ? gatewayHostPort(record) : undefined;
  };
}
