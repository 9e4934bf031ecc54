import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskProgressMessage, TaskRef, TaskUpdateMessage } from '../../client/contracts/taskexecutor-protocol.js';
import { TaskRunner } from '../../taskexecutor/task-runner.js';

const WORKER = resolve('dist/taskexecutor/task-worker.js');
const JOB = 'b'.repeat(32);

/** Runs one task module in a real worker thread; records progress and updates in the order they leave the runner. */
async function runTask(dir: string, source: string) {
  const modulePath = join(dir, 'task.mjs');
  await writeFile(modulePath, source);
  const events: string[] = [];
  const progress: TaskProgressMessage[] = [];
  const task: TaskRef = { jobId: JOB, taskIndex: 0, attempt: 1 };
  const update = await new Promise<TaskUpdateMessage>((done) => {
    const runner = new TaskRunner({
      slots: 1,
      bundles: { modulePath: () => Promise.resolve(modulePath) },
      workerScript: WORKER,
      hdfs: { user: 'alice' },
      log: () => undefined,
      // Longer than the task runs: everything after the first report waits for the attempt's end.
      progressIntervalMs: 60_000,
      onProgress: (p) => {
        progress.push(p);
        events.push(`progress ${p.fraction}`);
      },
      onUpdate: (u) => {
        events.push(`update ${u.state}`);
        if (u.state !== 'RUNNING') done(u);
      },
    });
    runner.deploy({
      task,
      parallelism: 1,
      bundle: { url: 'hdfs:///b.mjs', kind: 'file', size: 1, modificationTime: 1 },
      exportName: 'default',
      argsJson: '[]',
      jobName: 'progress',
    });
  });
  return { update, events, progress };
}

describe('task.progress() in a TaskExecutor', () => {
  let dir = '';
  beforeEach(async () => {
    if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: build first (npx tsc -p tsconfig.build.json)`);
    dir = await mkdtemp(join(tmpdir(), 'loom-runner-progress-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reaches the runner coalesced: the first report, then the latest one before the final update', async () => {
    const { update, events, progress } = await runTask(
      dir,
      `export default async function (task) {
        for (let i = 1; i <= 50; i++) task.progress(i / 50, 'item ' + i);
        await new Promise((r) => setTimeout(r, 20));
        return 'done';
      }`,
    );
    expect(update).toMatchObject({ state: 'FINISHED', resultJson: '"done"' });
    expect(events).toEqual(['update RUNNING', 'progress 0.02', 'progress 1', 'update FINISHED']);
    expect(progress.at(-1)).toEqual({ task: { jobId: JOB, taskIndex: 0, attempt: 1 }, fraction: 1, message: 'item 50' });
  });

  it('a bad fraction throws in the task, naming the value and the range', async () => {
    const { update, progress } = await runTask(
      dir,
      `export default async function (task) {
        task.progress(47, 'percent by mistake');
      }`,
    );
    expect(update.state).toBe('FAILED');
    expect(update.error).toContain('task.progress(47)');
    expect(update.error).toContain('from 0 to 1');
    expect(progress).toEqual([]);
  });
});
