// The npm pack round trip: Loom packed as npm would publish it, installed into a project of its
// own, type-checked and run from there through its `exports`, as a user of the package sees it.
//
// How the tarball is installed: unpacked into <project>/node_modules/loom (npm's tarballs hold
// one `package/` directory), and the production dependencies laid out beside it as `npm install`
// hoists them: every top-level package of this repository's node_modules that the packed
// package.json's `dependencies` reach, linked. No network and no npm cache is needed, so it works
// the same on a fresh CI machine right after `npm ci` (an `npm install --offline <tarball>` would
// depend on what the cache holds). Only what the packed package.json declares is reached, so a
// dependency missing from it fails the run.
//
// `npm pack --ignore-scripts`: `npm test` built dist/ just before (and `npm pack` alone runs the
// `prepare` build first); building again here would rewrite dist/ under the tests that run
// bin/loom.js at the same time.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..', '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

interface PackedFile {
  path: string;
}

let work: string;
let project: string;
let packedFiles: string[];

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'client', 'index.d.ts')))
    throw new Error('dist/ is not built with declarations: run npm run build first');
  work = await mkdtemp(join(tmpdir(), 'loom-npm-pack-'));
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT });
  const [packed] = JSON.parse(stdout) as [{ filename: string; files: PackedFile[] }];
  packedFiles = packed.files.map((f) => f.path);

  project = join(work, 'project');
  const installed = join(project, 'node_modules', 'loom');
  await mkdir(installed, { recursive: true });
  await run('tar', ['-xzf', join(work, packed.filename), '-C', installed, '--strip-components=1']);
  const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  // @types/node for the consumer's type check (some dependencies reach it already).
  for (const name of new Set([...(await hoistedClosure(Object.keys(manifest.dependencies))), '@types/node'])) {
    const link = join(project, 'node_modules', name);
    await mkdir(dirname(link), { recursive: true });
    await symlink(join(ROOT, 'node_modules', name), link, 'dir');
  }
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'loom-consumer', private: true, type: 'module' }));
  const examples = await readmeExamples();
  for (const [i, code] of examples.entries()) await writeFile(join(project, `readme-example-${i + 1}.ts`), code);
  const tsconfig = { ...CONSUMER_TSCONFIG, files: [...CONSUMER_TSCONFIG.files, ...examples.map((_, i) => `readme-example-${i + 1}.ts`)] };
  await writeFile(join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
  await writeFile(join(project, 'consumer.ts'), CONSUMER_TS);
  await writeFile(join(project, 'internal.ts'), INTERNAL_TS);
  await writeFile(join(project, 'jobs.mjs'), JOBS_MJS);
}, 120_000);

/** The README's Library API section's TypeScript examples: type-checked with the consumer, so they stay true. */
async function readmeExamples(): Promise<string[]> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const section = /\n## Library API\n([\s\S]*?)\n## /.exec(readme)?.[1];
  if (section === undefined) throw new Error('README.md has no "## Library API" section');
  const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  expect(blocks.length).toBeGreaterThanOrEqual(5);
  return blocks;
}

/** Where Node finds `name` from the package at `dir`: its node_modules, then each parent's, up to this repository's root. */
function lookUp(dir: string, name: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    const candidate = join(d, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (d === ROOT || dirname(d) === d) return undefined;
  }
}

/** The top-level packages of this repository's node_modules that `names` reach through dependencies and optionalDependencies. */
async function hoistedClosure(names: string[]): Promise<string[]> {
  const topLevel = new Set<string>();
  const visited = new Set<string>();
  const visit = async (dir: string, deps: string[]): Promise<void> => {
    for (const name of deps) {
      const found = lookUp(dir, name);
      if (!found || visited.has(found)) continue;
      visited.add(found);
      if (found === join(ROOT, 'node_modules', name)) topLevel.add(name);
      const pkg = JSON.parse(await readFile(join(found, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
      await visit(found, [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})]);
    }
  };
  await visit(ROOT, names);
  return [...topLevel].sort();
}

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('npm pack round trip', () => {
  it('builds before packing (npm pack runs prepare and prepack): the protocol types, then the compiled code', async () => {
    const { scripts } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string | undefined> };
    const build = [scripts.prepare, scripts.prepack].find((s) => s?.includes('tsc -p tsconfig.build.json'));
    expect(build).toMatch(/generate-protocol-types\.mjs && tsc -p tsconfig\.build\.json/);
  });

  it('packs the built library, its .d.ts, proto, conf, bin and README, and no tests or sources', () => {
    for (const f of [
      'package.json',
      'README.md',
      'bin/loom.js',
      'conf/loom.yaml',
      'proto/cluster/taskexecutor.proto',
      'dist/client/index.js',
      'dist/client/index.d.ts',
      'dist/client/program/program-api.d.ts',
      'dist/client/hadoop/yarn/index.d.ts',
      'dist/client/hadoop/hdfs/index.d.ts',
      'dist/minicluster/index.d.ts',
      'dist/appmaster/main.js',
      // One bundled file per entry point (scripts/bundle-entry-points.mjs), which bin/loom.js and the containers start.
      'dist/bundle/cli/loom.js',
      'dist/bundle/appmaster/main.js',
      'dist/bundle/taskexecutor/main.js',
    ])
      expect(packedFiles).toContain(f);
    const unwanted = packedFiles.filter(
      (f) => /^(test|dist\/test|dist\/bench|bench|examples|docker-hadoop|scripts)\//.test(f) || /(?<!\.d)\.ts$|\.map$/.test(f),
    );
    expect(unwanted).toEqual([]);
  });

  it('type-checks a consumer and the README examples against the installed .d.ts through the package exports, and hides the internals', async () => {
    // tsc prints its findings on stdout and exits 2; none is expected.
    const result = await run(process.execPath, [TSC, '-p', project], { cwd: project }).catch((err: unknown) => err as { stdout: string });
    expect(result.stdout).toBe('');
    expect(existsSync(join(project, 'consumer.js'))).toBe(true);
  }, 120_000);

  it('runs a job and a program on a mini cluster started from loom/minicluster, through the programmatic client: session, per-job and application mode', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, LOOM_CACHE_DIR: join(work, 'cache') };
    delete env.LOOM_CONF_DIR;
    delete env.HADOOP_CONF_DIR;
    const { stdout } = await run(process.execPath, ['consumer.js'], { cwd: project, env, timeout: 170_000 }).catch((err: unknown) => {
      const { message, stdout: out, stderr } = err as { message: string; stdout: string; stderr: string };
      throw new Error(`the consumer failed: ${message}\n${out}\n${stderr}`);
    });
    const out = JSON.parse(stdout) as ConsumerOutput;
    expect(out.job).toEqual({
      values: [10, 20, 30],
      attempts: [1, 1, 1],
      parallelism: [3, 3, 3],
      jobName: 'squares',
      jobIdIsTheHandles: true,
    });
    expect(out.program).toEqual({ mode: 'session', detached: false, values: [7, 14], jobName: 'from main' });
    expect(out.failed).toMatch(/^JobFailedError: .*on purpose/);
    expect(out.jobsListed).toBe(3);
    expect(out.yarnState).toBe('RUNNING');
    expect(out.hdfs).toEqual({ home: expect.stringMatching(/^\/user\//) as string, missingIsFileNotFound: true });
    expect(out.stopped).toBe('SUCCEEDED');
    expect(out.internalImport).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
    expect(out.perJob).toEqual({ values: [5, 10], ended: 'SUCCEEDED', applicationId: true });
    expect(out.application).toEqual({
      result: { mode: 'application', detached: false, values: [3, 6], jobName: 'from main' },
      ended: 'SUCCEEDED',
      logged: true,
    });
  }, 180_000);
});

interface ConsumerOutput {
  job: unknown;
  program: unknown;
  failed: string;
  jobsListed: number;
  yarnState: string;
  hdfs: unknown;
  stopped: string;
  perJob: unknown;
  application: unknown;
  internalImport: string;
}

const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2023'],
    types: ['node'],
    strict: true,
    skipLibCheck: false,
    outDir: '.',
  },
  files: ['consumer.ts', 'internal.ts'],
};

/** Only what a package user can reach: a deep import into dist/ is not part of the exports. */
const INTERNAL_TS = `
// @ts-expect-error Loom's internals are not exported
import type { DeployContext } from 'loom/dist/client/deploy/submit/deploy-context.js';
export type Internal = DeployContext;
`;

/** Task functions and a program, as a bundle author writes them (plain JS: a bundle is shipped as is). */
const JOBS_MJS = `
export function square(task) {
  return { value: task.args[0] * (task.index + 1), attempt: task.attempt, parallelism: task.parallelism, jobId: task.jobId, jobName: task.jobName };
}
export function fail() {
  throw new Error('on purpose');
}
export default async function main(ctx) {
  const handle = await ctx.submit({ exportName: 'square', parallelism: 2, args: [Number(ctx.args[0])], name: 'from main' });
  ctx.log('submitted ' + handle.id);
  const results = await handle.result();
  return { mode: ctx.mode, detached: ctx.detached, values: results.map((r) => r.value), jobName: results[0].jobName };
}
`;

/** The user's program: every entry point, used as its README section shows. */
const CONSUMER_TS = `
import { userInfo } from 'node:os';
import {
  JobFailedError,
  LoomClient,
  type JobSummary,
  type LoomApplication,
  type LoomJob,
  type LoomPerJob,
  type LoomSession,
  type ProgramOutputLine,
} from 'loom';
import type { JobHandle, JobRequest, ProgramContext, ProgramMain, Task } from 'loom/program';
import { Configuration, YarnClient, type ApplicationReport } from 'loom/yarn';
import { FileNotFoundError, webHdfsClientFromConf } from 'loom/hdfs';
import { startMiniCluster } from 'loom/minicluster';

// The program API, checked by the compiler only.
export const main: ProgramMain = async (ctx: ProgramContext) => {
  const request: JobRequest = { exportName: 'square', parallelism: 2, args: [ctx.args[0]], name: 'typed' };
  const handle: JobHandle = await ctx.submit(request);
  ctx.log(\`\${ctx.mode} \${ctx.detached} \${handle.id} \${handle.applicationId}\`);
  await ctx.hdfs.mkdirs('/tmp/typed');
  return ctx.run(request);
};
export function square(task: Task): number {
  return Number(task.args[0]) * task.index + task.attempt + task.parallelism + task.jobId.length + task.jobName.length;
}

const here = import.meta.dirname;
const user = userInfo().username;
const cluster = await startMiniCluster({ nodes: 2, heartbeatMs: 50, rmConfig: { minimumAllocationMb: 128 }, hdfsLatency: 'none' });
let client: LoomClient | undefined;
let session: LoomSession | undefined;
// A test that gives up on this process (SIGTERM) still gets the cluster's containers stopped.
process.once('SIGTERM', () => void cluster.stop().finally(() => process.exit(143)));
try {
  const env = { ...process.env, HADOOP_CONF_DIR: cluster.confDir, HADOOP_USER_NAME: user };
  client = LoomClient.create({
    env,
    cwd: here,
    properties: {
      'loom.node.path': process.execPath,
      'jobmanager.memory.process.size': '512m',
      'taskmanager.memory.process.size': '512m',
      'taskmanager.numberOfTaskSlots': '2',
      'yarn.properties-file.location': here,
    },
    log: (line) => process.stderr.write(line + '\\n'),
  });
  session = await client.deploySession();

  const job: LoomJob = await session.submitJob({ bundle: 'jobs.mjs', exportName: 'square', parallelism: 3, args: [10], name: 'squares' });
  const results = (await job.result()) as { value: number; attempt: number; parallelism: number; jobId: string; jobName: string }[];
  const program = await session.runProgram('jobs.mjs', { args: ['7'] });
  const failing = await session.submitJob({ bundle: 'jobs.mjs', exportName: 'fail', parallelism: 1 });
  const failed = await failing.result().then(
    () => 'no error',
    (err: unknown) => (err instanceof JobFailedError ? \`JobFailedError: \${err.message}\` : String(err)),
  );
  const jobs: JobSummary[] = await session.listJobs();

  const conf = Configuration.load({ env });
  const yarn = YarnClient.createFromConf(conf, { user, env });
  const report: ApplicationReport = await yarn.getApplicationReport(session.applicationId);
  await yarn.close();
  const fs = webHdfsClientFromConf(conf, { user, env });
  const home = await fs.getHomeDirectory();
  const missingIsFileNotFound = await fs.getFileStatus('/no/such/file').then(() => false, (err: unknown) => err instanceof FileNotFoundError);
  fs.close();

  const stopped = await session.stop();
  session = undefined;

  // Per-job mode: a cluster for the one job, ended with it.
  const perJob: LoomPerJob = await client.runPerJob({ bundle: 'jobs.mjs', exportName: 'square', parallelism: 2, args: [5] });
  const perJobValues = ((await perJob.result()) as { value: number }[]).map((r) => r.value);
  const perJobEnd = await perJob.waitForEnd();
  // Application mode: main() in the AM, its lines and result followed.
  const lines: ProgramOutputLine[] = [];
  const application: LoomApplication = await client.deployApplication('jobs.mjs', {
    args: ['3'],
    attached: true,
    onOutput: (l) => lines.push(l),
  });
  const applicationResult = await application.result();
  const applicationEnd = await application.waitForEnd();
  const internalImport = await import('loom/dist/client/index.js' as string).then(() => 'imported', (err: { code?: string }) => err.code);
  console.log(JSON.stringify({
    job: {
      values: results.map((r) => r.value),
      attempts: results.map((r) => r.attempt),
      parallelism: results.map((r) => r.parallelism),
      jobName: results[0].jobName,
      jobIdIsTheHandles: results.every((r) => r.jobId === job.id),
    },
    program,
    failed,
    jobsListed: jobs.length,
    yarnState: report.state,
    hdfs: { home, missingIsFileNotFound },
    stopped: stopped.finalStatus,
    perJob: { values: perJobValues, ended: perJobEnd.finalStatus, applicationId: perJob.applicationId !== report.applicationId },
    application: {
      result: applicationResult,
      ended: applicationEnd.finalStatus,
      logged: lines.some((l) => l.stream === 'log' && l.text.startsWith('submitted ')),
    },
    internalImport,
  }));
} finally {
  if (session) await session.kill().catch(() => undefined);
  await client?.close();
  await cluster.stop();
}
`;
