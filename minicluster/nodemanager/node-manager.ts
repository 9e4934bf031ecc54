// A mini NodeManager: ContainerManagementProtocol on its own port, a web port, and a heartbeat
// loop to the ResourceManager (in-process calls: the ResourceTracker protocol is not needed when
// both live in one process). Every container, the AM's included, arrives through startContainers
// on the IPC port (the RM's AM launcher calls it like any AM). Each accepted container is localized, launched through the
// DefaultContainerExecutor-style executor, watched by the memory monitor, and its end reported
// to the RM with the next heartbeat, with YARN's exit codes and diagnostics.
import type { DigestQop } from '../../client/wire/security/digest-md5-security-layer.js';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { RpcServer } from '../ipc/rpc-server.js';
import { Credentials } from '../../client/wire/security/credentials-file.js';
import { containerIdText, formatApplicationId, parseContainerId, type ContainerIdProto } from '../../client/wire/codec/yarn-ids.js';
import { containerIdToWire } from '../../client/hadoop/yarn/yarn-records.js';
import type { NodeLogAggregationReport, NodeLogAggregationStatus } from '../resourcemanager/app-log-aggregation-status.js';
import type { NodeContainerStatus, NodeHeartbeatAnswer, NodeRegistration } from '../resourcemanager/resource-manager-core.js';
import type { MasterKey } from '../resourcemanager/rm-tokens.js';
import type { SignalCommand } from '../resourcemanager/rm-state.js';
import { ContainerExitStatus } from '../../client/hadoop/yarn/container-exit-status.js';
import { diagnosticsEntry, type KillReason } from './container-kill-reasons.js';
import { containerManagementService, nmTokenAuth, type AcceptedStart, type ContainerManagerBackend } from './container-manager-service.js';

/** A startContainers request this NM accepted: who asked, over which connection, with which NMToken. */
export interface AcceptedStartCall {
  containerId: string;
  /** The attempt named by the NMToken the caller authenticated with (SASL DIGEST-MD5). */
  nmTokenAttemptId: string;
  /** host:port of the caller's end of the IPC connection. */
  remoteAddress: string;
}
import { ContainerExecutor } from './container-process.js';
import { aggregateAppLogs, type LogAggregationSettings } from './app-log-aggregator.js';
import { DEFAULT_ENV_WHITELIST, defaultAdminEnv, whitelistFromEnv, type ContainerLaunchSpec } from './launch-script.js';
import { LocalizationError, Localizer, type LocalizationSource } from './localizer.js';
import { MemoryMonitor, type ContainerMemoryPeaks, type MemoryMonitorOptions } from './memory-monitor.js';
import type { HttpTimeouts } from '../http-timeouts.js';
import { createAppDirs, createNodeManagerRoots } from './nm-local-dirs.js';
import { NodeWebServer } from './node-web-server.js';
import type { NodeContainerView } from './nm-web-services.js';
import type { LocalResource } from './resource-cache.js';
import { sameFileSystem } from './webhdfs-localization-source.js';
import type {
  ContainerLaunchContextProto,
  ContainerStatusProto,
  ContainerSubStateProto,
  LocalResourceProto,
  ResourceProto,
} from '../../client/wire/codec/generated/proto-messages.js';

/** The ResourceManager as a NodeManager sees it (ResourceManagerCore fits). */
/** ContainerLaunch.signalContainer's mapping of SignalContainerCommand to a POSIX signal. */
const SIGNAL_OF_COMMAND: Record<SignalCommand, NodeJS.Signals> = {
  OUTPUT_THREAD_DUMP: 'SIGQUIT',
  GRACEFUL_SHUTDOWN: 'SIGTERM',
  FORCEFUL_SHUTDOWN: 'SIGKILL',
};

export interface NodeTracker {
  readonly clusterTimestamp: number;
  registerNode(reg: NodeRegistration): string;
  nodeHeartbeat(nodeId: string, statuses: NodeContainerStatus[], logAggregationReports?: NodeLogAggregationReport[]): NodeHeartbeatAnswer;
  nodeManagerKeys(): { nmKey: MasterKey; containerKey: MasterKey };
}

export interface NodeManagerOptions {
  /** The current ResourceManager (a function: it changes when the RM restarts). */
  tracker: () => NodeTracker;
  /** yarn.nodemanager.local-dirs (one) and yarn.nodemanager.log-dirs (one). */
  localDir: string;
  logDir: string;
  source: LocalizationSource;
  /** The WebHDFS NameNode port: local resource URLs must name this file system. */
  nameNodePort: number;
  memoryMb: number;
  vcores: number;
  /** Bind address, also the host in token services (default 127.0.0.1). */
  host?: string;
  /** Host name the node registers under (default `localhost`, as the recorded NM did). */
  nodeHost?: string;
  port?: number;
  httpPort?: number;
  /** First heartbeat interval; afterwards the RM's answer decides. */
  heartbeatMs?: number;
  monitor?: MemoryMonitorOptions;
  /** yarn.nodemanager.sleep-delay-before-sigkill.ms */
  sigkillDelayMs?: number;
  /** The NM process environment the whitelist reads (default process.env). */
  env?: Record<string, string | undefined>;
  envWhitelist?: readonly string[];
  /** IPC connections that have not finished their handshake by then are closed (rpc-server.ts). */
  ipcHandshakeTimeoutMs?: number;
  /** hadoop.rpc.protection as SASL qops for the NM port (NMToken); ['auth'] by default. */
  rpcQops?: readonly DigestQop[];
  /** How long a web client may stall (http-timeouts.ts). */
  httpTimeouts?: Partial<HttpTimeouts>;
  /** yarn.log-aggregation-enable: upload each ended application's logs to HDFS (app-log-aggregator.ts); absent: logs stay local. */
  logAggregation?: LogAggregationSettings;
}

type NmState = 'LOCALIZING' | 'RUNNING' | 'KILLING' | 'DONE';

interface NmContainer {
  id: string;
  appId: string;
  user: string;
  resource: ResourceProto;
  state: NmState;
  exitStatus: number;
  diagnostics: string;
  killReason?: KillReason;
  kill?: (reason: KillReason) => void;
  pid?: () => number | undefined;
  reported: boolean;
}

const KILLED_BY_RM: KillReason = {
  exitStatus: ContainerExitStatus.KILLED_BY_RESOURCEMANAGER,
  diagnostics: 'Container Killed by ResourceManager',
};
/** ApplicationImpl's FINISH_APPLICATION kills what still runs of an ended application. */
const KILLED_AFTER_APP_COMPLETION: KillReason = {
  exitStatus: ContainerExitStatus.KILLED_AFTER_APP_COMPLETION,
  diagnostics: 'Container killed on application-finish event.',
};
const KILLED_BY_AM: KillReason = {
  exitStatus: ContainerExitStatus.KILLED_BY_APPMASTER,
  diagnostics: 'Container killed by the ApplicationMaster.',
};

const SUB_STATE: Record<NmState, ContainerSubStateProto> = {
  LOCALIZING: 'CSS_SCHEDULED',
  RUNNING: 'CSS_RUNNING',
  KILLING: 'CSS_COMPLETING',
  DONE: 'CSS_DONE',
};

/** The CLC's local resource as the localizer takes it (checkLocalResources already refused a null URL, type or visibility). */
function toLocalResource(key: string, v: LocalResourceProto | undefined): LocalResource {
  const url = v?.resource;
  if (!url || !v.type || !v.visibility) throw new Error(`local resource ${key} without URL, type or visibility`);
  return {
    url: { scheme: url.scheme, host: url.host, port: url.port, file: url.file ?? '' },
    size: v.size ?? 0,
    timestamp: v.timestamp ?? 0,
    type: v.type,
    visibility: v.visibility,
    ...(v.pattern !== undefined ? { pattern: v.pattern } : {}),
  };
}

export class NodeManager implements ContainerManagerBackend {
  nodeId = '';
  port = 0;
  httpPort = 0;
  readonly host: string;
  readonly nodeHost: string;
  private readonly containers = new Map<string, NmContainer>();
  private readonly started = new Set<string>();
  private readonly startCalls: AcceptedStartCall[] = [];
  private readonly executor: ContainerExecutor;
  private readonly monitor: MemoryMonitor;
  private readonly localizer: Localizer;
  private readonly rpc: RpcServer;
  private readonly web: NodeWebServer;
  private timer: NodeJS.Timeout | undefined;
  private registered = false;
  private stopped = false;
  private readonly running = new Set<Promise<void>>();
  /** Each container's launch-to-end promise (its run()), for waiting on an application's containers. */
  private readonly runs = new Map<string, Promise<void>>();
  private readonly finishedApps = new Map<string, NodeLogAggregationStatus>();
  private readonly aggregations = new Set<Promise<void>>();
  /**
   * Final log aggregation reports not yet sent (NodeStatusUpdaterImpl's pending
   * logAggregationReportForApps): they ride on the next heartbeat, and stay for the one after if
   * that heartbeat fails.
   */
  private pendingLogAggregationReports: NodeLogAggregationReport[] = [];

  private constructor(private readonly opts: NodeManagerOptions) {
    this.host = opts.host ?? '127.0.0.1';
    this.nodeHost = opts.nodeHost ?? 'localhost';
    this.executor = new ContainerExecutor({ sleepDelayBeforeSigkillMs: opts.sigkillDelayMs });
    this.monitor = new MemoryMonitor(opts.monitor);
    this.localizer = new Localizer(opts.localDir, opts.source);
    this.rpc = new RpcServer({
      host: this.host,
      port: opts.port ?? 0,
      protocols: [containerManagementService(this)],
      auth: { ...nmTokenAuth(this), ...(opts.rpcQops ? { qops: opts.rpcQops } : {}) },
      handshakeTimeoutMs: opts.ipcHandshakeTimeoutMs,
    });
    this.web = new NodeWebServer({
      host: this.host,
      port: opts.httpPort ?? 0,
      logDir: opts.logDir,
      info: () => this.info(),
      services: {
        nodeId: () => this.nodeId,
        httpAddress: () => `${this.host}:${String(this.httpPort)}`,
        containers: () => this.webContainers(),
      },
      httpTimeouts: opts.httpTimeouts,
    });
  }

  /** Binds both ports, registers with the RM and starts heartbeating. */
  static async start(opts: NodeManagerOptions): Promise<NodeManager> {
    await createNodeManagerRoots(opts.localDir, opts.logDir);
    const nm = new NodeManager(opts);
    try {
      nm.port = (await nm.rpc.listen()).port;
      nm.httpPort = await nm.web.listen();
    } catch (err) {
      await nm.stop();
      throw new Error(`NodeManager could not listen on ${nm.host}: ${(err as Error).message}; use free ports or 0`, { cause: err });
    }
    nm.nodeId = `${nm.nodeHost}:${nm.port}`;
    nm.register();
    nm.schedule(opts.heartbeatMs ?? 1000);
    return nm;
  }

  get address(): { host: string; port: number } {
    return { host: this.host, port: this.port };
  }

  /** Ids of containers whose process is alive, with their session pids (tests check these die). */
  livePids(): Map<string, number> {
    const out = new Map<string, number>();
    for (const c of this.containers.values()) {
      const pid = c.state !== 'DONE' ? c.pid?.() : undefined;
      if (pid !== undefined) out.set(c.id, pid);
    }
    return out;
  }

  /** Peak virtual and physical memory the memory monitor saw for a container, per process and for its tree. */
  memoryPeaks(containerId: string): ContainerMemoryPeaks | undefined {
    return this.monitor.peakUsage(containerId);
  }

  /** Every container this NM has seen, with its state and (once done) exit status. */
  containerStates(): { id: string; state: NmState; exitStatus: number; diagnostics: string }[] {
    return [...this.containers.values()].map(({ id, state, exitStatus, diagnostics }) => ({ id, state, exitStatus, diagnostics }));
  }

  /** Every start this NM accepted over its ContainerManagementProtocol port, oldest first. */
  acceptedStarts(): readonly AcceptedStartCall[] {
    return this.startCalls;
  }

  /** Log directory of a container on this node. */
  containerLogDir(containerId: string): string {
    return join(this.opts.logDir, formatApplicationId(parseContainerId(containerId).applicationAttemptId.applicationId), containerId);
  }

  /** Working directory of a container this NM started (undefined before its start was accepted). */
  containerWorkDir(containerId: string): string | undefined {
    const c = this.containers.get(containerId);
    return c ? this.workDirOf(c) : undefined;
  }

  /** ContainerLaunch's working directory: <local-dir>/usercache/<user>/appcache/<app>/<container>. */
  private workDirOf(c: NmContainer): string {
    return join(this.opts.localDir, 'usercache', c.user, 'appcache', c.appId, c.id);
  }

  /** Fault injection: signal a container's process group as if it crashed (no kill reason recorded). */
  signalContainer(containerId: string, signal: NodeJS.Signals): boolean {
    const pid = this.containers.get(containerId)?.pid?.();
    if (pid === undefined) return false;
    try {
      process.kill(-pid, signal);
      return true;
    } catch {
      return false;
    }
  }

  /** Stop heartbeating, kill every container (process groups), close both ports. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const c of this.containers.values())
      if (c.state === 'LOCALIZING')
        c.killReason ??= { exitStatus: ContainerExitStatus.ABORTED, diagnostics: 'Container killed on NodeManager shutdown.' };
    await this.executor.shutdown();
    await Promise.all([...this.running]);
    this.monitor.stop();
    await Promise.all([this.rpc.close(), this.web.close()]);
  }

  // ------------------------------------------------------------------ ContainerManagerBackend

  masterKeys(): { nmKey: MasterKey; containerKey: MasterKey } {
    return this.opts.tracker().nodeManagerKeys();
  }

  rmIdentifier(): number {
    return this.opts.tracker().clusterTimestamp;
  }

  wasStarted(containerId: string): boolean {
    return this.started.has(containerId);
  }

  start(request: AcceptedStart): void {
    if (this.stopped) throw new Error('Container start failed as the NodeManager is in the process of shutting down');
    const { containerId, token } = request;
    this.started.add(containerId);
    this.startCalls.push({ containerId, nmTokenAttemptId: request.nmTokenAttemptId, remoteAddress: request.remoteAddress });
    const c: NmContainer = {
      id: containerId,
      appId: formatApplicationId(token.containerId.applicationAttemptId.applicationId),
      user: token.appSubmitter ?? 'dr.who',
      resource: token.resource ?? { memory: 0, virtual_cores: 0 },
      state: 'LOCALIZING',
      exitStatus: ContainerExitStatus.INVALID,
      diagnostics: '',
      reported: false,
    };
    this.containers.set(containerId, c);
    const run = this.run(c, request.launchContext).catch((err: unknown) =>
      this.complete(
        c,
        ContainerExitStatus.INVALID,
        diagnosticsEntry(`Container launch failed: ${err instanceof Error ? err.message : String(err)}`),
      ),
    );
    this.track(run);
    this.runs.set(containerId, run);
  }

  private track(work: Promise<void>): void {
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
  }

  /**
   * The RM said `appId` ended (appsToCleanup): kill what still runs of it, wait for its containers
   * to end, then aggregate their logs when log aggregation is on (AppLogAggregatorImpl).
   */
  private finishApplication(appId: string): void {
    if (this.finishedApps.has(appId)) return;
    const containers = [...this.containers.values()].filter((c) => c.appId === appId);
    for (const c of containers) this.kill(c.id, KILLED_AFTER_APP_COMPLETION);
    const settings = this.opts.logAggregation;
    if (!settings || containers.length === 0) return;
    this.finishedApps.set(appId, 'RUNNING');
    const work = Promise.all(containers.flatMap((c) => this.runs.get(c.id) ?? []))
      .then(() =>
        aggregateAppLogs(
          {
            appId,
            user: containers[0].user,
            nodeId: this.nodeId,
            containerIds: containers.map((c) => c.id),
            appLogDir: join(this.opts.logDir, appId),
          },
          settings,
        ),
      )
      .then(
        () => 'SUCCEEDED' as const,
        () => 'FAILED' as const,
      )
      .then((status) => {
        this.finishedApps.set(appId, status);
        this.pendingLogAggregationReports.push({ applicationId: appId, status });
      });
    this.track(work);
    this.aggregations.add(work);
  }

  /** This node's log aggregation status of an ended application (undefined: not aggregated here). */
  logAggregationStatus(appId: string): NodeLogAggregationStatus | undefined {
    return this.finishedApps.get(appId);
  }

  /** Resolves once every log aggregation started so far has ended. */
  async logAggregationsSettled(): Promise<void> {
    await Promise.all([...this.aggregations]);
  }

  status(containerId: string): ContainerStatusProto | undefined {
    const c = this.containers.get(containerId);
    return c ? this.statusOf(c) : undefined;
  }

  private statusOf(c: NmContainer): ContainerStatusProto & { container_id: ContainerIdProto } {
    return {
      container_id: containerIdToWire(c.id),
      state: c.state === 'DONE' ? 'C_COMPLETE' : 'C_RUNNING',
      diagnostics: c.diagnostics,
      exit_status: c.exitStatus,
      capability: c.resource,
      executionType: 'GUARANTEED',
      container_sub_state: SUB_STATE[c.state],
    };
  }

  stopByApplicationMaster(containerId: string): void {
    this.kill(containerId, KILLED_BY_AM);
  }

  // ------------------------------------------------------------------ containers

  private kill(containerId: string, reason: KillReason): void {
    const c = this.containers.get(containerId);
    if (!c || c.state === 'DONE' || c.killReason) return;
    c.killReason = reason;
    if (c.state === 'RUNNING') c.state = 'KILLING';
    c.kill?.(reason);
  }

  private async run(c: NmContainer, launchContext: ContainerLaunchContextProto): Promise<void> {
    const resources: [string, LocalResource][] = (launchContext.localResources ?? []).map((e) => [
      String(e.key),
      toLocalResource(String(e.key), e.value),
    ]);
    for (const [, r] of resources) {
      if (!sameFileSystem(r.url, this.opts.nameNodePort)) {
        const url = `${r.url.scheme}://${r.url.host ?? ''}${r.url.port !== undefined ? `:${r.url.port}` : ''}${r.url.file}`;
        this.complete(
          c,
          ContainerExitStatus.INVALID,
          diagnosticsEntry(
            `java.io.IOException: Resource ${url} is not on this cluster's file system (webhdfs://127.0.0.1:${this.opts.nameNodePort}); upload it there first`,
          ),
        );
        return;
      }
    }
    let localized;
    try {
      localized = await this.localizer.localize({ user: c.user, appId: c.appId, containerId: c.id, resources });
    } catch (err) {
      if (err instanceof LocalizationError) {
        this.complete(c, ContainerExitStatus.INVALID, diagnosticsEntry(err.diagnostics));
        return;
      }
      throw err;
    }
    if (c.killReason) {
      this.complete(c, c.killReason.exitStatus, diagnosticsEntry(c.killReason.diagnostics));
      return;
    }
    const env = this.opts.env ?? process.env;
    const workDir = this.workDirOf(c);
    const spec: ContainerLaunchSpec = {
      containerId: c.id,
      appId: c.appId,
      user: c.user,
      workDir,
      logDir: this.containerLogDir(c.id),
      localDir: this.opts.localDir,
      nmHost: this.nodeHost,
      nmPort: this.port,
      nmHttpPort: this.httpPort,
      localizationCounters: localized.counters,
      environment: (launchContext.environment ?? []).map((e) => [String(e.key), e.value ?? ''] as const),
      commands: launchContext.command ?? [],
      links: localized.links,
      nmWhitelistEnv: whitelistFromEnv(env, this.opts.envWhitelist ?? DEFAULT_ENV_WHITELIST),
      adminEnv: defaultAdminEnv(env),
    };
    // The CLC's credentials verbatim; none given -> an empty credentials file, as the NM writes it.
    const tokens = launchContext.tokens?.length ? Buffer.from(launchContext.tokens) : new Credentials().serialize();
    await createAppDirs(this.opts.localDir, c.user, c.appId);
    const running = await this.executor.launch({ spec, tokens, nmPrivateDir: join(this.opts.localDir, 'nmPrivate', c.appId, c.id) });
    // A kill may have arrived while the launch was awaited (the narrowing above predates it).
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set by kill() during the awaits
    c.state = c.killReason ? 'KILLING' : 'RUNNING';
    c.kill = (reason) => running.kill(reason);
    c.pid = () => running.pid();
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set by kill() during the awaits
    if (c.killReason) running.kill(c.killReason);
    this.monitor.watch({
      containerId: c.id,
      pid: () => running.pid(),
      pmemLimitBytes: (c.resource.memory ?? 0) * 1024 * 1024,
      kill: (reason) => this.kill(c.id, reason),
    });
    const done = await running.completion;
    this.monitor.unwatch(c.id);
    this.complete(c, done.exitStatus, done.diagnostics);
  }

  private complete(c: NmContainer, exitStatus: number, diagnostics: string): void {
    if (c.state === 'DONE') return;
    c.state = 'DONE';
    c.exitStatus = exitStatus;
    c.diagnostics = diagnostics;
  }

  // ------------------------------------------------------------------ RM side

  /** The containers /ws/v1/node/containers lists (nm-web-services.ts). */
  private webContainers(): NodeContainerView[] {
    return [...this.containers.values()].map((c) => ({
      id: c.id,
      state: c.state,
      exitCode: c.state === 'DONE' ? c.exitStatus : -1000,
      diagnostics: c.diagnostics,
      user: c.user,
      totalMemoryNeededMB: c.resource.memory ?? 0,
      totalVCoresNeeded: c.resource.virtual_cores ?? 0,
    }));
  }

  private info(): Record<string, unknown> {
    return {
      id: this.nodeId,
      nodeHostName: this.nodeHost,
      totalPmemAllocatedContainersMB: this.opts.memoryMb,
      totalVCoresAllocatedContainers: this.opts.vcores,
      numContainers: [...this.containers.values()].filter((c) => c.state !== 'DONE').length,
      hadoopVersion: '3.3.6',
    };
  }

  private register(): void {
    this.opts.tracker().registerNode({
      host: this.nodeHost,
      port: this.port,
      httpPort: this.httpPort,
      tokenHost: this.host,
      capability: { memory: this.opts.memoryMb, virtual_cores: this.opts.vcores },
    });
    this.registered = true;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.schedule(this.heartbeat());
    }, ms);
  }

  /** One heartbeat; a failure (RM restarting, node forgotten) means registering again next time. */
  private heartbeat(): number {
    const fallback = this.opts.heartbeatMs ?? 1000;
    if (this.stopped) return fallback;
    let answer: NodeHeartbeatAnswer;
    const reported: NmContainer[] = [];
    const logReports = this.pendingLogAggregationReports.splice(0);
    try {
      const tracker = this.opts.tracker();
      if (!this.registered) this.register();
      const statuses: NodeContainerStatus[] = [];
      for (const c of this.containers.values()) {
        if (c.reported) continue;
        // DefaultContainerExecutor records the host and IPs of a container it launched.
        const { container_attributes: _none, ...status } = this.statusOf(c);
        statuses.push(
          c.pid
            ? {
                ...status,
                container_attributes: [
                  { key: 'HOST', value: hostname() },
                  { key: 'IPS', value: this.host },
                ],
              }
            : status,
        );
        if (c.state === 'DONE') reported.push(c);
      }
      answer = tracker.nodeHeartbeat(this.nodeId, statuses, logReports);
    } catch {
      this.pendingLogAggregationReports.unshift(...logReports);
      this.registered = false;
      return fallback;
    }
    for (const c of reported) c.reported = true;
    for (const id of answer.containersToCleanup) this.kill(containerIdText(id), KILLED_BY_RM);
    // ContainerLaunch.signalContainer: the signal goes to the container's process group (a container
    // whose process has not started yet is skipped: "hasn't started yet"); not recorded as a kill of ours.
    for (const s of answer.containersToSignal) this.signalContainer(s.containerId, SIGNAL_OF_COMMAND[s.command]);
    for (const appId of answer.appsToCleanup) this.finishApplication(appId);
    return answer.nextHeartbeatIntervalMs;
  }
}
