import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTaskOutputFileLine, parseTaskOutputFileName } from '../../client/contracts/task-output-file.js';
import type { TaskOutputLine } from '../../client/contracts/taskexecutor-protocol.js';
import { TaskOutputCapture } from '../../taskexecutor/task-output-capture.js';

const TASK = { jobId: '0123456789abcdef0123456789abcdef', taskIndex: 2, attempt: 1 };
const T0 = Date.UTC(2026, 11, 7, 16, 0, 0, 123);

describe('TaskOutputCapture', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loom-capture-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes each line to task-<job>-<index>-<attempt>.log as "<time> <stream> <text>" at once, numbering lines over both streams', async () => {
    const lines: TaskOutputLine[] = [];
    let now = T0;
    const capture = new TaskOutputCapture({ task: TASK, logDir: dir, onLine: (l) => lines.push(l), log: () => undefined, now: () => now });
    expect(capture.path).toBe(join(dir, `task-${TASK.jobId}-2-1.log`));
    expect(parseTaskOutputFileName(`task-${TASK.jobId}-2-1.log`)).toEqual(TASK);
    capture.write('stdout', 'hello\nwor');
    now += 5;
    capture.write('stderr', Buffer.from('oops\n'));
    // On disk before the attempt ends: a SIGKILL now would lose nothing read so far.
    expect(await readFile(capture.path, 'utf8')).toBe('2026-12-07T16:00:00.123Z stdout hello\n2026-12-07T16:00:00.128Z stderr oops\n');
    capture.write('stdout', 'ld\n');
    capture.end();
    const text = await readFile(capture.path, 'utf8');
    expect(
      text
        .split('\n')
        .slice(0, -1)
        .map((l) => parseTaskOutputFileLine(l)),
    ).toEqual([
      { timeMs: T0, stream: 'stdout', text: 'hello' },
      { timeMs: T0 + 5, stream: 'stderr', text: 'oops' },
      { timeMs: T0 + 5, stream: 'stdout', text: 'world' },
    ]);
    expect(lines.map((l) => [l.seq, l.stream, l.text])).toEqual([
      [0, 'stdout', 'hello'],
      [1, 'stderr', 'oops'],
      [2, 'stdout', 'world'],
    ]);
  });

  it('turns the partial lines of both streams into lines when the attempt ends, and ignores writes after', async () => {
    const lines: TaskOutputLine[] = [];
    const capture = new TaskOutputCapture({ task: TASK, logDir: dir, onLine: (l) => lines.push(l), log: () => undefined, now: () => T0 });
    capture.write('stdout', 'no newline');
    capture.write('stderr', 'nor here');
    expect(lines).toEqual([]);
    capture.end();
    capture.write('stdout', 'late\n');
    expect(lines.map((l) => `${l.stream}:${l.text}`)).toEqual(['stdout:no newline', 'stderr:nor here']);
    expect(await readFile(capture.path, 'utf8')).toBe(
      '2026-12-07T16:00:00.123Z stdout no newline\n2026-12-07T16:00:00.123Z stderr nor here\n',
    );
  });

  it('appends to an existing file and, when the log dir cannot be written, reports it once and still hands the lines on', () => {
    const problems: string[] = [];
    const lines: TaskOutputLine[] = [];
    const capture = new TaskOutputCapture({
      task: TASK,
      logDir: join(dir, 'missing'),
      onLine: (l) => lines.push(l),
      log: (m) => problems.push(m),
    });
    capture.write('stdout', 'a\nb\n');
    capture.end();
    expect(lines.map((l) => l.text)).toEqual(['a', 'b']);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/cannot open .*missing.* \(ENOENT\); the task's output goes on to the AM only/);
  });
});
