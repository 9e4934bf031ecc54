// What the ResourceManager reports to clients (applications, nodes, queues, cluster metrics) as
// plain typed objects over the protos, with the enum names of Hadoop's Java API
// (FinalApplicationStatus SUCCEEDED rather than APP_SUCCEEDED) and the protos' defaults applied.
import { tokenFromProto, type HadoopToken } from '../../wire/security/token.js';
import { applicationIdText, attemptIdText } from '../../wire/codec/yarn-ids.js';
import { nodeIdText, resourceFromProto, stripEnumPrefix, type Resource } from './yarn-records.js';
import type {
  ApplicationReportProto,
  ApplicationResourceUsageReportProto,
  NodeReportProto,
  QueueInfoProto,
  ResourceProto,
  StringLongMapProto,
  YarnClusterMetricsProto,
} from '../../wire/codec/generated/proto-messages.js';

export const YARN_APPLICATION_STATES = ['NEW', 'NEW_SAVING', 'SUBMITTED', 'ACCEPTED', 'RUNNING', 'FINISHED', 'FAILED', 'KILLED'] as const;
export type YarnApplicationState = (typeof YARN_APPLICATION_STATES)[number];

export const FINAL_APPLICATION_STATUSES = ['UNDEFINED', 'SUCCEEDED', 'FAILED', 'KILLED', 'ENDED'] as const;
export type FinalApplicationStatus = (typeof FINAL_APPLICATION_STATUSES)[number];

export const NODE_STATES = ['NEW', 'RUNNING', 'UNHEALTHY', 'DECOMMISSIONED', 'LOST', 'REBOOTED', 'DECOMMISSIONING', 'SHUTDOWN'] as const;
export type NodeState = (typeof NODE_STATES)[number];

export type QueueState = 'STOPPED' | 'RUNNING' | 'DRAINING';

export interface ApplicationResourceUsage {
  numUsedContainers: number;
  numReservedContainers: number;
  usedResources: Resource | undefined;
  reservedResources: Resource | undefined;
  neededResources: Resource | undefined;
  memorySeconds: number;
  vcoreSeconds: number;
  preemptedMemorySeconds: number;
  preemptedVcoreSeconds: number;
  /** resource name -> resource-seconds (memory-mb, vcores, custom types). */
  resourceSeconds: Record<string, number>;
  preemptedResourceSeconds: Record<string, number>;
}

export interface ApplicationTimeout {
  /** LIFETIME */
  type: string;
  /** ISO 8601 time, or UNLIMITED */
  expiryTime: string;
  remainingTimeSeconds: number;
}

export interface ApplicationReport {
  applicationId: string;
  /** The current attempt, once one exists. */
  currentAttemptId: string | undefined;
  user: string;
  queue: string;
  name: string;
  /** The AM's registered host ("N/A" before it registers). */
  host: string;
  rpcPort: number;
  state: YarnApplicationState;
  finalStatus: FinalApplicationStatus;
  /** The RM's proxy URL for the AM. */
  trackingUrl: string;
  /** The URL the AM registered, which the yarn CLI prints. */
  originalTrackingUrl: string;
  diagnostics: string;
  startTime: number;
  finishTime: number;
  launchTime: number;
  submitTime: number;
  progress: number;
  applicationType: string;
  applicationTags: string[];
  priority: number;
  unmanaged: boolean;
  /** DISABLED, NOT_START, RUNNING, SUCCEEDED, FAILED, TIME_OUT, RUNNING_WITH_FAILURE. */
  logAggregationStatus: string | undefined;
  appNodeLabelExpression: string | undefined;
  amNodeLabelExpression: string | undefined;
  resourceUsage: ApplicationResourceUsage | undefined;
  timeouts: ApplicationTimeout[];
  amRmToken: HadoopToken | undefined;
  clientToAmToken: HadoopToken | undefined;
}

export interface NodeReport {
  nodeId: string;
  httpAddress: string;
  rackName: string;
  state: NodeState;
  numContainers: number;
  used: Resource | undefined;
  capability: Resource | undefined;
  healthReport: string;
  lastHealthReportTime: number;
  nodeLabels: string[];
}

export interface QueueInfo {
  queueName: string;
  /** Fractions (1 = 100%). */
  capacity: number;
  maximumCapacity: number;
  currentCapacity: number;
  state: QueueState;
  childQueues: QueueInfo[];
  applications: ApplicationReport[];
  accessibleNodeLabels: string[];
  defaultNodeLabelExpression: string | undefined;
  preemptionDisabled: boolean | undefined;
  intraQueuePreemptionDisabled: boolean | undefined;
}

export interface ClusterMetrics {
  numNodeManagers: number;
  numDecommissionedNodeManagers: number;
  numActiveNodeManagers: number;
  numLostNodeManagers: number;
  numUnhealthyNodeManagers: number;
  numRebootedNodeManagers: number;
  numDecommissioningNodeManagers: number;
  numShutdownNodeManagers: number;
}

const num = (v: unknown, fallback = 0): number => (v === undefined || v === null ? fallback : Number(v));

function usageMap(entries: StringLongMapProto[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of entries ?? []) out[e.key] = num(e.value);
  return out;
}

function resourceUsageFromProto(p: ApplicationResourceUsageReportProto | undefined): ApplicationResourceUsage | undefined {
  if (!p) return undefined;
  const optionalResource = (r: ResourceProto | undefined): Resource | undefined => (r ? resourceFromProto(r) : undefined);
  return {
    numUsedContainers: num(p.num_used_containers),
    numReservedContainers: num(p.num_reserved_containers),
    usedResources: optionalResource(p.used_resources),
    reservedResources: optionalResource(p.reserved_resources),
    neededResources: optionalResource(p.needed_resources),
    memorySeconds: num(p.memory_seconds),
    vcoreSeconds: num(p.vcore_seconds),
    preemptedMemorySeconds: num(p.preempted_memory_seconds),
    preemptedVcoreSeconds: num(p.preempted_vcore_seconds),
    resourceSeconds: usageMap(p.application_resource_usage_map),
    preemptedResourceSeconds: usageMap(p.application_preempted_resource_usage_map),
  };
}

export function applicationReportFromProto(p: ApplicationReportProto): ApplicationReport {
  const id = applicationIdText(p.applicationId);
  return {
    applicationId: id,
    // An application without an attempt (refused at submission) reports attempt id -1.
    currentAttemptId: num(p.currentApplicationAttemptId?.attemptId, -1) >= 0 ? attemptIdText(p.currentApplicationAttemptId) : undefined,
    user: p.user ?? '',
    queue: p.queue ?? '',
    name: p.name ?? '',
    host: p.host ?? 'N/A',
    rpcPort: num(p.rpc_port, -1),
    state: stripEnumPrefix<YarnApplicationState>(p.yarn_application_state, '', 'NEW'),
    finalStatus: stripEnumPrefix<FinalApplicationStatus>(p.final_application_status, 'APP_', 'UNDEFINED'),
    trackingUrl: p.trackingUrl ?? '',
    originalTrackingUrl: p.originalTrackingUrl ?? '',
    diagnostics: p.diagnostics ?? 'N/A',
    startTime: num(p.startTime),
    finishTime: num(p.finishTime),
    launchTime: num(p.launchTime),
    submitTime: num(p.submitTime),
    progress: num(p.progress),
    applicationType: p.applicationType ?? '',
    applicationTags: [...(p.applicationTags ?? [])],
    priority: num(p.priority?.priority),
    unmanaged: Boolean(p.unmanaged_application),
    logAggregationStatus:
      p.log_aggregation_status === undefined ? undefined : stripEnumPrefix<string>(p.log_aggregation_status, 'LOG_', ''),
    appNodeLabelExpression: p.appNodeLabelExpression,
    amNodeLabelExpression: p.amNodeLabelExpression,
    resourceUsage: resourceUsageFromProto(p.app_resource_Usage),
    timeouts: (p.appTimeouts ?? []).map((t) => ({
      type: stripEnumPrefix<string>(t.application_timeout?.application_timeout_type ?? t.application_timeout_type, 'APP_TIMEOUT_', ''),
      expiryTime: t.application_timeout?.expire_time ?? 'UNLIMITED',
      remainingTimeSeconds: num(t.application_timeout?.remaining_time, -1),
    })),
    amRmToken: p.am_rm_token ? tokenFromProto(p.am_rm_token, `AMRMToken in the report of ${id}`) : undefined,
    clientToAmToken: p.client_to_am_token ? tokenFromProto(p.client_to_am_token, `client-to-AM token in the report of ${id}`) : undefined,
  };
}

export function nodeReportFromProto(p: NodeReportProto): NodeReport {
  return {
    nodeId: nodeIdText(p.nodeId),
    httpAddress: p.httpAddress ?? '',
    rackName: p.rackName ?? '',
    state: stripEnumPrefix<NodeState>(p.node_state, 'NS_', 'NEW'),
    numContainers: num(p.numContainers),
    used: p.used ? resourceFromProto(p.used) : undefined,
    capability: p.capability ? resourceFromProto(p.capability) : undefined,
    healthReport: p.health_report ?? '',
    lastHealthReportTime: num(p.last_health_report_time),
    nodeLabels: [...(p.node_labels ?? [])],
  };
}

export function queueInfoFromProto(p: QueueInfoProto): QueueInfo {
  return {
    queueName: p.queueName ?? '',
    capacity: num(p.capacity),
    maximumCapacity: num(p.maximumCapacity),
    currentCapacity: num(p.currentCapacity),
    state: stripEnumPrefix<QueueState>(p.state, 'Q_', 'RUNNING'),
    childQueues: (p.childQueues ?? []).map(queueInfoFromProto),
    applications: (p.applications ?? []).map(applicationReportFromProto),
    accessibleNodeLabels: [...(p.accessibleNodeLabels ?? [])],
    defaultNodeLabelExpression: p.defaultNodeLabelExpression,
    preemptionDisabled: p.preemptionDisabled,
    intraQueuePreemptionDisabled: p.intraQueuePreemptionDisabled,
  };
}

export function clusterMetricsFromProto(p: YarnClusterMetricsProto | undefined): ClusterMetrics {
  return {
    numNodeManagers: num(p?.num_node_managers),
    numDecommissionedNodeManagers: num(p?.num_decommissioned_nms),
    numActiveNodeManagers: num(p?.num_active_nms),
    numLostNodeManagers: num(p?.num_lost_nms),
    numUnhealthyNodeManagers: num(p?.num_unhealthy_nms),
    numRebootedNodeManagers: num(p?.num_rebooted_nms),
    numDecommissioningNodeManagers: num(p?.num_decommissioning_nms),
    numShutdownNodeManagers: num(p?.num_shutdown_nms),
  };
}

/** "running" / "RUNNING" -> "RUNNING"; an unknown name is an error that lists the valid ones. */
export function parseEnumName<T extends string>(text: string, valid: readonly T[], what: string): T {
  const upper = text.trim().toUpperCase();
  if ((valid as readonly string[]).includes(upper)) return upper as T;
  throw new RangeError(`${JSON.stringify(text)} is not a valid ${what}; valid values: ${valid.join(', ')}`);
}
