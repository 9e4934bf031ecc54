/**
 * Submission to first TaskExecutor on the mini cluster (one node, YARN's default 1 s NodeManager
 * heartbeat), median of 5, with and without provided lib dirs, and the bytes each submission
 * wrote to HDFS. Session mode: application mode was not committed when this was written; its
 * submission shares the same deploy step (runtime, configuration, secret) plus the user bundle.
 *
 *   without:         no provided lib dirs, the user's first submission: the runtime archive and
 *                    this client's Node.js binary are uploaded to .loom/runtime and localized
 *                    (.loom/runtime is emptied before each run, so every run pays for it);
 *   without, reused: the same with .loom/runtime kept from the previous run (the usual case);
 *   with:            -Dyarn.provided.lib.dirs on a runtime `loom upload-runtime` put on HDFS
 *                    beforehand (the first run localizes it into the node's PUBLIC cache).
 *
 * The time runs from the deploy call to the first TaskExecutor registered with the AM (a job of
 * parallelism 1 is submitted once the REST API answers). BENCH_RUNS (default 5) tunes it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { packBundle } from '../client/bundle/bundle-pack.js';
import { uploadBundle } from '../client/bundle/bundle-upload.js';
import { Configuration } from '../client/conf/configuration.js';
import { LoomConfig } from '../client/conf/loom-config.js';
import { deployCluster } from '../client/deploy/cluster-deployer.js';
import { DeployContext } from '../client/deploy/deploy-context.js';
import { publishRuntime } from '../client/deploy/runtime-publish.js';
import { SessionCluster } from '../client/deploy/session-cluster.js';
import { jobsDir, runtimeDir } from '../client/deploy/staging-dir.js';
import { DEFAULT_SESSION_NAME } from '../client/deploy/submission-context.js';
import { startMiniCluster } from '../minicluster/mini-cluster.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const MiB = 1024 * 1024;
const JOB = 'export function one(task) { return task.index; }\n';

interface Run {
  ms: number;
  bytes: number;
  files: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'loom-bench-submission-'));
  const cluster = await startMiniCluster({ dir: join(dir, 'cluster'), nodes: 1, rmConfig: { minimumAllocationMb: 128 } });
  const jobFile = join(dir, 'one.mjs');
  await writeFile(jobFile, JOB);
  const user = userInfo().username;
  const env = { ...process.env, HADOOP_CONF_DIR: cluster.confDir, HADOOP_USER_NAME: user };
  const hadoopConf = Configuration.load({ env });
  const context = (extra: Record<string, string>) =>
    new DeployContext({
      hadoopConf,
      conf: LoomConfig.load({ env: {}, cwd: dir }).addDynamicProperties({
        'jobmanager.memory.process.size': '256m',
        'taskmanager.memory.process.size': '256m',
        'yarn.properties-file.location': dir,
        ...extra,
      }),
      env,
    });
  const plain = context({});
  try {
    const published = await publishRuntime({ fs: plain.fs, fsUri: plain.fsUri, dir: '/apps/loom', env });
    const provided = context({ 'yarn.provided.lib.dirs': published.uri });
    const cases: [string, DeployContext, boolean][] = [
      ['without provided lib dirs (first submission)', plain, true],
      ['without provided lib dirs (runtime reused)', plain, false],
      ['with provided lib dirs', provided, false],
    ];
    const results: [string, Run[]][] = [];
    for (const [name, ctx, fresh] of cases) {
      const runs: Run[] = [];
      for (let i = 0; i < RUNS; i++) {
        if (fresh) await ctx.fs.delete(runtimeDir(await ctx.stagingRoot()), { recursive: true, ignoreMissing: true });
        runs.push(await submitToFirstExecutor(ctx, jobFile));
      }
      results.push([name, runs]);
    }
    await provided.close();

    const base = median(results[0]![1].map((r) => r.ms));
    console.log(`session submission -> first TaskExecutor on the mini cluster (1 node), median of ${RUNS} runs:`);
    for (const [name, runs] of results) {
      const ms = median(runs.map((r) => r.ms));
      const bytes = median(runs.map((r) => r.bytes));
      console.log(
        `  ${name.padEnd(46)} ${String(ms).padStart(6)} ms  (${(ms / base).toFixed(2)}x the first)   ` +
          `uploaded ${formatBytes(bytes)} in ${median(runs.map((r) => r.files))} files`,
      );
    }
    console.log(`  (upload-runtime wrote ${formatBytes(published.uploadedBytes)} once, before the runs; job bundles are not counted)`);
    console.log(`  runs (ms): ${results.map(([n, runs]) => `${n.split(' ')[0]}${n.includes('reused') ? '/reused' : ''}: ${runs.map((r) => r.ms).join(' ')}`).join('; ')}`);
  } finally {
    await plain.close();
    await cluster.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** One session: deploy, submit a job of parallelism 1, wait for its TaskExecutor, stop. */
async function submitToFirstExecutor(ctx: DeployContext, jobFile: string): Promise<Run> {
  const t0 = Date.now();
  const deployed = await deployCluster(ctx, { mode: 'session', defaultName: DEFAULT_SESSION_NAME, waitFor: 'rest', pollMs: 10 });
  const session = new SessionCluster(ctx, { applicationId: deployed.applicationId, secret: deployed.secret, report: deployed.report, stagingDir: deployed.stagingDir });
  try {
    const packed = await packBundle(jobFile);
    const bundle = await uploadBundle({ client: ctx.fs, packed, dir: jobsDir(session.stagingDir), fsUri: ctx.fsUri });
    await session.dispatcher.submitJob({ bundle, exportName: 'one', parallelism: 1, args: [] });
    const deadline = Date.now() + 120_000;
    while ((await session.dispatcher.taskExecutors()).length === 0) {
      if (Date.now() > deadline) throw new Error('benchmark: no TaskExecutor within 120 s');
      await new Promise((r) => setTimeout(r, 10));
    }
    const ms = Date.now() - t0;
    return { ms, bytes: deployed.uploadedFiles.reduce((n, f) => n + f.size, 0), files: deployed.uploadedFiles.length };
  } finally {
    await session.stop();
  }
}

function formatBytes(n: number): string {
  return n >= MiB ? `${(n / MiB).toFixed(1)} MiB` : `${n} bytes`;
}

main().catch((err: unknown) => {
  console.error(`application-submission benchmark failed: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 1;
});
