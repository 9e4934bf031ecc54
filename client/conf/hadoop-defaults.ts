/**
 * Hadoop 3.3.6's default values (core-default.xml, hdfs-default.xml, yarn-default.xml) for the keys
 * Loom reads. Values are kept exactly as Hadoop ships them, `${...}` references included, so that
 * a site file overriding `yarn.resourcemanager.hostname` moves every RM address as it does in Hadoop.
 *
 * Keys Hadoop documents without a value (commented out in the default files) are absent here on
 * purpose, so `get()` returns undefined as Hadoop's does:
 * - yarn.resourcemanager.ha.rm-ids (required once HA is enabled)
 * - yarn.client.failover-max-attempts: when unset, derived from connect.max-wait.ms / retry-interval.ms
 * - yarn.client.failover-sleep-base-ms / -max-ms: when unset, derived from connect.retry-interval.ms
 * - dfs.ha.namenodes.<nameservice>
 */

export type DefaultsFile = 'core-default.xml' | 'hdfs-default.xml' | 'yarn-default.xml';

export const CORE_DEFAULTS: Readonly<Record<string, string>> = {
  'fs.defaultFS': 'file:///',
  'hadoop.tmp.dir': '/tmp/hadoop-${user.name}',
  'hadoop.security.authentication': 'simple',
  'hadoop.rpc.protection': 'authentication',
  'hadoop.http.staticuser.user': 'dr.who',
  'ipc.client.connect.timeout': '20000',
  'ipc.client.connect.max.retries': '10',
  'ipc.client.connect.retry.interval': '1000',
  'ipc.client.connect.max.retries.on.timeouts': '45',
  'ipc.client.ping': 'true',
  'ipc.ping.interval': '60000',
  // HADOOP-17552 (3.3.1) changed this from 0 to two minutes.
  'ipc.client.rpc-timeout.ms': '120000',
  'ipc.client.connection.maxidletime': '10000',
  'ipc.maximum.data.length': '134217728',
  'ipc.maximum.response.length': '134217728',
};

export const HDFS_DEFAULTS: Readonly<Record<string, string>> = {
  'dfs.namenode.http-address': '0.0.0.0:9870',
  'dfs.namenode.https-address': '0.0.0.0:9871',
  'dfs.http.policy': 'HTTP_ONLY',
  'dfs.webhdfs.enabled': 'true',
  'dfs.nameservices': '',
  'dfs.client.failover.max.attempts': '15',
  'dfs.client.failover.sleep.base.millis': '500',
  'dfs.client.failover.sleep.max.millis': '15000',
  // The WebHDFS client's own failover and socket settings.
  'dfs.http.client.failover.max.attempts': '15',
  'dfs.http.client.failover.sleep.base.millis': '500',
  'dfs.http.client.failover.sleep.max.millis': '15000',
  'dfs.webhdfs.socket.connect-timeout': '60s',
  'dfs.webhdfs.socket.read-timeout': '60s',
  'dfs.replication': '3',
  'dfs.blocksize': '134217728',
  'dfs.permissions.superusergroup': 'supergroup',
  'dfs.webhdfs.user.provider.user.pattern': '^[A-Za-z_][A-Za-z0-9._-]*[$]?$',
};

export const YARN_DEFAULTS: Readonly<Record<string, string>> = {
  'yarn.resourcemanager.hostname': '0.0.0.0',
  'yarn.resourcemanager.address': '${yarn.resourcemanager.hostname}:8032',
  'yarn.resourcemanager.scheduler.address': '${yarn.resourcemanager.hostname}:8030',
  'yarn.resourcemanager.webapp.address': '${yarn.resourcemanager.hostname}:8088',
  'yarn.resourcemanager.webapp.https.address': '${yarn.resourcemanager.hostname}:8090',
  'yarn.resourcemanager.admin.address': '${yarn.resourcemanager.hostname}:8033',
  'yarn.resourcemanager.resource-tracker.address': '${yarn.resourcemanager.hostname}:8031',
  'yarn.resourcemanager.ha.enabled': 'false',
  'yarn.resourcemanager.connect.max-wait.ms': '900000',
  'yarn.resourcemanager.connect.retry-interval.ms': '30000',
  'yarn.resourcemanager.am.max-attempts': '2',
  'yarn.am.liveness-monitor.expiry-interval-ms': '600000',
  'yarn.scheduler.minimum-allocation-mb': '1024',
  'yarn.scheduler.maximum-allocation-mb': '8192',
  'yarn.scheduler.minimum-allocation-vcores': '1',
  'yarn.scheduler.maximum-allocation-vcores': '4',
  // -1: 8192 MB / 8 vcores unless hardware detection is on.
  'yarn.nodemanager.resource.memory-mb': '-1',
  'yarn.nodemanager.resource.cpu-vcores': '-1',
  'yarn.nodemanager.hostname': '0.0.0.0',
  'yarn.nodemanager.address': '${yarn.nodemanager.hostname}:0',
  'yarn.nodemanager.webapp.address': '${yarn.nodemanager.hostname}:8042',
  'yarn.nodemanager.local-dirs': '${hadoop.tmp.dir}/nm-local-dir',
  'yarn.nodemanager.log-dirs': '${yarn.log.dir}/userlogs',
  'yarn.nodemanager.env-whitelist':
    'JAVA_HOME,HADOOP_COMMON_HOME,HADOOP_HDFS_HOME,HADOOP_CONF_DIR,CLASSPATH_PREPEND_DISTCACHE,HADOOP_YARN_HOME,HADOOP_HOME,PATH,LANG,TZ',
  'yarn.nodemanager.delete.debug-delay-sec': '0',
  'yarn.nodemanager.vmem-check-enabled': 'true',
  'yarn.nodemanager.pmem-check-enabled': 'true',
  'yarn.nodemanager.vmem-pmem-ratio': '2.1',
  'yarn.nodemanager.sleep-delay-before-sigkill.ms': '250',
  'yarn.http.policy': 'HTTP_ONLY',
  'yarn.web-proxy.address': '',
  // 0: Hadoop's AM opens a fresh NM connection per call.
  'yarn.client.max-cached-nodemanagers-proxies': '0',
};

export const HADOOP_DEFAULTS: readonly { file: DefaultsFile; values: Readonly<Record<string, string>> }[] = [
  { file: 'core-default.xml', values: CORE_DEFAULTS },
  { file: 'hdfs-default.xml', values: HDFS_DEFAULTS },
  { file: 'yarn-default.xml', values: YARN_DEFAULTS },
];

/** The site files Hadoop clients read from a configuration directory, in load order. */
export const SITE_FILES = ['core-site.xml', 'hdfs-site.xml', 'yarn-site.xml'] as const;

/** Old key names still found in site files, mapped to the current key (Hadoop's deprecation table, the part we read). */
export const DEPRECATED_KEYS: Readonly<Record<string, string>> = {
  'fs.default.name': 'fs.defaultFS',
  'dfs.http.address': 'dfs.namenode.http-address',
  'dfs.https.address': 'dfs.namenode.https-address',
  'dfs.block.size': 'dfs.blocksize',
  'dfs.permissions.supergroup': 'dfs.permissions.superusergroup',
};
