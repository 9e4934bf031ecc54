// The mini ResourceManager as a running service: the client port (ApplicationClientProtocol,
// SIMPLE auth), the scheduler port (ApplicationMasterProtocol, AMRMToken auth only), the web port
// (REST + web proxy), the AM liveness timer and the AM launcher (AM containers are started on
// their NodeManagers over IPC, as Hadoop's AMLauncher does), all on 127.0.0.1, around one
// ResourceManagerCore.
// restart() is YARN's work-preserving recovery: servers stop, the core is rebuilt from its
// snapshot, the same ports open again; NodeManagers re-register on their next heartbeat and AMs
// get ApplicationMasterNotRegisteredException until they register again.
import type { DigestQop } from '../../client/wire/security/digest-md5-security-layer.js';
import { LoomError } from '../../client/errors/loom-error.js';
import { RpcServer } from '../ipc/rpc-server.js';
import { AM_LAUNCHER_CONNECTION, AmLauncher } from './am-launcher.js';
import { amrmTokenAuth, applicationMasterService } from './am-service.js';
import { applicationClientService } from './client-service.js';
import { ResourceManagerCore } from './resource-manager-core.js';
import type { HttpTimeouts } from '../http-timeouts.js';
import type { ResourceManagerConfig } from './rm-config.js';
import { RmRestServer } from './rest/rm-rest-server.js';

export interface Address {
  host: string;
  port: number;
}

export interface ResourceManagerOptions {
  host?: string;
  /** Core settings; webAppAddress is set from the web port. */
  config?: Partial<Omit<ResourceManagerConfig, 'webAppAddress'>>;
  clientPort?: number;
  schedulerPort?: number;
  webPort?: number;
  /** User named in kills through REST (hadoop.http.staticuser.user). */
  webUser?: string;
  /** How often expired AMs are looked for (default: a third of the expiry, at most 1 s). */
  livenessCheckMs?: number;
  /** IPC connections that have not finished their handshake by then are closed (rpc-server.ts). */
  ipcHandshakeTimeoutMs?: number;
  /** hadoop.rpc.protection as SASL qops for the scheduler port (AMRMToken); ['auth'] by default. */
  rpcQops?: readonly DigestQop[];
  /** How long a web client may stall (http-timeouts.ts). */
  httpTimeouts?: Partial<HttpTimeouts>;
}

export class ResourceManagerUnavailable extends LoomError {
  static override readonly code: string = 'MINICLUSTER_RM_UNAVAILABLE';
  override name = 'ResourceManagerUnavailable';
}

export class ResourceManager {
  clientAddress: Address = { host: '', port: 0 };
  schedulerAddress: Address = { host: '', port: 0 };
  webAddress: Address = { host: '', port: 0 };
  private current: ResourceManagerCore | undefined;
  private servers: { client?: RpcServer; scheduler?: RpcServer; web?: RpcRestHandle } = {};
  private liveness: NodeJS.Timeout | undefined;
  private readonly host: string;
  private readonly launcher: AmLauncher;

  private constructor(private readonly opts: ResourceManagerOptions) {
    this.host = opts.host ?? '127.0.0.1';
    // The RM starts AMs over the NMs' token ports, so it speaks the cluster's hadoop.rpc.protection too.
    const qop = opts.rpcQops?.[0] ?? 'auth';
    const rpcProtection = qop === 'auth-conf' ? 'privacy' : qop === 'auth-int' ? 'integrity' : 'authentication';
    this.launcher = new AmLauncher(() => this.current, { ...AM_LAUNCHER_CONNECTION, rpcProtection });
  }

  static async start(opts: ResourceManagerOptions = {}): Promise<ResourceManager> {
    const rm = new ResourceManager(opts);
    try {
      // The web port first: tracking URLs name it, so the core needs it in its config.
      const web = new RmRestServer(() => rm.core, {
        host: rm.host,
        port: opts.webPort ?? 0,
        user: opts.webUser,
        httpTimeouts: opts.httpTimeouts,
      });
      rm.webAddress = { host: rm.host, port: (await web.start()).port };
      rm.servers.web = web;
      rm.current = rm.withLauncher(new ResourceManagerCore({ config: rm.coreConfig() }));
      await rm.openRpc(opts.clientPort ?? 0, opts.schedulerPort ?? 0);
    } catch (err) {
      await rm.stop();
      throw new Error(`ResourceManager could not start on ${rm.host}: ${(err as Error).message}; use free ports or 0`, { cause: err });
    }
    rm.startLiveness();
    return rm;
  }

  /** The running core; throws while the RM is restarting (callers retry, as NMs and AMs do). */
  get core(): ResourceManagerCore {
    if (!this.current) throw new ResourceManagerUnavailable('the ResourceManager is not running (restarting or stopped); retry shortly');
    return this.current;
  }

  /** Work-preserving restart on the same ports (AM launches under way finish first). */
  async restart(): Promise<void> {
    await this.launcher.idle();
    const snapshot = this.core.snapshot();
    this.current = undefined;
    clearInterval(this.liveness);
    await this.closeServers();
    this.current = this.withLauncher(ResourceManagerCore.recover(snapshot, { config: this.coreConfig() }));
    const web = new RmRestServer(() => this.core, {
      host: this.host,
      port: this.webAddress.port,
      user: this.opts.webUser,
      httpTimeouts: this.opts.httpTimeouts,
    });
    await web.start();
    this.servers.web = web;
    await this.openRpc(this.clientAddress.port, this.schedulerAddress.port);
    this.startLiveness();
  }

  /** `yarn rmadmin -refreshQueues` with a larger queue maximum allocation; kept across restart(), as the edited capacity-scheduler.xml would be. */
  refreshQueueMaximumAllocation(max: { memoryMb?: number; vcores?: number }): void {
    const core = this.core;
    core.refreshQueueMaximumAllocation(max);
    this.opts.config = {
      ...this.opts.config,
      queueMaximumAllocationMb: core.config.queueMaximumAllocationMb,
      queueMaximumAllocationVcores: core.config.queueMaximumAllocationVcores,
    };
  }

  async stop(): Promise<void> {
    clearInterval(this.liveness);
    this.current = undefined;
    await this.closeServers();
    await this.launcher.idle();
  }

  /** AM containers the core allocates go to the launcher (ApplicationMasterLauncher's event queue). */
  private withLauncher(core: ResourceManagerCore): ResourceManagerCore {
    core.onAmLaunchQueued(() => {
      for (const launch of core.takeAmLaunches()) this.launcher.launch(launch);
    });
    return core;
  }

  private coreConfig(): Partial<ResourceManagerConfig> {
    return { ...this.opts.config, webAppAddress: `localhost:${this.webAddress.port}` };
  }

  private async openRpc(clientPort: number, schedulerPort: number): Promise<void> {
    const core = this.core;
    const client = new RpcServer({
      host: this.host,
      port: clientPort,
      protocols: [applicationClientService(core)],
      auth: { simple: true },
      handshakeTimeoutMs: this.opts.ipcHandshakeTimeoutMs,
    });
    this.servers.client = client;
    this.clientAddress = await client.listen();
    const scheduler = new RpcServer({
      host: this.host,
      port: schedulerPort,
      protocols: [applicationMasterService(core)],
      auth: { ...amrmTokenAuth(core), ...(this.opts.rpcQops ? { qops: this.opts.rpcQops } : {}) },
      handshakeTimeoutMs: this.opts.ipcHandshakeTimeoutMs,
    });
    this.servers.scheduler = scheduler;
    this.schedulerAddress = await scheduler.listen();
  }

  private async closeServers(): Promise<void> {
    const { client, scheduler, web } = this.servers;
    this.servers = {};
    await Promise.all([client?.close(), scheduler?.close(), web?.stop()]);
  }

  private startLiveness(): void {
    const expiry = this.core.config.amLivenessExpiryMs;
    const every = this.opts.livenessCheckMs ?? Math.max(10, Math.min(1000, Math.floor(expiry / 3)));
    this.liveness = setInterval(() => {
      try {
        this.current?.checkAmLiveness();
      } catch {
        // a bad record must not stop the monitor; the next round tries again
      }
    }, every);
    this.liveness.unref();
  }
}

type RpcRestHandle = Pick<RmRestServer, 'stop'>;
