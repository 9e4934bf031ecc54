// Whether the mini cluster's WebHDFS takes as long as a real NameNode + DataNode (hdfs-latency.ts):
// `real` (the default: the mini cluster must not be faster than HDFS where speed hides a race),
// `none` for unit-speed runs, or a number that scales the real delays (0.5 = half as long).
// Chosen by the startMiniCluster option, else by LOOM_MINICLUSTER_HDFS_LATENCY, else `real`.
import { HdfsLatency } from './webhdfs/hdfs-latency.js';

export type HdfsLatencySetting = 'real' | 'none' | number;

export const HDFS_LATENCY_ENV = 'LOOM_MINICLUSTER_HDFS_LATENCY';

/** Reads `real`, `none` or a scale >= 0 (from a CLI flag or the environment, named by `source` in errors). */
export function parseHdfsLatencySetting(text: string, source: string): HdfsLatencySetting {
  const value = text.trim().toLowerCase();
  if (value === 'real' || value === 'none') return value;
  const scale = Number(value);
  if (value === '' || !Number.isFinite(scale) || scale < 0) {
    throw new Error(`${source} must be real, none or a scale >= 0 (e.g. 0.5), got "${text}"`);
  }
  return scale;
}

/** The option if given, else the environment's setting, else `real`. */
export function chooseHdfsLatency(option: HdfsLatencySetting | undefined, env: NodeJS.ProcessEnv = process.env): HdfsLatencySetting {
  if (option !== undefined) return option;
  const fromEnv = env[HDFS_LATENCY_ENV];
  return fromEnv === undefined || fromEnv.trim() === '' ? 'real' : parseHdfsLatencySetting(fromEnv, HDFS_LATENCY_ENV);
}

export function hdfsLatencyOf(setting: HdfsLatencySetting, seed?: number): HdfsLatency {
  if (setting === 'none' || setting === 0) return HdfsLatency.NONE;
  return new HdfsLatency({ scale: setting === 'real' ? 1 : setting, seed });
}
