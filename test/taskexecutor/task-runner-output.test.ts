import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskOutputLine, TaskRef, TaskUpdateMessage } from '../../client/contracts/taskexecutor-protocol.js';
import { TaskRunner } from '../../taskexecutor/task-runner.js';

const WORKER = resolve('dist/taskexecutor/task-worker.js');
const JOB = 'a'.repeat(32);

/** A TaskRunner with task output captured, over modules written to a temp dir; records what reaches the sink, in order. */
async function runTask(dir: string, source: string, attempt = 1) {
  const modulePath = join(dir, `task-${attempt}.mjs`);
  await writeFile(modulePath, source);
  const events: string[] = [];
  const lines: TaskOutputLine[] = [];
  const task: TaskRef = { jobId: JOB, taskIndex: 0, attempt };
  const final = new Promise<TaskUpdateMessage>((done) => {
    const runner = new TaskRunner({
      slots: 1,
      bundles: { modulePath: () => Promise.resolve(modulePath) },
      workerScript: WORKER,
      hdfs: { user: 'alice' },
      log: (m) => events.push(`log ${m}`),
      onUpdate: (u) => {
        events.push(`update ${u.state}`);
        if (u.state !== 'RUNNING') done(u);
      },
      output: {
        logDir: dir,
        onLine: (_t, l) => {
          lines.push(l);
          events.push(`line ${l.stream} ${l.text}`);
        },
        attemptEnded: (t) => events.push(`ended ${t.taskIndex}#${t.attempt}`),
      },
    });
    runner.deploy({
      task,
      parallelism: 1,
      bundle: { url: 'hdfs:///b.mjs', kind: 'file', size: 1, modificationTime: 1 },
      exportName: 'default',
      argsJson: '[]',
      jobName: 'output',
    });
  });
  const update = await final;
  const file = await readFile(join(dir, `task-${JOB}-0-${attempt}.log`), 'utf8');
  return { update, events, lines, file };
}

describe('TaskRunner captures what a task writes', () => {
  let dir = '';
  beforeEach(async () => {
    if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: build first (npx tsc -p tsconfig.build.json)`);
    dir = await mkdtemp(join(tmpdir(), 'loom-runner-output-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('console.* and process.stdout/stderr writes become lines of the right stream, all before the final update', async () => {
    const { update, events, lines, file } = await runTask(
      dir,
      `export default async function () {
        console.log('log', 1);
        console.info('info');
        console.debug('debug');
        console.error('error');
        console.warn('warn');
        process.stdout.write('part');
        process.stdout.write('ial\\n');
        process.stderr.write('two\\nlines\\n');
        process.stdout.write('no newline at the end');
        return 42;
      }`,
    );
    expect(update).toMatchObject({ state: 'FINISHED', resultJson: '42' });
    const byStream = (s: string) => lines.filter((l) => l.stream === s).map((l) => l.text);
    expect(byStream('stdout')).toEqual(['log 1', 'info', 'debug', 'partial', 'no newline at the end']);
    expect(byStream('stderr')).toEqual(['error', 'warn', 'two', 'lines']);
    expect(lines.map((l) => l.seq).sort((a, b) => a - b)).toEqual([...Array(lines.length).keys()]);
    // The sink has every line and the attempt's end before the final update goes out.
    expect(events.slice(-2)).toEqual(['ended 0#1', 'update FINISHED']);
    expect(file.split('\n').filter(Boolean)).toHaveLength(9);
    expect(file).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z stdout log 1\n/);
    expect(file).toContain(' stderr warn\n');
    expect(file).toMatch(/ stdout no newline at the end\n$/);
  });

  it('keeps the lines of a task that throws, and of one whose timer keeps writing after it returned (terminated)', async () => {
    const thrown = await runTask(dir, `export default function () { console.log('before the throw'); throw new Error('boom'); }`, 1);
    expect(thrown.update).toMatchObject({ state: 'FAILED', error: 'boom' });
    expect(thrown.lines.map((l) => l.text)).toEqual(['before the throw']);
    expect(thrown.events.slice(-2)).toEqual(['ended 0#1', 'update FAILED']);

    const chatty = await runTask(
      dir,
      `export default function () { setInterval(() => console.log('tick'), 1); console.log('returned'); return 'ok'; }`,
      2,
    );
    expect(chatty.update).toMatchObject({ state: 'FINISHED', resultJson: '"ok"' });
    expect(chatty.lines[0]?.text).toBe('returned');
    expect(chatty.events.slice(-2)).toEqual(['ended 0#2', 'update FINISHED']);
  });

  it('cuts a 200 KiB line at 64 KiB with a marker', async () => {
    const { lines } = await runTask(dir, `export default function () { console.log('y'.repeat(200 * 1024)); console.log('after'); }`);
    expect(lines).toHaveLength(2);
    expect(lines[0]?.text).toBe(`${'y'.repeat(64 * 1024)} [... line cut at 65536 bytes: ${200 * 1024 - 64 * 1024} more bytes not kept]`);
    expect(lines[1]?.text).toBe('after');
  });
});
