import { describe, expect, it } from 'vitest';
import type { JobStatus } from '../../../client/contracts/dispatcher-rest-types.js';
import type { TaskOutputLine, TaskRef } from '../../../client/contracts/taskexecutor-protocol.js';
import { TaskOutputStore } from '../../../appmaster/jobs/task-output-store.js';

const JOB = 'b'.repeat(32);
const ref = (taskIndex: number, attempt: number): TaskRef => ({ jobId: JOB, taskIndex, attempt });
const line = (seq: number, text = `line ${seq}`, stream: 'stdout' | 'stderr' = 'stdout'): TaskOutputLine => ({
  seq,
  timeMs: 1_000 + seq,
  stream,
  text,
});

function job(task0: Partial<JobStatus['tasks'][number]> = {}): JobStatus {
  return {
    id: JOB,
    name: 'n',
    state: 'RUNNING',
    parallelism: 2,
    exportName: 'default',
    submittedAt: 0,
    tasks: [
      { index: 0, state: 'RUNNING', attempt: 2, taskExecutorId: 'container_1_0001_01_000003', ...task0 },
      { index: 1, state: 'SCHEDULED', attempt: 1 },
    ],
  };
}

describe('TaskOutputStore', () => {
  it('answers an attempt with the lines after `after`, where it ran, and the `next` to ask with', () => {
    const store = new TaskOutputStore();
    store.locateWith((id) => ({ host: 'node1', nodeHttpAddress: `node1:8042`, ...(id === 'x' ? { host: 'other' } : {}) }));
    store.append('container_1_0001_01_000003', { task: ref(0, 2), lines: [line(0), line(1, 'err', 'stderr'), line(2)], dropped: 0 });
    expect(store.read(job(), 0, { after: -1 })).toEqual({
      jobId: JOB,
      taskIndex: 0,
      attempt: 2,
      lines: [
        { seq: 0, time: 1000, stream: 'stdout', text: 'line 0' },
        { seq: 1, time: 1001, stream: 'stderr', text: 'err' },
        { seq: 2, time: 1002, stream: 'stdout', text: 'line 2' },
      ],
      next: 2,
      ended: false,
      dropped: 0,
      containerId: 'container_1_0001_01_000003',
      host: 'node1',
      nodeHttpAddress: 'node1:8042',
    });
    const later = store.read(job(), 0, { after: 1 });
    expect(later?.lines.map((l) => l.seq)).toEqual([2]);
    const none = store.read(job(), 0, { after: 2 });
    expect(none).toMatchObject({ lines: [], next: 2 });
  });

  it('says an attempt ended once the task is in a final state or a later attempt exists', () => {
    const store = new TaskOutputStore();
    store.append('c1', { task: ref(0, 1), lines: [line(0, 'first try')], dropped: 0 });
    expect(store.read(job(), 0, { attempt: 1, after: -1 })).toMatchObject({ attempt: 1, ended: true, containerId: 'c1' });
    expect(store.read(job(), 0, { after: -1 })).toMatchObject({ attempt: 2, ended: false, lines: [] });
    expect(store.read(job({ state: 'FAILED' }), 0, { after: -1 })).toMatchObject({ attempt: 2, ended: true });
  });

  it('answers undefined for an attempt the task never had, and an empty answer for one not yet deployed', () => {
    const store = new TaskOutputStore();
    expect(store.read(job(), 0, { attempt: 3, after: -1 })).toBeUndefined();
    expect(store.read(job(), 0, { attempt: 0, after: -1 })).toBeUndefined();
    expect(store.read(job(), 5, { after: -1 })).toBeUndefined();
    expect(store.read(job(), 1, { after: -1 })).toEqual({
      jobId: JOB,
      taskIndex: 1,
      attempt: 1,
      lines: [],
      next: -1,
      ended: false,
      dropped: 0,
    });
  });

  it('keeps the newest lines within the byte and line bounds per attempt, counting what it dropped and what the TaskExecutor dropped', () => {
    const store = new TaskOutputStore({ maxBytesPerAttempt: 1_000_000, maxLinesPerAttempt: 3 });
    store.append('c', { task: ref(0, 2), lines: [line(0), line(1)], dropped: 0 });
    store.append('c', { task: ref(0, 2), lines: [line(2), line(3), line(4)], dropped: 5 });
    const a = store.read(job(), 0, { after: -1 });
    expect(a?.lines.map((l) => l.seq)).toEqual([2, 3, 4]);
    expect(a?.dropped).toBe(7);

    const bytes = new TaskOutputStore({ maxBytesPerAttempt: 10, maxLinesPerAttempt: 1000 });
    bytes.append('c', { task: ref(0, 2), lines: [line(0, '12345'), line(1, '12345'), line(2, '123')], dropped: 0 });
    expect(bytes.read(job(), 0, { after: -1 })?.lines.map((l) => l.seq)).toEqual([1, 2]);
  });

  it('stays within its bound over many batches (a ring: the dropped slots are reclaimed)', () => {
    const store = new TaskOutputStore({ maxBytesPerAttempt: 1_000_000, maxLinesPerAttempt: 100 });
    for (let i = 0; i < 5_000; i++) store.append('c', { task: ref(0, 2), lines: [line(i)], dropped: 0 });
    const a = store.read(job(), 0, { after: 4_949 });
    expect(a?.lines.map((l) => l.seq)).toEqual(Array.from({ length: 50 }, (_, k) => 4_950 + k));
    expect(a?.dropped).toBe(4_900);
    expect(store.read(job(), 0, { after: -1 })?.lines).toHaveLength(100);
  });

  it("keeps a job's attempts within its total bound, dropping ended attempts' oldest lines first", () => {
    const store = new TaskOutputStore({ maxBytesPerAttempt: 1_000, maxLinesPerAttempt: 1_000, maxBytesPerJob: 30 });
    const ended = new Set(['1/1']);
    store.endedWith((t) => ended.has(`${String(t.taskIndex)}/${String(t.attempt)}`));
    store.append('c1', { task: ref(0, 1), lines: [line(0, '1234567890'), line(1, '1234567890')], dropped: 0 }); // a later attempt follows
    store.append('c3', { task: ref(1, 1), lines: [line(0, '1234567890')], dropped: 0 }); // ended (the task finished)
    store.append('c2', { task: ref(0, 2), lines: [line(0, '1234567890')], dropped: 0 });
    // 40 bytes: attempt 0/1 (ended: attempt 2 came) loses its oldest line.
    expect(store.read(job(), 0, { attempt: 1, after: -1 })).toMatchObject({ dropped: 1, lines: [{ seq: 1 }] });
    store.append('c2', { task: ref(0, 2), lines: [line(1, '12345678901234567890')], dropped: 0 });
    // 50 bytes: the rest of 0/1, then 1/1, both ended, before the running attempt loses anything.
    expect(store.read(job(), 0, { attempt: 1, after: -1 })).toMatchObject({ dropped: 2, lines: [] });
    expect(store.read({ ...job(), tasks: [job().tasks[0], { index: 1, state: 'FINISHED', attempt: 1 }] }, 1, { after: -1 })).toMatchObject({
      dropped: 1,
      lines: [],
    });
    expect(store.read(job(), 0, { after: -1 })).toMatchObject({ dropped: 0, lines: [{ seq: 0 }, { seq: 1 }] });
    // Past the bound with nothing ended left: the running attempt's oldest lines go.
    store.append('c2', { task: ref(0, 2), lines: [line(2, '1234567890')], dropped: 0 });
    expect(store.read(job(), 0, { after: -1 })).toMatchObject({ dropped: 1, lines: [{ seq: 1 }, { seq: 2 }] });
  });
});
