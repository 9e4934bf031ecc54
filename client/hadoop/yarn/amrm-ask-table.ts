// The AM's table of outstanding container requests, as Hadoop's AMRMClientImpl keeps it: one entry
// per (priority, resource name, capability, allocation request id, execution type) holding the
// ABSOLUTE number of containers still wanted there. YARN replaces its count with each allocate, so
// only entries that changed since the last successful allocate are sent (the "ask set"), a lowered
// count included, and after an RM restart every entry is sent again.
import type { ExecutionType, Resource } from './yarn-records.js';
import { resourceToProto } from './yarn-records.js';

export const ANY = '*';

export interface ContainerRequest {
  capability: Resource;
  priority: number;
  /** Preferred hosts; each gets its own entry next to the `*` one. */
  nodes?: string[];
  racks?: string[];
  /** false: only the named nodes/racks will do. Default true. */
  relaxLocality?: boolean;
  /** Default 0, as Hadoop's ContainerRequest. */
  allocationRequestId?: number;
  executionType?: ExecutionType;
  enforceExecutionType?: boolean;
  nodeLabelExpression?: string;
}

export interface AskEntry {
  priority: number;
  resourceName: string;
  capability: Resource;
  allocationRequestId: number;
  executionType: ExecutionType;
  enforceExecutionType: boolean;
  relaxLocality: boolean;
  nodeLabelExpression: string | undefined;
  /** Containers still wanted at this entry. */
  count: number;
}

/** What the matcher needs of an allocated container. */
export interface AllocatedContainerInfo {
  nodeId: string;
  resource: Resource;
  priority: number;
  allocationRequestId: number;
  executionType: ExecutionType;
}

export class AskTable {
  private readonly entries = new Map<string, AskEntry>();
  private readonly changed = new Set<string>();
  /** Outstanding requests in the order they were added (oldest are satisfied first). */
  private readonly requests: ContainerRequest[] = [];

  add(req: ContainerRequest): void {
    validate(req);
    for (const [name, relax] of locations(req)) this.adjust(req, name, relax, 1);
    this.requests.push(req);
  }

  /** Withdraws one earlier-added request (the same object, or an equal one); false if none was outstanding. */
  remove(req: ContainerRequest): boolean {
    let index = this.requests.indexOf(req);
    if (index < 0) index = this.requests.findIndex((r) => sameRequest(r, req));
    if (index < 0) return false;
    const [found] = this.requests.splice(index, 1);
    for (const [name, relax] of locations(found)) this.adjust(found, name, relax, -1);
    return true;
  }

  /**
   * Takes back every request `match` picks without telling the RM: for requests the RM refused
   * (an allocate is all or nothing, so it never stored them, and even an ask of 0 containers with a
   * refused capability would be refused again). Returns what was taken back.
   */
  discard(match: (req: ContainerRequest) => boolean): ContainerRequest[] {
    const gone = this.requests.filter(match);
    if (gone.length === 0) return [];
    const keys = new Set<string>();
    for (const req of gone) {
      this.requests.splice(this.requests.indexOf(req), 1);
      for (const [name, relax] of locations(req)) {
        this.adjust(req, name, relax, -1);
        keys.add(keyOf(req, name));
      }
    }
    for (const k of keys) {
      if ((this.entries.get(k)?.count ?? 0) > 0) continue;
      this.entries.delete(k);
      this.changed.delete(k);
    }
    return gone;
  }

  /** The keys of the `*` entry of each request (what takeChanged names). */
  anyKeyOf(req: ContainerRequest): string {
    return keyOf(req, ANY);
  }

  /**
   * A container arrived: the outstanding request it satisfies (same priority, allocation request id
   * and execution type; the RM rounds capabilities up, so a fitting one is preferred over an exact
   * size, and a request naming the container's host over one that does not) is withdrawn, lowering
   * its asks. Undefined when nothing matches: the container is surplus.
   */
  matchAllocated(c: AllocatedContainerInfo): ContainerRequest | undefined {
    const host = c.nodeId.slice(0, c.nodeId.lastIndexOf(':'));
    const candidates = this.requests.filter(
      (r) =>
        r.priority === c.priority &&
        (c.allocationRequestId < 0 || (r.allocationRequestId ?? 0) === c.allocationRequestId) &&
        (r.executionType ?? 'GUARANTEED') === c.executionType,
    );
    const fits = (r: ContainerRequest) => r.capability.memoryMb <= c.resource.memoryMb && r.capability.vcores <= c.resource.vcores;
    const onHost = (r: ContainerRequest) => (r.nodes ?? []).some((n) => n === host || n === c.nodeId);
    const pick =
      candidates.find((r) => fits(r) && onHost(r)) ??
      candidates.find((r) => fits(r) && !(r.nodes?.length && r.relaxLocality === false)) ??
      candidates.at(0);
    if (pick) this.remove(pick);
    return pick;
  }

  /** Entries changed since the last commit, as ResourceRequestProto objects, and the keys to commit or restore. */
  takeChanged(): { asks: Record<string, unknown>[]; keys: string[] } {
    const keys = [...this.changed].filter((k) => this.entries.has(k));
    this.changed.clear();
    return {
      asks: keys.flatMap((k) => {
        const entry = this.entries.get(k);
        return entry ? [askProto(entry)] : [];
      }),
      keys,
    };
  }

  /** The allocate carrying `keys` succeeded: entries that reached zero are gone from the RM too. */
  commit(keys: string[]): void {
    for (const k of keys) if (!this.changed.has(k) && this.entries.get(k)?.count === 0) this.entries.delete(k);
  }

  /** The allocate failed: send these entries (with their current counts) next time. */
  restore(keys: string[]): void {
    for (const k of keys) if (this.entries.has(k)) this.changed.add(k);
  }

  /** After an RM restart the new RM knows nothing: every outstanding entry goes out again. */
  markAllChanged(): void {
    for (const [k, e] of this.entries) {
      if (e.count > 0) this.changed.add(k);
      else this.entries.delete(k);
    }
  }

  /** Current entries (counts > 0), for inspection. */
  outstanding(): AskEntry[] {
    return [...this.entries.values()].filter((e) => e.count > 0).map((e) => ({ ...e, capability: { ...e.capability } }));
  }

  outstandingRequests(): ContainerRequest[] {
    return [...this.requests];
  }

  private adjust(req: ContainerRequest, resourceName: string, relaxLocality: boolean, delta: number): void {
    const key = keyOf(req, resourceName);
    let entry = this.entries.get(key);
    if (!entry) {
      if (delta < 0) return;
      entry = {
        priority: req.priority,
        resourceName,
        capability: { ...req.capability },
        allocationRequestId: req.allocationRequestId ?? 0,
        executionType: req.executionType ?? 'GUARANTEED',
        enforceExecutionType: req.enforceExecutionType ?? false,
        relaxLocality,
        nodeLabelExpression: req.nodeLabelExpression,
        count: 0,
      };
      this.entries.set(key, entry);
    }
    entry.count = Math.max(0, entry.count + delta);
    if (delta > 0) entry.relaxLocality = relaxLocality;
    this.changed.add(key);
  }
}

function validate(req: ContainerRequest): void {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- requests also come from untyped callers (bundle JavaScript)
  const { memoryMb, vcores } = req.capability ?? ({} as Resource);
  if (!Number.isInteger(memoryMb) || memoryMb < 0 || !Number.isInteger(vcores) || vcores < 0) {
    throw new TypeError(
      `container request capability must be whole non-negative memoryMb and vcores, got ${JSON.stringify(req.capability)}`,
    );
  }
  if (!Number.isInteger(req.priority) || req.priority < 0)
    throw new TypeError(`container request priority must be a non-negative integer, got ${req.priority}`);
  if (req.relaxLocality === false && !req.nodes?.length && !req.racks?.length) {
    throw new TypeError('a container request with relaxLocality false must name nodes or racks, or it can never be satisfied');
  }
}

/** Named nodes and racks are always relaxable themselves; `*` carries the request's own flag (as AMRMClientImpl does). */
function locations(req: ContainerRequest): [string, boolean][] {
  const names: [string, boolean][] = [];
  for (const n of new Set(req.nodes ?? [])) names.push([n, true]);
  for (const r of new Set(req.racks ?? [])) names.push([r, true]);
  names.push([ANY, req.relaxLocality ?? true]);
  return names;
}

function keyOf(req: ContainerRequest, resourceName: string): string {
  return [
    req.priority,
    resourceName,
    req.capability.memoryMb,
    req.capability.vcores,
    req.allocationRequestId ?? 0,
    req.executionType ?? 'GUARANTEED',
  ].join('|');
}

function sameRequest(a: ContainerRequest, b: ContainerRequest): boolean {
  const list = (x: string[] | undefined) => [...new Set(x ?? [])].sort().join(',');
  return (
    a.priority === b.priority &&
    a.capability.memoryMb === b.capability.memoryMb &&
    a.capability.vcores === b.capability.vcores &&
    (a.allocationRequestId ?? 0) === (b.allocationRequestId ?? 0) &&
    (a.executionType ?? 'GUARANTEED') === (b.executionType ?? 'GUARANTEED') &&
    list(a.nodes) === list(b.nodes) &&
    list(a.racks) === list(b.racks)
  );
}

/** ResourceRequestProto as Hadoop's AMRMClient sends it (execution_type_request always present). */
function askProto(e: AskEntry): Record<string, unknown> {
  const proto: Record<string, unknown> = {
    priority: { priority: e.priority },
    resource_name: e.resourceName,
    capability: resourceToProto(e.capability),
    num_containers: e.count,
    relax_locality: e.relaxLocality,
    execution_type_request: { execution_type: e.executionType, enforce_execution_type: e.enforceExecutionType },
    allocation_request_id: e.allocationRequestId,
  };
  if (e.nodeLabelExpression !== undefined) proto.node_label_expression = e.nodeLabelExpression;
  return proto;
}
