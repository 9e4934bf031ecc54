// The mini cluster's YARN settings, kept as the yarn-site.xml values it writes and read back from
// them, so what a client reads in HADOOP_CONF_DIR is what the RM and NMs do.
//
// yarn.nodemanager.vmem-check-enabled is false here although Hadoop's default is true: Node.js
// (like the JVM) reserves far more virtual memory than it uses (V8 reserves its heap cage up
// front), so a 128 MB container running `node` is over 2.1 x 128 MB of *virtual* memory before it
// does anything and would be killed with -103. Many real clusters turn the check off for the same
// reason. The physical memory check (-104) stays on.
import { DEFAULT_ENV_WHITELIST } from './nodemanager/launch-script.js';
import type { MemoryMonitorOptions } from './nodemanager/memory-monitor.js';
import { DEFAULT_RM_CONFIG, type ResourceManagerConfig } from './resourcemanager/rm-config.js';
import type { SiteValues } from './hadoop-conf-dir.js';

/** Core settings that have a yarn-site.xml key. */
const RM_KEYS = [
  ['minimumAllocationMb', 'yarn.scheduler.minimum-allocation-mb'],
  ['minimumAllocationVcores', 'yarn.scheduler.minimum-allocation-vcores'],
  ['maximumAllocationMb', 'yarn.scheduler.maximum-allocation-mb'],
  ['maximumAllocationVcores', 'yarn.scheduler.maximum-allocation-vcores'],
  ['amMaxAttempts', 'yarn.resourcemanager.am.max-attempts'],
  ['amLivenessExpiryMs', 'yarn.am.liveness-monitor.expiry-interval-ms'],
  ['nodeHeartbeatIntervalMs', 'yarn.resourcemanager.nodemanagers.heartbeat-interval-ms'],
] as const;

export type RmConfigInput = Partial<Omit<ResourceManagerConfig, 'webAppAddress'>>;

export interface MiniClusterSettingsInput {
  nodeMemoryMb?: number;
  nodeVcores?: number;
  heartbeatMs?: number;
  rmConfig?: RmConfigInput;
  /** Extra or overriding yarn-site.xml values (they win over everything else). */
  yarnSite?: SiteValues;
}

export interface NodeSettings {
  memoryMb: number;
  vcores: number;
  monitor: MemoryMonitorOptions;
  sigkillDelayMs: number;
  envWhitelist: string[];
}

export interface MiniClusterSettings {
  /** What yarn-site.xml says beyond the addresses. */
  yarnSite: SiteValues;
  rmConfig: RmConfigInput;
  node: NodeSettings;
}

function int(values: SiteValues, key: string): number {
  const v = Number(values[key]);
  if (!Number.isInteger(v)) throw new Error(`mini cluster setting ${key} must be an integer, got "${values[key]}"`);
  return v;
}

function bool(values: SiteValues, key: string): boolean {
  const v = values[key]!.trim().toLowerCase();
  if (v !== 'true' && v !== 'false') throw new Error(`mini cluster setting ${key} must be true or false, got "${values[key]}"`);
  return v === 'true';
}

export function resolveSettings(input: MiniClusterSettingsInput): MiniClusterSettings {
  const rm = { ...DEFAULT_RM_CONFIG, ...(input.heartbeatMs !== undefined ? { nodeHeartbeatIntervalMs: input.heartbeatMs } : {}), ...input.rmConfig };
  const values: SiteValues = {};
  for (const [field, key] of RM_KEYS) values[key] = String(rm[field]);
  Object.assign(values, {
    'yarn.nodemanager.resource.memory-mb': String(input.nodeMemoryMb ?? 8192),
    'yarn.nodemanager.resource.cpu-vcores': String(input.nodeVcores ?? 8),
    'yarn.nodemanager.vmem-check-enabled': 'false',
    'yarn.nodemanager.pmem-check-enabled': 'true',
    'yarn.nodemanager.vmem-pmem-ratio': '2.1',
    'yarn.nodemanager.container-monitor.interval-ms': '3000',
    'yarn.nodemanager.sleep-delay-before-sigkill.ms': '250',
    'yarn.nodemanager.env-whitelist': DEFAULT_ENV_WHITELIST.join(','),
    ...input.yarnSite,
  });
  const rmConfig: RmConfigInput = { ...input.rmConfig };
  for (const [field, key] of RM_KEYS) rmConfig[field] = int(values, key);
  return {
    yarnSite: values,
    rmConfig,
    node: {
      memoryMb: int(values, 'yarn.nodemanager.resource.memory-mb'),
      vcores: int(values, 'yarn.nodemanager.resource.cpu-vcores'),
      monitor: {
        intervalMs: int(values, 'yarn.nodemanager.container-monitor.interval-ms'),
        pmemCheckEnabled: bool(values, 'yarn.nodemanager.pmem-check-enabled'),
        vmemCheckEnabled: bool(values, 'yarn.nodemanager.vmem-check-enabled'),
        vmemPmemRatio: Number(values['yarn.nodemanager.vmem-pmem-ratio']),
      },
      sigkillDelayMs: int(values, 'yarn.nodemanager.sleep-delay-before-sigkill.ms'),
      envWhitelist: values['yarn.nodemanager.env-whitelist']!.split(',').map((s) => s.trim()).filter(Boolean),
    },
  };
}
