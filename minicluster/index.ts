/**
 * `loom/minicluster`: the embedded ResourceManager, NodeManagers and WebHDFS for your own tests.
 * Its `confDir` is the HADOOP_CONF_DIR to give clients; stop() kills its containers.
 */
export { startMiniCluster, type MiniCluster, type MiniClusterOptions } from './mini-cluster.js';
