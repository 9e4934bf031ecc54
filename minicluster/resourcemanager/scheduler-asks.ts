// The scheduler's per-attempt ask table and resource arithmetic. Like YARN, each allocate's ask
// REPLACES the outstanding count for its (priority, resource name, capability, allocation request
// id): an AM that does not lower its ask after receiving containers gets surplus ones.
import { clusterMaximumAllocation, queueMaximumAllocation, type ResourceManagerConfig } from './rm-config.js';
import { invalidResourceRequest, type RmException } from './rm-exceptions.js';
import { maxAllocationExceeded, negativeResourceRequest, type WireResource } from './rm-diagnostics.js';
import { recordsOf, withoutRecord, type AskEntry, type AttemptRecord, type NodeRecord } from './rm-state.js';

export const ANY = '*';

export interface ResourceRequestProto {
  priority?: { priority?: number };
  resource_name?: string;
  capability?: { memory?: number; virtual_cores?: number };
  num_containers?: number;
  relax_locality?: boolean;
  allocation_request_id?: number;
}

export const resOf = (c: { memory?: number; virtual_cores?: number } | undefined): WireResource => ({
  memory: c?.memory ?? 0,
  virtual_cores: c?.virtual_cores ?? 0,
});

export const addRes = (a: WireResource, b: WireResource): WireResource => ({
  memory: a.memory + b.memory,
  virtual_cores: a.virtual_cores + b.virtual_cores,
});
export const subRes = (a: WireResource, b: WireResource): WireResource => ({
  memory: a.memory - b.memory,
  virtual_cores: a.virtual_cores - b.virtual_cores,
});
export const fitsIn = (want: WireResource, free: WireResource): boolean =>
  want.memory <= free.memory && want.virtual_cores <= free.virtual_cores;

/**
 * Refuse what YARN refuses, as SchedulerUtils.checkResourceRequestAgainstAvailableResource does:
 * resource types in order (memory-mb, then vcores), each below 0 or above the queue's maximum
 * allowed allocation; returns the error or undefined.
 */
export function checkRequestedResource(requested: WireResource, cfg: ResourceManagerConfig): RmException | undefined {
  const max = queueMaximumAllocation(cfg);
  for (const type of ['memory', 'virtual_cores'] as const) {
    if (requested[type] < 0) return invalidResourceRequest(negativeResourceRequest(requested));
    if (requested[type] > max[type]) return invalidResourceRequest(maxAllocationExceeded(requested, max, clusterMaximumAllocation(cfg)));
  }
  return undefined;
}

/** Round up to multiples of the minimum allocation (a 128 MB ask becomes 1024 MB by default), at most the queue's maximum. */
export function normalizeResource(requested: WireResource, cfg: ResourceManagerConfig): WireResource {
  const up = (v: number, step: number) => Math.max(step, Math.ceil(v / step) * step);
  const max = queueMaximumAllocation(cfg);
  return {
    memory: Math.min(up(requested.memory, cfg.minimumAllocationMb), max.memory),
    virtual_cores: Math.min(up(requested.virtual_cores, cfg.minimumAllocationVcores), max.virtual_cores),
  };
}

const askKey = (priority: number, resourceName: string, cap: WireResource, allocationRequestId: number): string =>
  `${priority}|${resourceName}|${cap.memory}|${cap.virtual_cores}|${allocationRequestId}`;

/** Every ask, also one withdrawing (0 containers): RMServerUtils.normalizeAndValidateRequests does not look at the count. */
export function validateAsks(asks: ResourceRequestProto[], cfg: ResourceManagerConfig): void {
  for (const a of asks) {
    const err = checkRequestedResource(resOf(a.capability), cfg);
    if (err) throw err;
  }
}

/** Validate every ask first (an invalid one rejects the whole allocate), then replace the counts. */
export function applyAsks(attempt: AttemptRecord, asks: ResourceRequestProto[], cfg: ResourceManagerConfig): void {
  validateAsks(asks, cfg);
  const parsed: AskEntry[] = [];
  for (const a of asks) {
    const requested = resOf(a.capability);
    parsed.push({
      priority: a.priority?.priority ?? 0,
      resourceName: a.resource_name ?? ANY,
      capability: normalizeResource(requested, cfg),
      numContainers: Math.max(0, a.num_containers ?? 0),
      allocationRequestId: a.allocation_request_id ?? 0,
      relaxLocality: a.relax_locality ?? true,
    });
  }
  for (const e of parsed) {
    const key = askKey(e.priority, e.resourceName, e.capability, e.allocationRequestId);
    if (e.numContainers === 0) attempt.asks = withoutRecord(attempt.asks, key);
    else attempt.asks[key] = e;
  }
}

/** The highest-priority (lowest number) outstanding ask this node can satisfy now. */
export function pickAsk(attempt: AttemptRecord, node: NodeRecord): AskEntry | undefined {
  const free = subRes(node.capability, node.used);
  const candidates = recordsOf(attempt.asks)
    .filter((e) => e.numContainers > 0 && (e.resourceName === ANY || e.resourceName === node.host || e.resourceName === node.nodeId))
    .filter((e) => fitsIn(e.capability, free))
    .sort((a, b) => a.priority - b.priority || a.allocationRequestId - b.allocationRequestId);
  return candidates[0];
}

/** One container granted for `ask`: lower the ANY entry and the node-local entry of the same request. */
export function consumeAsk(attempt: AttemptRecord, ask: AskEntry, node: NodeRecord): void {
  for (const name of new Set([ANY, node.host, node.nodeId, ask.resourceName])) {
    const key = askKey(ask.priority, name, ask.capability, ask.allocationRequestId);
    const e = attempt.asks[key];
    if (!e) continue;
    e.numContainers -= 1;
    if (e.numContainers <= 0) attempt.asks = withoutRecord(attempt.asks, key);
  }
}

export function pendingResource(attempt: AttemptRecord): WireResource {
  return recordsOf(attempt.asks)
    .filter((e) => e.resourceName === ANY)
    .reduce(
      (acc, e) =>
        addRes(acc, { memory: e.capability.memory * e.numContainers, virtual_cores: e.capability.virtual_cores * e.numContainers }),
      {
        memory: 0,
        virtual_cores: 0,
      },
    );
}
