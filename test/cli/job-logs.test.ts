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
  it('prints each task under its heading, and -f follows until the end', async () => {
    const asked: string[] = [];
    const source: TaskOutputSource = {
      job: async () => ({ id: JOB, state: 'RUNNING', tasks: [{ index: 0, state: 'RUNNING', attempt: 0 }] }) as never,
      taskOutput: async (_j, index, opts) => {
        asked.push(String(opts.after));
        return out(index, opts.after ?? -1, (opts.after ?? -1) >= 0);
      },
    };
    let text = '';
    expect(await printJobLogs({ jobId: JOB, follow: true, pollMs: 1 }, source, (t) => (text += t))).toBe(0);
    expect(text).toBe(
      `==> job ${JOB} task 0 attempt 0 (container_1_0001_01_000002, localhost) <==\n2026-12-07T16:34:15.000Z stdout hello 0\n` +
        `==> job ${JOB} task 0 attempt 0 (container_1_0001_01_000002, localhost) <==\n2026-12-07T16:34:16.000Z stderr boom\n`,
    );
    expect(asked).toEqual(['-1', '0']);
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
