/**
 * `loom/hdfs`: the WebHDFS client alone (NameNode HA failover, Hadoop's retry policy, streaming
 * reads and writes), built from Hadoop's configuration or from endpoints, and its errors under
 * the Java exception names they stand for.
 */
export { WebHdfsClient, type WebHdfsClientOptions, type CreateOptions, type AppendOptions } from './webhdfs-client.js';
export { webHdfsClientFromConf, type WebHdfsClientFromConfOptions } from './webhdfs-client-from-conf.js';
export type { HdfsContentSummary, HdfsFileStatus } from './webhdfs-json.js';
export {
  AccessControlError,
  FileAlreadyExistsError,
  FileNotFoundError,
  WebHdfsConnectionError,
  WebHdfsRemoteError,
} from './webhdfs-errors.js';
export { Configuration } from '../../conf/configuration.js';
