// yarn.log-aggregation-enable in the mini cluster's yarn-site: when true, its NodeManagers upload
// ended applications' logs to its HDFS (nodemanager/app-log-aggregator.ts) where YARN's
// yarn.nodemanager.remote-app-log-dir and suffix settings say, compressed as
// yarn.nodemanager.log-aggregation.compression-type says (none, the default, or gz).
import { WebHdfsClient } from '../client/hadoop/hdfs/webhdfs-client.js';
import { remoteAppLogDirSettings } from '../client/hadoop/aggregated-logs/remote-app-log-dir.js';
import { isTFileCompression } from '../client/hadoop/aggregated-logs/tfile/tfile-compression.js';
import type { LogAggregationSettings } from './nodemanager/app-log-aggregator.js';

export function logAggregationSettings(
  yarnSite: Readonly<Partial<Record<string, string>>>,
  nameNodePort: number,
  nodeManagerUser: string,
): LogAggregationSettings | undefined {
  const get = (name: string) => yarnSite[name]?.trim();
  if (get('yarn.log-aggregation-enable')?.toLowerCase() !== 'true') return undefined;
  const compression = get('yarn.nodemanager.log-aggregation.compression-type') ?? 'none';
  if (!isTFileCompression(compression))
    throw new Error(`yarn.nodemanager.log-aggregation.compression-type is "${compression}"; the mini cluster writes none or gz`);
  return {
    remote: remoteAppLogDirSettings({ getTrimmed: get }),
    compression,
    nodeManagerUser,
    fileSystemAs: (user) => new WebHdfsClient({ endpoints: [{ scheme: 'http', host: '127.0.0.1', port: nameNodePort }], user }),
  };
}
