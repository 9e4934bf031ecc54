/**
 * Start-up of every Loom process, each beside a bare Node.js process measured the same way in the
 * same run, rounds interleaved (subject, baseline, subject, ...), medians and the ratio:
 *
 *   CLI (wall time, spawn -> exit, against `node -e 0`):
 *     loom --version
 *     loom yarn application -list    against the mini cluster: one RPC to the ResourceManager answered
 *   In the containers of an application-mode run on the mini cluster (time since the process's or
 *   thread's own start, `performance.now()`, against a bare `node` reaching its first line):
 *     ApplicationMaster   process start -> "REST API and dashboard listening" (the dispatcher serves)
 *     TaskExecutor        process start -> "registered with the AM"
 *     program worker      worker thread start -> the program's main() called
 *
 * The container's node is a wrapper (loom.node.path) that preloads a small module recording when
 * those lines are written, so Loom's own code is not changed for the measurement. Module counts
 * (ES modules resolved + CommonJS modules required) come from scripts/record-module-loads.mjs.
 * Goal (issue 17): `loom yarn application -list` within 0.1x of Hadoop's Java CLI (0.87 s on the
 * developers' cluster), i.e. about 90 ms. BENCH_RUNS (default 7) tunes the rounds.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Configuration } from '../client/conf/configuration.js';
import { LoomConfig } from '../client/conf/loom-config.js';
import { deployApplication } from '../client/deploy/submit/application-deployer.js';
import { ENDED_STATES } from '../client/deploy/running/application-waiter.js';
import { DeployContext } from '../client/deploy/submit/deploy-context.js';
import { resolveProgramBundle } from '../client/deploy/submit/program-bundle.js';
import { startMiniCluster } from '../minicluster/mini-cluster.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LOOM = join(ROOT, 'bin', 'loom.js');
const RECORDER = join(ROOT, 'scripts', 'record-module-loads.mjs');
/** Another Loom's bin/loom.js (e.g. a checkout of the code before a change): its `yarn application -list` is measured in the same rounds. */
const OTHER_LOOM = process.env.BENCH_STARTUP_OTHER_LOOM;

/** Preloaded into the container's node: appends `{ mark, ms }` when a watched line is written. */
const MARKER = `import { appendFileSync } from 'node:fs';
const file = process.env.LOOM_STARTUP_MARKS;
const watched = [['REST API and dashboard listening', 'am'], ['registered with the AM', 'taskexecutor'], ['bare node ready', 'bare']];
const seen = new Set();
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream);
  stream.write = (chunk, ...rest) => {
    const text = String(chunk);
    for (const [needle, mark] of watched) {
      if (!seen.has(mark) && text.includes(needle)) {
        seen.add(mark);
        appendFileSync(file, JSON.stringify({ mark, ms: performance.now() }) + '\\n');
      }
    }
    return write(chunk, ...rest);
  };
}
`;

/** Preloaded into the CLI runs: the process's CPU time (user + system, all threads) at exit, less sensitive to a busy machine than wall time. */
const CPU_AT_EXIT = `import { appendFileSync } from 'node:fs';
process.on('exit', () => {
  const u = process.cpuUsage();
  appendFileSync(process.env.LOOM_STARTUP_CPU, String((u.user + u.system) / 1000) + '\\n');
});
`;

/** Application mode: main() notes when it runs (in its worker thread), then runs one task so a TaskExecutor starts. */
const PROGRAM = `import { appendFileSync } from 'node:fs';
export default async function main(ctx) {
  appendFileSync(process.env.LOOM_STARTUP_MARKS, JSON.stringify({ mark: 'program', ms: performance.now() }) + '\\n');
  const job = await ctx.submit({ exportName: 'one', parallelism: 1, args: [] });
  await job.result();
}
export async function one() {
  return 1;
}
`;

const ints = (xs: number[]): string => xs.map((x) => x.toFixed(0)).join(' ');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Mark {
  mark: string;
  ms: number;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'loom-bench-startup-'));
  const marks = join(dir, 'marks.jsonl');
  const markerFile = join(dir, 'marker.mjs');
  const nodeWrapper = join(dir, 'node-marked');
  await writeFile(markerFile, MARKER);
  await writeFile(nodeWrapper, `#!/bin/sh\nLOOM_STARTUP_MARKS='${marks}' exec '${process.execPath}' --import '${markerFile}' "$@"\n`);
  await chmod(nodeWrapper, 0o755);
  const program = join(dir, 'startup-program.mjs');
  await writeFile(program, PROGRAM);

  const cluster = await startMiniCluster({ dir: join(dir, 'cluster'), nodes: 1, rmConfig: { minimumAllocationMb: 128 } });
  const user = userInfo().username;
  const env = { ...process.env, HADOOP_CONF_DIR: cluster.confDir, HADOOP_USER_NAME: user };
  const ctx = new DeployContext({
    hadoopConf: Configuration.load({ env }),
    conf: LoomConfig.load({ env: {}, cwd: dir }).addDynamicProperties({
      'loom.node.path': nodeWrapper,
      'jobmanager.memory.process.size': '512m',
      'taskmanager.memory.process.size': '512m',
      'yarn.properties-file.location': dir,
    }),
    env,
  });
  try {
    // ---- CLI: wall time, interleaved with `node -e 0` ----
    const cpuFile = join(dir, 'cpu.txt');
    const cpuModule = join(dir, 'cpu-at-exit.mjs');
    await writeFile(cpuModule, CPU_AT_EXIT);
    const cli: Record<string, number[]> = { bare: [], version: [], list: [], other: [] };
    const cpu: Record<string, number[]> = { bare: [], version: [], list: [], other: [] };
    const measure = async (name: string, args: string[]) => {
      cli[name].push(await wallMs(args, env));
      await writeFile(cpuFile, '');
      await wallMs(['--import', cpuModule, ...args], { ...env, LOOM_STARTUP_CPU: cpuFile });
      cpu[name].push(Number((await readFile(cpuFile, 'utf8')).trim()));
    };
    await wallMs(['-e', '0'], env); // warm the page cache once for each
    await wallMs([LOOM, '--version'], env);
    await wallMs([LOOM, 'yarn', 'application', '-list'], env);
    for (let i = 0; i < RUNS; i++) {
      await measure('bare', ['-e', '0']);
      await measure('version', [LOOM, '--version']);
      await measure('bare', ['-e', '0']);
      await measure('list', [LOOM, 'yarn', 'application', '-list']);
      if (OTHER_LOOM !== undefined) {
        await measure('bare', ['-e', '0']);
        await measure('other', [OTHER_LOOM, 'yarn', 'application', '-list']);
      }
    }
    const modules = {
      version: await moduleCount([LOOM, '--version'], env, dir),
      list: await moduleCount([LOOM, 'yarn', 'application', '-list'], env, dir),
    };

    // ---- containers: in-process times, interleaved with a bare node through the same wrapper ----
    const inContainer: Record<string, number[]> = { bare: [], am: [], taskexecutor: [], program: [] };
    const rounds = Math.max(1, Math.ceil(RUNS / 2));
    for (let i = 0; i < rounds; i++) {
      await writeFile(marks, '');
      await runWrapped(nodeWrapper, ['-e', "process.stdout.write('bare node ready\\n')"]);
      await runApplication(ctx, program);
      for (const m of await readMarks(marks)) (inContainer[m.mark] as number[] | undefined)?.push(m.ms);
    }

    const bareWall = median(cli.bare);
    const bareIn = median(inContainer.bare);
    const row = (name: string, xs: number[], base: number, extra = '') =>
      xs.length === 0
        ? `  ${name.padEnd(34)} no figure (the marker line was not seen)`
        : `  ${name.padEnd(34)} ${median(xs).toFixed(0).padStart(6)} ms  ${(median(xs) / base).toFixed(1).padStart(5)}x bare node  ${extra}`;
    console.log(
      `start-up of Loom's processes, medians (CLI: ${RUNS} rounds; containers: ${rounds} application-mode runs on the mini cluster)`,
    );
    console.log(`CLI, wall time spawn -> exit; baseline \`node -e 0\`: ${bareWall.toFixed(0)} ms`);
    console.log(row('loom --version', cli.version, bareWall, `${modules.version} modules`));
    console.log(
      row(
        'loom yarn application -list',
        cli.list,
        bareWall,
        `${modules.list} modules; goal 0.1x the Java CLI's 0.87 s: 87 ms (now ${(median(cli.list) / 870).toFixed(2)}x)`,
      ),
    );
    if (OTHER_LOOM !== undefined) console.log(row(`${OTHER_LOOM} yarn application -list`, cli.other, bareWall));
    const bareCpu = median(cpu.bare);
    console.log(`CLI, CPU time (user + system) of the same commands; baseline node -e 0: ${bareCpu.toFixed(0)} ms`);
    console.log(row('loom --version', cpu.version, bareCpu));
    console.log(row('loom yarn application -list', cpu.list, bareCpu));
    if (OTHER_LOOM !== undefined) console.log(row(`${OTHER_LOOM} yarn application -list`, cpu.other, bareCpu));
    console.log(
      `in the containers, process (thread) start -> first useful work; baseline bare node -> first line: ${bareIn.toFixed(0)} ms`,
    );
    console.log(row('AM: dispatcher listening', inContainer.am, bareIn));
    console.log(row('TaskExecutor: registered with the AM', inContainer.taskexecutor, bareIn, '(includes the AM accepting it)'));
    console.log(row('program worker: main() called', inContainer.program, bareIn, '(thread start; the bare figure is a process)'));
    console.log(
      `  runs (ms): bare ${ints(cli.bare)}; --version ${ints(cli.version)}; -list ${ints(cli.list)}; ` +
        `AM ${ints(inContainer.am)}; TE ${ints(inContainer.taskexecutor)}; program ${ints(inContainer.program)}`,
    );
  } finally {
    await ctx.close();
    await cluster.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Wall time of one node process, spawn to exit; it must succeed. */
async function wallMs(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`benchmark: node ${args.join(' ')} exited ${String(code)}: ${stderr}`);
  return ms;
}

/** How many modules one run of the command loads (scripts/record-module-loads.mjs). */
async function moduleCount(args: string[], env: NodeJS.ProcessEnv, dir: string): Promise<number> {
  const file = join(dir, 'modules.txt');
  await writeFile(file, '');
  const child = spawn(process.execPath, ['--import', RECORDER, ...args], { env: { ...env, LOOM_RECORD_MODULES: file }, stdio: 'ignore' });
  await new Promise((r) => child.on('exit', r));
  return new Set((await readFile(file, 'utf8')).split('\n').filter((l) => l !== '')).size;
}

async function runWrapped(wrapper: string, args: string[]): Promise<void> {
  const child = spawn(wrapper, args, { stdio: 'ignore' });
  await new Promise((r) => child.on('exit', r));
}

/** One application-mode run to its end: AM, program worker and one TaskExecutor each leave their mark. */
async function runApplication(ctx: DeployContext, program: string): Promise<void> {
  const bundle = await resolveProgramBundle(ctx, program);
  let deployed;
  try {
    deployed = await deployApplication(ctx, { bundle, args: [] });
  } finally {
    if (bundle.where === 'local') await bundle.packed.cleanup();
  }
  const deadline = Date.now() + 120_000;
  for (;;) {
    const r = await ctx.yarn.getApplicationReport(deployed.applicationId);
    if (ENDED_STATES.has(r.state)) {
      if (r.finalStatus !== 'SUCCEEDED') throw new Error(`benchmark: ${deployed.applicationId} ended ${r.finalStatus}: ${r.diagnostics}`);
      return;
    }
    if (Date.now() > deadline) throw new Error(`benchmark: ${deployed.applicationId} did not end within 120 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function readMarks(file: string): Promise<Mark[]> {
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Mark);
}

main().catch((err: unknown) => {
  console.error(`startup benchmark failed: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 1;
});
