import type { ContainerSizes } from '../../client/conf/container-sizes.js';
import type { AllocateRefusedError } from '../../client/hadoop/yarn/yarn-client-errors.js';

/**
 * The error of a job that needs TaskExecutor containers YARN refuses for good: YARN's own
 * exception and message, the size asked for, and the settings that size it (the cluster cannot
 * change them; a new cluster, or a larger queue maximum, can).
 */
export function refusedAskReason(refusal: AllocateRefusedError, sizes: ContainerSizes): string {
  const te = sizes.taskExecutor;
  return (
    `YARN refuses the TaskExecutor containers this job needs (${te.memoryMb} MiB, ${te.vcores} vcores): ${refusal.simpleClassName}: ${refusal.remoteMessage}; ` +
    `they are sized by ${sizes.settings.taskExecutorMemory} and ${sizes.settings.taskExecutorVcores}: start the cluster with sizes the queue allows`
  );
}
