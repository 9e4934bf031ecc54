/**
 * `loom/yarn`: the ResourceManager client alone (ApplicationClientProtocol over Hadoop IPC, with
 * ResourceManager failover), and Configuration to build it from HADOOP_CONF_DIR.
 */
export { YarnClient, type ApplicationFilter, type YarnClientOptions } from './yarn-client.js';
export type {
  ApplicationReport,
  ClusterMetrics,
  FinalApplicationStatus,
  NodeReport,
  NodeState,
  QueueInfo,
  YarnApplicationState,
} from './cluster-reports.js';
export { YarnClientError } from './yarn-client-errors.js';
export { Configuration } from '../../conf/configuration.js';
