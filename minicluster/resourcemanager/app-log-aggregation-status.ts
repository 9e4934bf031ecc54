/**
 * An application's log aggregation status as the RM reports it (ApplicationReport's
 * log_aggregation_status, the REST app's logAggregationStatus), from what its NodeManagers said in
 * their heartbeats. RMAppImpl.getLogAggregationStatusForAppReport in Hadoop 3.3: DISABLED when
 * yarn.log-aggregation-enable is off; each node the application ran a container on counts as
 * NOT_START until it reports (RMAppRunningOnNodeTransition); NOT_START while no node has reported;
 * SUCCEEDED, or FAILED when a node failed, only once the application is in a final state and every
 * node finished, and then it stays; RUNNING otherwise. TIME_OUT
 * (yarn.log-aggregation-status.time-out.ms, 10 minutes) is not modelled.
 */
import type { LogAggregationStatusProto } from '../../client/wire/codec/generated/proto-messages.js';

/** What a NodeManager reports for one application (LogAggregationReportProto's status). */
export type NodeLogAggregationStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED';

/** One LogAggregationReportProto of a node heartbeat (NodeHeartbeatRequest.log_aggregation_reports_for_apps). */
export interface NodeLogAggregationReport {
  applicationId: string;
  status: NodeLogAggregationStatus;
}

export interface AppLogAggregationInput {
  enabled: boolean;
  /** The application reached FINISHED, FAILED or KILLED. */
  appFinal: boolean;
  /** Each node that ran one of its containers, with its latest report (undefined: none yet). */
  nodes: readonly (NodeLogAggregationStatus | undefined)[];
  /** A SUCCEEDED or FAILED computed before: final, as RMAppImpl keeps it. */
  settled?: LogAggregationStatusProto;
}

export function appLogAggregationStatus(input: AppLogAggregationInput): LogAggregationStatusProto {
  if (!input.enabled) return 'LOG_DISABLED';
  if (input.settled) return input.settled;
  const reports = input.nodes;
  if (reports.every((r) => r === undefined)) return 'LOG_NOT_START';
  const completed = reports.filter((r) => r === 'SUCCEEDED' || r === 'FAILED').length;
  if (completed === reports.length && input.appFinal) return reports.includes('FAILED') ? 'LOG_FAILED' : 'LOG_SUCCEEDED';
  return 'LOG_RUNNING';
}

/** The REST API's names for the same values (LogAggregationStatus without the proto's LOG_ prefix). */
export function logAggregationStatusRestName(status: LogAggregationStatusProto): string {
  return status.replace(/^LOG_/, '');
}
