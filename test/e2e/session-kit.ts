// End-to-end kit: a mini cluster in this process, Loom's CLI as real child processes against it
// (HADOOP_CONF_DIR, LOOM_CONF_DIR, HADOOP_USER_NAME in their environment), and what a test needs
// to look at the result: YARN reports, HDFS, the processes left under the cluster's dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { Configuration } from '../../client/conf/configuration.js';
import { webHdfsClientFromConf } from '../../client/hadoop/hdfs/webhdfs-client-from-conf.js';
import type { WebHdfsClient } from '../../client/hadoop/hdfs/webhdfs-client.js';
import type { ApplicationReport } from '../../client/hadoop/yarn/cluster-reports.js';
import { YarnClient } from '../../client/hadoop/yarn/yarn-client.js';
import { waitFor as pollUntil } from '../minicluster/mini-cluster-kit.js';
import { startMiniCluster, type MiniCluster, type MiniClusterOptions } from '../../minicluster/mini-cluster.js';

export const ROOT = resolve(import.meta.dirname, '..', '..');
const LOOM_BIN = join(ROOT, 'bin', 'loom.js');
/** One runtime archive for every e2e test of a run: it is built from the same dist/. */
const SHARED_CACHE = join(tmpdir(), 'loom-e2e-runtime-cache');

export interface SessionKit {
  dir: string;
  cluster: MiniCluster;
  /** Environment of every CLI process. */
  env: NodeJS.ProcessEnv;
  hadoopConf: Configuration;
  yarn: YarnClient;
  fs: WebHdfsClient;
  user: string;
  /** Runs `loom <args>` to its end. */
  loom(args: string[], opts?: { stdin?: string; timeoutMs?: number }): Promise<CliResult>;
  /** Starts `loom <args>` and leaves it running (attached mode); stopped in stop() if still alive. */
  spawnLoom(args: string[]): RunningCli;
  report(appId: string): Promise<ApplicationReport>;
  waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs?: number): Promise<T>;
  /** Pids of processes whose working dir is inside the cluster's dir (containers and their children). */
  processesInCluster(): Promise<number[]>;
  stop(): Promise<void>;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** When its last output (stdout or stderr) arrived, ms since the epoch; undefined before any. */
  lastOutputAt(): number | undefined;
  /** Resolves when the process has exited. */
  exited: Promise<CliResult>;
}

/**
 * Every command ends promptly once its work is done: the process must exit within `withinMs` of
 * its last output line (an open socket, a keep-alive agent or a retry timer would hold it longer).
 * Resolves with its result; a process still alive at the bound is killed and the test fails.
 */
export async function expectPromptExit(run: RunningCli, withinMs = 5000): Promise<CliResult> {
  let timer: NodeJS.Timeout | undefined;
  const watchdog = new Promise<'late'>((resolve) => {
    const check = () => {
      const last = run.lastOutputAt();
      if (last !== undefined && Date.now() - last > withinMs) resolve('late');
      else timer = setTimeout(check, 100);
    };
    check();
  });
  try {
    const first = await Promise.race([run.exited, watchdog]);
    if (first === 'late') {
      run.child.kill('SIGKILL');
      const result = await run.exited;
      throw new Error(`the command was still running ${withinMs} ms after its last output; its output:\n${result.stdout}${result.stderr}`);
    }
    const exitedAt = Date.now();
    const last = run.lastOutputAt() ?? exitedAt;
    if (exitedAt - last > withinMs)
      throw new Error(`the command exited ${exitedAt - last} ms after its last output (bound ${withinMs} ms)`);
    return first;
  } finally {
    clearTimeout(timer);
  }
}

export interface SessionKitOptions {
  nodes?: number;
  /** loom.yaml values, over the test defaults (node path, small memory, 2 slots, short idle timeout). */
  loomConf?: Record<string, string>;
  cluster?: MiniClusterOptions;
}

export async function startSessionKit(opts: SessionKitOptions = {}): Promise<SessionKit> {
  const dir = await mkdtemp(join(tmpdir(), 'loom-e2e-'));
  const loomConfDir = join(dir, 'loom-conf');
  const children = new Set<ChildProcess>();
  // Its WebHDFS takes as long as a real NameNode + DataNode (the mini cluster's default), so a
  // reader racing a writer fails here as on Hadoop; LOOM_MINICLUSTER_HDFS_LATENCY=none for quick runs.
  const cluster = await startMiniCluster({
    dir,
    nodes: opts.nodes ?? 2,
    heartbeatMs: 50,
    rmConfig: { minimumAllocationMb: 128 },
    ...opts.cluster,
  });
  const user = userInfo().username;
  const loomConf: Record<string, string> = {
    'loom.node.path': process.execPath,
    // The smallest sizes a node process lives in under the NodeManagers' vmem check (2.1 x 512 MiB).
    'jobmanager.memory.process.size': '512m',
    'taskmanager.memory.process.size': '512m',
    'taskmanager.numberOfTaskSlots': '2',
    'loom.taskexecutor.idle-timeout': '3s',
    'yarn.heartbeat.interval': '500ms',
    'yarn.heartbeat.container-request-interval': '100ms',
    'yarn.properties-file.location': dir,
    ...opts.loomConf,
  };
  await mkdir(loomConfDir, { recursive: true });
  await writeFile(
    join(loomConfDir, 'loom.yaml'),
    Object.entries(loomConf)
      .map(([k, v]) => `${k}: ${JSON.stringify(v)}\n`)
      .join(''),
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HADOOP_CONF_DIR: cluster.confDir,
    LOOM_CONF_DIR: loomConfDir,
    LOOM_CACHE_DIR: SHARED_CACHE,
    HADOOP_USER_NAME: user,
  };
  const hadoopConf = Configuration.load({ env });
  const yarn = YarnClient.createFromConf(hadoopConf, { user, env });
  const fs = webHdfsClientFromConf(hadoopConf, { user, env });

  const spawnLoom = (args: string[]): RunningCli => spawnNodeCli(LOOM_BIN, args, { env, cwd: dir }, children);

  const waitFor = <T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> =>
    pollUntil(probe, what, timeoutMs, 100);

  return {
    dir,
    cluster,
    env,
    hadoopConf,
    yarn,
    fs,
    user,
    spawnLoom,
    loom: async (args, o = {}) => {
      const run = spawnLoom(args);
      if (o.stdin !== undefined) run.child.stdin!.end(o.stdin);
      const timer = setTimeout(() => run.child.kill('SIGKILL'), o.timeoutMs ?? 45_000);
      try {
        return await run.exited;
      } finally {
        clearTimeout(timer);
      }
    },
    report: (appId) => yarn.getApplicationReport(appId),
    waitFor,
    processesInCluster: () => processesUnder(dir),
    stop: async () => {
      for (const c of children) c.kill('SIGKILL');
      await Promise.all(
        [...children].map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(undefined) : c.once('close', r)))),
      );
      fs.close();
      await yarn.close();
      await cluster.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `node <bin> <args>` with piped stdio, collecting its output; tracked in `children` until it exits. */
export function spawnNodeCli(
  bin: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; cwd: string },
  children: Set<ChildProcess>,
): RunningCli {
  const child = spawn(process.execPath, [bin, ...args], { env: opts.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  let err = '';
  let lastOutputAt: number | undefined;
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    lastOutputAt = Date.now();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
    lastOutputAt = Date.now();
  });
  const exited = new Promise<CliResult>((res) =>
    child.on('close', (code) => {
      children.delete(child);
      res({ code, stdout: out, stderr: err });
    }),
  );
  return { child, stdout: () => out, stderr: () => err, lastOutputAt: () => lastOutputAt, exited };
}

/** Processes whose cwd is at or below `dir` (YARN containers run in their work dirs there). */
export async function processesUnder(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const cwd = await readlink(`/proc/${name}/cwd`).catch(() => '');
    if (cwd === dir || cwd.startsWith(`${dir}/`)) pids.push(Number(name));
  }
  return pids;
}

/** The application id a yarn-session run printed. */
export function applicationIdIn(text: string): string {
  const m = /Loom session (application_\d+_\d+) is running/.exec(text);
  if (!m) throw new Error(`no "Loom session <id> is running" line in:\n${text}`);
  return m[1];
}
