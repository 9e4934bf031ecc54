// ApplicationAttemptReport and ContainerReport as YarnClientImpl's getApplicationAttempts and
// getContainers return them (`yarn applicationattempt -list`, `yarn container -list`, and
// `yarn logs` for a running application, which reads each container's node http address).
import { applicationAttemptIdFromProto, formatApplicationAttemptId, type ApplicationAttemptIdProto } from '../../wire/codec/yarn-ids.js';
import type { ApplicationAttemptReportProto, ContainerReportProto } from '../../wire/codec/generated/proto-messages.js';
import { containerIdText, nodeIdText, resourceFromProto, stripEnumPrefix, type Resource } from './yarn-records.js';

export interface ApplicationAttemptReport {
  attemptId: string;
  /** APP_ATTEMPT_ prefix dropped: RUNNING, FINISHED, FAILED, ... */
  state: string;
  /** Empty when the RM has not placed the AM container yet. */
  amContainerId: string;
  host: string;
  trackingUrl: string;
  diagnostics: string;
  startTime: number;
  finishTime: number;
}

export interface ContainerReport {
  containerId: string;
  /** host:port */
  nodeId: string;
  /** As the RM sends it (http://host:port on 3.3.6; yarn logs strips the scheme). */
  nodeHttpAddress: string;
  /** C_ prefix dropped: NEW, RUNNING, COMPLETE. */
  state: string;
  exitStatus: number;
  resource: Resource;
  logUrl: string;
  creationTime: number;
  finishTime: number;
  diagnostics: string;
}

export function attemptIdText(p: ApplicationAttemptIdProto | undefined): string {
  return formatApplicationAttemptId(applicationAttemptIdFromProto(p));
}

export function applicationAttemptReportFromProto(p: ApplicationAttemptReportProto): ApplicationAttemptReport {
  return {
    attemptId: attemptIdText(p.application_attempt_id),
    state: stripEnumPrefix<string>(p.yarn_application_attempt_state, 'APP_ATTEMPT_', ''),
    amContainerId: p.am_container_id ? containerIdText(p.am_container_id) : '',
    host: p.host ?? '',
    trackingUrl: p.tracking_url ?? '',
    diagnostics: p.diagnostics ?? '',
    startTime: p.startTime ?? 0,
    finishTime: p.finishTime ?? 0,
  };
}

export function containerReportFromProto(p: ContainerReportProto): ContainerReport {
  return {
    containerId: containerIdText(p.container_id),
    nodeId: nodeIdText(p.node_id),
    nodeHttpAddress: p.node_http_address ?? '',
    state: stripEnumPrefix<string>(p.container_state, 'C_', ''),
    exitStatus: p.container_exit_status ?? 0,
    resource: resourceFromProto(p.resource),
    logUrl: p.log_url ?? '',
    creationTime: p.creation_time ?? 0,
    finishTime: p.finish_time ?? 0,
    diagnostics: p.diagnostics_info ?? '',
  };
}
