import { afterEach, describe, expect, it } from 'vitest';
import { readdir } from 'node:fs/promises';
import { APP_USER, TaskExecutorTestKit, waitFor } from './taskexecutor-test-kit.js';

let kit: TaskExecutorTestKit | undefined;
afterEach(async () => {
  await kit?.stop();
  kit = undefined;
});

const SQUARES = `
export async function square(task) {
  // Through the task's own WebHDFS client, as the application's user.
  await task.hdfs.create('/user/${APP_USER}/out/part-' + task.index, Buffer.from(String(task.index * task.index)));
  return { index: task.index, square: task.index * task.index, parallelism: task.parallelism, args: task.args, attempt: task.attempt, pid: process.pid };
}
export function greet(task) {
  return task.args[0] + ' from ' + task.index + '@' + process.pid;
}
`;

describe('TaskExecutor processes run jobs from bundles on WebHDFS', () => {
  it('runs a job of parallelism 4 on 2 TaskExecutors with 2 slots each, results in order; a second job reuses them', async () => {
    kit = await TaskExecutorTestKit.start();
    const tes = await kit.startTaskExecutors(['container_1_0001_01_000002', 'container_1_0001_01_000003']);
    const pids = new Set(tes.map((t) => t.process.pid));
    expect(
      kit.registry
        .list()
        .map((t) => [t.id, t.slots, t.freeSlots, t.host])
        .sort(),
    ).toEqual([
      ['container_1_0001_01_000002', 2, 2, '127.0.0.1'],
      ['container_1_0001_01_000003', 2, 2, '127.0.0.1'],
    ]);

    const bundle = await kit.bundle({ 'squares.mjs': SQUARES });
    const submitted = await kit.jobMaster.submitJob({ name: 'squares', bundle, exportName: 'square', parallelism: 4, args: ['x', 7] });
    // All four fit in the free slots at once: nothing more is wanted.
    expect(kit.jobMaster.wantedTaskExecutors()).toBe(2);
    const done = await kit.jobMaster.waitForJob(submitted.id);
    expect(done.state, done.error ?? kit.stderrOf()).toBe('FINISHED');
    const results = done.results as { index: number; square: number; parallelism: number; args: unknown[]; attempt: number; pid: number }[];
    expect(results.map((r) => [r.index, r.square, r.parallelism, r.attempt])).toEqual([
      [0, 0, 4, 1],
      [1, 1, 4, 1],
      [2, 4, 4, 1],
      [3, 9, 4, 1],
    ]);
    expect(results.every((r) => JSON.stringify(r.args) === '["x",7]')).toBe(true);
    // Spread over both processes, two tasks each.
    expect(new Set(results.map((r) => r.pid))).toEqual(pids);
    expect(new Set(done.tasks.map((t) => t.taskExecutorId)).size).toBe(2);
    const parts = await kit.hdfs.listStatus(`/user/${APP_USER}/out`);
    expect(parts.map((p) => [p.pathSuffix, p.owner, p.length])).toEqual([
      ['part-0', APP_USER, 1],
      ['part-1', APP_USER, 1],
      ['part-2', APP_USER, 1],
      ['part-3', APP_USER, 1],
    ]);
    await waitFor(() => kit!.registry.list().every((t) => t.freeSlots === 2), 'slots to be free again');

    const second = await kit.jobMaster.submitJob({ bundle, exportName: 'greet', parallelism: 3, args: ['hello'] });
    const done2 = await kit.jobMaster.waitForJob(second.id);
    expect(done2.state, done2.error).toBe('FINISHED');
    expect((done2.results as string[]).map((r) => r.split('@')[0])).toEqual(['hello from 0', 'hello from 1', 'hello from 2']);
    expect((done2.results as string[]).every((r) => pids.has(Number(r.split('@')[1])))).toBe(true);
    // Same TaskExecutors (no new registration), and each fetched the bundle once.
    expect(
      kit.registry
        .list()
        .map((t) => t.id)
        .sort(),
    ).toEqual(tes.map((t) => t.id).sort());
    for (const te of tes) expect(await readdir(te.cacheDir)).toHaveLength(1);
    expect(tes.every((t) => t.process.exitCode === null)).toBe(true);
  });

  it('runs a directory bundle whose module imports a dependency from its node_modules', async () => {
    kit = await TaskExecutorTestKit.start();
    await kit.startTaskExecutors(['container_1_0001_01_000002'], 2);
    const bundle = await kit.bundle({
      'package.json': JSON.stringify({ name: 'shout-job', type: 'module', main: 'lib/job.mjs' }),
      'lib/job.mjs': "import { shout } from 'shouty';\nexport const run = (task) => shout(task.args[0] + task.index);\n",
      'node_modules/shouty/package.json': JSON.stringify({ name: 'shouty', type: 'module', exports: './index.js' }),
      'node_modules/shouty/index.js': "export function shout(s) { return s.toUpperCase() + '!'; }\n",
    });
    expect(bundle).toMatchObject({ kind: 'archive', entry: 'lib/job.mjs' });
    const job = await kit.jobMaster.submitJob({ bundle, exportName: 'run', parallelism: 2, args: ['abc'] });
    const done = await kit.jobMaster.waitForJob(job.id);
    expect(done.state, done.error ?? kit.stderrOf()).toBe('FINISHED');
    expect(done.results).toEqual(['ABC0!', 'ABC1!']);
  });

  it('fails a job at once on user errors, without retrying: a throw (message and stack, its frames relative to the bundle), a non-JSON result, a missing export', async () => {
    kit = await TaskExecutorTestKit.start();
    await kit.startTaskExecutors(['container_1_0001_01_000002', 'container_1_0001_01_000003']);
    const bundle = await kit.bundle({
      'faulty.mjs': `
export async function explode(task) {
  if (task.index === 2) throw new Error('bad input at index ' + task.index);
  await new Promise((r) => setTimeout(r, task.index === 0 ? 60000 : 0));
  return task.index;
}
export function bigint() { return 10n; }
`,
    });
    const thrown = await kit.jobMaster.waitForJob(
      (await kit.jobMaster.submitJob({ bundle, exportName: 'explode', parallelism: 4, args: [] })).id,
    );
    expect(thrown.state).toBe('FAILED');
    // The bundle's frames name its file as uploaded, not the TaskExecutor's cache path (the client maps it to the user's name).
    expect(thrown.error).toMatch(
      /^task 2 \(attempt 1\) failed on TaskExecutor container_1_0001_01_00000[23]: Error: bad input at index 2\n\s+at explode \(faulty-[0-9a-f]{12}\.mjs:3:\d+\)\n/,
    );
    expect(thrown.error).not.toContain('loom-bundles');
    expect(thrown.tasks[2]).toMatchObject({ state: 'FAILED', attempt: 1 });
    // The task still sleeping is stopped on its TaskExecutor: every slot comes back.
    await waitFor(
      () => kit!.registry.list().every((t) => t.freeSlots === 2),
      'the other tasks to be cancelled',
      () => JSON.stringify(kit!.jobMaster.job(thrown.id)),
    );
    expect(kit.jobMaster.job(thrown.id)!.tasks[0]).toMatchObject({ state: 'CANCELED', attempt: 1 });

    const notJson = await kit.jobMaster.waitForJob(
      (await kit.jobMaster.submitJob({ bundle, exportName: 'bigint', parallelism: 1, args: [] })).id,
    );
    expect(notJson.state).toBe('FAILED');
    expect(notJson.error).toMatch(/task 0 returned a value that is not JSON-serialisable \(.*BigInt.*\); return plain data/);

    const missing = await kit.jobMaster.waitForJob(
      (await kit.jobMaster.submitJob({ bundle, exportName: 'nope', parallelism: 1, args: [] })).id,
    );
    expect(missing.state).toBe('FAILED');
    expect(missing.error).toMatch(/the bundle exports no function named "nope" \(its exported functions: bigint, explode\)/);
  });

  it('cancels a running job: its tasks stop, the slots come back, and the TaskExecutors take the next job', async () => {
    kit = await TaskExecutorTestKit.start();
    await kit.startTaskExecutors(['container_1_0001_01_000002']);
    const bundle = await kit.bundle({
      'slow.mjs':
        'export const sleep = () => new Promise((r) => setTimeout(() => r("woke"), 60000));\nexport const quick = (t) => t.index;\n',
    });
    const job = await kit.jobMaster.submitJob({ bundle, exportName: 'sleep', parallelism: 3, args: [] });
    await waitFor(
      () => kit!.jobMaster.job(job.id)!.tasks.filter((t) => t.state === 'RUNNING').length === 2,
      'two tasks running',
      () => kit!.stderrOf(),
    );
    expect(kit.jobMaster.job(job.id)!.tasks[2].state).toBe('SCHEDULED');
    const cancelled = await kit.jobMaster.cancelJob(job.id);
    expect(cancelled.state).toBe('CANCELED');
    expect(cancelled.tasks.map((t) => t.state)).toEqual(['CANCELED', 'CANCELED', 'CANCELED']);
    expect(kit.registry.list()[0].freeSlots).toBe(2);
    const next = await kit.jobMaster.waitForJob(
      (await kit.jobMaster.submitJob({ bundle, exportName: 'quick', parallelism: 2, args: [] })).id,
    );
    expect(next.results).toEqual([0, 1]);
  });
});
