// How the bridge reads YARN's exit statuses (the table is client/hadoop/yarn/container-exit-status.ts):
// which ends the TaskExecutor is not to blame for.
import { ContainerExitStatus } from '../../client/hadoop/yarn/container-exit-status.js';

/**
 * Preemption and disk failures are the cluster's doing, not the TaskExecutor's, so a replacement
 * for them does not count against `yarn.maximum-failed-containers` (MapReduce treats preemption
 * the same way).
 */
export function isClusterCausedExit(exitStatus: number): boolean {
  return exitStatus === ContainerExitStatus.PREEMPTED || exitStatus === ContainerExitStatus.DISKS_FAILED;
}
