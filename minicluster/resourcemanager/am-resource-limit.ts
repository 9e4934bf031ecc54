// The CapacityScheduler's limit on the resources running ApplicationMasters may hold in a queue
// (`maximum-am-resource-percent`), as Hadoop 3.3.6's LeafQueue applies it when it activates
// applications. The mini RM has one queue (root.default, 100 % of the cluster), so the queue's
// resources are the cluster's. Arithmetic is the DefaultResourceCalculator's (memory only), the
// CapacityScheduler's default calculator.
import type { WireResource } from './rm-diagnostics.js';

/** ResourceCalculator.roundUp: the next multiple of `step` (`step` 0 leaves the value alone). */
function roundUp(value: number, step: number): number {
  return step > 0 ? Math.ceil(value / step) * step : value;
}

/**
 * DefaultResourceCalculator.multiplyAndNormalizeUp: memory times `by`, rounded half up to whole
 * MB, then up to a multiple of the minimum allocation. The result is built with
 * Resources.createResource(memory), which gives it one vcore (none when the memory is 0).
 */
export function multiplyAndNormalizeUp(r: WireResource, by: number, minimumAllocationMb: number): WireResource {
  const memory = roundUp(Math.floor(r.memory * by + 0.5), minimumAllocationMb);
  return { memory, virtual_cores: memory > 0 ? 1 : 0 };
}

/**
 * LeafQueue.calculateAndGetAMResourceLimitPerPartition for the one queue: its usable resource (the
 * cluster) times the percent, normalized up. Hadoop reads the percent as a Java float, so 0.1 is
 * 0.100000001490116... (Math.fround).
 */
export function queueAmResourceLimit(cluster: WireResource, percent: number, minimumAllocationMb: number): WireResource {
  return multiplyAndNormalizeUp(cluster, Math.fround(percent), minimumAllocationMb);
}

/** An application attempt waiting to be activated, in the pending queue's order. */
export interface PendingAm<T> {
  attempt: T;
  /** SchedulerApplicationAttempt.getAMResource: the normalized AM request (nothing for an unmanaged AM). */
  amResource: WireResource;
}

/** What the queue holds in active applications before the pass. */
export interface ActiveAms {
  count: number;
  amUsed: WireResource;
}

export interface ActivationPass<T> {
  activated: T[];
  /** Attempts left pending, each with the queue's AM usage at the moment it was looked at. */
  deferred: { attempt: T; amUsedThen: WireResource }[];
}

/**
 * LeafQueue.activateApplications: walks the pending attempts in order; one whose AM fits under
 * `limit` together with the AMs already active is activated (its AM counts from then on), one that
 * does not stays pending and the walk goes on to the next. The limit is skipped when the queue has
 * no active application or no AM resource in use, so the first AM always starts however large.
 * (Hadoop checks a per-user AM limit next; with user-limit 100 and user-limit-factor 1 in a queue
 * holding the whole cluster it equals the queue's limit, so it can never refuse what passed here.)
 */
export function activateApplications<T>(pending: readonly PendingAm<T>[], active: ActiveAms, limit: WireResource): ActivationPass<T> {
  const pass: ActivationPass<T> = { activated: [], deferred: [] };
  let count = active.count;
  let amUsed = { ...active.amUsed };
  for (const p of pending) {
    const ifStarted = amUsed.memory + p.amResource.memory;
    const enforce = count >= 1 && amUsed.memory > 0;
    if (ifStarted > limit.memory && enforce) {
      pass.deferred.push({ attempt: p.attempt, amUsedThen: { ...amUsed } });
      continue;
    }
    pass.activated.push(p.attempt);
    count += 1;
    amUsed = { memory: ifStarted, virtual_cores: amUsed.virtual_cores + p.amResource.virtual_cores };
  }
  return pass;
}
