// Typed YARN records the AM side uses (resources, containers, container statuses, NMTokens) and
// their conversion from/to the proto object shapes of yarn_protos.proto. Enum values lose their
// proto prefixes (C_RUNNING -> RUNNING) so they read like Hadoop's Java enums.
import { tokenFromProto, type HadoopToken, type TokenProtoObject } from '../../wire/security/token.js';
import {
  containerIdFromProto,
  containerIdToProto,
  formatContainerId,
  formatNodeId,
  nodeIdFromProto,
  parseContainerId,
  type ContainerIdProto,
  type NodeIdProto,
} from '../../wire/codec/yarn-ids.js';
import type { ContainerSize } from '../../conf/container-sizes.js';
import type { ContainerProto, ContainerStatusProto, NMTokenProto, ResourceProto } from '../../wire/codec/generated/proto-messages.js';

/**
 * Memory in MB and virtual cores, as YARN schedules them: the shape of a Loom container size
 * (client/conf/container-sizes.ts, the one declaration; the configuration layer sits below this one).
 */
export type Resource = ContainerSize;

export type ExecutionType = 'GUARANTEED' | 'OPPORTUNISTIC';

export interface Container {
  /** container_[e<epoch>_]<ts>_<app>_<attempt>_<seq> */
  id: string;
  /** host:port of the NodeManager, the key of its NMToken. */
  nodeId: string;
  nodeHttpAddress: string;
  /** What the RM granted (normalized up from the ask). */
  resource: Resource;
  priority: number;
  /** The token the NodeManager checks in startContainers. */
  containerToken: HadoopToken | undefined;
  executionType: ExecutionType;
  /** -1 when the RM did not say (proto default). */
  allocationRequestId: number;
  version: number;
  allocationTags: string[];
}

export type ContainerState = 'NEW' | 'RUNNING' | 'COMPLETE';

export interface ContainerStatus {
  containerId: string;
  state: ContainerState;
  /** -1000 (INVALID) while the container runs; YARN's exit codes (-100 released, -105 killed by AM...) after. */
  exitStatus: number;
  diagnostics: string;
  capability: Resource | undefined;
  executionType: ExecutionType;
  /** SCHEDULED, RUNNING, PAUSED, COMPLETING, DONE (from CSS_*), when the NM says. */
  subState: string | undefined;
  /** NodeManager extras such as HOST and IPS. */
  attributes: Record<string, string>;
}

/** An NMToken for one node, as allocate and register responses deliver them. */
export interface NMToken {
  nodeId: string;
  token: HadoopToken;
}

/** Hadoop writes memory-mb and vcores into resource_value_map as well as the two legacy fields. */
export function resourceToProto(r: Resource): ResourceProto {
  return {
    memory: r.memoryMb,
    virtual_cores: r.vcores,
    resource_value_map: [
      { key: 'memory-mb', value: r.memoryMb, units: 'Mi', type: 'COUNTABLE' },
      { key: 'vcores', value: r.vcores, units: '', type: 'COUNTABLE' },
    ],
  };
}

export function resourceFromProto(p: ResourceProto | undefined): Resource {
  const fromMap = (key: string): number | undefined => p?.resource_value_map?.find((e) => e.key === key)?.value;
  return {
    memoryMb: p?.memory ?? fromMap('memory-mb') ?? 0,
    vcores: p?.virtual_cores ?? fromMap('vcores') ?? 0,
  };
}

/** "C_RUNNING" -> "RUNNING"; numbers (enum values this build does not know) become their text. */
export function stripEnumPrefix<T extends string>(value: string | number | undefined, prefix: string, fallback: T): T {
  if (value === undefined) return fallback;
  const text = String(value);
  return (text.startsWith(prefix) ? text.slice(prefix.length) : text) as T;
}

/**
 * A container id as Hadoop's ContainerIdPBImpl writes it on the wire: app_attempt_id and id only
 * (the deprecated app_id is left out, as in every recorded request).
 */
export function containerIdToWire(containerId: string): ContainerIdProto {
  const { app_id: _deprecated, ...wire } = containerIdToProto(parseContainerId(containerId));
  return wire;
}

/** The text id of a ContainerIdProto from the wire (int64 may arrive as a Long-like value). */
export function containerIdText(p: ContainerIdProto | undefined): string {
  return formatContainerId(containerIdFromProto(p ? { ...p, id: Number(p.id) } : p));
}

export function nodeIdText(p: NodeIdProto | undefined): string {
  return formatNodeId(nodeIdFromProto(p));
}

function optionalToken(p: Partial<TokenProtoObject> | undefined, what: string): HadoopToken | undefined {
  return p ? tokenFromProto(p, what) : undefined;
}

export function containerFromProto(p: ContainerProto): Container {
  const id = containerIdText(p.id);
  return {
    id,
    nodeId: nodeIdText(p.nodeId),
    nodeHttpAddress: p.node_http_address ?? '',
    resource: resourceFromProto(p.resource),
    priority: p.priority?.priority ?? 0,
    containerToken: optionalToken(p.container_token, `container token of ${id}`),
    executionType: stripEnumPrefix<ExecutionType>(p.execution_type, '', 'GUARANTEED'),
    allocationRequestId: p.allocation_request_id ?? -1,
    version: p.version ?? 0,
    allocationTags: [...(p.allocation_tags ?? [])],
  };
}

export function containerStatusFromProto(p: ContainerStatusProto): ContainerStatus {
  const attributes: Record<string, string> = {};
  for (const kv of p.container_attributes ?? []) if (kv.key !== undefined) attributes[kv.key] = kv.value ?? '';
  return {
    containerId: containerIdText(p.container_id),
    state: stripEnumPrefix<ContainerState>(p.state, 'C_', 'NEW'),
    exitStatus: p.exit_status ?? -1000,
    diagnostics: p.diagnostics ?? 'N/A',
    capability: p.capability ? resourceFromProto(p.capability) : undefined,
    executionType: stripEnumPrefix<ExecutionType>(p.executionType, '', 'GUARANTEED'),
    subState: p.container_sub_state === undefined ? undefined : stripEnumPrefix<string>(p.container_sub_state, 'CSS_', ''),
    attributes,
  };
}

export function nmTokenFromProto(p: NMTokenProto): NMToken {
  const nodeId = nodeIdText(p.nodeId);
  if (!p.token) throw new TypeError(`NMTokenProto for node ${nodeId} carries no token`);
  return { nodeId, token: tokenFromProto(p.token, `NMToken for ${nodeId}`) };
}
