/**
 * Whose a configuration key is, by its name: the data the key check (config-key-check.ts) uses.
 *
 * - Loom's keys are the ones loom-config-options.ts declares (its own loom.* keys and the Flink
 *   keys it supports).
 * - Flink keys Loom does not read: Flink's own namespaces, and Flink's yarn.* / fs.* options by
 *   name, since Hadoop owns the rest of yarn.* and fs.* (Flink's YarnConfigOptions,
 *   CoreOptions).
 * - Hadoop's keys: the prefixes of every key in Hadoop 3.3.6's core-, hdfs-, yarn- and
 *   mapred-default.xml. Flink's `flink.hadoop.<key>` and `flink.yarn.<key>` (HadoopUtils,
 *   Utils.getYarnConfiguration) name Hadoop keys too.
 */

/** Flink's options under yarn.* that Loom does not read (the rest of yarn.* is Hadoop's). */
export const FLINK_YARN_KEYS: ReadonlySet<string> = new Set([
  'yarn.appmaster.rpc.address',
  'yarn.appmaster.rpc.port',
  'yarn.application-master.port',
  'yarn.application.type',
  'yarn.application.node-label',
  'yarn.taskmanager.node-label',
  'yarn.classpath.include-user-jar',
  'yarn.per-job-cluster.include-user-jar',
  'yarn.container-start-command-template',
  'yarn.file-replication',
  'yarn.flink-dist-jar',
  'yarn.ship-archives',
  'yarn.ship-directories',
  'yarn.provided.usrlib.dir',
  'yarn.heartbeat-delay',
  'yarn.security.kerberos.ship-local-keytab',
  'yarn.security.kerberos.localized-keytab-path',
  'yarn.security.kerberos.additionalFileSystems',
  'yarn.security.appmaster.delegation.token.services',
  'yarn.view.acls',
  'yarn.modify.acls',
]);

/** Flink's options under fs.* (the rest of fs.* is Hadoop's). */
export const FLINK_FS_KEYS: ReadonlySet<string> = new Set([
  'fs.default-scheme',
  'fs.allowed-fallback-filesystems',
  'fs.overwrite-files',
  'fs.output.always-create-directory',
]);

/** Single Flink keys outside the namespaces below. */
export const FLINK_SINGLE_KEYS: ReadonlySet<string> = new Set(['io.tmp.dirs', 'scheduler-mode']);

/** Namespaces only Flink uses: a key under one that Loom does not read is a Flink option Loom does not support. */
export const FLINK_PREFIXES: readonly string[] = [
  'jobmanager.',
  'taskmanager.',
  'state.',
  'execution.',
  'pipeline.',
  'parallelism.',
  'restart-strategy.',
  'high-availability.',
  'akka.',
  'pekko.',
  'metrics.',
  'web.',
  'rest.',
  'blob.',
  'heartbeat.',
  'cluster.',
  'slot.',
  'slotmanager.',
  'resourcemanager.',
  'table.',
  'sql-client.',
  'python.',
  'kubernetes.',
  'classloader.',
  'env.',
  'client.',
  'historyserver.',
  'queryable-state.',
  'jobstore.',
  'checkpointing.',
  'security.',
  'taskexecutor.',
  '$internal.',
];

/** The first segment of every key in Hadoop 3.3.6's *-default.xml files (and hdfs. for HttpFS/Router keys). */
export const HADOOP_PREFIXES: readonly string[] = [
  'yarn.',
  'dfs.',
  'fs.',
  'hadoop.',
  'ipc.',
  'mapreduce.',
  'mapred.',
  'map.',
  'io.',
  'ha.',
  'net.',
  'nfs.',
  'ssl.',
  'ftp.',
  'file.',
  'tfile.',
  'rpc.',
  'adl.',
  'seq.',
  'httpfs.',
  'datanode.',
  'hdfs.',
];

/** Flink's way of naming a Hadoop key in its own configuration: the prefix and what replaces it. */
export const FLINK_HADOOP_PASSTHROUGH: readonly { prefix: string; replacement: string }[] = [
  { prefix: 'flink.hadoop.', replacement: '' },
  { prefix: 'flink.yarn.', replacement: 'yarn.' },
];
