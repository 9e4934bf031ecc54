// Settings of the mini ResourceManager, named after the yarn-site.xml keys they mirror.
import { queueMaxAllocationAboveCluster, type WireResource } from './rm-diagnostics.js';

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
  /**
   * `yarn.scheduler.capacity.root.default.maximum-allocation-mb` / `-vcores` (capacity-scheduler.xml):
   * the queue's own maximum allocation, at most the cluster's; unset, the cluster's. Asks are
   * validated against it (CapacityScheduler.getMaximumResourceCapability(queue)), while
   * getNewApplication reports only the cluster's maximum, so a client cannot see it beforehand.
   */
  queueMaximumAllocationMb?: number;
  queueMaximumAllocationVcores?: number;
  /** `yarn.resourcemanager.am.max-attempts` (global cap on an app's maxAppAttempts). */
  amMaxAttempts: number;
  /** `yarn.am.liveness-monitor.expiry-interval-ms`. */
  amLivenessExpiryMs: number;
  /** `yarn.resourcemanager.nodemanagers.heartbeat-interval-ms`, told to NMs. */
  nodeHeartbeatIntervalMs: number;
  /** The only queue, as on a default CapacityScheduler. */
  queueName: string;
  /**
   * `yarn.scheduler.capacity.maximum-am-resource-percent` (capacity-scheduler.xml; the queue's own
   * `yarn.scheduler.capacity.root.default.maximum-am-resource-percent` wins): the share of the
   * queue's resources running ApplicationMasters may hold (0.1 = 10 %).
   */
  maximumAmResourcePercent: number;
  /** `yarn.log-aggregation-enable`: reports then say how the NodeManagers' aggregation goes (else LOG_DISABLED). */
  logAggregationEnabled: boolean;
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
  maximumAmResourcePercent: 0.1,
  logAggregationEnabled: false,
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
  const amPercent = cfg.maximumAmResourcePercent;
  if (typeof amPercent !== 'number' || !Number.isFinite(amPercent) || amPercent < 0 || amPercent > 1) {
    throw new Error(`ResourceManager setting maximumAmResourcePercent must be a number from 0 to 1 (0.1 = 10 %), got ${String(amPercent)}`);
  }
  for (const key of ['queueMaximumAllocationMb', 'queueMaximumAllocationVcores'] as const) {
    const v = cfg[key];
    if (v !== undefined && (!Number.isInteger(v) || v <= 0))
      throw new Error(`ResourceManager setting ${key} must be a positive integer or unset, got ${String(v)}`);
  }
  checkQueueMaximumAllocation(cfg, cfg.queueMaximumAllocationMb, cfg.queueMaximumAllocationVcores);
  if (cfg.minimumAllocationMb > cfg.maximumAllocationMb || cfg.minimumAllocationVcores > cfg.maximumAllocationVcores) {
    throw new Error('ResourceManager minimum allocation exceeds the maximum allocation; lower the minimum or raise the maximum');
  }
  return cfg;
}

/** The cluster's configured maximum allocation (yarn.scheduler.maximum-allocation-*). */
export function clusterMaximumAllocation(cfg: ResourceManagerConfig): WireResource {
  return { memory: cfg.maximumAllocationMb, virtual_cores: cfg.maximumAllocationVcores };
}

/** What the scheduler allows one container of the (only) queue: the queue's maximum, else the cluster's. */
export function queueMaximumAllocation(cfg: ResourceManagerConfig): WireResource {
  return {
    memory: cfg.queueMaximumAllocationMb ?? cfg.maximumAllocationMb,
    virtual_cores: cfg.queueMaximumAllocationVcores ?? cfg.maximumAllocationVcores,
  };
}

/** AbstractCSQueue.setupMaximumAllocation: a queue may not allow more than the cluster. */
export function checkQueueMaximumAllocation(cfg: ResourceManagerConfig, mb: number | undefined, vcores: number | undefined): void {
  const cluster = clusterMaximumAllocation(cfg);
  if ((mb !== undefined && mb > cluster.memory) || (vcores !== undefined && vcores > cluster.virtual_cores)) {
    const queueMax = { memory: mb ?? cluster.memory, virtual_cores: vcores ?? cluster.virtual_cores };
    throw new Error(queueMaxAllocationAboveCluster(`root.${cfg.queueName}`, queueMax, cluster));
  }
}
