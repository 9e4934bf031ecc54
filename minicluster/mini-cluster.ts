// The embedded mini cluster: WebHDFS, one ResourceManager and N NodeManagers on free 127.0.0.1
// ports in this process, containers as real child processes, and a HADOOP_CONF_DIR pointing at
// it all. Also the fault injection tests use. Its HDFS takes as long as a real one unless told
// otherwise (hdfs-latency-setting.ts).
import { mkdtemp, mkdir, rm as removeDir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OWNER_ONLY_DIR } from '../client/wire/security/local-file-modes.js';
import { parseApplicationId, formatApplicationId } from '../client/wire/codec/yarn-ids.js';
import { siteValues, writeHadoopConfDir } from './mini-cluster-conf-dir.js';
import { chooseHdfsLatency, hdfsLatencyOf, type HdfsLatencySetting } from './hdfs-latency-setting.js';
import type { HttpTimeouts } from './http-timeouts.js';
import { resolveSettings, type MiniClusterSettingsInput } from './mini-cluster-settings.js';
import { logAggregationSettings } from './log-aggregation-setting.js';
import { RPC_PROTECTION_KEY, rpcProtectionQops } from './rpc-protection-setting.js';
import { NodeManager } from './nodemanager/node-manager.js';
import { namespaceLocalizationSource } from './nodemanager/webhdfs-localization-source.js';
import { ResourceManager } from './resourcemanager/resource-manager.js';
import { startWebHdfs, type WebHdfsServer } from './webhdfs/webhdfs-server.js';

export interface MiniClusterOptions extends MiniClusterSettingsInput {
  /** Where everything lives (conf/, hdfs/, nm-<i>/); kept after stop(). Default: a temp dir removed at stop(). */
  dir?: string;
  /** Keep the temp dir after stop() (ignored when `dir` is given: that is always kept). */
  keepDir?: boolean;
  /** Number of NodeManagers (default 2). */
  nodes?: number;
  /** The HDFS superuser (default: the OS user). */
  superUser?: string;
  /** WebHDFS delays: `real` (a Hadoop 3.3.6 NameNode + DataNode), `none`, or a scale of the real ones. Default: LOOM_MINICLUSTER_HDFS_LATENCY, else `real`. */
  hdfsLatency?: HdfsLatencySetting;
  /** Seed of the WebHDFS delays (default random; `cluster.webHdfs.latency.seed` tells it). */
  hdfsLatencySeed?: number;
  /** hadoop.rpc.protection of the token ports: authentication (default), integrity or privacy (rpc-protection-setting.ts); a `-D` value in yarnSite also sets it. */
  rpcProtection?: 'authentication' | 'integrity' | 'privacy';
  /** IPC connections (RM and NM ports) that have not finished their handshake by then are closed (default 20 s). */
  ipcHandshakeTimeoutMs?: number;
  /** How long a client of the HTTP servers (WebHDFS, RM web, NM web) may stall (http-timeouts.ts). */
  httpTimeouts?: Partial<HttpTimeouts>;
}

export interface MiniClusterFaults {
  /** The RM kills a container (its NM stops it on the next heartbeat: exit -106). */
  killContainer(containerId: string): void;
  /** A node goes away: its NM stops (containers killed) and the RM completes them with -100. */
  loseNode(nodeId: string): Promise<void>;
  /** The current attempt's AM container dies (SIGKILL): the attempt fails with exit code 137. */
  failAmAttempt(appId: string): Promise<void>;
  /** Work-preserving ResourceManager restart on the same ports. */
  restartResourceManager(): Promise<void>;
}

export interface MiniCluster {
  dir: string;
  /** HADOOP_CONF_DIR for clients. */
  confDir: string;
  /** host:port of the RM client port, scheduler port and web port. */
  rmAddress: string;
  schedulerAddress: string;
  webAddress: string;
  /** webhdfs://127.0.0.1:<port> */
  defaultFs: string;
  webHdfs: WebHdfsServer;
  resourceManager: ResourceManager;
  nodes: NodeManager[];
  faults: MiniClusterFaults;
  /** Kills every container process group, closes every server; removes only a temp dir it made. */
  stop(): Promise<void>;
}

/** How long failAmAttempt waits for a just-launched AM process to show its pid. */
const AM_PID_WAIT_MS = 5000;

const hostPort = (a: { host: string; port: number }): string => `${a.host}:${a.port}`;

export async function startMiniCluster(options: MiniClusterOptions = {}): Promise<MiniCluster> {
  const count = options.nodes ?? 2;
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`a mini cluster needs at least one NodeManager; nodes=${String(options.nodes)}`);
  const settings = resolveSettings(
    options.rpcProtection ? { ...options, yarnSite: { ...options.yarnSite, [RPC_PROTECTION_KEY]: options.rpcProtection } } : options,
  );
  const rpcQops = rpcProtectionQops(settings.yarnSite);
  const ownDir = options.dir === undefined;
  // Only the cluster's user may enter its dir (mkdtemp makes it 700; a named dir that does not
  // exist yet is made so); what is inside carries Hadoop's modes all the same.
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'loom-minicluster-')));
  await mkdir(dir, { recursive: true, mode: OWNER_ONLY_DIR });

  let webHdfs: WebHdfsServer | undefined;
  let resourceManager: ResourceManager | undefined;
  const nodes: NodeManager[] = [];
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      await Promise.all(nodes.map((n) => n.stop()));
      await resourceManager?.stop();
      await webHdfs?.close();
      if (ownDir && !options.keepDir) await removeDir(dir, { recursive: true, force: true });
    })());

  try {
    const latency = hdfsLatencyOf(chooseHdfsLatency(options.hdfsLatency), options.hdfsLatencySeed);
    webHdfs = await startWebHdfs({ dataDir: join(dir, 'hdfs'), superUser: options.superUser, latency, httpTimeouts: options.httpTimeouts });
    // yarn.log-aggregation-enable is read by the RM (its reports) and by each NodeManager (the uploads).
    const logAggregation = logAggregationSettings(settings.yarnSite, webHdfs.nameNodeAddress.port, webHdfs.namespace.superUser);
    resourceManager = await ResourceManager.start({
      config: { ...settings.rmConfig, logAggregationEnabled: logAggregation !== undefined },
      ipcHandshakeTimeoutMs: options.ipcHandshakeTimeoutMs,
      httpTimeouts: options.httpTimeouts,
      rpcQops,
    });
    const rmRef = resourceManager;
    const source = namespaceLocalizationSource(webHdfs.namespace, latency);
    for (let i = 0; i < count; i++) {
      nodes.push(
        await NodeManager.start({
          tracker: () => rmRef.core,
          localDir: join(dir, `nm-${i}`, 'local'),
          logDir: join(dir, `nm-${i}`, 'logs'),
          source,
          nameNodePort: webHdfs.nameNodeAddress.port,
          memoryMb: settings.node.memoryMb,
          vcores: settings.node.vcores,
          heartbeatMs: settings.rmConfig.nodeHeartbeatIntervalMs,
          monitor: settings.node.monitor,
          sigkillDelayMs: settings.node.sigkillDelayMs,
          envWhitelist: settings.node.envWhitelist,
          ipcHandshakeTimeoutMs: options.ipcHandshakeTimeoutMs,
          httpTimeouts: options.httpTimeouts,
          rpcQops,
          // Containers get the cluster's HADOOP_CONF_DIR through the whitelist, as on a real node.
          env: { ...process.env, HADOOP_CONF_DIR: join(dir, 'conf') },
          ...(logAggregation ? { logAggregation } : {}),
        }),
      );
    }
    const confDir = await writeHadoopConfDir(
      join(dir, 'conf'),
      siteValues(
        {
          rm: hostPort(resourceManager.clientAddress),
          scheduler: hostPort(resourceManager.schedulerAddress),
          web: hostPort(resourceManager.webAddress),
          nameNodeHttp: hostPort(webHdfs.nameNodeAddress),
          dataNodeHttp: hostPort(webHdfs.dataNodeAddress),
        },
        settings.yarnSite,
        settings.capacityScheduler,
      ),
    );
    const nodeOf = (nodeId: string): NodeManager => {
      const nm = nodes.find((n) => n.nodeId === nodeId);
      if (!nm) throw new Error(`no NodeManager ${nodeId} in this mini cluster; nodes are ${nodes.map((n) => n.nodeId).join(', ')}`);
      return nm;
    };
    const faults: MiniClusterFaults = {
      killContainer: (containerId) => rmRef.core.killContainer(containerId),
      loseNode: async (nodeId) => {
        const nm = nodeOf(nodeId);
        await nm.stop();
        rmRef.core.loseNode(nodeId);
      },
      failAmAttempt: async (appId) => {
        const app = rmRef.core.appRecord(formatApplicationId(parseApplicationId(appId)));
        const amContainer = app.attempts.at(-1)?.amContainerId;
        const record = amContainer ? rmRef.core.containerRecord(amContainer) : undefined;
        // The process may be a few milliseconds from writing its pid file.
        for (let waited = 0; amContainer && record && waited <= AM_PID_WAIT_MS; waited += 20) {
          if (nodeOf(record.nodeId).signalContainer(amContainer, 'SIGKILL')) return;
          await new Promise((r) => setTimeout(r, 20));
        }
        throw new Error(`${appId} has no running AM container to fail (state ${rmRef.core.reportedState(app)}); wait until its AM runs`);
      },
      restartResourceManager: () => rmRef.restart(),
    };
    return {
      dir,
      confDir,
      rmAddress: hostPort(resourceManager.clientAddress),
      schedulerAddress: hostPort(resourceManager.schedulerAddress),
      webAddress: hostPort(resourceManager.webAddress),
      defaultFs: `webhdfs://${hostPort(webHdfs.nameNodeAddress)}`,
      webHdfs,
      resourceManager,
      nodes,
      faults,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
