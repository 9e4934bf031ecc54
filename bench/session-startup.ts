/**
 * Session startup on the mini cluster, with YARN's default heartbeat settings (NodeManager
 * heartbeat 1 s): the median of 5 runs of submit -> AM registered -> REST ready -> first
 * TaskExecutor registered (a job of parallelism 1 is submitted as soon as REST answers), then the
 * AM's resident memory (VmRSS) while it serves 20 TaskExecutors. Next to them, from the same run:
 * a bare `node` process's start time and resident memory.
 *
 * Reference (issue 6): Hadoop's distributed shell on a real cluster took 2.0 s to a registered AM
 * and 4.2 s to its first running task container, its AM 111 MiB resident; the goal is half the
 * times and an AM under 60 MiB. BENCH_RUNS (default 5) and BENCH_EXECUTORS (default 20) tune it.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { packBundle } from '../client/deploy/bundle/bundle-pack.js';
import { uploadBundle } from '../client/deploy/bundle/bundle-upload.js';
import { Configuration } from '../client/conf/configuration.js';
import { LoomConfig } from '../client/conf/loom-config.js';
import { DeployContext } from '../client/deploy/submit/deploy-context.js';
import type { SessionCluster } from '../client/deploy/running/session-cluster.js';
import { deploySession } from '../client/deploy/submit/session-deployer.js';
import { jobsDir } from '../client/deploy/submit/staging-dir.js';
import { startMiniCluster } from '../minicluster/mini-cluster.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const EXECUTORS = Number(process.env.BENCH_EXECUTORS ?? 20);
const SLOTS = 2;
const MiB = 1024 * 1024;

const JOB = `export async function hold(task) {
  await new Promise((r) => setTimeout(r, Number(task.args[0])));
  return task.index;
}
`;

interface Startup {
  registeredMs: number;
  restReadyMs: number;
  firstExecutorMs: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'loom-bench-session-'));
  const cluster = await startMiniCluster({
    dir: join(dir, 'cluster'),
    nodes: 2,
    nodeMemoryMb: 16_384,
    nodeVcores: 32,
    rmConfig: { minimumAllocationMb: 128 },
  });
  const jobFile = join(dir, 'hold.mjs');
  await writeFile(jobFile, JOB);
  const user = userInfo().username;
  const env = { ...process.env, HADOOP_CONF_DIR: cluster.confDir, HADOOP_USER_NAME: user };
  const conf = LoomConfig.load({ env: {}, cwd: dir }).addDynamicProperties({
    'loom.node.path': process.execPath,
    'jobmanager.memory.process.size': '512m',
    'taskmanager.memory.process.size': '512m',
    'taskmanager.numberOfTaskSlots': String(SLOTS),
    'yarn.properties-file.location': dir,
  });
  const ctx = new DeployContext({ hadoopConf: Configuration.load({ env }), conf, env });
  try {
    const startups: Startup[] = [];
    for (let i = 0; i < RUNS; i++) {
      const session = await deploySession(ctx, { pollMs: 10 });
      try {
        const t = session.timings;
        if (!t) throw new Error('deploySession returned no timings');
        await submit(ctx, session, jobFile, 1, 200);
        await until(async () => (await session.dispatcher.taskExecutors()).length > 0, 10);
        startups.push({
          registeredMs: t.amRegistered - t.uploaded,
          restReadyMs: t.restReady - t.uploaded,
          firstExecutorMs: Date.now() - t.uploaded,
        });
      } finally {
        await session.stop();
      }
    }
    const rss = await amRssWith(ctx, jobFile, dir);
    const bare = await bareNode();

    const m = (k: keyof Startup) => median(startups.map((s) => s[k]));
    console.log(`session startup on the mini cluster, median of ${RUNS} runs (NodeManager heartbeat 1 s, YARN's default):`);
    console.log(`  WebHDFS latency: ${cluster.webHdfs.latency.describe()} (LOOM_MINICLUSTER_HDFS_LATENCY=none|real|<scale>)`);
    console.log(
      `  submit -> AM registered:            ${String(m('registeredMs')).padStart(6)} ms   (goal 1000 ms; distributed shell on Hadoop: 2000 ms)`,
    );
    console.log(`  submit -> REST ready:               ${String(m('restReadyMs')).padStart(6)} ms`);
    console.log(
      `  submit -> first TaskExecutor:       ${String(m('firstExecutorMs')).padStart(6)} ms   (goal 2100 ms; distributed shell: 4200 ms to a running container)`,
    );
    console.log(
      `  baseline, a bare node process start: ${String(bare.startMs).padStart(5)} ms   -> first TaskExecutor takes ${(m('firstExecutorMs') / bare.startMs).toFixed(1)}x a bare node start`,
    );
    console.log(
      `AM resident memory with ${rss.executors} TaskExecutors: ${(rss.bytes / MiB).toFixed(1)} MiB   (goal < 60 MiB; distributed shell AM: 111 MiB)`,
    );
    console.log(
      `  baseline, a bare node process:      ${(bare.rssBytes / MiB).toFixed(1)} MiB   -> the AM is ${(rss.bytes / bare.rssBytes).toFixed(2)}x a bare node`,
    );
    console.log(
      `  runs: ${startups.map((s) => `${s.registeredMs}/${s.restReadyMs}/${s.firstExecutorMs}`).join('  ')} (ms: registered/REST/TaskExecutor)`,
    );
  } finally {
    await ctx.close();
    await cluster.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function submit(ctx: DeployContext, session: SessionCluster, jobFile: string, parallelism: number, holdMs: number): Promise<string> {
  const packed = await packBundle(jobFile);
  const bundle = await uploadBundle({ client: ctx.fs, packed, dir: jobsDir(session.stagingDir), fsUri: ctx.fsUri });
  return session.dispatcher.submitJob({ bundle, exportName: 'hold', parallelism, args: [holdMs] });
}

async function until(probe: () => Promise<boolean>, pollMs: number, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`benchmark: condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** A session holding EXECUTORS TaskExecutors busy; the AM process's VmRSS once they have all registered. */
async function amRssWith(ctx: DeployContext, jobFile: string, dir: string): Promise<{ bytes: number; executors: number }> {
  const session = await deploySession(ctx);
  try {
    await submit(ctx, session, jobFile, EXECUTORS * SLOTS, 60_000);
    await until(async () => (await session.dispatcher.taskExecutors()).length >= EXECUTORS, 200);
    await new Promise((r) => setTimeout(r, 2000)); // a few heartbeats with all of them
    const pid = await amPid(dir);
    return { bytes: await vmRss(pid), executors: (await session.dispatcher.taskExecutors()).length };
  } finally {
    await session.kill();
  }
}

/** The node process running the AM's entry point inside the cluster's dir. */
async function amPid(dir: string): Promise<number> {
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const cmdline = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    const cwd = await readlink(`/proc/${name}/cwd`).catch(() => '');
    if (cmdline.includes('dist/appmaster/main.js') && cmdline.startsWith(process.execPath) && cwd.startsWith(dir)) return Number(name);
  }
  throw new Error('benchmark: the AM process was not found');
}

async function vmRss(pid: number): Promise<number> {
  const m = /VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`benchmark: no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}

/** Baseline: median start time (spawn -> first output) of 5 bare node processes, and one's VmRSS. */
async function bareNode(): Promise<{ startMs: number; rssBytes: number }> {
  const starts: number[] = [];
  let rssBytes = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = Date.now();
    const child = spawn(process.execPath, ['-e', 'console.log("up"); setInterval(() => {}, 1000)'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise((r) => child.stdout.once('data', r));
    starts.push(Date.now() - t0);
    await new Promise((r) => setTimeout(r, 500));
    if (child.pid === undefined) throw new Error('the AM process did not start');
    rssBytes = await vmRss(child.pid);
    child.kill('SIGKILL');
  }
  return { startMs: median(starts), rssBytes };
}

main().catch((err: unknown) => {
  console.error(`session-startup benchmark failed: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 1;
});
