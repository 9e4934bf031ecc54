import { describe, expect, it } from 'vitest';
import {
  ClusterProtocolError,
  decodeTaskExecutorMessage,
  encodeTaskExecutorMessage,
  type TaskExecutorMessage,
} from '../../../client/contracts/taskexecutor-protocol.js';
import { formatTaskOutputFileLine, parseTaskOutputFileLine } from '../../../client/contracts/task-output-file.js';

describe('TaskOutput on the TaskExecutor stream (field 4 of TaskExecutorMessage)', () => {
  it('round-trips a batch: lines with seq, time, stream and text, and the dropped count', () => {
    const message: TaskExecutorMessage = {
      kind: 'taskOutput',
      taskOutput: {
        task: { jobId: 'c'.repeat(32), taskIndex: 3, attempt: 2 },
        lines: [
          { seq: 0, timeMs: 1_796_000_000_123, stream: 'stdout', text: 'hello €' },
          { seq: 1, timeMs: 1_796_000_000_124, stream: 'stderr', text: '' },
        ],
        dropped: 7,
      },
    };
    expect(decodeTaskExecutorMessage(encodeTaskExecutorMessage(message))).toEqual(message);
  });

  it('is field 4 on the wire (the number the shared contract fixes)', () => {
    const bytes = encodeTaskExecutorMessage({
      kind: 'taskOutput',
      taskOutput: { task: { jobId: 'j', taskIndex: 0, attempt: 1 }, lines: [], dropped: 0 },
    });
    expect(bytes[0]).toBe((4 << 3) | 2);
  });

  it('refuses a line without a stream', () => {
    const bytes = encodeTaskExecutorMessage({
      kind: 'taskOutput',
      taskOutput: {
        task: { jobId: 'j', taskIndex: 0, attempt: 1 },
        lines: [{ seq: 0, timeMs: 0, stream: 'stdout', text: 'x' }],
        dropped: 0,
      },
    });
    // Rewrite the stream enum (STDOUT = 1) to 0, the unspecified value.
    const broken = Buffer.from(bytes);
    const at = broken.lastIndexOf(Buffer.from([0x18, 0x01]));
    broken[at + 1] = 0;
    expect(() => decodeTaskExecutorMessage(broken)).toThrow(ClusterProtocolError);
  });
});

describe('the task output file line', () => {
  it('is "<ISO time with ms> <stream> <text>" and parses back, text with spaces kept', () => {
    const line = formatTaskOutputFileLine(Date.UTC(2026, 0, 2, 3, 4, 5, 6), 'stderr', '  two  spaces ');
    expect(line).toBe('2026-01-02T03:04:05.006Z stderr   two  spaces \n');
    expect(parseTaskOutputFileLine(line.slice(0, -1))).toEqual({
      timeMs: Date.UTC(2026, 0, 2, 3, 4, 5, 6),
      stream: 'stderr',
      text: '  two  spaces ',
    });
    expect(parseTaskOutputFileLine('not a line')).toBeUndefined();
  });
});
