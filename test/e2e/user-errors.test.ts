// Errors as a person meets them, with real processes on the mini cluster: a bundle that cannot
// run is refused on the client before anything is uploaded or submitted (a syntax error as
// file:line:column, a -c export it lacks, a package a single file does not carry); a task that
// throws is one line with the user's own file and line, once, without Loom's frames (the stack
// with --verbose); a cancelled attached job and an unknown job id are one line each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DispatcherClient } from '../../client/deploy/running/dispatcher-client.js';
import { readSessionProperties } from '../../client/deploy/submit/properties-file.js';
import { jobsDir } from '../../client/deploy/submit/staging-dir.js';
import { FileNotFoundError } from '../../client/hadoop/hdfs/webhdfs-errors.js';
import { applicationIdIn, startSessionKit, type CliResult, type SessionKit } from './session-kit.js';

const JOBS = join(import.meta.dirname, 'jobs', 'test-jobs.mjs');
/** Where test-jobs.mjs's broken() throws: `throw new Error(...)` on line 18, column 9. */
const BROKEN_AT = `${JOBS}:18:9`;

let kit: SessionKit;
let appId: string;
let rest: DispatcherClient;
let stagingDir: string;

beforeAll(async () => {
  kit = await startSessionKit({ loomConf: { 'loom.taskexecutor.idle-timeout': '30s' } });
  const started = await kit.loom(['yarn-session', '-d']);
  expect(started.code, started.stderr).toBe(0);
  appId = applicationIdIn(started.stdout);
  const report = await kit.report(appId);
  const { secret } = (await readSessionProperties(join(kit.dir, `.loom-session-${kit.user}`)))!;
  rest = new DispatcherClient({ baseUrl: `http://${report.host}:${report.rpcPort}`, secret });
  stagingDir = `/user/${kit.user}/.loom/${appId}`;
  await writeFile(join(kit.dir, 'syntax.mjs'), 'export function ok(task) {\n  return 1;\n}\nconst x = 1 2;\n');
  await mkdir(join(kit.dir, 'pkg', 'node_modules', 'leftpadx'), { recursive: true });
  await writeFile(
    join(kit.dir, 'pkg', 'node_modules', 'leftpadx', 'package.json'),
    '{"name":"leftpadx","type":"module","main":"index.js"}',
  );
  await writeFile(join(kit.dir, 'pkg', 'node_modules', 'leftpadx', 'index.js'), 'export default (s) => "  " + s;\n');
  await writeFile(
    join(kit.dir, 'pkg', 'job.mjs'),
    'import pad from "leftpadx";\nexport function padded(task) { return pad(String(task.index)); }\n',
  );
}, 90_000);

afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- undefined when beforeAll failed before assigning it
  await kit?.stop();
});

/** The bundles uploaded to the session so far. */
async function uploadedBundles(): Promise<string[]> {
  try {
    return (await kit.fs.listStatus(jobsDir(stagingDir))).map((s) => s.pathSuffix);
  } catch (err) {
    if (err instanceof FileNotFoundError) return [];
    throw err;
  }
}

/** stderr without the progress lines (`submitted job ...`, `job <id> RUNNING: ...`). */
function errorLines(r: CliResult): string[] {
  return r.stderr
    .trimEnd()
    .split('\n')
    .filter((l) => l !== '' && !/^submitted job |^job [0-9a-f]{32} [A-Z]+: \d/.test(l));
}

describe('errors on a Loom session, as the user reads them', () => {
  it('a bundle that does not parse, lacks the -c export, or imports a package it does not carry: one line each, nothing uploaded or submitted', async () => {
    const syntax = await kit.loom(['run', '-c', 'ok', '-p', '2', 'syntax.mjs']);
    expect(syntax.code).toBe(1);
    expect(syntax.stderr).toBe('loom run: bundle syntax.mjs does not load: syntax.mjs:4:13: SyntaxError: Unexpected number\n');

    const wrongExport = await kit.loom(['run', '-c', 'sqaure', '-p', '2', JOBS]);
    expect(wrongExport.code).toBe(1);
    expect(wrongExport.stderr).toBe(
      `loom run: ${JOBS} has no export named "sqaure" (-c sqaure): add \`export function sqaure(task) { ... }\`, or give -c an export it has\n`,
    );

    const singleFile = await kit.loom(['run', '-c', 'padded', '-p', '2', join('pkg', 'job.mjs')]);
    expect(singleFile.code).toBe(1);
    expect(singleFile.stderr).toBe(
      'loom run: pkg/job.mjs imports the package "leftpadx", which a single-file bundle does not carry: pass the directory pkg as the bundle instead, naming the module with --entry job.mjs\n',
    );

    expect(await rest.listJobs()).toEqual([]);
    expect(await uploadedBundles()).toEqual([]);

    // As the message says: the directory, with --entry.
    const fixed = await kit.loom(['run', '-c', 'padded', '-p', '2', '--entry', 'job.mjs', 'pkg']);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(JSON.parse(fixed.stdout)).toEqual(['  0', '  1']);
  }, 90_000);

  it("a task that throws: one line with the user's file and line, said once, no stack and no Loom frames; --verbose adds the stack", async () => {
    const failing = await kit.loom(['run', '-c', 'broken', '-p', '2', JOBS]);
    expect(failing.code).toBe(1);
    const lines = errorLines(failing);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^loom run: job [0-9a-f]{32} FAILED: task (\\d) \\(attempt 1\\) failed: Error: task \\1 is broken on purpose \\(${escape(BROKEN_AT)}\\)`,
      ),
    );
    expect(failing.stderr.match(/is broken on purpose/g)).toHaveLength(1);
    expect(failing.stderr).not.toMatch(/^\s+at /m);
    expect(failing.stderr).not.toMatch(/task-worker|loom-bundles|test-jobs-[0-9a-f]{12}\.mjs/);

    const verbose = await kit.loom(['--verbose', 'run', '-c', 'broken', '-p', '1', JOBS]);
    expect(verbose.code).toBe(1);
    expect(verbose.stderr).toMatch(
      new RegExp(
        `^loom run: job [0-9a-f]{32} FAILED: task 0 \\(attempt 1\\) failed: Error: task 0 is broken on purpose \\(${escape(BROKEN_AT)}\\)$`,
        'm',
      ),
    );
    expect(verbose.stderr).toContain(`at broken (${BROKEN_AT})`);
    expect(verbose.stderr).toMatch(/^\s+at .*task-worker\.js/m); // Loom's own frames, for whoever debugs Loom
  }, 90_000);

  it('a program whose task throws, or whose ctx.submit() names an export the bundle lacks: one line in its terms', async () => {
    const program = join(kit.dir, 'prog.mjs');
    await writeFile(
      program,
      'export default async function main(ctx) {\n  return ctx.run({ exportName: ctx.args[0], parallelism: 1 });\n}\nexport function boom(task) {\n  throw new RangeError(`no ${task.index}`);\n}\n',
    );
    const before = (await rest.listJobs()).length;
    const misspelt = await kit.loom(['run', 'prog.mjs', 'bomo']);
    expect(misspelt.code).toBe(1);
    expect(misspelt.stderr).toBe(
      'loom run: ctx.submit({ exportName: "bomo" }): prog.mjs exports no function named "bomo" (its exported functions: boom, default)\n',
    );
    expect(await rest.listJobs()).toHaveLength(before);

    const thrown = await kit.loom(['run', 'prog.mjs', 'boom']);
    expect(thrown.code).toBe(1);
    expect(errorLines(thrown)).toEqual([
      expect.stringMatching(/^loom run: job [0-9a-f]{32} FAILED: task 0 \(attempt 1\) failed: RangeError: no 0 \(prog\.mjs:5:9\)$/),
    ]);
  }, 90_000);

  it('a cancelled attached job ends its loom run with one line and exit 1; loom cancel of an unknown id names loom list', async () => {
    const attached = kit.spawnLoom(['run', '-c', 'slow', '-p', '2', JOBS, '30000']);
    const jobId = await kit.waitFor('the job to be submitted', () => /submitted job ([0-9a-f]{32})/.exec(attached.stderr())?.[1]);
    await kit.waitFor('its tasks to run', async () => (await rest.getJob(jobId)).tasks.every((t) => t.state === 'RUNNING'));
    const cancelled = await kit.loom(['cancel', jobId]);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    const ended = await attached.exited;
    expect(ended.code).toBe(1);
    expect(errorLines(ended)).toEqual([`loom run: job ${jobId} was cancelled`]);

    const malformed = await kit.loom(['cancel', 'deadbeef']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toBe('loom cancel: "deadbeef" is not a Loom job id: job ids are 32 hex digits, as loom list prints them\n');
    const unknownId = 'deadbeef'.repeat(4);
    const unknown = await kit.loom(['cancel', unknownId]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(
      `loom cancel: ${appId} has no job ${unknownId}: loom list -yid ${appId} shows its jobs, loom list-clusters the other clusters\n`,
    );
  }, 90_000);
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
