/**
 * A simulated NodeManager: registers with the ResourceManager and heartbeats like a real one
 * (container statuses in, cleanups out), serves the real ContainerManagementProtocol on its own
 * IPC port with the real NMToken and container token checks (container-manager-service.ts), but a
 * started container runs no process: the launch context's TaskExecutor environment starts a
 * StandInTaskExecutor in this process (or, for the containers `launchReal` takes, a real
 * TaskExecutor process), so thousands of containers cost kilobytes each. Nothing is localized
 * except the cluster secret, read once per application from the launch context's local resource.
 */
import type { ChildProcess } from 'node:child_process';
import * as grpc from '@grpc/grpc-js';
import { RpcServer } from '../ipc/rpc-server.js';
import { containerIdText, formatApplicationId } from '../../client/wire/codec/yarn-ids.js';
import { containerIdToWire } from '../../client/hadoop/yarn/yarn-records.js';
import { ContainerExitStatus } from '../../client/hadoop/yarn/container-exit-status.js';
import type { ContainerLaunchContextProto, ContainerStatusProto, ResourceProto } from '../../client/wire/codec/generated/proto-messages.js';
import { readTaskExecutorEnv } from '../../client/contracts/taskexecutor-env.js';
import { parseClusterSecret } from '../../client/contracts/cluster-secret.js';
import type { MasterKey } from '../resourcemanager/rm-tokens.js';
import type { NodeContainerStatus } from '../resourcemanager/resource-manager-core.js';
import type { NodeTracker } from '../nodemanager/node-manager.js';
import type { LocalizationSource } from '../nodemanager/localizer.js';
import {
  containerManagementService,
  nmTokenAuth,
  type AcceptedStart,
  type ContainerManagerBackend,
} from '../nodemanager/container-manager-service.js';
import { diagnosticsEntry } from '../nodemanager/container-kill-reasons.js';
import { StandInTaskExecutor } from './stand-in-taskexecutor.js';
import type { SimulationRecorder } from './simulation-recorder.js';

export interface SimulatedNodeOptions {
  tracker: () => NodeTracker;
  /** Where local resources are (the mini cluster's HDFS namespace): only the secret is read. */
  source: LocalizationSource;
  memoryMb: number;
  vcores: number;
  heartbeatMs: number;
  /** How long a stand-in takes per task. */
  taskMs: number;
  recorder: SimulationRecorder;
  /**
   * A real TaskExecutor process for this container instead of a stand-in (undefined: a stand-in).
   * Given the container's environment (the launch context's, with CONTAINER_ID, NM_HOST and the
   * secret); its exit ends the container.
   */
  launchReal?: (containerId: string, env: Record<string, string>, secret: string) => ChildProcess | undefined;
  host?: string;
}

interface SimContainer {
  id: string;
  appId: string;
  resource: ResourceProto;
  done: boolean;
  exitStatus: number;
  diagnostics: string;
  reported: boolean;
  kill?: () => void;
}

export class SimulatedNode implements ContainerManagerBackend {
  nodeId = '';
  port = 0;
  private readonly host: string;
  private readonly rpc: RpcServer;
  private readonly containers = new Map<string, SimContainer>();
  private readonly secrets = new Map<string, Promise<string>>();
  private gateway: { target: string; client: grpc.Client } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  private constructor(private readonly opts: SimulatedNodeOptions) {
    this.host = opts.host ?? '127.0.0.1';
    this.rpc = new RpcServer({ host: this.host, port: 0, protocols: [containerManagementService(this)], auth: nmTokenAuth(this) });
  }

  static async start(opts: SimulatedNodeOptions): Promise<SimulatedNode> {
    const node = new SimulatedNode(opts);
    node.port = (await node.rpc.listen()).port;
    node.nodeId = `localhost:${node.port}`;
    opts.tracker().registerNode({
      host: 'localhost',
      port: node.port,
      httpPort: node.port,
      tokenHost: node.host,
      capability: { memory: opts.memoryMb, virtual_cores: opts.vcores },
    });
    node.schedule();
    return node;
  }

  /** Containers started here and not ended. */
  get liveContainers(): number {
    let n = 0;
    for (const c of this.containers.values()) if (!c.done) n++;
    return n;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const c of this.containers.values()) c.kill?.();
    this.gateway?.client.close();
    await this.rpc.close();
  }

  // ------------------------------------------------------------------ ContainerManagerBackend

  masterKeys(): { nmKey: MasterKey; containerKey: MasterKey } {
    return this.opts.tracker().nodeManagerKeys();
  }

  rmIdentifier(): number {
    return this.opts.tracker().clusterTimestamp;
  }

  wasStarted(containerId: string): boolean {
    return this.containers.has(containerId);
  }

  start(request: AcceptedStart): void {
    const { containerId, token } = request;
    const now = Date.now();
    const c: SimContainer = {
      id: containerId,
      appId: formatApplicationId(token.containerId.applicationAttemptId.applicationId),
      resource: token.resource ?? { memory: 0, virtual_cores: 0 },
      done: false,
      exitStatus: ContainerExitStatus.INVALID,
      diagnostics: '',
      reported: false,
    };
    this.containers.set(containerId, c);
    this.opts.recorder.launchRequested({ containerId, nodeId: this.nodeId, allocatedAt: token.creationTime ?? now, startedAt: now });
    this.launch(c, request.launchContext).catch((err: unknown) =>
      this.complete(c, ContainerExitStatus.INVALID, `Container launch failed: ${err instanceof Error ? err.message : String(err)}`),
    );
  }

  status(containerId: string): ContainerStatusProto | undefined {
    const c = this.containers.get(containerId);
    return c ? this.statusOf(c) : undefined;
  }

  stopByApplicationMaster(containerId: string): void {
    this.kill(containerId, ContainerExitStatus.KILLED_BY_APPMASTER, 'Container killed by the ApplicationMaster.');
  }

  // ------------------------------------------------------------------ containers

  private async launch(c: SimContainer, launchContext: ContainerLaunchContextProto): Promise<void> {
    const env: Record<string, string> = {};
    for (const e of launchContext.environment ?? []) env[String(e.key)] = e.value ?? '';
    env.CONTAINER_ID = c.id;
    env.NM_HOST = 'localhost';
    const { values, problems } = readTaskExecutorEnv(env);
    if (problems.length) throw new Error(`not a TaskExecutor launch context: ${problems.join('; ')}`);
    const secret = await this.secretOf(c.appId, launchContext, values.secretFile ?? '');
    if (c.done) return;
    const real = this.opts.launchReal?.(c.id, env, secret);
    if (real) {
      c.kill = () => real.kill('SIGTERM');
      real.on('exit', (code, signal) => {
        this.complete(
          c,
          code ?? (signal ? 143 : 1),
          code === 0 ? '' : `Exception from container-launch: exit code ${String(code ?? signal)}`,
        );
      });
      return;
    }
    const standIn = new StandInTaskExecutor({
      client: this.gatewayClient(`${values.amAddress.host}:${values.amAddress.port}`),
      secret,
      containerId: c.id,
      host: 'localhost',
      slots: values.slots,
      memoryMb: values.memoryMb,
      taskMs: this.opts.taskMs,
      onRegistered: () => this.opts.recorder.registered(c.id),
      onExit: (code, reason) => {
        this.opts.recorder.tasksFinished += standIn.finished;
        this.complete(c, code, code === 0 ? '' : reason);
      },
    });
    c.kill = () => standIn.kill();
    standIn.start();
  }

  /** One channel (one HTTP/2 connection) per node to the AM's gateway, shared by the node's stand-ins. */
  private gatewayClient(target: string): grpc.Client {
    if (this.gateway?.target !== target) {
      this.gateway?.client.close();
      // A channel option naming the node keeps grpc-js from sharing one connection between nodes.
      this.gateway = {
        target,
        client: new grpc.Client(target, grpc.credentials.createInsecure(), {
          'grpc.primary_user_agent': `loom-simulated-node/${this.nodeId}`,
        }),
      };
    }
    return this.gateway.client;
  }

  private secretOf(appId: string, launchContext: ContainerLaunchContextProto, name: string): Promise<string> {
    let secret = this.secrets.get(appId);
    if (!secret) {
      const resource = (launchContext.localResources ?? []).find((e) => e.key === name)?.value?.resource;
      if (!resource?.file) return Promise.reject(new Error(`the launch context has no local resource ${name} (the cluster secret)`));
      secret = this.readAll(resource.file).then((text) => parseClusterSecret(text, resource.file ?? name));
      this.secrets.set(appId, secret);
    }
    return secret;
  }

  private async readAll(path: string): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.opts.source.open(path)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  private kill(containerId: string, exitStatus: number, diagnostics: string): void {
    const c = this.containers.get(containerId);
    if (!c || c.done) return;
    this.complete(c, exitStatus, diagnostics);
    c.kill?.();
  }

  private complete(c: SimContainer, exitStatus: number, diagnostics: string): void {
    if (c.done) return;
    c.done = true;
    c.exitStatus = exitStatus;
    c.diagnostics = diagnostics ? diagnosticsEntry(diagnostics) : '';
    this.opts.recorder.ended(c.id);
  }

  private statusOf(c: SimContainer): ContainerStatusProto {
    return {
      container_id: containerIdToWire(c.id),
      state: c.done ? 'C_COMPLETE' : 'C_RUNNING',
      diagnostics: c.diagnostics,
      exit_status: c.exitStatus,
      capability: c.resource,
      executionType: 'GUARANTEED',
      container_sub_state: c.done ? 'CSS_DONE' : 'CSS_RUNNING',
    };
  }

  // ------------------------------------------------------------------ RM side

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.heartbeat();
      this.schedule();
    }, this.opts.heartbeatMs);
  }

  /** NodeStatusUpdaterImpl's heartbeat: statuses of containers not yet reported complete; the RM's cleanups applied. */
  private heartbeat(): void {
    const statuses: NodeContainerStatus[] = [];
    const reported: SimContainer[] = [];
    for (const c of this.containers.values()) {
      if (c.reported) continue;
      const s = this.statusOf(c);
      statuses.push({ container_id: containerIdToWire(c.id), state: s.state, exit_status: s.exit_status, diagnostics: s.diagnostics });
      if (c.done) reported.push(c);
    }
    let answer;
    try {
      answer = this.opts.tracker().nodeHeartbeat(this.nodeId, statuses);
    } catch {
      return; // the RM restarting: the next heartbeat reports the same
    }
    for (const c of reported) {
      c.reported = true;
      this.containers.delete(c.id);
    }
    for (const id of answer.containersToCleanup)
      this.kill(containerIdText(id), ContainerExitStatus.KILLED_BY_RESOURCEMANAGER, 'Container Killed by ResourceManager');
    for (const appId of answer.appsToCleanup)
      for (const c of this.containers.values())
        if (c.appId === appId)
          this.kill(c.id, ContainerExitStatus.KILLED_AFTER_APP_COMPLETION, 'Container killed on application-finish event.');
  }
}
