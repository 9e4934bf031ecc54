import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { attachedJobProgress } from '../../../cli/terminal/attached-job-progress.js';
import type { JobStatus, TaskStatus } from '../../../client/contracts/dispatcher-rest-types.js';

/** A stream that records what is written; a TTY when asked. */
function stream(isTTY: boolean) {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  }) as Writable & { isTTY?: boolean; columns?: number };
  out.isTTY = isTTY;
  out.columns = 200;
  return { out, text: () => text };
}

function fakeTimers() {
  let t = 0;
  let tick: (() => void) | undefined;
  return {
    now: () => t,
    setInterval: (fn: () => void) => ((tick = fn), 1),
    clearInterval: () => (tick = undefined),
    advance(ms: number) {
      for (let i = 0; i < ms / 1000; i++) {
        t += 1000;
        tick?.();
      }
    },
    get running() {
      return tick !== undefined;
    },
  };
}

const task = (index: number, state: TaskStatus['state'], progress?: TaskStatus['progress']): TaskStatus => ({
  index,
  state,
  attempt: 1,
  ...(progress ? { progress } : {}),
});

function job(tasks: TaskStatus[], state: JobStatus['state'] = 'RUNNING'): JobStatus {
  return { id: 'a'.repeat(32), name: 'word-count', state, parallelism: tasks.length, exportName: 'count', submittedAt: 0, tasks };
}

const stateLine = (j: JobStatus) => `state ${j.state} ${j.tasks.map((t) => t.state).join(',')}`;

describe('attached job progress', () => {
  it('on a TTY: a live summary line with elapsed time, task counts and the latest task progress, redrawn each second', () => {
    const { out, text } = stream(true);
    const timers = fakeTimers();
    const p = attachedJobProgress(out, { intervalMs: 30_000, stateLine, ...timers });
    p.observe(job([task(0, 'FINISHED'), task(1, 'RUNNING'), task(2, 'RUNNING', { fraction: 0.4, message: 'reading part-3', time: 5 })]));
    timers.advance(65_000);
    const shown = text();
    expect(shown).toContain('state RUNNING FINISHED,RUNNING,RUNNING\n');
    expect(shown).toContain('\r\x1b[2Kjob word-count RUNNING 1:05  tasks 1 done, 2 running, 0 failed of 3  · task 2 40% reading part-3');
    // The job ends: its state line is printed, the live line goes.
    p.observe(job([task(0, 'FINISHED'), task(1, 'FINISHED'), task(2, 'FINISHED')], 'FINISHED'));
    p.done();
    expect(text()).toMatch(/state FINISHED FINISHED,FINISHED,FINISHED\n/);
    expect(text().endsWith('\r\x1b[2K')).toBe(true);
    expect(timers.running).toBe(false);
  });

  it('on a pipe: state changes as lines and a plain summary every interval, no control characters', () => {
    const { out, text } = stream(false);
    const timers = fakeTimers();
    const p = attachedJobProgress(out, { intervalMs: 30_000, stateLine, ...timers });
    p.observe(job([task(0, 'RUNNING', { fraction: 0.5, message: 'half', time: 1 }), task(1, 'SCHEDULED')]));
    timers.advance(29_000);
    expect(text()).toBe('state RUNNING RUNNING,SCHEDULED\n');
    timers.advance(1_000);
    // Progress alone is no state change: no new state line.
    p.observe(job([task(0, 'RUNNING', { fraction: 0.6, message: 'more', time: 2 }), task(1, 'SCHEDULED')]));
    timers.advance(30_000);
    p.done();
    expect(text().split('\n')).toEqual([
      'state RUNNING RUNNING,SCHEDULED',
      `job ${'a'.repeat(32)} (word-count) RUNNING for 0:30: tasks 0 done, 1 running, 0 failed of 2, 25%`,
      `job ${'a'.repeat(32)} (word-count) RUNNING for 1:00: tasks 0 done, 1 running, 0 failed of 2, 30%`,
      '',
    ]);
    expect(text()).not.toContain('\x1b');
  });

  it('with --quiet: only the state lines, no live line and no periodic summary', () => {
    for (const isTTY of [true, false]) {
      const { out, text } = stream(isTTY);
      const timers = fakeTimers();
      const p = attachedJobProgress(out, { disabled: true, intervalMs: 1_000, stateLine, ...timers });
      p.observe(job([task(0, 'RUNNING', { fraction: 0.5, message: 'half', time: 1 })]));
      timers.advance(5_000);
      p.done();
      expect(text()).toBe('state RUNNING RUNNING\n');
    }
  });
});
