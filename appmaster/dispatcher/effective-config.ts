/**
 * The configuration the AM runs with, as GET /jobmanager/config shows it (Flink's route): every
 * effective Loom option (defaults included) and the Hadoop keys the AM reads, with secrets
 * redacted. A key whose name says it holds a secret (secret, password, token, keytab, credential,
 * the way Hadoop's ConfigRedactor and Flink's GlobalConfiguration.isSensitive decide) shows
 * `******`, and so does any value that contains the cluster secret, whatever its key.
 */
import type { ConfigEntryJson } from '../../client/contracts/dispatcher-rest-types.js';
import type { Configuration } from '../../client/conf/configuration.js';
import type { LoomConfig } from '../../client/conf/loom-config.js';

export const REDACTED_VALUE = '******';

const SENSITIVE_KEY = /secret|password|token|keytab|credential/i;

/** Hadoop keys the AM (and the TaskExecutors it starts) read, shown even when they hold their defaults. */
export const HADOOP_KEYS_SHOWN = [
  'fs.defaultFS',
  'hadoop.security.authentication',
  'hadoop.rpc.protection',
  'yarn.resourcemanager.address',
  'yarn.resourcemanager.scheduler.address',
  'yarn.resourcemanager.webapp.address',
  'yarn.resourcemanager.ha.enabled',
  'yarn.resourcemanager.ha.rm-ids',
  'yarn.resourcemanager.am.max-attempts',
  'yarn.web-proxy.address',
  'yarn.http.policy',
  'yarn.log-aggregation-enable',
  'yarn.nodemanager.remote-app-log-dir',
  'yarn.nodemanager.remote-app-log-dir-suffix',
  'yarn.log-aggregation.file-formats',
  'yarn.scheduler.minimum-allocation-mb',
  'yarn.scheduler.maximum-allocation-mb',
  'yarn.am.liveness-monitor.expiry-interval-ms',
  'dfs.replication',
  'dfs.blocksize',
  'dfs.client.use.datanode.hostname',
];

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key);
}

/** The entries with secrets replaced by REDACTED_VALUE (see the file comment). */
export function redactConfig(entries: ConfigEntryJson[], clusterSecret: string): ConfigEntryJson[] {
  return entries.map((e) =>
    isSensitiveKey(e.key) || (clusterSecret !== '' && e.value.includes(clusterSecret)) ? { ...e, value: REDACTED_VALUE } : e,
  );
}

/**
 * Loom's effective options (defaults included), then Hadoop's: the keys the site files set (not
 * those only in *-default.xml) and HADOOP_KEYS_SHOWN. Not redacted: pass the result to redactConfig.
 */
export function effectiveConfigEntries(loom: LoomConfig, hadoop: Configuration): ConfigEntryJson[] {
  const out: ConfigEntryJson[] = [];
  for (const [key, value] of Object.entries(loom.toRecord({ includeDefaults: true })))
    out.push({ key, value, source: 'loom', origin: loom.sourceOf(key) ?? 'default' });
  const hadoopKeys = new Set(HADOOP_KEYS_SHOWN);
  for (const key of hadoop.keys()) if (!(hadoop.sourceOf(key) ?? '').endsWith('-default.xml')) hadoopKeys.add(key);
  for (const key of [...hadoopKeys].sort()) {
    const value = hadoop.getRaw(key);
    if (value === undefined) continue;
    out.push({ key, value, source: 'hadoop', origin: hadoop.sourceOf(key) ?? 'default' });
  }
  return out;
}
