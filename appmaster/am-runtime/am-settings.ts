import { LoomOptions, type LoomConfig } from '../../client/conf/loom-config.js';
import { containerSizes } from '../../client/conf/container-sizes.js';
import type { HeartbeatPacing } from '../resourcemanager-bridge/heartbeat-pacing.js';

/** What the AM's bridge and TaskExecutors need from the cluster's loom-conf.yaml (the dispatcher reads its own: dispatcherSettings). */
export interface AmSettings {
  taskExecutor: {
    memoryMb: number;
    /** yarn.containers.vcores, or one per slot when it is -1 (the default). */
    vcores: number;
    slots: number;
    /** The TaskExecutor exits when it has not reached the AM for this long. */
    amTimeoutMs: number;
    idleTimeoutMs: number;
  };
  nodePath: string;
  /** yarn.maximum-failed-containers; undefined: as many as TaskExecutors wanted at once. */
  maxFailedContainers: number | undefined;
  pacing: HeartbeatPacing;
}

export function amSettings(conf: LoomConfig): AmSettings {
  const { memoryMb, vcores, slots } = containerSizes(conf).taskExecutor;
  return {
    taskExecutor: {
      memoryMb,
      vcores,
      slots,
      amTimeoutMs: conf.get(LoomOptions.taskExecutorAmTimeout),
      idleTimeoutMs: conf.get(LoomOptions.taskExecutorIdleTimeout),
    },
    nodePath: conf.get(LoomOptions.nodePath),
    maxFailedContainers: conf.get(LoomOptions.maximumFailedContainers),
    pacing: { fastMs: conf.get(LoomOptions.containerRequestHeartbeatInterval), slowMs: conf.get(LoomOptions.heartbeatInterval) },
  };
}
