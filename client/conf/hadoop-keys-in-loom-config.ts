import { classifyKey } from './config-key-check.js';
import type { Configuration } from './configuration.js';
import type { LoomConfig } from './loom-config.js';

/**
 * Hadoop keys written in loom.yaml or given with -D (yarn.resourcemanager.connect.max-wait.ms,
 * dfs.*, Flink's flink.hadoop.<key>, ...) set the client's Hadoop configuration over the site
 * files, as `-D` does for Hadoop's own tools (GenericOptionsParser). A key final in a site file
 * keeps its value; Configuration records the warning. Returns how many were applied.
 */
export function applyHadoopKeys(loomConf: LoomConfig, hadoopConf: Configuration): number {
  let applied = 0;
  for (const key of loomConf.keys()) {
    const kind = classifyKey(key);
    const value = loomConf.getString(key);
    if (kind.kind !== 'hadoop' || value === undefined) continue;
    hadoopConf.set(kind.hadoopKey, value, loomConf.sourceOf(key) ?? 'loom configuration');
    applied++;
  }
  return applied;
}
