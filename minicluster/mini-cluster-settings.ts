// The mini cluster's YARN settings, kept as the yarn-site.xml values it writes and read back from
// them, so what a client reads in HADOOP_CONF_DIR is what the RM and NMs do.
//
// The NodeManagers check memory as Hadoop's do by default: physical (-104) and virtual (-103,
// yarn.nodemanager.vmem-check-enabled, vmem-pmem-ratio 2.1), so every container the tests start
// proves it would survive a stock cluster. Node.js reserves far more virtual memory than it uses
// (about 0.7 GiB idle: V8's code range alone is 512 MiB), so a container running node needs at
// least ~384 MiB; `-D yarn.nodemanager.vmem-check-enabled=false` turns the check off, as many real
// clusters do.
//
// The CapacityScheduler's settings go to capacity-scheduler.xml, as on a real cluster; given as
// yarn-site values (`-D` of `loom minicluster`) they are copied there too, since the
// CapacityScheduler reads both (capacity-scheduler.xml wins). What matters to the mini RM's single queue:
// `maximum-am-resource-percent` (the global key, or the queue's own
// `yarn.scheduler.capacity.root.default.maximum-am-resource-percent`, which wins) and the queue's
// `maximum-allocation-mb` / `-vcores`.
import { DEFAULT_ENV_WHITELIST } from './nodemanager/launch-script.js';
import type { MemoryMonitorOptions } from './nodemanager/memory-monitor.js';
import { DEFAULT_RM_CONFIG, type ResourceManagerConfig } from './resourcemanager/rm-config.js';
import type { SiteValues } from './mini-cluster-conf-dir.js';

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

/** capacity-scheduler.xml keys of the queue's maximum allocation. */
const QUEUE_MAX_KEYS = [
  ['queueMaximumAllocationMb', 'yarn.scheduler.capacity.root.default.maximum-allocation-mb'],
  ['queueMaximumAllocationVcores', 'yarn.scheduler.capacity.root.default.maximum-allocation-vcores'],
] as const;

export type RmConfigInput = Partial<Omit<ResourceManagerConfig, 'webAppAddress'>>;

export const AM_RESOURCE_PERCENT_KEY = 'yarn.scheduler.capacity.maximum-am-resource-percent';
export const QUEUE_AM_RESOURCE_PERCENT_KEY = 'yarn.scheduler.capacity.root.default.maximum-am-resource-percent';

export interface MiniClusterSettingsInput {
  nodeMemoryMb?: number;
  nodeVcores?: number;
  heartbeatMs?: number;
  rmConfig?: RmConfigInput;
  /** Extra or overriding yarn-site.xml values (they win over everything else). */
  yarnSite?: SiteValues;
  /** Extra or overriding capacity-scheduler.xml values (e.g. a higher AM resource percent). */
  capacityScheduler?: SiteValues;
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
  /** What capacity-scheduler.xml says. */
  capacityScheduler: SiteValues;
  rmConfig: RmConfigInput;
  node: NodeSettings;
}

function int(values: SiteValues, key: string): number {
  const v = Number(values[key]);
  if (!Number.isInteger(v)) throw new Error(`mini cluster setting ${key} must be an integer, got "${values[key]}"`);
  return v;
}

/** A fraction from 0 to 1, as the CapacityScheduler reads its percents (0.1 = 10 %). */
function fraction(values: Partial<SiteValues>, key: string): number {
  const v = Number(values[key]);
  if (values[key]?.trim() === '' || !Number.isFinite(v) || v < 0 || v > 1)
    throw new Error(`mini cluster setting ${key} must be a number from 0 to 1 (0.1 = 10 %), got "${values[key]}"`);
  return v;
}

function bool(values: SiteValues, key: string): boolean {
  const v = values[key].trim().toLowerCase();
  if (v !== 'true' && v !== 'false') throw new Error(`mini cluster setting ${key} must be true or false, got "${values[key]}"`);
  return v === 'true';
}

export function resolveSettings(input: MiniClusterSettingsInput): MiniClusterSettings {
  const rm = {
    ...DEFAULT_RM_CONFIG,
    ...(input.heartbeatMs !== undefined ? { nodeHeartbeatIntervalMs: input.heartbeatMs } : {}),
    ...input.rmConfig,
  };
  const values: SiteValues = {};
  for (const [field, key] of RM_KEYS) values[key] = String(rm[field]);
  Object.assign(values, {
    'yarn.nodemanager.resource.memory-mb': String(input.nodeMemoryMb ?? 8192),
    'yarn.nodemanager.resource.cpu-vcores': String(input.nodeVcores ?? 8),
    'yarn.nodemanager.vmem-check-enabled': 'true',
    'yarn.nodemanager.pmem-check-enabled': 'true',
    'yarn.nodemanager.vmem-pmem-ratio': '2.1',
    'yarn.nodemanager.container-monitor.interval-ms': '3000',
    'yarn.nodemanager.sleep-delay-before-sigkill.ms': '250',
    'yarn.nodemanager.env-whitelist': DEFAULT_ENV_WHITELIST.join(','),
    ...input.yarnSite,
  });
  const rmConfig: RmConfigInput = { ...input.rmConfig };
  for (const [field, key] of RM_KEYS) rmConfig[field] = int(values, key);
  // The stock capacity-scheduler.xml's single queue, which is what the mini RM schedules.
  const capacityScheduler: SiteValues = {
    'yarn.scheduler.capacity.root.queues': 'default',
    'yarn.scheduler.capacity.root.default.capacity': '100',
    'yarn.scheduler.capacity.root.default.maximum-capacity': '100',
    [AM_RESOURCE_PERCENT_KEY]: String(rm.maximumAmResourcePercent),
    ...Object.fromEntries(Object.entries(input.yarnSite ?? {}).filter(([key]) => key.startsWith('yarn.scheduler.capacity.'))),
    ...input.capacityScheduler,
  };
  // The queue's own maximum allocation (AbstractCSQueue.setupMaximumAllocation); unset, the cluster's.
  for (const [field, key] of QUEUE_MAX_KEYS) {
    if (key in capacityScheduler) rmConfig[field] = int(capacityScheduler, key);
  }
  rmConfig.maximumAmResourcePercent = fraction(
    capacityScheduler,
    QUEUE_AM_RESOURCE_PERCENT_KEY in capacityScheduler ? QUEUE_AM_RESOURCE_PERCENT_KEY : AM_RESOURCE_PERCENT_KEY,
  );
  return {
    yarnSite: values,
    capacityScheduler,
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
      envWhitelist: values['yarn.nodemanager.env-whitelist']
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    },
  };
}
