import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TaskOutputLine, TaskOutputMessage } from '../../client/contracts/taskexecutor-protocol.js';
import { TaskOutputForwarder } from '../../taskexecutor/task-output-forwarder.js';

const A = { jobId: 'j', taskIndex: 0, attempt: 1 };
const B = { jobId: 'j', taskIndex: 1, attempt: 1 };
const line = (seq: number, text = `line ${seq}`): TaskOutputLine => ({ seq, timeMs: 1000 + seq, stream: 'stdout', text });

describe('TaskOutputForwarder', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends each attempt its lines in one batch per interval, and the rest at once when the attempt ends', () => {
    vi.useFakeTimers();
    const sent: TaskOutputMessage[] = [];
    const f = new TaskOutputForwarder({ send: (m) => sent.push(m) > 0, backlog: () => 0, flushIntervalMs: 200 });
    f.add(A, line(0));
    f.add(A, line(1));
    f.add(B, line(0));
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(200);
    expect(sent).toEqual([
      { task: A, lines: [line(0), line(1)], dropped: 0 },
      { task: B, lines: [line(0)], dropped: 0 },
    ]);
    f.add(A, line(2));
    f.attemptEnded(A);
    expect(sent[2]).toEqual({ task: A, lines: [line(2)], dropped: 0 });
    f.close();
  });

  it('sends a batch at once when an attempt has the batch size waiting, and splits a backlog into batches of that size', () => {
    const sent: TaskOutputMessage[] = [];
    const f = new TaskOutputForwarder({ send: (m) => sent.push(m) > 0, backlog: () => 0, maxBatchBytes: 100 });
    const long = 'x'.repeat(40);
    f.add(A, line(0, long));
    expect(sent).toHaveLength(0);
    f.add(A, line(1, long));
    expect(sent.map((m) => m.lines.map((l) => l.seq))).toEqual([[0], [1]]);
    f.close();
  });

  it('never blocks: while the AM is slow lines wait, past the queue bound they are dropped and counted in the next batch', () => {
    vi.useFakeTimers();
    let backlog = 100;
    const sent: TaskOutputMessage[] = [];
    const f = new TaskOutputForwarder({ send: (m) => sent.push(m) > 0, backlog: () => backlog, maxInFlight: 10, maxQueuedBytes: 3 * 30 });
    for (let i = 0; i < 5; i++) f.add(A, line(i)); // each weighs 6 + 24 bytes: 3 fit
    vi.advanceTimersByTime(1_000);
    expect(sent).toEqual([]);
    expect(f.dropped).toBe(2);
    backlog = 0;
    vi.advanceTimersByTime(200);
    expect(sent).toEqual([{ task: A, lines: [line(0), line(1), line(2)], dropped: 2 }]);
    // The queue has room again.
    f.add(A, line(5));
    f.attemptEnded(A);
    expect(sent[1]).toEqual({ task: A, lines: [line(5)], dropped: 0 });
    f.close();
  });

  it('keeps lines while not registered with the AM, and counts them dropped when their attempt ends before it can send them', () => {
    vi.useFakeTimers();
    let registered = false;
    const sent: TaskOutputMessage[] = [];
    const f = new TaskOutputForwarder({ send: (m) => registered && sent.push(m) > 0, backlog: () => 0 });
    f.add(A, line(0));
    f.add(B, line(0));
    vi.advanceTimersByTime(400);
    expect(sent).toEqual([]);
    f.attemptEnded(A);
    expect(f.dropped).toBe(1);
    registered = true;
    vi.advanceTimersByTime(200);
    expect(sent).toEqual([{ task: B, lines: [line(0)], dropped: 0 }]);
    f.close();
  });
});
