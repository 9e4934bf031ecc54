// ApplicationClientProtocol (RM client port) as thin handlers over ResourceManagerCore.
import { protocolHandlers, type ProtocolHandlers, type RpcCallContext } from '../ipc/rpc-server.js';
import type { ResourceTypeInfoProto } from '../../client/wire/codec/generated/proto-messages.js';
import { APPLICATION_CLIENT_PROTOCOL } from '../../client/wire/codec/hadoop-protocols.js';
import { applicationIdText, attemptIdText, containerIdText } from '../../client/wire/codec/yarn-ids.js';
import { attemptReportById, attemptReports, containerReportById, containerReports } from './attempt-container-reports.js';
import { clusterMetrics, nodeReports, queueInfo } from './cluster-reports.js';
import type { ResourceManagerCore } from './resource-manager-core.js';
import { RmException } from './rm-exceptions.js';
import { asRpcAnswer } from './rpc-errors.js';

const userOf = (ctx: RpcCallContext): string => ctx.user ?? 'dr.who';

/** The caller's IP without port (kill diagnostics say "at 127.0.0.1"). */
function hostOf(remoteAddress: string): string {
  const bracketed = /^\[(.*)\]:\d+$/.exec(remoteAddress);
  const plain = /^([^:]*):\d+$/.exec(remoteAddress);
  return (bracketed?.[1] ?? plain?.[1] ?? remoteAddress).replace(/^::ffff:/, '');
}

const RESOURCE_TYPE_INFO: ResourceTypeInfoProto[] = [
  { name: 'memory-mb', units: 'Mi', type: 'COUNTABLE' },
  { name: 'vcores', units: '', type: 'COUNTABLE' },
];

export function applicationClientService(rm: ResourceManagerCore): ProtocolHandlers {
  const h =
    <Q, R>(fn: (req: Q, ctx: RpcCallContext) => R) =>
    (req: Q, ctx: RpcCallContext) =>
      asRpcAnswer(() => fn(req, ctx));
  return protocolHandlers(APPLICATION_CLIENT_PROTOCOL, {
    getNewApplication: h(() => rm.getNewApplication()),
    submitApplication: h((req, ctx) => {
      rm.submitApplication(req.application_submission_context ?? {}, userOf(ctx));
      return {};
    }),
    getApplicationReport: h((req) => ({ application_report: rm.getApplicationReport(applicationIdText(req.application_id)) })),
    getApplications: h((req) => ({
      applications: rm.listApplications({ states: req.application_states, applicationTypes: req.application_types }),
    })),
    forceKillApplication: h((req, ctx) =>
      rm.killApplication(applicationIdText(req.application_id), userOf(ctx), hostOf(ctx.remoteAddress)),
    ),
    getApplicationAttempts: h((req) => ({ application_attempts: attemptReports(rm, applicationIdText(req.application_id)) })),
    getApplicationAttemptReport: h((req) => ({
      application_attempt_report: attemptReportById(rm, attemptIdText(req.application_attempt_id)),
    })),
    getContainers: h((req) => ({ containers: containerReports(rm, attemptIdText(req.application_attempt_id)) })),
    getContainerReport: h((req) => ({ container_report: containerReportById(rm, containerIdText(req.container_id)) })),
    signalToContainer: h((req) => {
      rm.signalToContainer(containerIdText(req.container_id), req.command);
      return {};
    }),
    getClusterMetrics: h(() => ({ cluster_metrics: clusterMetrics(rm) })),
    getClusterNodes: h(() => ({ nodeReports: nodeReports(rm) })),
    getQueueInfo: h((req) => {
      const name = req.queueName ?? rm.config.queueName;
      if (name !== rm.config.queueName) {
        throw new RmException('java.io.IOException', `Unknown queue: ${name}`);
      }
      return { queueInfo: queueInfo(rm, name) };
    }),
    getQueueUserAcls: h(() => ({
      queueUserAcls: [{ queueName: rm.config.queueName, userAcls: ['QACL_SUBMIT_APPLICATIONS', 'QACL_ADMINISTER_QUEUE'] }],
    })),
    getResourceTypeInfo: h(() => ({ resource_type_info: RESOURCE_TYPE_INFO })),
    getResourceProfiles: h(() => {
      throw new RmException(
        'org.apache.hadoop.yarn.exceptions.YARNFeatureNotEnabledException',
        'Resource profile is not enabled, please enable resource profile feature before using its functions. (by setting yarn.resourcemanager.resource-profiles.enabled to true)',
      );
    }),
  });
}
