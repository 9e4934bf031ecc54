/**
 * A Loom session whose real AM process drives a simulated cluster: a mini cluster with one real
 * NodeManager just big enough for the AM container (so every TaskExecutor container goes to a
 * simulated node), the session deployed on it as `yarn-session` would, then N simulated nodes
 * (minicluster/simulation/) registered with its ResourceManager. Shared by bench/scale.ts and the
 * heartbeat test (test/e2e/scale/).
 */
import { readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { packBundle } from '../client/deploy/bundle/bundle-pack.js';
import { uploadBundle } from '../client/deploy/bundle/bundle-upload.js';
import { Configuration } from '../client/conf/configuration.js';
import { LoomConfig } from '../client/conf/loom-config.js';
import { DeployContext } from '../client/deploy/submit/deploy-context.js';
import type { SessionCluster } from '../client/deploy/running/session-cluster.js';
import { deploySession } from '../client/deploy/submit/session-deployer.js';
import { jobsDir } from '../client/deploy/submit/staging-dir.js';
import { startMiniCluster, type MiniCluster } from '../minicluster/mini-cluster.js';
import { namespaceLocalizationSource } from '../minicluster/nodemanager/webhdfs-localization-source.js';
import { startSimulatedCluster, type SimulatedCluster, type SimulatedClusterOptions } from '../minicluster/simulation/simulated-cluster.js';

/** The AM and TaskExecutor containers' size (Loom's minimum). */
export const CONTAINER_MB = 512;

export interface SimulatedSessionOptions {
  dir: string;
  nodes: number;
  /** TaskExecutor containers each simulated node holds. */
  containersPerNode: number;
  slotsPerTaskExecutor: number;
  /** Extra loom.yaml options (e.g. yarn.heartbeat.container-request-interval). */
  conf?: Record<string, string>;
  simulation?: Pick<SimulatedClusterOptions, 'heartbeatMs' | 'taskMs' | 'launchReal'>;
}

export interface SimulatedSession {
  cluster: MiniCluster;
  simulated: SimulatedCluster;
  session: SessionCluster;
  ctx: DeployContext;
  /** Submits a job of `parallelism` tasks (the stand-ins ignore the bundle; real TaskExecutors run it: it returns its index). */
  submit(parallelism: number): Promise<string>;
  /** The AM process's pid (its working dir is in the mini cluster's dir). */
  amPid(): Promise<number>;
  stop(): Promise<void>;
}

const JOB = `export async function index(task) {
  return task.index;
}
`;

export async function startSimulatedSession(opts: SimulatedSessionOptions): Promise<SimulatedSession> {
  const cluster = await startMiniCluster({
    dir: join(opts.dir, 'cluster'),
    nodes: 1,
    nodeMemoryMb: CONTAINER_MB,
    nodeVcores: 1,
    hdfsLatency: 'none',
    rmConfig: { minimumAllocationMb: 128 },
  });
  let ctx: DeployContext | undefined;
  let session: SessionCluster | undefined;
  let simulated: SimulatedCluster | undefined;
  const stop = async (): Promise<void> => {
    await session?.stop().catch(() => session?.kill());
    await ctx?.close();
    await simulated?.stop();
    await cluster.stop();
  };
  try {
    const env = { ...process.env, HADOOP_CONF_DIR: cluster.confDir, HADOOP_USER_NAME: userInfo().username };
    const conf = LoomConfig.load({ env: {}, cwd: opts.dir }).addDynamicProperties({
      'loom.node.path': process.execPath,
      'jobmanager.memory.process.size': `${CONTAINER_MB}m`,
      'taskmanager.memory.process.size': `${CONTAINER_MB}m`,
      'taskmanager.numberOfTaskSlots': String(opts.slotsPerTaskExecutor),
      'yarn.containers.vcores': '1',
      'yarn.properties-file.location': opts.dir,
      ...opts.conf,
    });
    ctx = new DeployContext({ hadoopConf: Configuration.load({ env }), conf, env });
    session = await deploySession(ctx, { pollMs: 50 });
    simulated = await startSimulatedCluster({
      resourceManager: cluster.resourceManager,
      source: namespaceLocalizationSource(cluster.webHdfs.namespace),
      nodes: opts.nodes,
      nodeMemoryMb: opts.containersPerNode * CONTAINER_MB,
      nodeVcores: opts.containersPerNode,
      ...opts.simulation,
    });
    const jobFile = join(opts.dir, 'index.mjs');
    await writeFile(jobFile, JOB);
    const packed = await packBundle(jobFile);
    const deployCtx = ctx;
    const running = session;
    const bundle = await uploadBundle({ client: deployCtx.fs, packed, dir: jobsDir(running.stagingDir), fsUri: deployCtx.fsUri });
    return {
      cluster,
      simulated,
      session: running,
      ctx: deployCtx,
      submit: (parallelism) => running.dispatcher.submitJob({ bundle, exportName: 'index', parallelism, args: [] }),
      amPid: () => amPidIn(cluster.dir),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The node process running the AM's entry point inside the cluster's dir. */
async function amPidIn(dir: string): Promise<number> {
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const cmdline = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    const cwd = await readlink(`/proc/${name}/cwd`).catch(() => '');
    // The node process itself, not the launch script's bash around it.
    const argv = cmdline.split('\0');
    if (!argv[0].endsWith('bash') && argv.some((a) => a.endsWith('appmaster/main.js')) && cwd.startsWith(dir)) return Number(name);
  }
  throw new Error('the AM process was not found');
}

/** VmRSS of a process, in bytes. */
export async function residentBytes(pid: number): Promise<number> {
  const m = /VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}
