// YARN's ContainerExitStatus values as the AM sees them in completed container statuses, and how
// the bridge reads them: which ends the AM caused itself and which the TaskExecutor is not to blame for.

export const ContainerExitStatus = {
  SUCCESS: 0,
  INVALID: -1000,
  ABORTED: -100,
  DISKS_FAILED: -101,
  PREEMPTED: -102,
  KILLED_EXCEEDED_VMEM: -103,
  KILLED_EXCEEDED_PMEM: -104,
  KILLED_BY_APPMASTER: -105,
  KILLED_BY_RESOURCEMANAGER: -106,
  KILLED_AFTER_APP_COMPLETION: -107,
  KILLED_BY_CONTAINER_SCHEDULER: -108,
  KILLED_FOR_EXCESS_LOGS: -109,
} as const;

const NAMES = new Map<number, string>(Object.entries(ContainerExitStatus).map(([name, code]) => [code, name]));

/** `1`, or `-104 (KILLED_EXCEEDED_PMEM)` for YARN's own negative codes. */
export function describeExitStatus(exitStatus: number): string {
  const name = NAMES.get(exitStatus);
  return name && exitStatus < 0 ? `${exitStatus} (${name})` : String(exitStatus);
}

/**
 * Preemption and disk failures are the cluster's doing, not the TaskExecutor's, so a replacement
 * for them does not count against `yarn.maximum-failed-containers` (MapReduce treats preemption
 * the same way).
 */
export function isClusterCausedExit(exitStatus: number): boolean {
  return exitStatus === ContainerExitStatus.PREEMPTED || exitStatus === ContainerExitStatus.DISKS_FAILED;
}
