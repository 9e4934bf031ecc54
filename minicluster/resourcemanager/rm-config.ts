// Settings of the mini ResourceManager, named after the yarn-site.xml keys they mirror.

export interface ResourceManagerConfig {
  /** RM start time; also the cluster timestamp in every id (Hadoop uses the RM start time). */
  clusterTimestamp: number;
  /** `yarn.resourcemanager.webapp.address` as clients see it in tracking URLs. */
  webAppAddress: string;
  /** `yarn.scheduler.minimum-allocation-mb` / `-vcores`: asks are rounded up to multiples of these. */
  minimumAllocationMb: number;
  minimumAllocationVcores: number;
  /** `yarn.scheduler.maximum-allocation-mb` / `-vcores`: asks above are refused. */
  maximumAllocationMb: number;
  maximumAllocationVcores: number;
  /** `yarn.resourcemanager.am.max-attempts` (global cap on an app's maxAppAttempts). */
  amMaxAttempts: number;
  /** `yarn.am.liveness-monitor.expiry-interval-ms`. */
  amLivenessExpiryMs: number;
  /** `yarn.resourcemanager.nodemanagers.heartbeat-interval-ms`, told to NMs. */
  nodeHeartbeatIntervalMs: number;
  /** The only queue, as on a default CapacityScheduler. */
  queueName: string;
  /** Clock, injectable so tests need no sleeping. */
  now: () => number;
}

export const DEFAULT_RM_CONFIG: Omit<ResourceManagerConfig, 'clusterTimestamp'> = {
  webAppAddress: 'localhost:8088',
  minimumAllocationMb: 1024,
  minimumAllocationVcores: 1,
  maximumAllocationMb: 8192,
  maximumAllocationVcores: 4,
  amMaxAttempts: 2,
  amLivenessExpiryMs: 600_000,
  nodeHeartbeatIntervalMs: 1000,
  queueName: 'default',
  now: () => Date.now(),
};

export function resolveRmConfig(partial: Partial<ResourceManagerConfig> = {}): ResourceManagerConfig {
  const now = partial.now ?? DEFAULT_RM_CONFIG.now;
  const cfg: ResourceManagerConfig = { ...DEFAULT_RM_CONFIG, clusterTimestamp: now(), ...partial, now };
  const positive: (keyof ResourceManagerConfig)[] = [
    'minimumAllocationMb',
    'minimumAllocationVcores',
    'maximumAllocationMb',
    'maximumAllocationVcores',
    'amMaxAttempts',
    'amLivenessExpiryMs',
    'nodeHeartbeatIntervalMs',
  ];
  for (const key of positive) {
    const v = cfg[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
      throw new Error(`ResourceManager setting ${key} must be a positive integer, got ${String(v)}`);
    }
  }
  if (cfg.minimumAllocationMb > cfg.maximumAllocationMb || cfg.minimumAllocationVcores > cfg.maximumAllocationVcores) {
    throw new Error('ResourceManager minimum allocation exceeds the maximum allocation; lower the minimum or raise the maximum');
  }
  return cfg;
}
