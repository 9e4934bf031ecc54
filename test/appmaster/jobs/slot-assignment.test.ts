import { describe, expect, it } from 'vitest';
import { assignSlots } from '../../../appmaster/jobs/slot-assignment.js';
import { jobMasterOptionsFrom } from '../../../appmaster/jobs/job-master-options.js';

const offer = (taskExecutorId: string, freeSlots: number, registeredAt = 0) => ({ taskExecutorId, freeSlots, registeredAt });

describe('assignSlots', () => {
  it('spreads tasks to the TaskExecutor with the most free slots, earliest registered first', () => {
    expect(assignSlots([{}, {}, {}, {}, {}], [offer('b', 2, 2), offer('a', 3, 1), offer('c', 0)])).toEqual(['a', 'a', 'b', 'a', 'b']);
    expect(assignSlots([{}, {}], [])).toEqual([]);
  });

  it('avoids a TaskExecutor a task failed on, unless nothing else is free', () => {
    expect(assignSlots([{ avoid: new Set(['a']) }], [offer('a', 4), offer('b', 1)])).toEqual(['b']);
    expect(assignSlots([{ avoid: new Set(['a']) }], [offer('a', 4)])).toEqual(['a']);
  });
});

describe('jobMasterOptionsFrom', () => {
  it('reads the keys, keeps defaults for unset ones and names bad values', () => {
    const conf = new Map([
      ['loom.task.max-attempts', '5'],
      ['taskmanager.numberOfTaskSlots', ' 4 '],
    ]);
    expect(jobMasterOptionsFrom((k) => conf.get(k))).toEqual({
      slotsPerTaskExecutor: 4,
      maxTaskAttempts: 5,
      cancelTimeoutMs: 10_000,
      jobStoreMaxCapacity: 2_147_483_647,
      jobStoreExpirationSeconds: 3600,
    });
    expect(() => jobMasterOptionsFrom((k) => (k === 'loom.task.max-attempts' ? '0' : undefined))).toThrow(
      'loom.task.max-attempts="0" is not a whole number of at least 1 (e.g. loom.task.max-attempts: 3)',
    );
  });
});
