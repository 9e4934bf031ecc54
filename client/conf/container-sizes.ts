/**
 * The containers a Loom cluster asks YARN for, and the settings each number comes from: the AM
 * (jobmanager.memory.process.size, yarn.appmaster.vcores) and every TaskExecutor
 * (taskmanager.memory.process.size, and yarn.containers.vcores or else one vcore per slot, as
 * Flink's YarnConfigOptions.VCORES defaults to taskmanager.numberOfTaskSlots). The client checks
 * them against the ResourceManager's maximum allocation before anything is uploaded, the AM asks
 * with them, and both name the settings when YARN will not have a size.
 */
import { LoomOptions, type LoomConfig } from './loom-config.js';

/** Memory in MiB and virtual cores of one container (YARN's Resource; client/hadoop/yarn's `Resource` is this type). */
export interface ContainerSize {
  memoryMb: number;
  vcores: number;
}

export interface ContainerSizes {
  am: ContainerSize;
  taskExecutor: ContainerSize & { slots: number };
  /** How a user sets each number, for messages. */
  settings: { amMemory: string; amVcores: string; taskExecutorMemory: string; taskExecutorVcores: string };
}

export function containerSizes(conf: LoomConfig): ContainerSizes {
  const slots = conf.get(LoomOptions.taskSlots);
  const vcores = conf.get(LoomOptions.containerVcores);
  return {
    am: { memoryMb: conf.get(LoomOptions.jobManagerMemory).mebibytes, vcores: conf.get(LoomOptions.appMasterVcores) },
    taskExecutor: { memoryMb: conf.get(LoomOptions.taskManagerMemory).mebibytes, vcores: vcores > 0 ? vcores : slots, slots },
    settings: {
      amMemory: `-jm / ${LoomOptions.jobManagerMemory.key}`,
      amVcores: LoomOptions.appMasterVcores.key,
      taskExecutorMemory: `-tm / ${LoomOptions.taskManagerMemory.key}`,
      taskExecutorVcores:
        vcores > 0
          ? LoomOptions.containerVcores.key
          : `-s / ${LoomOptions.taskSlots.key} (one vcore per slot unless ${LoomOptions.containerVcores.key} is set)`,
    },
  };
}

/**
 * What the RM will refuse: a container above its maximum allocation (GetNewApplicationResponse's
 * maximumCapability, which YARN computes from yarn.scheduler.maximum-allocation-mb / -vcores and
 * the largest NodeManager). As Flink's YarnClusterDescriptor checks memory against it and vcores
 * against the largest node before deploying. Returns one line per problem (none: everything fits);
 * a maximum of 0 or less means the RM did not say.
 */
export function containerSizeProblems(sizes: ContainerSizes, max: ContainerSize): string[] {
  const problems: string[] = [];
  const largest = (what: string) => `the cluster's largest container (${what})`;
  const check = (role: string, size: ContainerSize, memorySetting: string, vcoresSetting: string) => {
    if (max.memoryMb > 0 && size.memoryMb > max.memoryMb) {
      problems.push(
        `${role} memory of ${size.memoryMb} MiB is more than ${largest(`${max.memoryMb} MiB, yarn.scheduler.maximum-allocation-mb`)}: lower ${memorySetting}`,
      );
    }
    if (max.vcores > 0 && size.vcores > max.vcores) {
      problems.push(
        `${role} vcores ${size.vcores} are more than ${largest(`${max.vcores} vcores, yarn.scheduler.maximum-allocation-vcores`)}: lower ${vcoresSetting} to at most ${max.vcores}`,
      );
    }
  };
  check('AM', sizes.am, sizes.settings.amMemory, sizes.settings.amVcores);
  check('TaskExecutor', sizes.taskExecutor, sizes.settings.taskExecutorMemory, sizes.settings.taskExecutorVcores);
  return problems;
}
