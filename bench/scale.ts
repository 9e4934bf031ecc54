/**
 * Scale on a simulated cluster (minicluster/simulation/, in the spirit of Hadoop's Scheduler Load
 * Simulator): a real AM process drives stand-in TaskExecutors on simulated NodeManagers over the
 * real protocols. Three runs, each in its own session:
 *  - grow: one job of CONTAINERS long tasks on NODES nodes (one slot per TaskExecutor): the session
 *    grows to CONTAINERS containers, then shrinks when the tasks end and the idle ones are released;
 *  - tasks: a job of TASKS short tasks on SLOTS slots;
 *  - rss: the AM's resident memory with 1, 20, 200 and 1,000 TaskExecutors, one of them a real
 *    TaskExecutor process (its resident memory is the TaskExecutor figure).
 * Measured: allocation-to-launch latency (the RM's allocation, from the container token, to the
 * AM's startContainers at the node) and to the TaskExecutor's registration, the gaps between the
 * AM's allocate calls while it asks for containers (its heartbeat processing falls behind when
 * they grow past the configured interval) and their round trip from the AM's /metrics, tasks per
 * second, REST latency of /overview and /jobs/<id> polled during the run, and the AM's RSS over
 * time; beside them, a bare node process's RSS. Rewrites bench/results.md and bench/scale-chart.svg.
 *
 * Flags: --nodes 100 --containers 10000 --tasks 100000 --slots 1000 --hold-ms 20000 --task-ms 10
 * --rss 1,20,200,1000 --runs grow,tasks,rss --no-write
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { residentBytes, startSimulatedSession, type SimulatedSession } from './simulated-session.js';
import { renderScaleChart, renderScaleResults, type ScaleReport, type RunFigures } from './scale-report.js';

const { values: flags } = parseArgs({
  options: {
    nodes: { type: 'string', default: '100' },
    containers: { type: 'string', default: '10000' },
    tasks: { type: 'string', default: '100000' },
    slots: { type: 'string', default: '1000' },
    'hold-ms': { type: 'string', default: '20000' },
    'task-ms': { type: 'string', default: '10' },
    rss: { type: 'string', default: '1,20,200,1000' },
    runs: { type: 'string', default: 'grow,tasks,rss' },
    'no-write': { type: 'boolean', default: false },
    /** Also write the figures as JSON here; --merge a,b renders results.md from such files (runs done apart). */
    json: { type: 'string' },
    merge: { type: 'string' },
    /** loom.node.path for the AM (e.g. a script running node with --cpu-prof). */
    'am-node': { type: 'string' },
  },
});
const num = (name: keyof typeof flags): number => {
  const n = Number(flags[name]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number of at least 1, not ${String(flags[name])}`);
  return n;
};
const NODES = num('nodes');
const CONTAINERS = num('containers');
const TASKS = num('tasks');
const SLOTS = num('slots');
const HOLD_MS = num('hold-ms');
const TASK_MS = num('task-ms');
const RUNS = new Set(flags.runs.split(','));
/** The AM's allocate interval while it asks for containers (yarn.heartbeat.container-request-interval). */
const REQUEST_INTERVAL_MS = 500;
const MiB = 1024 * 1024;
const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..');

export const percentile = (xs: readonly number[], p: number): number => {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

/** Polls /overview and /jobs/<id> one after the other until stopped; each call's latency. */
function pollRest(s: SimulatedSession, jobId: string): { stop(): Promise<{ overview: number[]; job: number[] }> } {
  const overview: number[] = [];
  const job: number[] = [];
  const state = { stopped: false };
  const loop = (async () => {
    while (!state.stopped) {
      let t = performance.now();
      await s.session.dispatcher.overview().catch(() => undefined);
      overview.push(performance.now() - t);
      t = performance.now();
      await s.session.dispatcher.getJob(jobId).catch(() => undefined);
      job.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  return {
    stop: async () => {
      state.stopped = true;
      await loop;
      return { overview, job };
    },
  };
}

/** Samples containers, registered TaskExecutors and the AM's RSS every 500 ms. */
function sampleOverTime(s: SimulatedSession, amPid: number, t0: number): { stop(): RunFigures['series'] } {
  const series: RunFigures['series'] = [];
  const timer = setInterval(() => {
    void residentBytes(amPid)
      .catch(() => 0)
      .then((rss) =>
        series.push({
          t: (Date.now() - t0) / 1000,
          containers: s.simulated.liveContainers(),
          registered: s.simulated.recorder.registeredTaskExecutors(),
          amRssMiB: rss / MiB,
        }),
      );
  }, 500);
  return {
    stop: () => {
      clearInterval(timer);
      return series;
    },
  };
}

/** The AM's allocate round trips from its /metrics histogram (loom_rm_heartbeat_duration_seconds): p50 and p99 bucket bounds. */
async function allocateRoundTrips(s: SimulatedSession): Promise<{ p50: number; p99: number; count: number }> {
  const text = await s.session.dispatcher.metricsText().catch(() => '');
  const buckets = new Map<number, number>();
  for (const line of text.split('\n')) {
    const m = /^loom_rm_heartbeat_duration_seconds_bucket\{(.*)\} (\S+)$/.exec(line);
    if (!m) continue;
    const le = /le="([^"]+)"/.exec(m[1])?.[1];
    if (!le || le === '+Inf') continue;
    buckets.set(Number(le), (buckets.get(Number(le)) ?? 0) + Number(m[2]));
  }
  const countMatch = text.split('\n').filter((l) => l.startsWith('loom_rm_heartbeat_duration_seconds_count'));
  const count = countMatch.reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
  const bound = (p: number): number => {
    for (const [le, n] of [...buckets].sort((a, b) => a[0] - b[0])) if (n >= (p / 100) * count) return le * 1000;
    return Number.POSITIVE_INFINITY;
  };
  return { p50: bound(50), p99: bound(99), count };
}

function launchFigures(s: SimulatedSession): Pick<RunFigures, 'launchMs' | 'registerMs' | 'allocateGapMs' | 'allocateCalls'> {
  const launches = [...s.simulated.recorder.launches.values()];
  const launch = launches.map((l) => l.startedAt - l.allocatedAt);
  const register = launches.flatMap((l) => (l.registeredAt !== undefined ? [l.registeredAt - l.allocatedAt] : []));
  const calls = s.simulated.recorder.allocateCalls;
  const gaps: number[] = [];
  for (let i = 1; i < calls.length; i++) if (calls[i - 1].asked > 0) gaps.push(calls[i].at - calls[i - 1].at);
  const p = (xs: number[]) => ({ p50: percentile(xs, 50), p95: percentile(xs, 95), p99: percentile(xs, 99), max: Math.max(...xs) });
  return { launchMs: p(launch), registerMs: p(register), allocateGapMs: p(gaps), allocateCalls: calls.length };
}

async function waitUntil(what: string, probe: () => boolean | Promise<boolean>, timeoutMs: number, pollMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`scale benchmark: ${what} not reached within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

async function session(dir: string, nodes: number, containersPerNode: number, taskMs: number, conf: Record<string, string> = {}) {
  return startSimulatedSession({
    dir,
    nodes,
    containersPerNode,
    slotsPerTaskExecutor: 1,
    conf: {
      'yarn.heartbeat.container-request-interval': `${REQUEST_INTERVAL_MS}ms`,
      'loom.taskexecutor.idle-timeout': '3s',
      ...(flags['am-node'] ? { 'loom.node.path': flags['am-node'] } : {}),
      ...conf,
    },
    simulation: { heartbeatMs: 100, taskMs },
  });
}

/** grow: CONTAINERS containers at once, then back to none. */
async function growRun(dir: string): Promise<RunFigures> {
  const s = await session(join(dir, 'grow'), NODES, Math.ceil(CONTAINERS / NODES), HOLD_MS);
  try {
    const amPid = await s.amPid();
    const t0 = Date.now();
    const sampler = sampleOverTime(s, amPid, t0);
    const jobId = await s.submit(CONTAINERS);
    const rest = pollRest(s, jobId);
    await waitUntil(`${CONTAINERS} registered TaskExecutors`, () => s.simulated.recorder.registeredTaskExecutors() >= CONTAINERS, 600_000);
    const peakAt = (Date.now() - t0) / 1000;
    const id = jobId;
    await waitUntil('the job finished', async () => (await s.session.dispatcher.getJob(id)).state === 'FINISHED', 600_000, 1000);
    await waitUntil('every container released', () => s.simulated.liveContainers() === 0, 600_000);
    const endAt = (Date.now() - t0) / 1000;
    const restMs = await rest.stop();
    const series = sampler.stop();
    return {
      name: `grow to ${CONTAINERS} containers on ${NODES} nodes and back`,
      ...launchFigures(s),
      allocateRoundTripMs: await allocateRoundTrips(s),
      restMs: { overview: percentile(restMs.overview, 99), job: percentile(restMs.job, 99), polls: restMs.overview.length },
      notes: `peak reached at ${peakAt.toFixed(1)} s, all released at ${endAt.toFixed(1)} s (tasks hold ${HOLD_MS} ms, idle timeout 3 s)`,
      amRssPeakMiB: Math.max(...series.map((x) => x.amRssMiB)),
      series,
    };
  } finally {
    await s.stop();
  }
}

/** tasks: TASKS short tasks on SLOTS one-slot TaskExecutors. */
async function tasksRun(dir: string): Promise<RunFigures> {
  const s = await session(join(dir, 'tasks'), NODES, Math.ceil(SLOTS / NODES), TASK_MS);
  try {
    const amPid = await s.amPid();
    const t0 = Date.now();
    const sampler = sampleOverTime(s, amPid, t0);
    const id = await s.submit(TASKS);
    const rest = pollRest(s, id);
    await waitUntil('the job finished', async () => (await s.session.dispatcher.getJob(id)).state === 'FINISHED', 1_800_000, 1000);
    const seconds = (Date.now() - t0) / 1000;
    const restMs = await rest.stop();
    const series = sampler.stop();
    return {
      name: `${TASKS} tasks of ${TASK_MS} ms on ${SLOTS} slots (${NODES} nodes)`,
      ...launchFigures(s),
      allocateRoundTripMs: await allocateRoundTrips(s),
      restMs: { overview: percentile(restMs.overview, 99), job: percentile(restMs.job, 99), polls: restMs.overview.length },
      tasksPerSecond: TASKS / seconds,
      notes: `the job took ${seconds.toFixed(1)} s from submission (ideal with ${SLOTS} slots: ${((TASKS / SLOTS) * TASK_MS) / 1000} s)`,
      amRssPeakMiB: Math.max(...series.map((x) => x.amRssMiB)),
      series,
    };
  } finally {
    await s.stop();
  }
}

/** rss: the AM's RSS with N TaskExecutors, one of them a real TaskExecutor process. */
async function rssRun(dir: string, count: number): Promise<{ taskExecutors: number; amMiB: number; taskExecutorMiB: number }> {
  let realPid: number | undefined;
  const perNode = Math.min(count, 100);
  const s = await startSimulatedSession({
    dir: join(dir, `rss-${count}`),
    nodes: Math.ceil(count / perNode),
    containersPerNode: perNode,
    slotsPerTaskExecutor: 1,
    conf: { 'loom.taskexecutor.idle-timeout': '10min' },
    simulation: {
      heartbeatMs: 100,
      taskMs: 60_000,
      launchReal: (containerId, env, secret) => {
        if (realPid !== undefined) return undefined;
        // Outside YARN's launch: the secret itself instead of the file the NM would have localized.
        const child = spawn(process.execPath, [join(ROOT, 'dist', 'taskexecutor', 'main.js')], {
          cwd: join(dir, `rss-${count}`),
          env: { ...process.env, ...env, LOOM_SECRET_FILE: '', LOOM_CLUSTER_SECRET: secret, LOG_DIRS: join(dir, `rss-${count}`) },
          stdio: 'ignore',
        });
        realPid = child.pid ?? -1;
        return child;
      },
    },
  });
  try {
    const jobId = await s.submit(count);
    await waitUntil(`${count} TaskExecutors`, async () => (await s.session.dispatcher.overview()).taskExecutors >= count, 600_000, 500);
    await new Promise((r) => setTimeout(r, 5_000)); // a few heartbeats of all of them
    const amMiB = (await residentBytes(await s.amPid())) / MiB;
    const taskExecutorMiB = realPid !== undefined && realPid > 0 ? (await residentBytes(realPid)) / MiB : Number.NaN;
    await s.session.dispatcher.cancelJob(jobId).catch(() => undefined);
    return { taskExecutors: count, amMiB, taskExecutorMiB };
  } finally {
    await s.stop();
  }
}

async function bareNodeRssMiB(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'console.log("up"); setInterval(() => {}, 1000)'], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise((r) => child.stdout.once('data', r));
  await new Promise((r) => setTimeout(r, 500));
  const bytes = await residentBytes(child.pid ?? -1);
  child.kill('SIGKILL');
  return bytes / MiB;
}

async function main(): Promise<void> {
  if (flags.merge) {
    const parts = await Promise.all(flags.merge.split(',').map(async (f) => JSON.parse(await readFile(f, 'utf8')) as ScaleReport));
    const merged: ScaleReport = {
      date: parts.map((p) => p.date).join(', '),
      runs: parts.flatMap((p) => p.runs),
      rss: parts.flatMap((p) => p.rss),
      bareNodeMiB: parts[0].bareNodeMiB,
    };
    await writeFile(join(ROOT, 'bench', 'results.md'), renderScaleResults(merged));
    await writeFile(join(ROOT, 'bench', 'scale-chart.svg'), renderScaleChart(merged));
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'loom-bench-scale-'));
  const report: ScaleReport = { date: new Date().toISOString(), runs: [], rss: [], bareNodeMiB: await bareNodeRssMiB() };
  try {
    if (RUNS.has('grow')) report.runs.push(await growRun(dir));
    if (RUNS.has('tasks')) report.runs.push(await tasksRun(dir));
    if (RUNS.has('rss')) for (const n of flags.rss.split(',').map(Number)) report.rss.push(await rssRun(dir, n));
    const markdown = renderScaleResults(report);
    console.log(markdown);
    if (flags.json) await writeFile(flags.json, `${JSON.stringify(report)}\n`);
    if (!flags['no-write']) {
      await writeFile(join(ROOT, 'bench', 'results.md'), markdown);
      await writeFile(join(ROOT, 'bench', 'scale-chart.svg'), renderScaleChart(report));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`scale benchmark failed: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 1;
});
