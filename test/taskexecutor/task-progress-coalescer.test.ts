import { describe, expect, it } from 'vitest';
import { TaskProgressCoalescer, type CoalescerTimers } from '../../taskexecutor/task-progress-coalescer.js';
import type { TaskProgressMessage, TaskRef } from '../../client/contracts/taskexecutor-protocol.js';

/** A clock that moves only when told, firing the timers that come due. */
class FakeTimers implements CoalescerTimers {
  t = 0;
  private next = 1;
  private readonly due = new Map<number, { at: number; fn: () => void }>();
  now = (): number => this.t;
  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = this.next++;
    this.due.set(id, { at: this.t + ms, fn });
    return id;
  };
  clearTimeout = (handle: unknown): void => {
    this.due.delete(handle as number);
  };
  get pending(): number {
    return this.due.size;
  }
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const first = [...this.due.entries()].sort((a, b) => a[1].at - b[1].at).at(0);
      if (first === undefined || first[1].at > end) break;
      this.due.delete(first[0]);
      this.t = first[1].at;
      first[1].fn();
    }
    this.t = end;
  }
}

const a: TaskRef = { jobId: 'a'.repeat(32), taskIndex: 0, attempt: 1 };
const b: TaskRef = { jobId: 'a'.repeat(32), taskIndex: 1, attempt: 1 };

function setup() {
  const timers = new FakeTimers();
  const sent: { at: number; p: TaskProgressMessage }[] = [];
  const coalescer = new TaskProgressCoalescer({ send: (p) => sent.push({ at: timers.t, p }), intervalMs: 250, timers });
  const report = (task: TaskRef, fraction: number, message = '') => coalescer.report({ task, fraction, message });
  return { timers, sent, coalescer, report };
}

describe('TaskProgressCoalescer', () => {
  it('sends the first report at once, then at most one per attempt every 250 ms, the latest value winning', () => {
    const { timers, sent, report } = setup();
    report(a, 0.01, 'start');
    expect(sent.map((s) => [s.at, s.p.fraction])).toEqual([[0, 0.01]]);
    for (let i = 2; i <= 100; i++) {
      timers.advance(10);
      report(a, i / 100, `item ${i}`);
    }
    // 1000 ms of reports every 10 ms: the first, then one per 250 ms, each the newest at that time.
    expect(sent.map((s) => [s.at, s.p.fraction])).toEqual([
      [0, 0.01],
      [250, 0.25],
      [500, 0.5],
      [750, 0.75],
    ]);
    timers.advance(250);
    expect(sent.at(-1)).toEqual({ at: 1000, p: { task: a, fraction: 1, message: 'item 100' } });
    expect(sent).toHaveLength(5);
    expect(timers.pending).toBe(0);
  });

  it('paces each attempt on its own', () => {
    const { timers, sent, report } = setup();
    report(a, 0.1);
    report(b, 0.2);
    timers.advance(100);
    report(a, 0.3);
    report(b, 0.4);
    expect(sent.map((s) => [s.p.task.taskIndex, s.p.fraction])).toEqual([
      [0, 0.1],
      [1, 0.2],
    ]);
    timers.advance(150);
    expect(sent.map((s) => [s.at, s.p.task.taskIndex, s.p.fraction]).slice(2)).toEqual([
      [250, 0, 0.3],
      [250, 1, 0.4],
    ]);
  });

  it('flushes the pending value when the attempt ends, and sends nothing for it afterwards', () => {
    const { timers, sent, coalescer, report } = setup();
    report(a, 0.1);
    timers.advance(20);
    report(a, 0.9, 'almost');
    expect(sent).toHaveLength(1);
    coalescer.attemptEnded(a);
    expect(sent.map((s) => [s.at, s.p.fraction, s.p.message])).toEqual([
      [0, 0.1, ''],
      [20, 0.9, 'almost'],
    ]);
    expect(timers.pending).toBe(0);
    timers.advance(1_000);
    expect(sent).toHaveLength(2);
    // Nothing pending: ending sends nothing more.
    report(b, 0.5);
    coalescer.attemptEnded(b);
    expect(sent).toHaveLength(3);
  });

  it('drops what is pending on close', () => {
    const { timers, sent, coalescer, report } = setup();
    report(a, 0.1);
    report(a, 0.2);
    coalescer.close();
    timers.advance(1_000);
    expect(sent).toHaveLength(1);
    expect(timers.pending).toBe(0);
  });
});
