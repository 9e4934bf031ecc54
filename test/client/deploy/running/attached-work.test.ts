// The registry of an attached client's work (client/deploy/running/attached-exit.ts): what runs when the
// client goes away, each cleanup once, bounded in time, failures reported rather than thrown.
import { describe, expect, it } from 'vitest';
import { AttachedWork } from '../../../../client/deploy/running/attached-exit.js';

describe('AttachedWork', () => {
  it('runs what is registered (not what was unregistered), once, and reports what each did in order', async () => {
    const work = new AttachedWork();
    const reasons: string[] = [];
    work.register('job a', async (why) => {
      reasons.push(why);
      return ['cancelled job a'];
    });
    const done = work.register('job b', async () => ['cancelled job b']);
    work.register('cluster c', async () => ['cancelled job c', 'stopped cluster c (KILLED)']);
    done();
    expect(work.size).toBe(2);
    expect(await work.runAll('SIGINT', 1000)).toEqual({
      done: ['cancelled job a', 'cancelled job c', 'stopped cluster c (KILLED)'],
      unfinished: [],
    });
    expect(reasons).toEqual(['SIGINT']);
    expect(work.size).toBe(0);
    expect(await work.runAll('SIGTERM', 1000)).toEqual({ done: [], unfinished: [] });
  });

  it('a cleanup that fails or outlasts the bound is named as not done; the others still count', async () => {
    const work = new AttachedWork();
    work.register('job a', async () => ['cancelled job a']);
    work.register('job b', async () => Promise.reject(new Error('connection refused')));
    work.register('cluster c', () => new Promise<string[]>(() => {}));
    const started = Date.now();
    const outcome = await work.runAll('EPIPE', 200);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(outcome).toEqual({ done: ['cancelled job a'], unfinished: ['job b (connection refused)', 'cluster c (not done within 0.2 s)'] });
  });

  it('untilCleanedUp() holds a command that would close its clients until the cleanup that uses them is over', async () => {
    const work = new AttachedWork();
    await work.untilCleanedUp(); // nothing under way
    let release: () => void = () => {};
    const steps: string[] = [];
    work.register('cluster c', async () => {
      await new Promise<void>((r) => (release = r));
      steps.push('cleanup done');
      return ['stopped cluster c (KILLED)'];
    });
    const outcome = work.runAll('SIGINT', 5000);
    const closing = work.untilCleanedUp().then(() => steps.push('clients closed'));
    await new Promise((r) => setTimeout(r, 20));
    expect(steps).toEqual([]);
    release();
    await Promise.all([outcome, closing]);
    expect(steps).toEqual(['cleanup done', 'clients closed']);
  });
});
