import { describe, expect, it } from 'vitest';
import { JobTask } from '../../../appmaster/jobs/job-task.js';
import { jobExceptionsJson } from '../../../appmaster/dispatcher/rest-bodies.js';

describe('task attempt records', () => {
  it('record where and when each attempt ran; a retry keeps the earlier attempt with its error', () => {
    let now = 1_000;
    const t = new JobTask('j1', 3, () => now);
    t.deployedTo('c2', { host: 'node-a', nodeHttpAddress: 'node-a:8042' });
    now = 1_500;
    t.retry('TaskExecutor c2 was lost: no heartbeat', 'c2');
    now = 2_000;
    t.deployedTo('c3', { host: 'node-b' });
    now = 2_700;
    t.state = 'FAILED';
    t.error = 'Error: boom\n    at count (bundle.mjs:3:9)';
    const s = t.status();
    expect(s).toMatchObject({
      index: 3,
      attempt: 2,
      state: 'FAILED',
      taskExecutorId: 'c3',
      host: 'node-b',
      startTime: 2_000,
      endTime: 2_700,
    });
    expect(s.previousAttempts).toEqual([
      {
        attempt: 1,
        state: 'FAILED',
        containerId: 'c2',
        host: 'node-a',
        nodeHttpAddress: 'node-a:8042',
        startTime: 1_000,
        endTime: 1_500,
        error: 'TaskExecutor c2 was lost: no heartbeat',
      },
    ]);
    // An AM attempt that takes the job over from the HA store keeps the records.
    expect(JobTask.restored('j1', s).status()).toEqual(s);

    // And the exceptions view lists both failures, newest first, then the job's root cause.
    const ex = jobExceptionsJson({
      id: 'j1',
      name: 'n',
      state: 'FAILED',
      parallelism: 4,
      exportName: 'f',
      submittedAt: 500,
      endedAt: 2_800,
      tasks: [s],
      error: 'task 3 failed: Error: boom',
    });
    expect(ex.entries.map((e) => [e.kind, e.timestamp, e.attempt, e.host])).toEqual([
      ['job', 2_800, undefined, undefined],
      ['task', 2_700, 2, 'node-b'],
      ['task', 1_500, 1, 'node-a'],
    ]);
    expect(ex['root-exception']).toBe('task 3 failed: Error: boom');
  });
});
