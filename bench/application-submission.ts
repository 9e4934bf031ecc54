/**
 * Application-mode submission to first TaskExecutor on the mini cluster (one node, YARN's default
 * 1 s NodeManager heartbeat), median of 5, with and without provided lib dirs, and the bytes each
 * submission wrote to HDFS. The program's main() (in the AM) submits one job of parallelism 1.
 *
 *   without:         no provided lib dirs, the user's first submission: the runtime archive and
 *                    this client's Node.js binary are uploaded to .loom/runtime and localized
 *                    (.loom/runtime is emptied before each run, so every run pays for it);
 *   without, reused: the same with .loom/runtime kept from the previous run (the usual case);
 *   with:            -Dyarn.provided.lib.dirs on a runtime `loom upload-runtime` put on HDFS
 *                    beforehand (the first run localizes it into the node's PUBLIC cache).
 *
 * The time runs from the deploy call (bundle packing included) to the first TaskExecutor
 * registered with the AM, seen through the AM's REST API. BENCH_RUNS (default 5) tunes it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { Configuration } from '../client/conf/configuration.js';
import { LoomConfig } from '../client/conf/loom-config.js';
import { deployApplication } from '../client/deploy/submit/application-deployer.js';
import { ENDED_STATES } from '../client/deploy/running/application-waiter.js';
import { DeployContext } from '../client/deploy/submit/deploy-context.js';
import { DispatcherClient } from '../client/deploy/running/dispatcher-client.js';
import { resolveProgramBundle } from '../client/deploy/submit/program-bundle.js';
import { publishRuntime } from '../client/deploy/runtime/runtime-publish.js';
import { runtimeDir } from '../client/deploy/submit/staging-dir.js';
import { startMiniCluster } from '../minicluster/mini-cluster.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MiB = 1024 * 1024;
const PROGRAM = `export default async function main(ctx) {
  const job = await ctx.submit({ exportName: 'hold', parallelism: 1, args: [] });
  await job.result();
}
export async function hold() {
  await new Promise((r) => setTimeout(r, 1000));
  return 1;
}
`;

interface Run {
  ms: number;
  bytes: number;
  files: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'loom-bench-submission-'));
  const cluster = await startMiniCluster({ dir: join(dir, 'cluster'), nodes: 1, rmConfig: { minimumAllocationMb: 128 } });
  const program = join(dir, 'hold-one.mjs');
  await writeFile(program, PROGRAM);
  const user = userInfo().username;
  const env = { ...process.env, HADOOP_CONF_DIR: cluster.confDir, HADOOP_USER_NAME: user };
  const hadoopConf = Configuration.load({ env });
  const context = (extra: Record<string, string>) =>
    new DeployContext({
      hadoopConf,
      conf: LoomConfig.load({ env: {}, cwd: dir }).addDynamicProperties({
        'jobmanager.memory.process.size': '512m',
        'taskmanager.memory.process.size': '512m',
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
        runs.push(await submitToFirstExecutor(ctx, program));
      }
      results.push([name, runs]);
    }
    await provided.close();

    const base = median(results[0][1].map((r) => r.ms));
    console.log(`application-mode submission -> first TaskExecutor on the mini cluster (1 node), median of ${RUNS} runs:`);
    console.log(`  WebHDFS latency: ${cluster.webHdfs.latency.describe()} (LOOM_MINICLUSTER_HDFS_LATENCY=none|real|<scale>)`);
    for (const [name, runs] of results) {
      const ms = median(runs.map((r) => r.ms));
      const bytes = median(runs.map((r) => r.bytes));
      console.log(
        `  ${name.padEnd(46)} ${String(ms).padStart(6)} ms  (${(ms / base).toFixed(2)}x the first)   ` +
          `uploaded ${formatBytes(bytes)} in ${median(runs.map((r) => r.files))} files`,
      );
    }
    console.log(
      `  (upload-runtime wrote ${formatBytes(published.uploadedBytes)} once, before the runs; every submission also uploads the program bundle)`,
    );
    console.log(
      `  runs (ms): ${results.map(([n, runs]) => `${n.split(' ')[0]}${n.includes('reused') ? '/reused' : ''}: ${runs.map((r) => r.ms).join(' ')}`).join('; ')}`,
    );
  } finally {
    await plain.close();
    await cluster.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** One application: deploy, wait for its first TaskExecutor through the AM's REST API, let it end. */
async function submitToFirstExecutor(ctx: DeployContext, program: string): Promise<Run> {
  const t0 = Date.now();
  const bundle = await resolveProgramBundle(ctx, program);
  let deployed;
  try {
    deployed = await deployApplication(ctx, { bundle, args: [] });
  } finally {
    if (bundle.where === 'local') await bundle.packed.cleanup();
  }
  const { applicationId, secret } = deployed;
  const deadline = Date.now() + 120_000;
  let rest: DispatcherClient | undefined;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`benchmark: no TaskExecutor of ${applicationId} within 120 s`);
    if (!rest) {
      const r = await ctx.yarn.getApplicationReport(applicationId);
      if (ENDED_STATES.has(r.state)) throw new Error(`benchmark: ${applicationId} ended ${r.state}: ${r.diagnostics}`);
      if (r.state === 'RUNNING' && r.rpcPort > 0) rest = new DispatcherClient({ baseUrl: `http://${r.host}:${r.rpcPort}`, secret });
    } else if ((await rest.taskExecutors().catch(() => [])).length > 0) {
      break;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  const ms = Date.now() - t0;
  // main() returns after its job: wait for the end so that the next run has the node to itself.
  while (!ENDED_STATES.has((await ctx.yarn.getApplicationReport(applicationId)).state)) await new Promise((r) => setTimeout(r, 100));
  return { ms, bytes: deployed.uploadedFiles.reduce((n, f) => n + f.size, 0), files: deployed.uploadedFiles.length };
}

function formatBytes(n: number): string {
  return n >= MiB ? `${(n / MiB).toFixed(1)} MiB` : `${n} bytes`;
}

main().catch((err: unknown) => {
  console.error(`application-submission benchmark failed: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 1;
});
