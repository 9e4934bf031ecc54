// ApplicationAttemptReportProto and ContainerReportProto built from the RM's records, in the shapes
// a 3.3.6 RM answers getApplicationAttempts / getContainers with (fixtures failed-app/, am-restart/
// and localization/ client timelines). `yarn applicationattempt -list` and `yarn container -list`
// call these.
import {
  applicationAttemptIdToProto,
  formatApplicationId,
  nodeIdToProto,
  parseApplicationAttemptId,
  parseNodeId,
} from '../../client/wire/codec/yarn-ids.js';
import { containerIdToWire } from '../../client/hadoop/yarn/yarn-records.js';
import { resourceProto, type ResourceManagerCore } from './resource-manager-core.js';
import { RmException } from './rm-exceptions.js';
import type { AppRecord, AttemptRecord, ContainerRecord } from './rm-state.js';

type Obj = Record<string, unknown>;

const ENDED = new Set(['FINISHED', 'FAILED', 'KILLED']);

export function attemptReport(rm: ResourceManagerCore, app: AppRecord, attempt: AttemptRecord): Obj {
  const web = `http://${rm.config.webAppAddress}`;
  const failed = attempt.state === 'FAILED' || attempt.state === 'KILLED';
  const report: Obj = {
    application_attempt_id: applicationAttemptIdToProto(parseApplicationAttemptId(attempt.id)),
    host: attempt.host,
    rpc_port: attempt.rpcPort,
    // A failed attempt points at the RM's app page; a live or finished one at the proxy.
    tracking_url: failed ? `${web}/cluster/app/${app.id}` : `${web}/proxy/${app.id}/`,
    diagnostics: attempt.diagnostics,
    yarn_application_attempt_state: `APP_ATTEMPT_${attempt.state}`,
    original_tracking_url: attempt.originalTrackingUrl,
    startTime: attempt.startTime,
    finishTime: attempt.finishTime,
  };
  if (attempt.amContainerId) report.am_container_id = containerIdToWire(attempt.amContainerId);
  return report;
}

export function containerReport(rm: ResourceManagerCore, c: ContainerRecord, user: string): Obj {
  const node = rm.allNodes().find((n) => n.nodeId === c.nodeId);
  const http = node ? `http://${node.httpAddress}` : '';
  const complete = c.state === 'COMPLETE';
  const report: Obj = {
    container_id: containerIdToWire(c.id),
    resource: resourceProto(c.resource),
    node_id: nodeIdToProto(parseNodeId(c.nodeId)),
    priority: { priority: c.priority },
    creation_time: c.allocatedAt,
    finish_time: complete ? (c.finishedAt ?? 0) : 0,
    log_url: `${http}/node/containerlogs/${c.id}/${user}`,
    container_exit_status: complete ? (c.exitStatus ?? 0) : 0,
    container_state: complete ? 'C_COMPLETE' : c.state === 'RUNNING' ? 'C_RUNNING' : 'C_NEW',
    node_http_address: http,
    executionType: 'GUARANTEED',
  };
  if (complete && c.diagnostics) report.diagnostics_info = c.diagnostics;
  return report;
}

function attemptOf(rm: ResourceManagerCore, attemptIdText: string): { app: AppRecord; attempt: AttemptRecord } {
  const parsed = parseApplicationAttemptId(attemptIdText);
  const app = rm.appRecord(formatApplicationId(parsed.applicationId));
  const attempt = app.attempts.find((a) => a.id === attemptIdText);
  if (!attempt) {
    throw new RmException(
      'org.apache.hadoop.yarn.exceptions.ApplicationAttemptNotFoundException',
      `ApplicationAttempt with id '${attemptIdText}' doesn't exist in RM.`,
    );
  }
  return { app, attempt };
}

export function attemptReports(rm: ResourceManagerCore, appId: string): Obj[] {
  const app = rm.appRecord(appId);
  return app.attempts.map((a) => attemptReport(rm, app, a));
}

export function attemptReportById(rm: ResourceManagerCore, attemptId: string): Obj {
  const { app, attempt } = attemptOf(rm, attemptId);
  return attemptReport(rm, app, attempt);
}

/** Containers of an attempt that the RM still tracks (a finished application lists none, as recorded). */
export function containerReports(rm: ResourceManagerCore, attemptId: string): Obj[] {
  const { app } = attemptOf(rm, attemptId);
  if (ENDED.has(rm.reportedState(app))) return [];
  return rm
    .allContainers()
    .filter((c) => c.attemptId === attemptId && c.state !== 'COMPLETE')
    .map((c) => containerReport(rm, c, app.user));
}

export function containerReportById(rm: ResourceManagerCore, containerId: string): Obj {
  const c = rm.containerRecord(containerId);
  if (!c) {
    throw new RmException(
      'org.apache.hadoop.yarn.exceptions.ContainerNotFoundException',
      `Container with id '${containerId}' doesn't exist in RM.`,
    );
  }
  return containerReport(rm, c, rm.appRecord(c.appId).user);
}
