// YarnClient: ApplicationClientProtocol (the RM client port, 8032) with typed results, behaving
// like Hadoop's YarnClientImpl: submit waits until the application left NEW/NEW_SAVING/SUBMITTED,
// kill repeats forceKillApplication until the RM says the kill is stored, and every call fails
// over to the next ResourceManager on connection failure or StandbyException.
import { kerberosIdentityFromConf, resourceManagerPrincipal } from '../kerberos-identity-from-conf.js';
import type { KerberosIdentity } from '../../wire/kerberos/identity/kerberos-identity.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Configuration } from '../../conf/configuration.js';
import { APPLICATION_CLIENT_PROTOCOL, type MethodName, type RequestOf, type ResponseOf } from '../../wire/codec/hadoop-protocols.js';
import { hadoopUser } from '../../wire/security/hadoop-user.js';
import { FailoverRpcClient, type FailoverOptions } from '../../wire/ipc/failover-rpc-client.js';
import { isRemoteException } from '../../wire/ipc/remote-exception.js';
import type { RetryReporter } from '../../retry/retry-report.js';
import {
  applicationReportFromProto,
  clusterMetricsFromProto,
  NODE_STATES,
  nodeReportFromProto,
  queueInfoFromProto,
  type ApplicationReport,
  type ClusterMetrics,
  type NodeReport,
  type NodeState,
  type QueueInfo,
  type YarnApplicationState,
} from './cluster-reports.js';
import type { ContainerLaunchContextProto } from './container-launch-context.js';
import { rmProxyOptionsFromConf } from './rm-proxy-options.js';
import { YarnClientError } from './yarn-client-errors.js';
import { applicationIdText, applicationIdToProto, parseApplicationId } from '../../wire/codec/yarn-ids.js';
import type { ApplicationIdProto, ApplicationSubmissionContextProto } from '../../wire/codec/generated/proto-messages.js';
import {
  applicationAttemptReportFromProto,
  containerReportFromProto,
  type ApplicationAttemptReport,
  type ContainerReport,
} from './attempt-container-records.js';
import { applicationAttemptIdToProto, parseApplicationAttemptId } from '../../wire/codec/yarn-ids.js';
import { containerIdToWire, resourceFromProto, resourceToProto, type Resource } from './yarn-records.js';

type ClientProtocol = typeof APPLICATION_CLIENT_PROTOCOL;

const APPLICATION_NOT_FOUND = 'org.apache.hadoop.yarn.exceptions.ApplicationNotFoundException';
const WAITING_STATES: readonly YarnApplicationState[] = ['NEW', 'NEW_SAVING', 'SUBMITTED'];
/** Hadoop waits forever by default; a kill that never completes should not hang a command. */
const DEFAULT_KILL_TIMEOUT_MS = 60_000;

export interface YarnClientOptions {
  /** ResourceManager client addresses in failover order (one without HA). */
  addresses: { host: string; port: number }[];
  /** SIMPLE auth user (the RM records it as the application's user). */
  user: string;
  failover?: Pick<FailoverOptions, 'maxAttempts' | 'sleepBaseMs' | 'sleepMaxMs' | 'maxWaitMs' | 'connection' | 'target' | 'onRetry'>;
  /** yarn.client.app-submission.poll-interval */
  submitPollIntervalMs?: number;
  /** yarn.client.application-client-protocol.poll-interval-ms */
  pollIntervalMs?: number;
  /** yarn.client.application-client-protocol.poll-timeout-ms; -1 waits forever (submit). */
  pollTimeoutMs?: number;
}

export interface NewApplication {
  applicationId: string;
  maximumCapability: Resource;
}

/** The parts of ApplicationSubmissionContextProto Loom sets. */
export interface ApplicationSubmission {
  applicationId: string;
  name?: string;
  queue?: string;
  /** applicationType; the RM reports YARN when unset. */
  type?: string;
  tags?: string[];
  priority?: number;
  /** AM container resource (the `resource` field). */
  amResource: Resource;
  amContainer: ContainerLaunchContextProto;
  maxAppAttempts?: number;
  keepContainersAcrossApplicationAttempts?: boolean;
  attemptFailuresValidityIntervalMs?: number;
  unmanagedAm?: boolean;
  nodeLabelExpression?: string;
  /** Application lifetime in seconds (APP_TIMEOUT_LIFETIME). */
  lifetimeSeconds?: number;
}

/** SignalContainerCommandProto's values. */
export type SignalContainerCommand = 'OUTPUT_THREAD_DUMP' | 'GRACEFUL_SHUTDOWN' | 'FORCEFUL_SHUTDOWN';

export interface ApplicationFilter {
  states?: YarnApplicationState[];
  types?: string[];
  /** Compared case-insensitively, as the RM stores tags in lower case. */
  tags?: string[];
}

export class YarnClient {
  private readonly rpc: FailoverRpcClient<ClientProtocol>;
  private readonly submitPollIntervalMs: number;
  private readonly pollIntervalMs: number;
  private readonly pollTimeoutMs: number;

  constructor(readonly options: YarnClientOptions) {
    this.rpc = new FailoverRpcClient({
      ...options.failover,
      addresses: options.addresses,
      protocol: APPLICATION_CLIENT_PROTOCOL,
      auth: { kind: 'simple', user: options.user },
    });
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.submitPollIntervalMs = options.submitPollIntervalMs ?? this.pollIntervalMs;
    this.pollTimeoutMs = options.pollTimeoutMs ?? -1;
  }

  /**
   * RM address(es) from yarn.resourcemanager.address or the HA rm-ids, user from HADOOP_USER_NAME or
   * the OS; `onRetry` hears of every retry while the RM does not answer (silence without it).
   */
  static createFromConf(
    conf: Configuration,
    opts: {
      user?: string;
      env?: NodeJS.ProcessEnv;
      onRetry?: RetryReporter;
      /** Who Loom is on a Kerberized cluster; unset: from the configuration (kerberos-identity-from-conf.ts), none on a simple cluster. */
      kerberosIdentity?: KerberosIdentity | undefined;
    } = {},
  ): YarnClient {
    const identity = 'kerberosIdentity' in opts ? opts.kerberosIdentity : kerberosIdentityFromConf(conf, opts.env ? { env: opts.env } : {});
    const kerberos = identity ? { identity, principal: resourceManagerPrincipal(conf) } : undefined;
    const { addresses, haEnabled: _ha, ...failover } = rmProxyOptionsFromConf(conf, 'client', kerberos);
    const pollIntervalMs = conf.getTimeDuration('yarn.client.application-client-protocol.poll-interval-ms', 200, 'ms');
    return new YarnClient({
      addresses,
      user: opts.user ?? hadoopUser(opts.env),
      failover: { ...failover, ...(opts.onRetry ? { onRetry: opts.onRetry } : {}) },
      pollIntervalMs,
      submitPollIntervalMs: conf.getTimeDuration('yarn.client.app-submission.poll-interval', pollIntervalMs, 'ms'),
      pollTimeoutMs: conf.getTimeDuration('yarn.client.application-client-protocol.poll-timeout-ms', -1, 'ms'),
    });
  }

  /** Index (in `options.addresses`) of the ResourceManager calls currently go to. */
  get activeResourceManager(): number {
    return this.rpc.activeIndex;
  }

  async getNewApplication(): Promise<NewApplication> {
    const r = await this.call('getNewApplication', {});
    return { applicationId: applicationIdText(r.application_id), maximumCapability: resourceFromProto(r.maximumCapability) };
  }

  /**
   * Submits and waits until the application is past NEW/NEW_SAVING/SUBMITTED; an application that
   * is then FAILED or KILLED (unknown queue, ...) is an error with the RM's diagnostics.
   */
  async submitApplication(submission: ApplicationSubmission): Promise<ApplicationReport> {
    const request = { application_submission_context: submissionContextProto(submission) };
    const appId = submission.applicationId;
    await this.call('submitApplication', request);
    const start = Date.now();
    for (;;) {
      let report: ApplicationReport;
      try {
        report = await this.getApplicationReport(appId);
      } catch (err) {
        // An RM failover before the new RM stored the application: submit it again, as YarnClientImpl does.
        if (!isRemoteException(err, APPLICATION_NOT_FOUND)) throw err;
        await this.call('submitApplication', request);
        continue;
      }
      if (!WAITING_STATES.includes(report.state)) {
        if (report.state === 'FAILED' || report.state === 'KILLED') {
          throw new YarnClientError(`Failed to submit ${appId} to YARN : ${report.diagnostics}`);
        }
        return report;
      }
      if (this.pollTimeoutMs >= 0 && Date.now() - start >= this.pollTimeoutMs) {
        throw new YarnClientError(
          `Timed out while waiting for application ${appId} to be submitted successfully (still ${report.state} after ${this.pollTimeoutMs} ms; yarn.client.application-client-protocol.poll-timeout-ms)`,
        );
      }
      await sleep(this.submitPollIntervalMs);
    }
  }

  /** ApplicationNotFoundException surfaces as RemoteException with Hadoop's class name. */
  async getApplicationReport(appId: string): Promise<ApplicationReport> {
    const r = await this.call('getApplicationReport', { application_id: appIdProto(appId) });
    if (!r.application_report) throw new YarnClientError(`the ResourceManager sent no report for ${appId}`);
    return applicationReportFromProto(r.application_report);
  }

  async getApplications(filter: ApplicationFilter = {}): Promise<ApplicationReport[]> {
    const tags = (filter.tags ?? []).map((t) => t.trim().toLowerCase()).filter((t) => t !== '');
    const r = await this.call('getApplications', {
      application_types: filter.types ?? [],
      application_states: filter.states ?? [],
      applicationTags: tags,
    });
    const reports = (r.applications ?? []).map(applicationReportFromProto);
    // Filtered here too: not every RM honours the tag filter.
    return tags.length === 0 ? reports : reports.filter((a) => a.applicationTags.some((t) => tags.includes(t.toLowerCase())));
  }

  /**
   * Repeats forceKillApplication until the RM answers is_kill_completed (the kill is stored),
   * polling every poll-interval; gives up after `timeoutMs`.
   */
  async killApplication(appId: string, opts: { diagnostics?: string; timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = opts.timeoutMs ?? (this.pollTimeoutMs >= 0 ? this.pollTimeoutMs : DEFAULT_KILL_TIMEOUT_MS);
    const request = { application_id: appIdProto(appId), ...(opts.diagnostics !== undefined ? { diagnostics: opts.diagnostics } : {}) };
    const start = Date.now();
    for (;;) {
      const r = await this.call('forceKillApplication', request);
      if (r.is_kill_completed) return;
      if (Date.now() - start >= timeoutMs) {
        throw new YarnClientError(`Timed out while waiting for application ${appId} to be killed (${timeoutMs} ms)`);
      }
      await sleep(this.pollIntervalMs);
    }
  }

  /**
   * `yarn container -signal <id> <command>`: the RM passes the signal to the container's
   * NodeManager on its next heartbeat, which sends it to the container's process group
   * (FORCEFUL_SHUTDOWN: SIGKILL, GRACEFUL_SHUTDOWN: SIGTERM, OUTPUT_THREAD_DUMP: SIGQUIT).
   */
  async signalToContainer(containerId: string, command: SignalContainerCommand): Promise<void> {
    await this.call('signalToContainer', { container_id: containerIdToWire(containerId), command });
  }

  /** The application's attempts (ApplicationNotFoundException when the RM does not know it). */
  async getApplicationAttempts(appId: string): Promise<ApplicationAttemptReport[]> {
    const r = await this.call('getApplicationAttempts', { application_id: appIdProto(appId) });
    return (r.application_attempts ?? []).map(applicationAttemptReportFromProto);
  }

  /** The attempt's containers the RM still tracks (a 3.3.6 RM lists none once the application ended). */
  async getContainers(attemptId: string): Promise<ContainerReport[]> {
    const r = await this.call('getContainers', {
      application_attempt_id: applicationAttemptIdToProto(parseApplicationAttemptId(attemptId)),
    });
    return (r.containers ?? []).map(containerReportFromProto);
  }

  async getClusterMetrics(): Promise<ClusterMetrics> {
    return clusterMetricsFromProto((await this.call('getClusterMetrics', {})).cluster_metrics);
  }

  /** Nodes in the given states; all states when none are given (as YarnClientImpl asks). */
  async getNodeReports(states: NodeState[] = []): Promise<NodeReport[]> {
    const wanted: readonly NodeState[] = states.length ? states : NODE_STATES;
    const r = await this.call('getClusterNodes', { nodeStates: wanted.map((s) => `NS_${s}` as const) });
    // Filtered here too, so a RM that ignores the filter still gives what was asked.
    return (r.nodeReports ?? []).map(nodeReportFromProto).filter((n) => wanted.includes(n.state));
  }

  async getQueueInfo(queueName: string): Promise<QueueInfo> {
    const r = await this.call('getQueueInfo', { queueName, includeApplications: true, includeChildQueues: false, recursive: false });
    if (!r.queueInfo) throw new YarnClientError(`Cannot get queue from RM by queueName = ${queueName}, please check.`);
    return queueInfoFromProto(r.queueInfo);
  }

  close(): Promise<void> {
    return this.rpc.close();
  }

  /** Every ApplicationClientProtocol method Loom calls is @Idempotent in Hadoop, so a broken call may be resent. */
  private call<M extends MethodName<ClientProtocol>>(
    method: M,
    request: RequestOf<ClientProtocol, M>,
  ): Promise<ResponseOf<ClientProtocol, M>> {
    return this.rpc.invoke(method, request, { idempotent: true });
  }
}

function appIdProto(appId: string): ApplicationIdProto {
  return applicationIdToProto(parseApplicationId(appId));
}

function submissionContextProto(s: ApplicationSubmission): ApplicationSubmissionContextProto {
  const ctx: ApplicationSubmissionContextProto = {
    application_id: appIdProto(s.applicationId),
    am_container_spec: s.amContainer,
    resource: resourceToProto(s.amResource),
  };
  if (s.name !== undefined) ctx.application_name = s.name;
  if (s.queue !== undefined) ctx.queue = s.queue;
  if (s.priority !== undefined) ctx.priority = { priority: s.priority };
  if (s.unmanagedAm !== undefined) ctx.unmanaged_am = s.unmanagedAm;
  if (s.maxAppAttempts !== undefined) ctx.maxAppAttempts = s.maxAppAttempts;
  if (s.type !== undefined) ctx.applicationType = s.type;
  if (s.keepContainersAcrossApplicationAttempts !== undefined)
    ctx.keep_containers_across_application_attempts = s.keepContainersAcrossApplicationAttempts;
  if (s.tags?.length) ctx.applicationTags = s.tags;
  if (s.attemptFailuresValidityIntervalMs !== undefined) ctx.attempt_failures_validity_interval = s.attemptFailuresValidityIntervalMs;
  if (s.nodeLabelExpression !== undefined) ctx.node_label_expression = s.nodeLabelExpression;
  if (s.lifetimeSeconds !== undefined)
    ctx.application_timeouts = [{ application_timeout_type: 'APP_TIMEOUT_LIFETIME', timeout: s.lifetimeSeconds }];
  return ctx;
}
