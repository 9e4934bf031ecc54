// The real-YARN suite's kit (npm run test:real-yarn): Loom's CLI as real child processes against
// the Hadoop cluster that HADOOP_CONF_DIR names (a real Apache Hadoop 3.x; ../shared/tools/
// real-hadoop.sh starts one on this machine), and what a test checks after every journey: no
// Loom application or container left, no staging dir left, each application in the state the
// scenario expects. Faults go through YARN itself (signalToContainer FORCEFUL_SHUTDOWN: the
// NodeManager SIGKILLs the container's process group), so they work on any cluster; only the
// client-kill scenario needs the client here, which it is.
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { Configuration } from '../../client/conf/configuration.js';
import { webHdfsClientFromConf } from '../../client/hadoop/hdfs/webhdfs-client-from-conf.js';
import type { WebHdfsClient } from '../../client/hadoop/hdfs/webhdfs-client.js';
import { FileNotFoundError } from '../../client/hadoop/hdfs/webhdfs-errors.js';
import type { ApplicationReport } from '../../client/hadoop/yarn/cluster-reports.js';
import { YarnClient } from '../../client/hadoop/yarn/yarn-client.js';
import { spawnNodeCli, type CliResult, type RunningCli } from '../e2e/session-kit.js';
import { waitFor as pollUntil } from '../minicluster/mini-cluster-kit.js';

export const ROOT = resolve(import.meta.dirname, '..', '..');
const LOOM_BIN = join(ROOT, 'bin', 'loom.js');
const YARN_SESSION_BIN = join(ROOT, 'bin', 'yarn-session.js');
export const WORD_COUNT = join(ROOT, 'examples', 'word-count', 'word-count.mjs');
export const SLEEPY = join(ROOT, 'test', 'e2e', 'modes', 'programs', 'sleepy-program.mjs');
export const THREE_JOBS = join(ROOT, 'test', 'e2e', 'ha', 'programs', 'three-jobs.mjs');

/** How often each journey runs in a row (LOOM_REAL_YARN_REPEAT), and attached per-job runs (LOOM_REAL_YARN_PER_JOB_RUNS). */
export const REPEAT = Number(process.env.LOOM_REAL_YARN_REPEAT ?? 5);
export const PER_JOB_RUNS = Number(process.env.LOOM_REAL_YARN_PER_JOB_RUNS ?? 20);

export const HOW_TO_START =
  'set HADOOP_CONF_DIR to a running Hadoop 3.x cluster: ../shared/tools/real-hadoop.sh build <fetched TDC git dir> && ' +
  '../shared/tools/real-hadoop.sh start && eval "$(../shared/tools/real-hadoop.sh env)" && npm run test:real-yarn';

/** Why the suite cannot run here, or undefined when a ResourceManager answers at HADOOP_CONF_DIR's address. */
export async function realClusterMissing(): Promise<string | undefined> {
  const confDir = process.env.HADOOP_CONF_DIR;
  if (!confDir) return `real-YARN suite skipped: HADOOP_CONF_DIR is not set; ${HOW_TO_START}`;
  // Hadoop's defaults (an RM at 0.0.0.0:8032) would reach whatever listens here: a named conf dir must hold the cluster's yarn-site.xml.
  if (!existsSync(join(confDir, 'yarn-site.xml')))
    return `real-YARN suite skipped: HADOOP_CONF_DIR=${confDir} holds no yarn-site.xml; ${HOW_TO_START}`;
  const conf = Configuration.load({ env: process.env });
  // One quick look: a dead RM must not cost Hadoop's 15 minutes of connect retries.
  conf.set('yarn.resourcemanager.connect.max-wait.ms', '3000');
  conf.set('yarn.resourcemanager.connect.retry-interval.ms', '500');
  const yarn = YarnClient.createFromConf(conf, { user: userInfo().username });
  try {
    await yarn.getClusterMetrics();
    return undefined;
  } catch (err) {
    return `real-YARN suite skipped: no ResourceManager answers for HADOOP_CONF_DIR=${confDir} (${(err as Error).message}); ${HOW_TO_START}`;
  } finally {
    await yarn.close();
  }
}

export interface RealYarnKit {
  dir: string;
  env: NodeJS.ProcessEnv;
  conf: Configuration;
  yarn: YarnClient;
  fs: WebHdfsClient;
  user: string;
  /** The suite's HDFS dir (/user/<user>/loom-real-yarn). */
  home: string;
  loom(args: string[], opts?: { stdin?: string; timeoutMs?: number }): Promise<CliResult>;
  /** Runs `yarn-session <args>` to its end, with `stdin` typed in. */
  yarnSession(args: string[], stdin?: string): Promise<CliResult>;
  spawnLoom(args: string[]): RunningCli;
  spawnYarnSession(args: string[]): RunningCli;
  report(appId: string): Promise<ApplicationReport>;
  waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs?: number): Promise<T>;
  /** Waits for the application to end and returns its report. */
  waitForEnd(appId: string, timeoutMs?: number): Promise<ApplicationReport>;
  /** The AM container of the application's current attempt (RM REST), once it runs. */
  amContainer(appId: string): Promise<string>;
  /** The running containers of the application other than its AM's (RM REST). */
  taskExecutorContainers(appId: string): Promise<string[]>;
  /** SIGKILL through YARN: signalToContainer FORCEFUL_SHUTDOWN. */
  killContainer(containerId: string): Promise<void>;
  /** After a journey: no Loom app running, no container on any node, only runtime dirs under .loom. */
  expectClean(): Promise<void>;
  /** Applications started since the kit started (Loom type). */
  applicationsSinceStart(): Promise<ApplicationReport[]>;
  stop(): Promise<void>;
}

const LIVE_STATES = ['NEW', 'NEW_SAVING', 'SUBMITTED', 'ACCEPTED', 'RUNNING'];

export async function startRealYarnKit(loomConf: Record<string, string> = {}): Promise<RealYarnKit> {
  const dir = await mkdtemp(join(tmpdir(), 'loom-real-yarn-'));
  const loomConfDir = join(dir, 'loom-conf');
  await mkdir(loomConfDir, { recursive: true });
  const conf: Record<string, string> = {
    'jobmanager.memory.process.size': '768m',
    'taskmanager.memory.process.size': '768m',
    'taskmanager.numberOfTaskSlots': '2',
    'loom.taskexecutor.idle-timeout': '5s',
    'yarn.properties-file.location': dir,
    ...loomConf,
  };
  await writeFile(
    join(loomConfDir, 'loom.yaml'),
    Object.entries(conf)
      .map(([k, v]) => `${k}: ${JSON.stringify(v)}\n`)
      .join(''),
  );
  const user = userInfo().username;
  const env: NodeJS.ProcessEnv = { ...process.env, LOOM_CONF_DIR: loomConfDir, HADOOP_USER_NAME: user };
  const hadoopConf = Configuration.load({ env });
  const yarn = YarnClient.createFromConf(hadoopConf, { user, env });
  const fs = webHdfsClientFromConf(hadoopConf, { user, env });
  const home = `/user/${user}/loom-real-yarn`;
  await fs.mkdirs(home);
  const startedAt = Date.now();
  const children = new Set<ChildProcess>();
  const webAddress =
    hadoopConf.getTrimmed('yarn.resourcemanager.webapp.address') ??
    `${hadoopConf.getTrimmed('yarn.resourcemanager.hostname') ?? '0.0.0.0'}:8088`;
  const rmRest = async <T>(path: string): Promise<T> => {
    const res = await fetch(`http://${webAddress}/ws/v1/cluster${path}`, { headers: { Accept: 'application/json' } });
    if (!res.ok) throw new Error(`RM REST ${path}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  const spawnCli = (bin: string, args: string[]): RunningCli => spawnNodeCli(bin, args, { env, cwd: dir }, children);
  const waitFor = <T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 120_000): Promise<T> =>
    pollUntil(probe, what, timeoutMs, 250);

  const applicationsSinceStart = async () =>
    (await yarn.getApplications({ types: ['Loom'] }))
      .filter((a) => a.startTime >= startedAt - 1000)
      .sort((a, b) => a.applicationId.localeCompare(b.applicationId));

  const kit: RealYarnKit = {
    dir,
    env,
    conf: hadoopConf,
    yarn,
    fs,
    user,
    home,
    spawnLoom: (args) => spawnCli(LOOM_BIN, args),
    spawnYarnSession: (args) => spawnCli(YARN_SESSION_BIN, args),
    loom: (args, o = {}) => runToEnd(spawnCli(LOOM_BIN, args), o.stdin, o.timeoutMs),
    yarnSession: (args, stdin) => runToEnd(spawnCli(YARN_SESSION_BIN, args), stdin),
    report: (appId) => yarn.getApplicationReport(appId),
    waitFor,
    waitForEnd: (appId, timeoutMs = 120_000) =>
      waitFor(
        `${appId} to end`,
        async () => {
          const r = await yarn.getApplicationReport(appId);
          return LIVE_STATES.includes(r.state) ? undefined : r;
        },
        timeoutMs,
      ),
    amContainer: (appId) =>
      waitFor(`the AM container of ${appId}`, async () => {
        const body = await rmRest<{ appAttempts?: { appAttempt?: { id: number; containerId?: string }[] } }>(`/apps/${appId}/appattempts`);
        const attempts = body.appAttempts?.appAttempt ?? [];
        return attempts.sort((a, b) => a.id - b.id).at(-1)?.containerId;
      }),
    taskExecutorContainers: async (appId) => {
      const app = await yarn.getApplicationReport(appId);
      const attempt = app.currentAttemptId;
      if (!attempt) return [];
      const body = await rmRest<{ container?: { containerId: string; containerState?: string }[] | { containerId: string } }>(
        `/apps/${appId}/appattempts/${attempt}/containers`,
      ).catch(() => ({ container: [] }));
      const list = Array.isArray(body.container) ? body.container : body.container ? [body.container] : [];
      const am = await kit.amContainer(appId);
      return list
        .filter((c) => c.containerId !== am && (c as { containerState?: string }).containerState !== 'COMPLETE')
        .map((c) => c.containerId);
    },
    killContainer: (containerId) => yarn.signalToContainer(containerId, 'FORCEFUL_SHUTDOWN'),
    expectClean: async () => {
      await waitFor('no Loom application live', async () => {
        const live = (await applicationsSinceStart()).filter((a) => LIVE_STATES.includes(a.state));
        return live.length === 0 ? true : undefined;
      });
      await waitFor(
        'no container on any node',
        async () => ((await yarn.getNodeReports(['RUNNING'])).every((n) => n.numContainers === 0) ? true : undefined),
        60_000,
      );
      await waitFor(
        'no staging dir left',
        async () => {
          const left = (await stagingEntries(fs, user)).filter((name) => name !== 'runtime');
          return left.length === 0 ? true : undefined;
        },
        30_000,
      );
    },
    applicationsSinceStart,
    stop: async () => {
      for (const c of children) c.kill('SIGKILL');
      await Promise.all(
        [...children].map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(undefined) : c.once('close', r)))),
      );
      // Leave the cluster as found: whatever this run started and left live is killed.
      for (const app of await applicationsSinceStart().catch(() => [])) {
        if (LIVE_STATES.includes(app.state))
          await yarn.killApplication(app.applicationId, { diagnostics: 'killed by the real-YARN suite on stop' }).catch(() => undefined);
      }
      fs.close();
      await yarn.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return kit;
}

/** Feeds stdin (or closes it), waits for the end; SIGKILL after the timeout (the test then fails on its exit). */
async function runToEnd(run: RunningCli, stdin: string | undefined, timeoutMs = 180_000): Promise<CliResult> {
  run.child.stdin!.end(stdin);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), timeoutMs);
  try {
    return await run.exited;
  } finally {
    clearTimeout(timer);
  }
}

async function stagingEntries(fs: WebHdfsClient, user: string): Promise<string[]> {
  try {
    return (await fs.listStatus(`/user/${user}/.loom`)).map((s) => s.pathSuffix);
  } catch (err) {
    if (err instanceof FileNotFoundError) return [];
    throw err;
  }
}

/** The application id a line such as "... application_1_0001 ..." holds (the first). */
export function applicationIdIn(text: string): string {
  const m = /(application_\d+_\d+)/.exec(text);
  if (!m) throw new Error(`no application id in:\n${text}`);
  return m[1];
}

/** Word -> count of a text, as word-count.mjs counts (lower-case runs of letters with inner apostrophes). */
export function countWords(text: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const w of text
    .toLowerCase()
    .split(/[^a-z']+/)
    .map((s) => s.replace(/^'+|'+$/g, '')))
    if (w) counts[w] = (counts[w] ?? 0) + 1;
  return counts;
}
