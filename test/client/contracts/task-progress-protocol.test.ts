import { describe, expect, it } from 'vitest';
import {
  ClusterProtocolError,
  decodeTaskExecutorMessage,
  encodeTaskExecutorMessage,
  type TaskExecutorMessage,
} from '../../../client/contracts/taskexecutor-protocol.js';

describe('TaskProgress on the TaskExecutor stream (field 5 of TaskExecutorMessage)', () => {
  const message: TaskExecutorMessage = {
    kind: 'taskProgress',
    taskProgress: { task: { jobId: 'c'.repeat(32), taskIndex: 3, attempt: 2 }, fraction: 0.4, message: 'reading part-3 €' },
  };

  it('round-trips job, task, attempt, fraction and message', () => {
    expect(decodeTaskExecutorMessage(encodeTaskExecutorMessage(message))).toEqual(message);
  });

  it('is field 5 on the wire, its fields 1 to 5 flat (job_id, task_index, attempt, fraction as a double, message)', () => {
    const bytes = encodeTaskExecutorMessage(message);
    expect(bytes[0]).toBe((5 << 3) | 2);
    const body = bytes.subarray(2);
    expect(body[0]).toBe((1 << 3) | 2); // job_id, a string
    expect(body[1]).toBe(32);
    const rest = body.subarray(34);
    expect([...rest.subarray(0, 4)]).toEqual([(2 << 3) | 0, 3, (3 << 3) | 0, 2]);
    expect(rest[4]).toBe((4 << 3) | 1); // fraction, a 64-bit double
    expect(rest.readDoubleLE(5)).toBe(0.4);
    expect(rest[13]).toBe((5 << 3) | 2);
  });

  it('refuses a fraction outside 0 to 1', () => {
    const bad = encodeTaskExecutorMessage({ ...message, taskProgress: { ...message.taskProgress, fraction: 3 } });
    expect(() => decodeTaskExecutorMessage(bad)).toThrow(ClusterProtocolError);
  });
});
