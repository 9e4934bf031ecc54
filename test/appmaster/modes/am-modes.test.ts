// The AM's mode runners without YARN: what per-job and application mode read from the container,
// what they run once the AM serves, and how they end the application. Application mode runs the
// compiled program worker (dist/), as the AM does.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoomConfig } from '../../../client/conf/loom-config.js';
import { AmEnvNames } from '../../../client/contracts/am-env.js';
import { encodeApplicationProgram, type PerJobDescription } from '../../../client/contracts/program-contract.js';
import type { JobSpec, JobStatus } from '../../../appmaster/cluster-api.js';
import { applicationJobId } from '../../../appmaster/jobs/job-ids.js';
import { prepareApplicationMode } from '../../../appmaster/modes/application-mode.js';
import type { ModeHost } from '../../../appmaster/modes/mode-runner.js';
import { preparePerJobMode } from '../../../appmaster/modes/per-job-mode.js';
import { ROOT } from '../../e2e/session-kit.js';

const WORKER = new URL(`file://${join(ROOT, 'dist', 'appmaster', 'modes', 'program-worker.js')}`);
const JOB_ID = 'a'.repeat(32);
const BUNDLE = { url: 'hdfs://nn:8020/user/u/.loom/app/prog-0123456789ab.js', kind: 'file' as const, size: 10, modificationTime: 5 };

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A host whose jobs end as `end` says, recording what the mode did. */
function fakeHost(end: (spec: JobSpec, id: string) => Partial<JobStatus>) {
  const submitted: { spec: JobSpec; id: string }[] = [];
  const logs: string[] = [];
  let finished: (v: { status: string; diagnostics: string }) => void = () => {};
  const finishedOnce = new Promise<{ status: string; diagnostics: string }>((r) => (finished = r));
  const statuses = new Map<string, JobStatus>();
  const host: ModeHost = {
    async submitJob(spec, opts) {
      const id = opts?.id ?? String(submitted.length + 1).padStart(32, '0');
      submitted.push({ spec, id });
      statuses.set(id, {
        id,
        name: spec.name ?? '',
        state: 'RUNNING',
        parallelism: spec.parallelism,
        exportName: spec.exportName,
        submittedAt: 0,
        tasks: [],
        ...end(spec, id),
      });
      return statuses.get(id)!;
    },
    waitForJob: async (id) => statuses.get(id)!,
    finish: (status, diagnostics) => finished({ status, diagnostics }),
    log: (line) => logs.push(line),
  };
  return { host, submitted, logs, finishedOnce };
}

async function perJobDir(description: PerJobDescription): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), 'loom-modes-'));
  await writeFile(join(dir, 'loom-job.json'), JSON.stringify(description));
  return dir;
}

const config = (yaml = '') => LoomConfig.fromYaml(yaml, 'test');

describe('per-job mode', () => {
  const job = { name: 'wc', bundle: BUNDLE, exportName: 'countWords', parallelism: 2, args: ['/in'] };

  it("runs the shipped job under the client's id and ends the application with its outcome at once when detached", async () => {
    const workDir = await perJobDir({ jobId: JOB_ID, job, attached: false });
    const runner = preparePerJobMode({ workDir }, config());
    const { host, submitted, finishedOnce } = fakeHost(() => ({ state: 'FAILED', error: 'task 1: boom' }));
    runner.start(host);
    expect(await finishedOnce).toEqual({ status: 'FAILED', diagnostics: `job ${JOB_ID} FAILED: task 1: boom` });
    expect(submitted).toEqual([{ spec: job, id: JOB_ID }]);
  });

  it('attached: leaves the attached client loom.client.heartbeat-timeout to stop the cluster, then ends by itself', async () => {
    const workDir = await perJobDir({ jobId: JOB_ID, job, attached: true });
    const runner = preparePerJobMode({ workDir }, config('loom.client.heartbeat-timeout: 300ms\n'));
    const { host, logs, finishedOnce } = fakeHost(() => ({ state: 'CANCELED' }));
    runner.start(host);
    expect(await finishedOnce).toEqual({
      status: 'KILLED',
      diagnostics: `job ${JOB_ID} was cancelled (the attached client did not stop the cluster)`,
    });
    expect(logs.join('\n')).toContain('waiting up to 300 ms for the attached client');
  });

  it('attached, its client gone: a job that FINISHED ends the cluster SUCCEEDED (never KILLED), one that still ran KILLED; the mode no longer ends it by itself', async () => {
    const workDir = await perJobDir({ jobId: JOB_ID, job, attached: true });
    const runner = preparePerJobMode({ workDir }, config('loom.client.heartbeat-timeout: 50ms\n'));
    const { host, finishedOnce } = fakeHost(() => ({ state: 'FINISHED' }));
    const ended: string[] = [];
    void finishedOnce.then((e) => ended.push(e.status));
    runner.start(host);
    // The job ended; the client lease lapses before the client stopped the cluster.
    await new Promise((r) => setTimeout(r, 10));
    runner.clientLost!();
    const status = (state: JobStatus['state']) => [{ id: JOB_ID, state } as JobStatus];
    expect(runner.endWithoutClient!(status('FINISHED'), 'Loom client lease expired: x')).toEqual({
      finalStatus: 'SUCCEEDED',
      diagnostics: `job ${JOB_ID} FINISHED; the attached client went away before it stopped the cluster: Loom client lease expired: x`,
    });
    expect(runner.endWithoutClient!(status('CANCELED'), 'lost').finalStatus).toBe('KILLED');
    expect(runner.endWithoutClient!(status('FAILED'), 'lost').finalStatus).toBe('FAILED');
    expect(runner.endWithoutClient!(status('RUNNING'), 'lost')).toEqual({
      finalStatus: 'KILLED',
      diagnostics: `job ${JOB_ID} RUNNING when its client went away: lost`,
    });
    // Its own wait for the client (50 ms) no longer ends the application.
    await new Promise((r) => setTimeout(r, 150));
    expect(ended).toEqual([]);
    await runner.stop('done');
  });

  it('refuses a missing or broken job description before the AM serves', async () => {
    dir = await mkdtemp(join(tmpdir(), 'loom-modes-'));
    expect(() => preparePerJobMode({ workDir: dir! }, config())).toThrow(/per-job mode needs the job description loom-job\.json \(ENOENT/);
    await writeFile(join(dir, 'loom-job.json'), JSON.stringify({ jobId: 'x', attached: 'yes', job: { ...job, parallelism: 0 } }));
    expect(() => preparePerJobMode({ workDir: dir! }, config())).toThrow(
      /does not describe a per-job job: jobId must be 32 lower-case hex digits; attached must be true or false/,
    );
    await writeFile(join(dir, 'loom-job.json'), JSON.stringify({ jobId: JOB_ID, attached: true, job: { ...job, parallelism: 0 } }));
    expect(() => preparePerJobMode({ workDir: dir! }, config())).toThrow(/parallelism must be a whole number from 1/);
  });
});

describe('application mode', () => {
  /** A work dir where the program is linked as the NodeManager links it: loom-program.mjs -> the localized .js file. */
  async function applicationDir(source: string): Promise<string> {
    dir = await mkdtemp(join(tmpdir(), 'loom-modes-'));
    await mkdir(join(dir, 'filecache'));
    await writeFile(join(dir, 'filecache', 'prog-0123456789ab.js'), source);
    await symlink(join(dir, 'filecache', 'prog-0123456789ab.js'), join(dir, 'loom-program.mjs'));
    return dir;
  }
  const env = (args: string[]) => ({ [AmEnvNames.program]: encodeApplicationProgram({ bundle: BUNDLE, entryExport: 'default', args }) });
  const am = (workDir: string) => ({ workDir, applicationIdText: 'application_1_0001', user: 'u' });

  it("runs main() of a .js bundle as an ES module in a worker; its jobs go to the AM's job master with the bundle; SUCCEEDED when main() returned", async () => {
    const workDir = await applicationDir(
      'export default async function main(ctx) {\n' +
        '  ctx.log(`mode ${ctx.mode} args ${ctx.args.join(" ")}`);\n' +
        '  const r = await ctx.run({ exportName: "square", args: [ctx.args[0]] });\n' +
        '  if (r.join() !== "0,1,4") throw new Error(`unexpected results ${r}`);\n' +
        '}\n' +
        // ctx.submit() looks the job's export up in the bundle before it submits the job.
        'export function square(task) { return task.index ** 2; }\n',
    );
    const runner = prepareApplicationMode(am(workDir), config('parallelism.default: 3\n'), env(['7']), { workerUrl: WORKER });
    const { host, submitted, logs, finishedOnce } = fakeHost(() => ({ state: 'FINISHED', results: [0, 1, 4] }));
    runner.start(host);
    expect(await finishedOnce).toEqual({ status: 'SUCCEEDED', diagnostics: 'main() returned; its 1 job(s) ended' });
    expect(submitted.map((s) => s.spec)).toEqual([
      { name: 'square (prog-0123456789ab.js)', bundle: BUNDLE, exportName: 'square', parallelism: 3, args: ['7'] },
    ]);
    expect(submitted.map((s) => s.id)).toEqual([applicationJobId('application_1_0001', 1)]);
    expect(logs).toContain('[main] mode application args 7');
    await runner.stop('test over');
  });

  it("keeps main()'s ctx.log and console lines (also a last one without a newline) and its value; attached, the end waits until the client read it", async () => {
    const workDir = await applicationDir(
      'export default async function main(ctx) {\n' +
        '  ctx.log("first log");\n' +
        '  console.log("out 1");\n' +
        '  console.error("err 1");\n' +
        '  ctx.log("second log");\n' +
        '  console.log("out 2");\n' +
        '  process.stderr.write("no newline");\n' +
        '  return { words: 3, top: ["a"] };\n' +
        '}\n',
    );
    const runner = prepareApplicationMode(am(workDir), config('loom.client.attached: true\n'), env([]), { workerUrl: WORKER });
    const output = runner.programOutput!;
    const { host, logs, finishedOnce } = fakeHost(() => ({}));
    let finished = false;
    void finishedOnce.then(() => (finished = true));
    runner.start(host);
    let read = output.read(-1);
    for (let i = 0; i < 200 && !read.ended; i++) {
      await new Promise((r) => setTimeout(r, 25));
      read = output.read(-1);
    }
    expect(read.ended).toBe(true);
    // Each stream keeps its order (ctx.log and console reach the AM by different channels).
    const texts = (stream: string) => read.lines.filter((l) => l.stream === stream).map((l) => l.text);
    expect(texts('log')).toEqual(['first log', 'second log']);
    expect(texts('stdout')).toEqual(['out 1', 'out 2']);
    expect(texts('stderr')).toEqual(['err 1', 'no newline']);
    expect(read.lines.map((l) => l.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(read.next).toBe(5);
    expect(output.read(5)).toMatchObject({ lines: [], next: 5, ended: true, dropped: 0 });
    expect(logs).toContain('[main stdout] out 1');
    // Attached: main() ended, but the application does not until the client has read the end.
    await new Promise((r) => setTimeout(r, 100));
    expect(finished).toBe(false);
    expect(output.program()).toEqual({ state: 'RETURNED', result: { words: 3, top: ['a'] } });
    expect(await finishedOnce).toEqual({ status: 'SUCCEEDED', diagnostics: 'main() returned; its 0 job(s) ended' });
    await runner.stop('test over');
  });

  it("main()'s error, and a job's failure it awaited, end the application FAILED with the message and the stack head", async () => {
    const workDir = await applicationDir(
      'export default async function main(ctx) {\n  await ctx.run({ exportName: "square" });\n}\nexport function square() {}\n',
    );
    const runner = prepareApplicationMode(am(workDir), config(), env([]), { workerUrl: WORKER });
    const { host, finishedOnce } = fakeHost(() => ({ state: 'FAILED', error: 'task 0: no such file' }));
    runner.start(host);
    const { status, diagnostics } = await finishedOnce;
    expect(status).toBe('FAILED');
    // Application mode names main()'s jobs by their order, the same in every AM attempt.
    expect(diagnostics).toMatch(
      new RegExp(
        `^main\\(\\) failed: JobFailedError: job ${applicationJobId('application_1_0001', 1)} FAILED: task 0: no such file\\n\\s+at `,
      ),
    );
    await runner.stop('test over');
  });

  it('a job whose export the bundle lacks is refused by ctx.submit() in main(), before it reaches the job master', async () => {
    const workDir = await applicationDir(
      'export default async function main(ctx) {\n  await ctx.run({ exportName: "sqaure" });\n}\nexport function square() {}\n',
    );
    const runner = prepareApplicationMode(am(workDir), config(), env([]), { workerUrl: WORKER });
    const { host, submitted, finishedOnce } = fakeHost(() => ({ state: 'FINISHED', results: [] }));
    runner.start(host);
    const { status, diagnostics } = await finishedOnce;
    expect(status).toBe('FAILED');
    expect(diagnostics).toMatch(
      /^main\(\) failed: ProgramError: ctx\.submit\(\{ exportName: "sqaure" \}\): prog-0123456789ab\.js exports no function named "sqaure" \(its exported functions: default, square\)/,
    );
    expect(submitted).toEqual([]);
    await runner.stop('test over');
  });

  it('refuses a missing program or archive entry before the AM serves', async () => {
    dir = await mkdtemp(join(tmpdir(), 'loom-modes-'));
    expect(() => prepareApplicationMode(am(dir!), config(), {})).toThrow(`application mode needs ${AmEnvNames.program}`);
    const archive = { ...BUNDLE, url: 'hdfs://nn:8020/b/wc.tar.gz', kind: 'archive' as const, entry: 'lib/main.mjs' };
    const archiveEnv = { [AmEnvNames.program]: encodeApplicationProgram({ bundle: archive, entryExport: 'default', args: [] }) };
    expect(() => prepareApplicationMode(am(dir!), config(), archiveEnv)).toThrow(
      /the program is not in the container: .*loom-program\/lib\/main\.mjs is missing \(the entry module lib\/main\.mjs in the archive hdfs:\/\/nn:8020\/b\/wc\.tar\.gz\); give the module inside the archive with --entry/,
    );
    expect(() => prepareApplicationMode(am(dir!), config(), { [AmEnvNames.program]: 'bm90IGpzb24=' })).toThrow(
      /LOOM_PROGRAM is not base64-encoded JSON/,
    );
  });
});
