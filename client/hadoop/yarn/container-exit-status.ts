// YARN's ContainerExitStatus constants (org.apache.hadoop.yarn.api.records.ContainerExitStatus):
// the one table the NodeManager (mini cluster) reports and the AM reads.

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
