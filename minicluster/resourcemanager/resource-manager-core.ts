// The mini ResourceManager's logic, without sockets: applications and attempts with YARN's state
// machine, the scheduler (allocation only on node heartbeats), tokens, and fault injection.
// Inputs and outputs are YARN proto object shapes so the IPC and REST adapters stay thin.
import { ContainerExitStatus } from '../../client/hadoop/yarn/container-exit-status.js';
import { containerIdToWire, resourceToProto } from '../../client/hadoop/yarn/yarn-records.js';
import {
  applicationAttemptIdToProto,
  applicationIdFromProto,
  applicationIdToProto,
  containerIdFromProto,
  formatApplicationAttemptId,
  formatApplicationId,
  formatContainerId,
  nodeIdToProto,
  parseApplicationAttemptId,
  parseApplicationId,
  parseNodeId,
  type ContainerId,
  type ContainerIdProto,
} from '../../client/wire/codec/yarn-ids.js';
import { activateApplications, queueAmResourceLimit, type PendingAm } from './am-resource-limit.js';
import { appLogAggregationStatus, type NodeLogAggregationReport } from './app-log-aggregation-status.js';
import { checkQueueMaximumAllocation, queueMaximumAllocation, resolveRmConfig, type ResourceManagerConfig } from './rm-config.js';
import * as D from './rm-diagnostics.js';
import type { WireResource } from './rm-diagnostics.js';
import {
  amAlreadyRegistered,
  amNotRegistered,
  amNotRegisteredOnFinish,
  applicationNotFound,
  attemptNotFound,
  invalidAmRequest,
  invalidBlacklistRequest,
  invalidContainerRelease,
  killOfAbsentApplication,
  signalOfAbsentContainer,
} from './rm-exceptions.js';
import {
  recordsOf,
  type AppRecord,
  type AttemptRecord,
  type ContainerRecord,
  type ContainerSignal,
  type FinalStatus,
  type NodeRecord,
  type RmAppState,
  type RmState,
  type SignalCommand,
} from './rm-state.js';
import { newTokenState, RmTokenIssuer, tokenProto, type MasterKey, type StoredToken } from './rm-tokens.js';
import {
  addRes,
  ANY,
  applyAsks,
  checkRequestedResource,
  consumeAsk,
  normalizeResource,
  pendingResource,
  pickAsk,
  resOf,
  subRes,
  validateAsks,
  type ResourceRequestProto,
} from './scheduler-asks.js';

import type {
  AllocateRequestProto,
  AllocateResponseProto,
  ApplicationReportProto,
  ApplicationResourceUsageReportProto,
  ApplicationSubmissionContextProto,
  ContainerLaunchContextProto,
  ContainerProto,
  FinishApplicationMasterRequestProto,
  GetNewApplicationResponseProto,
  LogAggregationStatusProto,
  NMTokenProto,
  RegisterApplicationMasterRequestProto,
  RegisterApplicationMasterResponseProto,
  ResourceProto,
  ResourceTypeInfoProto,
  YarnApplicationStateProto,
} from '../../client/wire/codec/generated/proto-messages.js';

export interface ResourceManagerCoreOptions {
  config?: Partial<ResourceManagerConfig>;
}

/** What a test or a log reader can check afterwards ("no container was requested twice"). */
export type RmEvent =
  | {
      type: 'allocated';
      at: number;
      containerId: string;
      attemptId: string;
      nodeId: string;
      isAm: boolean;
      priority: number;
      allocationRequestId: number;
      resource: WireResource;
    }
  | { type: 'completed'; at: number; containerId: string; exitStatus: number; diagnostics: string }
  | { type: 'app-state'; at: number; appId: string; state: RmAppState }
  | { type: 'attempt-state'; at: number; attemptId: string; state: AttemptRecord['state'] };

/**
 * An AM container allocated and waiting for the RM's AMLauncher, which starts it on its NodeManager
 * over ContainerManagementProtocol (see am-launcher.ts).
 */
export interface AmLaunch {
  attemptId: string;
  container: ContainerProto;
  /** The submitted ContainerLaunchContextProto with the RM's additions to `environment`. */
  launchContext: ContainerLaunchContextProto;
  amrmToken: StoredToken;
  /** The NMToken the RM issues itself for this attempt and node (AMLauncher.getContainerMgrProxy). */
  nmToken: StoredToken;
}

export interface NodeHeartbeatAnswer {
  containersToCleanup: ContainerIdProto[];
  /** NodeHeartbeatResponse.containers_to_signal: signalToContainer requests for this node. */
  containersToSignal: ContainerSignal[];
  /** NodeHeartbeatResponse.applications_to_cleanup: applications that ended and ran a container on this node. */
  appsToCleanup: string[];
  nextHeartbeatIntervalMs: number;
}

/** A container's status as its NM reports it in a heartbeat (ContainerStatusProto's fields). */
export interface NodeContainerStatus {
  container_id: ContainerIdProto;
  state?: string;
  exit_status?: number;
  diagnostics?: string;
  container_attributes?: { key: string; value: string }[];
}

export interface NodeRegistration {
  host?: string;
  port: number;
  httpPort: number;
  /** Address for token services; YARN registers `localhost` while tokens name `127.0.0.1`. */
  tokenHost?: string;
  capability: WireResource;
}

const FINAL_APP_STATES: RmAppState[] = ['FINISHED', 'FAILED', 'KILLED'];
const isFinal = (a: AppRecord): boolean => FINAL_APP_STATES.includes(a.state) || a.state === 'FINISHING';
const FINAL_ATTEMPT_STATES: AttemptRecord['state'][] = ['FINISHED', 'FAILED', 'KILLED'];
const NO_RESOURCE: WireResource = { memory: 0, virtual_cores: 0 };

/** Exit statuses that do not count towards the max-attempts limit (as RMAppAttemptImpl decides). */
const NOT_COUNTED = new Set<number>([
  ContainerExitStatus.PREEMPTED,
  ContainerExitStatus.ABORTED,
  ContainerExitStatus.DISKS_FAILED,
  ContainerExitStatus.KILLED_BY_RESOURCEMANAGER,
]);

const RESOURCE_TYPES: ResourceTypeInfoProto[] = [
  { name: 'memory-mb', units: 'Mi', type: 'COUNTABLE' },
  { name: 'vcores', units: '', type: 'COUNTABLE' },
];

/** ResourceProto with the value map Hadoop always writes (the client's encoding, from the core's proto-shaped WireResource). */
export function resourceProto(r: WireResource): ResourceProto {
  return resourceToProto({ memoryMb: r.memory, vcores: r.virtual_cores });
}

export class ResourceManagerCore {
  readonly config: ResourceManagerConfig;
  readonly events: RmEvent[] = [];
  private readonly state: RmState;
  private readonly tokens: RmTokenIssuer;
  /** ApplicationMasterLauncher's event queue: AM containers allocated and not yet taken by a launcher. */
  private readonly amLaunchQueue: AmLaunch[] = [];
  private amLaunchListener: (() => void) | undefined;

  constructor(opts: ResourceManagerCoreOptions = {}, restored?: RmState) {
    this.config = resolveRmConfig(restored ? { ...opts.config, clusterTimestamp: restored.clusterTimestamp } : opts.config);
    this.state = restored ?? {
      clusterTimestamp: this.config.clusterTimestamp,
      epoch: 0,
      nextAppSeq: 1,
      apps: {},
      nodes: {},
      containers: {},
      tokens: newTokenState(),
    };
    this.tokens = new RmTokenIssuer(this.state.tokens);
  }

  // ---------------------------------------------------------------- persistence / recovery

  /** Everything needed to come back after a restart, as plain JSON. */
  snapshot(): RmState {
    return JSON.parse(JSON.stringify(this.state)) as RmState;
  }

  /**
   * Work-preserving restart: applications, containers and tokens survive; the epoch goes up (new
   * container ids get `e<epoch>`), and every AM must register again before allocating.
   */
  static recover(snapshot: RmState, opts: ResourceManagerCoreOptions = {}): ResourceManagerCore {
    const state = JSON.parse(JSON.stringify(snapshot)) as RmState;
    state.epoch += 1;
    for (const app of recordsOf(state.apps)) {
      for (const att of app.attempts) {
        att.registered = false;
        att.lastResponse = undefined;
        att.lastResponseId = 0;
        att.lastContact = (opts.config?.now ?? Date.now)();
      }
    }
    return new ResourceManagerCore(opts, state);
  }

  get clusterTimestamp(): number {
    return this.state.clusterTimestamp;
  }

  private now(): number {
    return this.config.now();
  }

  private rmWeb(): string {
    return `http://${this.config.webAppAddress}`;
  }

  // ---------------------------------------------------------------- ApplicationClientProtocol

  getNewApplication(): GetNewApplicationResponseProto {
    const id = { clusterTimestamp: this.state.clusterTimestamp, id: this.state.nextAppSeq++ };
    return {
      application_id: applicationIdToProto(id),
      maximumCapability: resourceProto({ memory: this.config.maximumAllocationMb, virtual_cores: this.config.maximumAllocationVcores }),
    };
  }

  /**
   * `yarn rmadmin -refreshQueues` after capacity-scheduler.xml's queue maximum allocation was
   * changed: it may grow up to the cluster's maximum, never shrink (LeafQueue.reinitialize, since
   * running AMs were told it); asks are validated against the new value from then on.
   */
  refreshQueueMaximumAllocation(max: { memoryMb?: number; vcores?: number }): void {
    const current = queueMaximumAllocation(this.config);
    const wanted = { memory: max.memoryMb ?? current.memory, virtual_cores: max.vcores ?? current.virtual_cores };
    if (wanted.memory < current.memory || wanted.virtual_cores < current.virtual_cores) {
      throw new Error(D.queueMaxAllocationDecreased(`root.${this.config.queueName}`, current, wanted));
    }
    checkQueueMaximumAllocation(this.config, wanted.memory, wanted.virtual_cores);
    this.config.queueMaximumAllocationMb = wanted.memory;
    this.config.queueMaximumAllocationVcores = wanted.virtual_cores;
  }

  /** submitApplication: validates like YARN, then the app goes NEW -> ... -> ACCEPTED (or FAILED for an unknown queue). */
  submitApplication(ctx: ApplicationSubmissionContextProto, user: string): void {
    const appIdObj = applicationIdFromProto(ctx.application_id);
    const appId = formatApplicationId(appIdObj);
    if (this.state.apps[appId]) return; // YARN treats a resubmission of a known id as a no-op
    if (appIdObj.clusterTimestamp !== this.state.clusterTimestamp) {
      throw invalidAmRequest(`Application ${appId} was not created by this ResourceManager`);
    }
    const requested = resOf(ctx.resource ?? ctx.am_container_resource_request?.[0]?.capability);
    const err = checkRequestedResource(requested, this.config);
    if (err) throw err;
    const now = this.now();
    const globalMax = this.config.amMaxAttempts;
    // `maxAppAttempts` is the wire field's name (camel case in yarn_protos.proto, unlike its neighbours).
    const asked = ctx.maxAppAttempts ?? 0;
    const app: AppRecord = {
      id: appId,
      user,
      name: ctx.application_name ?? 'N/A',
      queue: ctx.queue ?? this.config.queueName,
      applicationType: ctx.applicationType ?? 'YARN',
      applicationTags: [...(ctx.applicationTags ?? [])],
      priority: ctx.priority?.priority ?? 0,
      submitTime: now,
      startTime: now,
      launchTime: 0,
      finishTime: 0,
      state: 'NEW',
      finalStatus: 'APP_UNDEFINED',
      diagnostics: '',
      maxAppAttempts: asked <= 0 || asked > globalMax ? globalMax : asked,
      keepContainers: Boolean(ctx.keep_containers_across_application_attempts),
      attemptFailuresValidityIntervalMs: ctx.attempt_failures_validity_interval ?? -1,
      amResource: normalizeResource(requested, this.config),
      amContainerSpec: ctx.am_container_spec ?? {},
      unmanagedAm: Boolean(ctx.unmanaged_am),
      attempts: [],
      failedAttemptTimes: [],
      finalStateStored: false,
      trackingUrl: '',
      originalTrackingUrl: 'N/A',
      memorySeconds: 0,
      vcoreSeconds: 0,
    };
    this.state.apps[appId] = app;
    this.setAppState(app, 'NEW_SAVING');
    this.setAppState(app, 'SUBMITTED');
    if (app.queue !== this.config.queueName) {
      app.diagnostics = D.unknownQueue(appId, user, app.queue);
      app.finalStatus = 'APP_FAILED';
      app.finishTime = this.now();
      app.finalStateStored = true;
      this.setAppState(app, 'FAILED');
      return;
    }
    this.setAppState(app, 'ACCEPTED');
    this.startAttempt(app);
  }

  getApplicationReport(appId: string): ApplicationReportProto {
    return this.report(this.app(appId));
  }

  /** getApplications: as recorded, a 3.3.6 RM lists applications with the dummy (-1) usage report. */
  listApplications(filter: { states?: string[]; applicationTypes?: string[] } = {}): ApplicationReportProto[] {
    return recordsOf(this.state.apps)
      .filter((a) => !filter.states?.length || filter.states.includes(this.reportedState(a)))
      .filter((a) => !filter.applicationTypes?.length || filter.applicationTypes.includes(a.applicationType))
      .map((a): ApplicationReportProto => ({ ...this.report(a), app_resource_Usage: this.usageReport(a, true) }));
  }

  /** forceKillApplication: the first answer is `false` (kill under way), a repeat once it is stored `true`. */
  killApplication(appId: string, user: string, remoteHost = '127.0.0.1'): { is_kill_completed: boolean } {
    const app = this.state.apps[appId];
    if (!app) throw killOfAbsentApplication(appId);
    if (app.finalStateStored) return { is_kill_completed: true };
    if (!isFinal(app)) {
      app.diagnostics = D.appKilledByUser(appId, user, remoteHost);
      this.endApp(app, 'KILLED', 'APP_KILLED');
    }
    app.finalStateStored = true;
    return { is_kill_completed: false };
  }

  /** The RM's own records (REST and tests read these). */
  appRecord(appId: string): AppRecord {
    return this.app(appId);
  }

  allApps(): AppRecord[] {
    return recordsOf(this.state.apps);
  }

  allNodes(): NodeRecord[] {
    return recordsOf(this.state.nodes);
  }

  containerRecord(containerId: string): ContainerRecord | undefined {
    return this.state.containers[containerId];
  }

  allContainers(): ContainerRecord[] {
    return recordsOf(this.state.containers);
  }

  // ---------------------------------------------------------------- ApplicationMasterProtocol

  /** IPC token auth on the scheduler port: only live attempts' AMRMTokens authenticate. */
  lookupAmrmPassword(base64Identifier: string): string | undefined {
    return this.tokens.lookupAmrmPassword(base64Identifier);
  }

  /** Master keys the NodeManagers use to check NMTokens and ContainerTokens. */
  nodeManagerKeys(): { nmKey: MasterKey; containerKey: MasterKey } {
    return this.tokens.nodeManagerKeys();
  }

  registerApplicationMaster(attemptId: string, req: RegisterApplicationMasterRequestProto): RegisterApplicationMasterResponseProto {
    const { app, attempt } = this.liveAttempt(attemptId);
    if (attempt.registered) throw amAlreadyRegistered(app.id);
    attempt.registered = true;
    attempt.lastContact = this.now();
    attempt.host = req.host ?? '';
    attempt.rpcPort = req.rpc_port ?? -1;
    attempt.originalTrackingUrl = req.tracking_url || 'N/A';
    app.originalTrackingUrl = attempt.originalTrackingUrl;
    if (attempt.state === 'LAUNCHED' || attempt.state === 'ALLOCATED') this.setAttemptState(attempt, 'RUNNING');
    if (app.state === 'ACCEPTED') this.setAppState(app, 'RUNNING');
    app.diagnostics = '';

    const response: RegisterApplicationMasterResponseProto = {
      // DefaultAMSProcessor.registerApplicationMaster: the queue's maximum (getNewApplication tells the cluster's).
      maximumCapability: resourceProto(queueMaximumAllocation(this.config)),
      queue: app.queue,
      scheduler_resource_types: ['MEMORY'],
      resource_types: RESOURCE_TYPES,
    };
    if (app.keepContainers && attempt.number > 1) {
      const previous = recordsOf(this.state.containers).filter(
        (c) => c.appId === app.id && c.attemptId !== attempt.id && !c.isAm && c.state !== 'COMPLETE',
      );
      if (previous.length) {
        response.containers_from_previous_attempts = previous.reverse().map((c) => this.containerProto(c));
        const nmTokens: NMTokenProto[] = [];
        for (const owner of new Set(previous.map((c) => c.attemptId))) {
          const ownerAttempt = app.attempts.find((a) => a.id === owner);
          for (const [nodeId, token] of Object.entries(ownerAttempt?.nmTokens ?? {})) {
            if (token && previous.some((c) => c.attemptId === owner && c.nodeId === nodeId)) {
              nmTokens.push({ nodeId: nodeIdToProto(parseNodeId(nodeId)), token: tokenProto(token) });
            }
          }
        }
        response.nm_tokens_from_previous_attempts = nmTokens;
      }
    }
    return response;
  }

  allocate(attemptId: string, req: AllocateRequestProto): AllocateResponseProto {
    const { app, attempt } = this.liveAttempt(attemptId);
    if (!attempt.registered) throw amNotRegistered(attemptId);
    attempt.lastContact = this.now();
    const responseId = req.response_id ?? 0;
    if (attempt.lastResponse && responseId + 1 === attempt.lastResponseId) return attempt.lastResponse; // a retried call
    if (responseId !== attempt.lastResponseId) {
      throw invalidAmRequest(
        `Invalid responseId in AllocateRequest from application attempt: ${attemptId}, expect responseId to be ${attempt.lastResponseId}, but get ${responseId}`,
      );
    }
    // DefaultAMSProcessor.allocate's checks, in its order; a refused request changes nothing.
    const asks = (req.ask ?? []) as ResourceRequestProto[];
    try {
      validateAsks(asks, this.config);
    } catch (err) {
      // handleInvalidResourceException: the attempt's AM launch diagnostics, shown while the app has none of its own.
      if (err instanceof Error && !app.diagnostics) app.diagnostics = err.message;
      throw err;
    }
    if ((req.blacklist_request?.blacklist_additions ?? []).includes(ANY)) throw invalidBlacklistRequest(D.BLACKLIST_ANY);
    const releases = (req.release ?? []).map((r) => containerIdFromAny(r));
    if (!app.keepContainers) {
      const foreign = releases.find((r) => formatApplicationAttemptId(r.applicationAttemptId) !== attempt.id);
      if (foreign) throw invalidContainerRelease(D.releaseOfOtherAttempt(formatContainerId(foreign), attempt.id));
    }
    applyAsks(attempt, asks, this.config);
    for (const released of releases) {
      const c = this.state.containers[formatContainerId(released)];
      if (c?.appId !== app.id || c.state === 'COMPLETE') continue;
      this.completeContainer(c, ContainerExitStatus.ABORTED, D.RELEASED_CONTAINER, true);
    }

    const allocated = attempt.newlyAllocated.flatMap((id) => {
      const c = this.state.containers[id];
      return c?.state === 'ALLOCATED' ? [c] : [];
    });
    attempt.newlyAllocated = [];
    const nmTokens: NMTokenProto[] = [];
    for (const c of allocated) {
      c.state = 'ACQUIRED';
      if (!attempt.nmTokens[c.nodeId]) {
        const token = this.tokens.issueNmToken(
          parseApplicationAttemptId(attempt.id),
          parseNodeId(c.nodeId),
          app.user,
          this.node(c.nodeId).tokenService,
        );
        attempt.nmTokens[c.nodeId] = token;
        nmTokens.push({ nodeId: nodeIdToProto(parseNodeId(c.nodeId)), token: tokenProto(token) });
      }
    }
    const completed = attempt.pendingCompleted.splice(0);
    attempt.lastResponseId += 1;
    const response: AllocateResponseProto = {
      response_id: attempt.lastResponseId,
      allocated_containers: allocated.map((c) => this.containerProto(c)),
      completed_container_statuses: completed.map((s) => ({
        container_id: containerIdToWire(s.containerId),
        state: s.state,
        diagnostics: s.diagnostics,
        exit_status: s.exitStatus,
        capability: resourceProto(s.capability),
        executionType: 'GUARANTEED',
        ...(s.attributes?.length ? { container_attributes: s.attributes } : {}),
        container_sub_state: 'CSS_DONE',
      })),
      limit: resourceProto(this.headroom()),
      num_cluster_nodes: this.allNodes().filter((n) => n.state === 'RUNNING').length,
      application_priority: { priority: app.priority },
    };
    if (nmTokens.length) response.nm_tokens = nmTokens;
    attempt.lastResponse = response;
    return response;
  }

  /** finishApplicationMaster: `isUnregistered` is false on the first call and true on a repeat. */
  finishApplicationMaster(attemptId: string, req: FinishApplicationMasterRequestProto): { isUnregistered: boolean } {
    const { app, attempt } = this.attemptOf(attemptId);
    if (attempt.unregisterRequested) return { isUnregistered: app.finalStateStored };
    if (!attempt.registered) throw amNotRegisteredOnFinish(attemptId);
    const final = req.final_application_status ?? 'APP_UNDEFINED';
    attempt.unregisterRequested = true;
    attempt.finalStatusRequested = final;
    attempt.diagnostics = req.diagnostics ?? '';
    attempt.originalTrackingUrl = req.tracking_url || 'N/A';
    app.originalTrackingUrl = attempt.originalTrackingUrl;
    app.diagnostics = attempt.diagnostics;
    app.finalStatus = final === 'APP_UNDEFINED' ? 'APP_UNDEFINED' : final;
    app.stateBeforeFinal = app.state;
    this.setAppState(app, 'FINAL_SAVING');
    this.setAttemptState(attempt, 'FINISHING');
    app.finishTime = this.now();
    this.setAppState(app, 'FINISHING');
    app.finalStateStored = true;
    this.tokens.revokeAmrmToken(attempt.amrmToken);
    return { isUnregistered: false };
  }

  // ---------------------------------------------------------------- NodeManager side

  registerNode(reg: NodeRegistration): string {
    const host = reg.host ?? 'localhost';
    const nodeId = `${host}:${reg.port}`;
    const existing = this.state.nodes[nodeId];
    if (existing?.state === 'RUNNING') return nodeId; // re-registration after an RM restart
    this.state.nodes[nodeId] = {
      nodeId,
      host,
      port: reg.port,
      httpAddress: `${host}:${reg.httpPort}`,
      tokenService: `${reg.tokenHost ?? '127.0.0.1'}:${reg.port}`,
      capability: { ...reg.capability },
      used: { memory: 0, virtual_cores: 0 },
      state: 'RUNNING',
      lastHeartbeat: this.now(),
      containers: [],
      toCleanup: [],
    };
    this.activateApplications(); // CapacityScheduler.updateNodeAndQueueResource: the AM limit grows
    return nodeId;
  }

  /**
   * A node heartbeat: container statuses in, cleanups out. This is the only place containers are
   * allocated (at most one AM container, and one container per application); an AM container goes
   * to the AM launch queue (takeAmLaunches), not to the node.
   */
  nodeHeartbeat(
    nodeId: string,
    statuses: NodeContainerStatus[] = [],
    logAggregationReports: NodeLogAggregationReport[] = [],
  ): NodeHeartbeatAnswer {
    const node = this.state.nodes[nodeId];
    if (node?.state !== 'RUNNING') throw new Error(`node ${nodeId} is not registered with the ResourceManager; register it first`);
    node.lastHeartbeat = this.now();
    // Attempts created or activated while this heartbeat is processed (after an AM ended) are
    // scheduled from the next one on, as YARN adds and removes attempts in the scheduler asynchronously.
    const schedulable = new Set(
      this.allApps().flatMap((a) => a.attempts.filter((t) => t.state === 'SCHEDULED' && t.activated).map((t) => t.id)),
    );
    for (const s of statuses) {
      const c = this.state.containers[formatContainerId(containerIdFromAny(s.container_id))];
      if (!c || c.state === 'COMPLETE') continue;
      if (s.state === 'C_COMPLETE')
        this.completeContainer(c, s.exit_status ?? ContainerExitStatus.INVALID, s.diagnostics ?? '', false, s.container_attributes);
      else if (c.state === 'ACQUIRED' || (c.isAm && c.state === 'ALLOCATED')) c.state = 'RUNNING';
    }
    for (const r of logAggregationReports) {
      const app = this.state.apps[r.applicationId];
      if (app) (app.logAggregationReports ??= {})[nodeId] = r.status;
    }
    const launches = this.allocateOnNode(node, schedulable);
    const cleanup = node.toCleanup.splice(0).map((id) => containerIdToWire(id));
    if (launches.length) {
      this.amLaunchQueue.push(...launches);
      this.amLaunchListener?.();
    }
    const signals = node.toSignal?.splice(0) ?? [];
    return {
      containersToCleanup: cleanup,
      containersToSignal: signals,
      appsToCleanup: this.finishedAppsOn(node),
      nextHeartbeatIntervalMs: this.config.nodeHeartbeatIntervalMs,
    };
  }

  /** See app-log-aggregation-status.ts: from the reports of the nodes that ran the application's containers. */
  logAggregationStatus(app: AppRecord): LogAggregationStatusProto {
    const ranOn = new Set(
      recordsOf(this.state.containers)
        .filter((c) => c.appId === app.id)
        .map((c) => c.nodeId),
    );
    const status = appLogAggregationStatus({
      enabled: this.config.logAggregationEnabled,
      appFinal: FINAL_APP_STATES.includes(app.state),
      nodes: [...ranOn].map((n) => app.logAggregationReports?.[n]),
      ...(app.logAggregationSettled ? { settled: app.logAggregationSettled } : {}),
    });
    if (status === 'LOG_SUCCEEDED' || status === 'LOG_FAILED') app.logAggregationSettled = status;
    return status;
  }

  /** RMAppImpl's app-finished transition tells every node that ran one of its containers (RMNodeCleanAppEvent), once. */
  private finishedAppsOn(node: NodeRecord): string[] {
    const told = (node.appsToldFinished ??= []);
    const ran = new Set(
      recordsOf(this.state.containers)
        .filter((c) => c.nodeId === node.nodeId)
        .map((c) => c.appId),
    );
    const ended = [...ran].filter((id) => {
      const app = this.state.apps[id];
      return !told.includes(id) && app !== undefined && FINAL_APP_STATES.includes(app.state);
    });
    told.push(...ended);
    return ended;
  }

  /**
   * `listener` is called (synchronously, inside the allocating heartbeat) whenever AM containers
   * join the launch queue; it should take them with takeAmLaunches and launch them later.
   */
  onAmLaunchQueued(listener: () => void): void {
    this.amLaunchListener = listener;
  }

  /** Empties the AM launch queue: the AM containers allocated since the last call, oldest first. */
  takeAmLaunches(): AmLaunch[] {
    return this.amLaunchQueue.splice(0);
  }

  /** The AMLauncher started the AM container (RMAppAttemptEventType.LAUNCHED). */
  amContainerLaunched(containerId: string): void {
    const c = this.container(containerId);
    const app = this.app(c.appId);
    const attempt = this.ownerAttempt(app, c);
    if (c.state !== 'COMPLETE') c.state = 'RUNNING';
    if (attempt.state !== 'ALLOCATED') return;
    this.setAttemptState(attempt, 'LAUNCHED');
    attempt.lastContact = this.now();
    if (app.launchTime === 0) app.launchTime = this.now();
    app.diagnostics = D.AM_LAUNCHED_WAITING_FOR_REGISTER;
  }

  /**
   * The AMLauncher could not start the AM container (RMAppAttemptEventType.LAUNCH_FAILED): the
   * attempt fails with the launcher's diagnostics and counts towards the attempt limit.
   */
  amContainerLaunchFailed(containerId: string, diagnostics: string): void {
    const c = this.container(containerId);
    const app = this.app(c.appId);
    const attempt = this.ownerAttempt(app, c);
    if (attempt.state !== 'ALLOCATED' || attempt.amContainerId !== containerId) return;
    this.failAttempt(app, attempt, diagnostics, ContainerExitStatus.INVALID, true);
  }

  // ---------------------------------------------------------------- fault injection and monitors

  /** Kill a container as the RM would: the NM is told to stop it with its next heartbeat. */
  killContainer(containerId: string): void {
    const c = this.container(containerId);
    if (c.state !== 'COMPLETE') this.state.nodes[c.nodeId]?.toCleanup.push(c.id);
  }

  /**
   * ClientRMService.signalToContainer: a live container of a known application gets the signal on
   * its node's next heartbeat (RMNodeSignalContainerEvent); anything else is "an absent container".
   * No access check: YARN checks MODIFY_APP only with yarn.acl.enable, off by default.
   */
  signalToContainer(containerId: string, command: SignalCommand): void {
    const c = this.state.containers[containerId];
    if (!c || !this.state.apps[c.appId] || c.state === 'COMPLETE') throw signalOfAbsentContainer(containerId);
    const node = this.state.nodes[c.nodeId];
    if (node?.state !== 'RUNNING') throw signalOfAbsentContainer(containerId);
    (node.toSignal ??= []).push({ containerId, command });
  }

  /** Lose a node: its containers complete with ABORTED (-100) "Container released on a *lost* node". */
  loseNode(nodeId: string): void {
    const node = this.state.nodes[nodeId];
    if (!node) throw new Error(`unknown node ${nodeId}`);
    node.state = 'LOST';
    for (const id of [...node.containers]) {
      const c = this.state.containers[id];
      if (c && c.state !== 'COMPLETE') this.completeContainer(c, ContainerExitStatus.ABORTED, D.LOST_CONTAINER, false);
    }
    this.activateApplications();
  }

  /** Expire attempts whose AM has not called allocate within the liveness interval. */
  checkAmLiveness(): string[] {
    const expired: string[] = [];
    const now = this.now();
    for (const app of this.allApps()) {
      const attempt = app.attempts.at(-1);
      if (!attempt || isFinal(app) || !['LAUNCHED', 'RUNNING'].includes(attempt.state)) continue;
      if (now - attempt.lastContact < this.config.amLivenessExpiryMs) continue;
      expired.push(attempt.id);
      this.failAttempt(app, attempt, D.amLivenessExpired(attempt.id), ContainerExitStatus.INVALID, true);
    }
    return expired;
  }

  // ---------------------------------------------------------------- internals

  private app(appId: string): AppRecord {
    const app = this.state.apps[appId];
    if (!app) throw applicationNotFound(appId);
    return app;
  }

  private container(containerId: string): ContainerRecord {
    const c = this.state.containers[containerId];
    if (!c) throw new Error(`unknown container ${containerId}`);
    return c;
  }

  /** The application's latest attempt, for an application known to have one. */
  private currentAttempt(app: AppRecord): AttemptRecord {
    const attempt = app.attempts.at(-1);
    if (!attempt) throw new Error(`application ${app.id} has no attempt yet`);
    return attempt;
  }

  /** A container's node: nodes are never removed (a lost one stays LOST), so it is always there. */
  private node(nodeId: string): NodeRecord {
    const node = this.state.nodes[nodeId];
    if (!node) throw new Error(`unknown node ${nodeId}`);
    return node;
  }

  /** The attempt that allocated `c`: attempts are never removed, so it is always there. */
  private ownerAttempt(app: AppRecord, c: ContainerRecord): AttemptRecord {
    const owner = app.attempts.find((a) => a.id === c.attemptId);
    if (!owner) throw new Error(`container ${c.id} names attempt ${c.attemptId}, which application ${app.id} does not have`);
    return owner;
  }

  private attemptOf(attemptId: string): { app: AppRecord; attempt: AttemptRecord } {
    const parsed = parseApplicationAttemptId(attemptId);
    const app = this.state.apps[formatApplicationId(parsed.applicationId)];
    const attempt = app?.attempts.find((a) => a.id === attemptId);
    if (!app || !attempt) throw attemptNotFound(attemptId);
    return { app, attempt };
  }

  private liveAttempt(attemptId: string): { app: AppRecord; attempt: AttemptRecord } {
    const found = this.attemptOf(attemptId);
    if (found.app.attempts.at(-1) !== found.attempt || ['FINISHED', 'FAILED', 'KILLED'].includes(found.attempt.state)) {
      throw attemptNotFound(attemptId);
    }
    return found;
  }

  private setAppState(app: AppRecord, state: RmAppState): void {
    app.state = state;
    this.events.push({ type: 'app-state', at: this.now(), appId: app.id, state });
  }

  private setAttemptState(attempt: AttemptRecord, state: AttemptRecord['state']): void {
    attempt.state = state;
    this.events.push({ type: 'attempt-state', at: this.now(), attemptId: attempt.id, state });
    // An ended attempt leaves the scheduler (LeafQueue.removeApplicationAttempt): its AM resource
    // no longer counts, and pending applications may be activated.
    if (FINAL_ATTEMPT_STATES.includes(state)) this.activateApplications();
  }

  /** SchedulerApplicationAttempt.getAMResource: an unmanaged AM holds no AM resource. */
  private amResourceOf(app: AppRecord): WireResource {
    return app.unmanagedAm ? NO_RESOURCE : app.amResource;
  }

  /**
   * LeafQueue.activateApplications for the one queue: attempts waiting for activation, oldest
   * application first, are activated while their AMs fit under maximum-am-resource-percent of the
   * cluster (see am-resource-limit.ts); the others stay SCHEDULED with the scheduler's diagnostics,
   * refreshed on every pass. With no cluster resource nothing is activated.
   */
  private activateApplications(): void {
    const withAttempt = this.allApps().filter((a) => a.attempts.length > 0);
    const current = (a: AppRecord): AttemptRecord => this.currentAttempt(a);
    const pending = withAttempt
      .filter((a) => !isFinal(a) && current(a).state === 'SCHEDULED' && !current(a).activated)
      .sort((a, b) => a.submitTime - b.submitTime || a.id.localeCompare(b.id));
    if (!pending.length) return;
    const cluster = this.clusterResource();
    const limit = queueAmResourceLimit(cluster, this.config.maximumAmResourcePercent, this.config.minimumAllocationMb);
    const now = this.now();
    const details = (app: AppRecord, queueAmUsed: WireResource): D.PendingAmDetails => ({
      amRequest: this.amResourceOf(app),
      queueAmLimit: limit,
      userAmLimit: limit,
      queueAmUsed,
    });
    // An unregistered AM (attempt FINISHING) holds its share until its container ends.
    const active = withAttempt.filter(
      (a) => current(a).activated && !FINAL_ATTEMPT_STATES.includes(current(a).state) && !FINAL_APP_STATES.includes(a.state),
    );
    const amUsed = active.reduce((acc, a) => addRes(acc, this.amResourceOf(a)), NO_RESOURCE);
    if (cluster.memory <= 0) {
      // LeafQueue.addApplicationAttempt skips the activation while the cluster has no resource.
      for (const app of pending) app.diagnostics = D.notYetActivated(now, D.CLUSTER_RESOURCE_EMPTY, details(app, amUsed));
      return;
    }
    const candidates: PendingAm<AppRecord>[] = pending.map((app) => ({ attempt: app, amResource: this.amResourceOf(app) }));
    const pass = activateApplications(candidates, { count: active.length, amUsed }, limit);
    for (const app of pass.activated) {
      current(app).activated = true;
      app.diagnostics = D.activatedWaitingForAm(now, cluster, this.usedResource());
    }
    for (const { attempt: app, amUsedThen } of pass.deferred) {
      app.diagnostics = D.notYetActivated(now, D.QUEUE_AM_RESOURCE_LIMIT_EXCEEDED, details(app, amUsedThen));
    }
  }

  private clusterResource(): WireResource {
    return this.allNodes()
      .filter((n) => n.state === 'RUNNING')
      .reduce((acc, n) => addRes(acc, n.capability), { memory: 0, virtual_cores: 0 });
  }

  private usedResource(): WireResource {
    return this.allNodes()
      .filter((n) => n.state === 'RUNNING')
      .reduce((acc, n) => addRes(acc, n.used), { memory: 0, virtual_cores: 0 });
  }

  private headroom(): WireResource {
    const free = subRes(this.clusterResource(), this.usedResource());
    return { memory: Math.max(0, free.memory), virtual_cores: Math.max(0, free.virtual_cores) };
  }

  private startAttempt(app: AppRecord): void {
    const number = app.attempts.length + 1;
    const id = formatApplicationAttemptId({ applicationId: parseApplicationId(app.id), attemptId: number });
    const attempt: AttemptRecord = {
      id,
      number,
      state: 'SCHEDULED',
      activated: false,
      startTime: this.now(),
      finishTime: 0,
      amrmToken: this.tokens.issueAmrmToken(parseApplicationAttemptId(id)),
      registered: false,
      host: 'N/A',
      rpcPort: -1,
      originalTrackingUrl: 'N/A',
      diagnostics: '',
      exitStatus: ContainerExitStatus.INVALID,
      asks: {},
      newlyAllocated: [],
      pendingCompleted: [],
      nmTokens: {},
      lastResponseId: 0,
      lastContact: this.now(),
      nextContainerSeq: 1,
      unregisterRequested: false,
    };
    app.attempts.push(attempt);
    app.trackingUrl = `${this.rmWeb()}/proxy/${app.id}/`;
    app.originalTrackingUrl = 'N/A';
    this.events.push({ type: 'attempt-state', at: this.now(), attemptId: id, state: 'SCHEDULED' });
    this.activateApplications(); // LeafQueue.addApplicationAttempt
  }

  private newContainer(
    app: AppRecord,
    attempt: AttemptRecord,
    node: NodeRecord,
    resource: WireResource,
    priority: number,
    allocationRequestId: number,
    isAm: boolean,
  ): ContainerRecord {
    const cid = {
      applicationAttemptId: parseApplicationAttemptId(attempt.id),
      epoch: this.state.epoch,
      sequence: attempt.nextContainerSeq++,
    };
    const id = formatContainerId(cid);
    const now = this.now();
    const token = this.tokens.issueContainerToken(
      {
        containerId: cid,
        nmHostAddr: node.nodeId,
        appSubmitter: app.user,
        resource: resourceProto(resource),
        expiryTimeStamp: now + 600_000,
        rmIdentifier: this.state.clusterTimestamp,
        priority,
        creationTime: now,
        containerType: isAm ? 'APPLICATION_MASTER' : 'TASK',
        executionType: 'GUARANTEED',
        allocationRequestId,
      },
      node.tokenService,
    );
    const c: ContainerRecord = {
      id,
      appId: app.id,
      attemptId: attempt.id,
      nodeId: node.nodeId,
      resource,
      priority,
      allocationRequestId,
      isAm,
      state: 'ALLOCATED',
      token,
      allocatedAt: now,
    };
    this.state.containers[id] = c;
    node.containers.push(id);
    node.used = addRes(node.used, resource);
    this.events.push({
      type: 'allocated',
      at: now,
      containerId: id,
      attemptId: attempt.id,
      nodeId: node.nodeId,
      isAm,
      priority,
      allocationRequestId,
      resource,
    });
    return c;
  }

  private containerProto(c: ContainerRecord): ContainerProto {
    const node = this.node(c.nodeId);
    return {
      id: containerIdToWire(c.id),
      nodeId: nodeIdToProto(parseNodeId(c.nodeId)),
      node_http_address: node.httpAddress,
      resource: resourceProto(c.resource),
      priority: { priority: c.priority },
      container_token: tokenProto(c.token),
      execution_type: 'GUARANTEED',
      allocation_request_id: c.allocationRequestId,
    };
  }

  private allocateOnNode(node: NodeRecord, schedulable: Set<string>): AmLaunch[] {
    const launches: AmLaunch[] = [];
    const apps = this.allApps()
      .filter((a) => !isFinal(a))
      .sort((a, b) => a.submitTime - b.submitTime || a.id.localeCompare(b.id));
    // AM containers first, one per heartbeat.
    for (const app of apps) {
      const attempt = app.attempts.at(-1);
      if (attempt?.state !== 'SCHEDULED' || !attempt.activated || !schedulable.has(attempt.id) || app.unmanagedAm) continue;
      if (!fits(node, app.amResource)) continue;
      const c = this.newContainer(app, attempt, node, app.amResource, 0, 0, true);
      attempt.amContainerId = c.id;
      this.setAttemptState(attempt, 'ALLOCATED');
      // The RM's own NMToken for starting the AM container; the AM gets its NMTokens via allocate.
      const launchToken = this.tokens.issueNmToken(
        parseApplicationAttemptId(attempt.id),
        parseNodeId(node.nodeId),
        app.user,
        node.tokenService,
      );
      launches.push(this.amLaunch(app, attempt, c, launchToken));
      break;
    }
    // Then at most one task container per running application.
    for (const app of apps) {
      const attempt = app.attempts.at(-1);
      if (attempt?.state !== 'RUNNING' || !attempt.registered || !attempt.activated) continue;
      const ask = pickAsk(attempt, node);
      if (!ask) continue;
      consumeAsk(attempt, ask, node);
      const c = this.newContainer(app, attempt, node, ask.capability, ask.priority, ask.allocationRequestId, false);
      attempt.newlyAllocated.push(c.id);
    }
    return launches;
  }

  private amLaunch(app: AppRecord, attempt: AttemptRecord, c: ContainerRecord, nmToken: StoredToken): AmLaunch {
    const spec: ContainerLaunchContextProto = {
      ...app.amContainerSpec,
      environment: [
        ...(app.amContainerSpec.environment ?? []),
        { key: 'APP_SUBMIT_TIME_ENV', value: String(app.submitTime) },
        { key: 'APPLICATION_WEB_PROXY_BASE', value: `/proxy/${app.id}` },
      ],
    };
    return { attemptId: attempt.id, container: this.containerProto(c), launchContext: spec, amrmToken: attempt.amrmToken, nmToken };
  }

  /** A container ended (reported by its NM, released by the AM, or lost with its node). */
  private completeContainer(
    c: ContainerRecord,
    exitStatus: number,
    diagnostics: string,
    releasedByAm: boolean,
    attributes?: { key: string; value: string }[],
  ): void {
    const now = this.now();
    c.state = 'COMPLETE';
    c.finishedAt = now;
    c.exitStatus = exitStatus;
    c.diagnostics = diagnostics;
    const node = this.state.nodes[c.nodeId];
    if (node) {
      node.used = subRes(node.used, c.resource);
      node.containers = node.containers.filter((id) => id !== c.id);
      if (releasedByAm) node.toCleanup.push(c.id);
    }
    const app = this.app(c.appId);
    const seconds = Math.floor((now - c.allocatedAt) / 1000);
    app.memorySeconds += c.resource.memory * seconds;
    app.vcoreSeconds += c.resource.virtual_cores * seconds;
    this.events.push({ type: 'completed', at: now, containerId: c.id, exitStatus, diagnostics });
    const owner = this.ownerAttempt(app, c);
    if (c.isAm && owner.amContainerId === c.id) {
      this.amContainerFinished(app, owner, exitStatus, diagnostics);
      return;
    }
    const current = app.attempts.at(-1) ?? owner;
    if (!isFinal(app) && (current === owner || app.keepContainers)) {
      current.pendingCompleted.push({
        containerId: c.id,
        state: 'C_COMPLETE',
        exitStatus,
        diagnostics,
        capability: c.resource,
        ...(attributes ? { attributes } : {}),
      });
    }
  }

  private amContainerFinished(app: AppRecord, attempt: AttemptRecord, exitStatus: number, diagnostics: string): void {
    if (attempt.state === 'FINISHING') {
      this.setAttemptState(attempt, 'FINISHED');
      attempt.finishTime = this.now();
      const final = attempt.finalStatusRequested ?? 'APP_UNDEFINED';
      this.endApp(app, 'FINISHED', final, false);
      return;
    }
    if (['FINISHED', 'FAILED', 'KILLED'].includes(attempt.state)) return;
    const trackingPage = `${this.rmWeb()}/cluster/app/${app.id}`;
    this.failAttempt(
      app,
      attempt,
      D.amContainerCrashed(attempt.id, exitStatus, diagnostics, trackingPage),
      exitStatus,
      !NOT_COUNTED.has(exitStatus),
    );
  }

  /** An attempt failed: start the next one, or fail the application when attempts are used up. */
  private failAttempt(app: AppRecord, attempt: AttemptRecord, diagnostics: string, exitStatus: number, counts: boolean): void {
    const now = this.now();
    attempt.diagnostics = diagnostics;
    attempt.exitStatus = exitStatus;
    attempt.finishTime = now;
    attempt.originalTrackingUrl = `${this.rmWeb()}/cluster/app/${app.id}`;
    this.setAttemptState(attempt, 'FAILED');
    this.tokens.revokeAmrmToken(attempt.amrmToken);
    if (attempt.amContainerId) {
      const am = this.state.containers[attempt.amContainerId];
      if (am && am.state !== 'COMPLETE') this.killOnNode(am, ContainerExitStatus.KILLED_BY_RESOURCEMANAGER, D.KILLED_BY_RM);
    }
    if (counts) app.failedAttemptTimes.push(now);
    const window = app.attemptFailuresValidityIntervalMs;
    const failures = window > 0 ? app.failedAttemptTimes.filter((t) => now - t <= window).length : app.failedAttemptTimes.length;
    if (failures >= app.maxAppAttempts) {
      app.diagnostics = D.appFailedAfterAttempts(app.id, app.maxAppAttempts, this.config.amMaxAttempts, window, diagnostics);
      app.trackingUrl = `${this.rmWeb()}/cluster/app/${app.id}`;
      app.originalTrackingUrl = app.trackingUrl;
      this.endApp(app, 'FAILED', 'APP_FAILED');
      app.finalStateStored = true;
      return;
    }
    if (!app.keepContainers) {
      for (const c of recordsOf(this.state.containers)) {
        if (c.appId === app.id && c.state !== 'COMPLETE') this.killOnNode(c, ContainerExitStatus.KILLED_BY_RESOURCEMANAGER, D.KILLED_BY_RM);
      }
    }
    this.setAppState(app, 'ACCEPTED');
    this.startAttempt(app);
  }

  /** Final transition of an application; remaining containers are stopped on their nodes. */
  private endApp(app: AppRecord, state: RmAppState, final: FinalStatus, setFinishTime = true): void {
    const current = app.attempts.at(-1);
    if (current && !['FINISHED', 'FAILED', 'KILLED'].includes(current.state)) {
      current.finishTime = this.now();
      if (state === 'KILLED') {
        current.originalTrackingUrl = `${this.rmWeb()}/cluster/app/${app.id}`;
        this.setAttemptState(current, 'KILLED');
      }
      this.tokens.revokeAmrmToken(current.amrmToken);
    }
    if (state === 'KILLED') {
      app.trackingUrl = `${this.rmWeb()}/cluster/app/${app.id}`;
      app.originalTrackingUrl = app.trackingUrl;
    }
    app.finalStatus = final;
    if (setFinishTime || app.finishTime === 0) app.finishTime = this.now();
    this.setAppState(app, state);
    for (const c of recordsOf(this.state.containers)) {
      if (c.appId === app.id && c.state !== 'COMPLETE')
        this.killOnNode(c, ContainerExitStatus.KILLED_AFTER_APP_COMPLETION, D.COMPLETED_APPLICATION);
    }
  }

  /** The RM ends a container itself: completed now, and its NM told to stop it. */
  private killOnNode(c: ContainerRecord, exitStatus: number, diagnostics: string): void {
    const node = this.state.nodes[c.nodeId];
    if (node?.state === 'RUNNING') node.toCleanup.push(c.id);
    this.completeContainer(c, exitStatus, diagnostics, false);
  }

  // ---------------------------------------------------------------- reports

  /** YARN state shown to clients (FINAL_SAVING/KILLING show the state before, FINISHING shows FINISHED). */
  reportedState(app: AppRecord): YarnApplicationStateProto {
    const s = app.state === 'FINAL_SAVING' || app.state === 'KILLING' ? (app.stateBeforeFinal ?? 'RUNNING') : app.state;
    switch (s) {
      case 'FINISHING':
        return 'FINISHED';
      case 'FINAL_SAVING':
      case 'KILLING':
        // RMAppImpl records the state before FINAL_SAVING/KILLING, which is never one of them.
        return 'RUNNING';
      default:
        return s;
    }
  }

  /** The single queue holds the whole cluster, so queue and cluster percentages are the same (by memory). */
  private usagePercentages(
    used: WireResource,
  ): Pick<ApplicationResourceUsageReportProto, 'queue_usage_percentage' | 'cluster_usage_percentage'> {
    const total = this.clusterResource().memory;
    const pct = total > 0 ? (used.memory * 100) / total : 0;
    return { queue_usage_percentage: pct, cluster_usage_percentage: pct };
  }

  /** ApplicationResourceUsageReport; `dummy` gives the -1 report of finished (and listed) applications. */
  private usageReport(app: AppRecord, dummy: boolean): ApplicationResourceUsageReportProto {
    const attempt = app.attempts.at(-1);
    const live = recordsOf(this.state.containers).filter((c) => c.appId === app.id && c.state !== 'COMPLETE');
    const used = live.reduce((acc, c) => addRes(acc, c.resource), { memory: 0, virtual_cores: 0 });
    const minus = { memory: -1, virtual_cores: -1 };
    return {
      num_used_containers: dummy ? -1 : live.length,
      num_reserved_containers: dummy ? -1 : 0,
      used_resources: resourceProto(dummy ? minus : used),
      reserved_resources: resourceProto(dummy ? minus : { memory: 0, virtual_cores: 0 }),
      needed_resources: resourceProto(dummy ? minus : addRes(used, attempt ? pendingResource(attempt) : { memory: 0, virtual_cores: 0 })),
      ...(dummy ? {} : this.usagePercentages(used)),
      memory_seconds: app.memorySeconds,
      vcore_seconds: app.vcoreSeconds,
      preempted_memory_seconds: 0,
      preempted_vcore_seconds: 0,
      application_resource_usage_map: [
        { key: 'memory-mb', value: app.memorySeconds },
        { key: 'vcores', value: app.vcoreSeconds },
      ],
      application_preempted_resource_usage_map: [
        { key: 'memory-mb', value: 0 },
        { key: 'vcores', value: 0 },
      ],
    };
  }

  private report(app: AppRecord): ApplicationReportProto {
    const attempt = app.attempts.at(-1);
    const state = this.reportedState(app);
    const finished = ['FINISHED', 'FAILED', 'KILLED'].includes(state);
    const r: ApplicationReportProto = {
      applicationId: applicationIdToProto(parseApplicationId(app.id)),
      user: app.user,
      queue: app.queue,
      name: app.name,
      host: attempt?.host ?? 'N/A',
      rpc_port: attempt?.rpcPort ?? -1,
      yarn_application_state: state,
      diagnostics: app.diagnostics,
      startTime: app.startTime,
      finishTime: app.finishTime,
      final_application_status: app.finalStatus,
      app_resource_Usage: this.usageReport(app, finished),
      originalTrackingUrl: app.originalTrackingUrl,
      progress: finished && state === 'FINISHED' ? 1 : 0,
      applicationType: app.applicationType,
      applicationTags: app.applicationTags,
      // Without an attempt there is no log aggregation status and no AM partition (recorded bad-queue app).
      ...(attempt ? { log_aggregation_status: this.logAggregationStatus(app) } : {}),
      unmanaged_application: app.unmanagedAm,
      priority: { priority: app.priority },
      appNodeLabelExpression: '<Not set>',
      amNodeLabelExpression: attempt ? '<DEFAULT_PARTITION>' : '<Not set>',
      appTimeouts: [
        {
          application_timeout_type: 'APP_TIMEOUT_LIFETIME',
          application_timeout: { application_timeout_type: 'APP_TIMEOUT_LIFETIME', expire_time: 'UNLIMITED', remaining_time: -1 },
        },
      ],
      launchTime: app.launchTime,
    };
    // IPC reports name the proxy even for an application rejected before its first attempt (REST does not).
    const trackingUrl = app.trackingUrl || (attempt ? '' : `${this.rmWeb()}/proxy/${app.id}/`);
    if (trackingUrl) r.trackingUrl = trackingUrl;
    // An application that never got an attempt (rejected at submission) reports attempt -1.
    r.currentApplicationAttemptId = attempt
      ? applicationAttemptIdToProto(parseApplicationAttemptId(attempt.id))
      : { application_id: applicationIdToProto(parseApplicationId(app.id)), attemptId: -1 };
    return r;
  }
}

function fits(node: NodeRecord, want: WireResource): boolean {
  const free = subRes(node.capability, node.used);
  return want.memory <= free.memory && want.virtual_cores <= free.virtual_cores;
}

/** ContainerIdProto from the wire as our text id (int64 may arrive as a Long-like value). */
function containerIdFromAny(p: ContainerIdProto): ContainerId {
  return containerIdFromProto({ ...p, id: Number(p.id) });
}
