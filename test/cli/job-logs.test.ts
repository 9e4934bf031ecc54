// loom logs <jobId>: each task attempt's lines under its own heading, stderr tagged; -f follows
// with after=next until the attempts end.
import { describe, expect, it } from 'vitest';
import type { TaskOutputJson } from '../../client/contracts/dispatcher-rest-types.js';
import { printJobLogs, type TaskOutputSource } from '../../cli/commands/job-logs.js';

const JOB = 'a'.repeat(32);

function out(taskIndex: number, after: number, ended: boolean): TaskOutputJson {
  const lines =
    after < 0
      ? [{ seq: 0, time: Date.parse('2026-12-07T16:34:15.000Z'), stream: 'stdout' as const, text: `hello ${String(taskIndex)}` }]
      : [];
  if (after === 0) lines.push({ seq: 1, time: Date.parse('2026-12-07T16:34:16.000Z'), stream: 'stderr' as const, text: 'boom' } as never);
  return {
    jobId: JOB,
    taskIndex,
    attempt: 0,
    lines,
    next: after + 1,
    ended,
    dropped: 0,
    containerId: 'container_1_0001_01_000002',
    host: 'localhost',
    nodeHttpAddress: '',
  };
}

describe('loom logs <jobId>', () => {
  it('-f prints an attempt just deployed, whose container the AM does not know yet, under one heading with its container', async () => {
    let poll = 0;
    const source: TaskOutputSource = {
      job: async () => {
        poll += 1;
        return {
          id: JOB,
          state: poll >= 2 ? 'FINISHED' : 'RUNNING',
          tasks: [{ index: 0, state: poll >= 2 ? 'FINISHED' : 'RUNNING', attempt: 1 }],
        } as never;
      },
      taskOutput: async (_j, index, opts) => {
        const known = out(index, opts.after ?? -1, poll >= 2);
        // First read: no container yet and no lines; then the container and the lines.
        const { containerId: _notYet, ...withoutContainer } = known;
        if (poll === 1) return { ...withoutContainer, attempt: 1, lines: [], next: -1 };
        return { ...known, attempt: 1 };
      },
    };
    let text = '';
    expect(await printJobLogs({ jobId: JOB, follow: true, pollMs: 1 }, source, (t) => (text += t))).toBe(0);
    expect(text).toBe(
      `==> job ${JOB} task 0 attempt 1 (container_1_0001_01_000002, localhost) <==\n2026-12-07T16:34:15.000Z stdout hello 0\n`,
    );
  });

  it('-f follows each task from its first attempt to its last, a heading when the printing attempt changes', async () => {
    // Polls 1..3: task 0 is deployed at poll 2; task 1's attempt 1 is killed and retried as attempt 2.
    const tasks = [
      [
        { index: 0, state: 'SCHEDULED', attempt: 0 },
        { index: 1, state: 'RUNNING', attempt: 1 },
      ],
      [
        { index: 0, state: 'RUNNING', attempt: 1 },
        { index: 1, state: 'RUNNING', attempt: 2 },
      ],
      [
        { index: 0, state: 'FINISHED', attempt: 1 },
        { index: 1, state: 'FINISHED', attempt: 2 },
      ],
    ];
    const lines: Record<string, { poll: number; text: string }[]> = {
      '0-1': [
        { poll: 2, text: 'a0' },
        { poll: 3, text: 'b0' },
      ],
      '1-1': [{ poll: 1, text: 'before the kill' }],
      '1-2': [{ poll: 2, text: 'retried' }],
    };
    let poll = 0;
    const source: TaskOutputSource = {
      job: async () => {
        poll = Math.min(poll + 1, 3);
        return { id: JOB, state: poll === 3 ? 'FINISHED' : 'RUNNING', tasks: tasks[poll - 1] } as never;
      },
      taskOutput: async (_j, index, opts) => {
        const task = tasks[poll - 1][index];
        const visible = (lines[`${String(index)}-${String(opts.attempt)}`] ?? [])
          .map((l, seq) => ({ ...l, seq }))
          .filter((l) => l.poll <= poll);
        const fresh = visible.filter((l) => l.seq > (opts.after ?? -1));
        return {
          ...out(index, 0, opts.attempt! < task.attempt || task.state === 'FINISHED'),
          attempt: opts.attempt!,
          lines: fresh.map((l) => ({ seq: l.seq, time: Date.parse('2026-12-07T16:34:15.000Z'), stream: 'stdout' as const, text: l.text })),
          next: fresh.at(-1)?.seq ?? opts.after ?? -1,
        };
      },
    };
    let text = '';
    expect(await printJobLogs({ jobId: JOB, follow: true, pollMs: 1 }, source, (t) => (text += t))).toBe(0);
    const heading = (task: number, attempt: number) =>
      `==> job ${JOB} task ${String(task)} attempt ${String(attempt)} (container_1_0001_01_000002, localhost) <==\n`;
    const line = (t: string) => `2026-12-07T16:34:15.000Z stdout ${t}\n`;
    expect(text).toBe(heading(1, 1) + line('before the kill') + heading(0, 1) + line('a0') + line('b0') + heading(1, 2) + line('retried'));
  });

  it('-f --attempt ends when the task finished without reaching that attempt', async () => {
    const source: TaskOutputSource = {
      job: async () => ({ id: JOB, state: 'FINISHED', tasks: [{ index: 0, state: 'FINISHED', attempt: 1 }] }) as never,
      taskOutput: () => Promise.reject(new Error('no attempt 2 to read')),
    };
    let text = '';
    expect(await printJobLogs({ jobId: JOB, follow: true, attempt: 2, pollMs: 1 }, source, (t) => (text += t))).toBe(0);
    expect(text).toBe('');
  });

  it('without -f prints every attempt of a task, counting from 1 as the AM does', async () => {
    const asked: (number | undefined)[] = [];
    const source: TaskOutputSource = {
      job: async () => ({ id: JOB, state: 'FINISHED', tasks: [{ index: 0, state: 'FINISHED', attempt: 2 }] }) as never,
      taskOutput: async (_j, index, opts) => {
        asked.push(opts.attempt);
        return { ...out(index, -1, true), attempt: opts.attempt ?? 0 };
      },
    };
    let text = '';
    expect(await printJobLogs({ jobId: JOB, follow: false }, source, (t) => (text += t))).toBe(0);
    expect(asked).toEqual([1, 2]);
    expect(text).toContain(`==> job ${JOB} task 0 attempt 1 `);
    expect(text).toContain(`==> job ${JOB} task 0 attempt 2 `);
  });
});
