// Each restart strategy's decisions and delays, on an injected clock (and random source for jitter).
import { describe, expect, it } from 'vitest';
import type { RestartStrategy } from '../../../client/conf/loom-config-options.js';
import { restartBackoffStrategy, RestartStrategyError, type RestartDecision } from '../../../appmaster/jobs/restart-backoff-strategy.js';

class Clock {
  t = 5_000_000;
  now = (): number => this.t;
  advance(ms: number): this {
    this.t += ms;
    return this;
  }
}

const restart = (delayMs: number): RestartDecision => ({ restart: true, delayMs });

type Exponential = Extract<RestartStrategy, { type: 'exponential-delay' }>;
const exponential = (over: Partial<Exponential> = {}): Exponential => ({
  type: 'exponential-delay',
  initialBackoffMs: 100,
  maxBackoffMs: 1_000,
  multiplier: 2,
  resetThresholdMs: 10_000,
  jitter: 0,
  attempts: 2_147_483_647,
  ...over,
});

describe('restart-strategy none', () => {
  it('gives up at the first failure and says how to restart', () => {
    const s = restartBackoffStrategy({ type: 'none' }, { now: () => 0 });
    const d = s.onFailure();
    expect(d.restart).toBe(false);
    expect(!d.restart && d.reason).toMatch(/^restart-strategy none: .*restart-strategy\.type/);
  });
});

describe('restart-strategy fixed-delay', () => {
  it('restarts `attempts` times after the same delay, then gives up naming the strategy', () => {
    const clock = new Clock();
    const s = restartBackoffStrategy({ type: 'fixed-delay', attempts: 3, delayMs: 250 }, clock);
    for (let i = 0; i < 3; i++) expect(s.onFailure()).toEqual(restart(250));
    // Time does not refill the attempts: they are the job's for its whole life.
    clock.advance(86_400_000);
    expect(s.onFailure()).toEqual({ restart: false, reason: 'restart-strategy fixed-delay with 3 attempts, 250 ms apart exhausted' });
  });

  it('0 attempts gives up at once; the default from loom.task.max-attempts says where it came from', () => {
    expect(restartBackoffStrategy({ type: 'fixed-delay', attempts: 0, delayMs: 0 }, { now: () => 0 }).onFailure().restart).toBe(false);
    const derived = restartBackoffStrategy({ type: 'fixed-delay', attempts: 2, delayMs: 0, fromTaskMaxAttempts: true }, { now: () => 0 });
    expect(derived.onFailure()).toEqual(restart(0));
    expect(derived.onFailure()).toEqual(restart(0));
    const last = derived.onFailure();
    expect(!last.restart && last.reason).toBe(
      'restart-strategy fixed-delay with 2 attempts (the default: restart-strategy.type unset, loom.task.max-attempts=3) exhausted',
    );
  });
});

describe('restart-strategy failure-rate', () => {
  it('allows max-failures-per-interval failures within the interval; the next one inside it fails the job', () => {
    const clock = new Clock();
    const s = restartBackoffStrategy({ type: 'failure-rate', maxFailuresPerInterval: 2, intervalMs: 60_000, delayMs: 500 }, clock);
    expect(s.onFailure()).toEqual(restart(500)); // t0
    clock.advance(30_000);
    expect(s.onFailure()).toEqual(restart(500)); // t0 + 30 s
    clock.advance(30_001);
    // t0 is now older than the interval: only two failures (30 s ago and now) count.
    expect(s.onFailure()).toEqual(restart(500));
    clock.advance(10_000);
    const d = s.onFailure(); // three failures within the last 40 s
    expect(d).toEqual({
      restart: false,
      reason: 'restart-strategy failure-rate with at most 2 failures per 1 min, 500 ms apart exceeded: 3 failures within 1 min',
    });
  });

  it('a failure exactly one interval after another still counts with it (Flink: older than the interval is forgotten)', () => {
    const clock = new Clock();
    const s = restartBackoffStrategy({ type: 'failure-rate', maxFailuresPerInterval: 1, intervalMs: 1_000, delayMs: 0 }, clock);
    expect(s.onFailure().restart).toBe(true);
    clock.advance(1_000);
    expect(s.onFailure().restart).toBe(false);
  });

  it('refuses settings that cannot work', () => {
    expect(() =>
      restartBackoffStrategy({ type: 'failure-rate', maxFailuresPerInterval: 0, intervalMs: 1_000, delayMs: 0 }, { now: () => 0 }),
    ).toThrow(RestartStrategyError);
    expect(() =>
      restartBackoffStrategy({ type: 'failure-rate', maxFailuresPerInterval: 1, intervalMs: 0, delayMs: 0 }, { now: () => 0 }),
    ).toThrow(/failure-rate-interval must be at least 1 ms/);
  });
});

describe('restart-strategy exponential-delay', () => {
  it('grows the delay by the multiplier up to max-backoff', () => {
    const clock = new Clock();
    const s = restartBackoffStrategy(exponential(), clock);
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const d = s.onFailure();
      if (!d.restart) throw new Error('gave up');
      delays.push(d.delayMs);
      clock.advance(d.delayMs); // the next failure comes right after the restart
    }
    expect(delays).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('starts again from initial-backoff, with fresh attempts, after reset-backoff-threshold without failures', () => {
    const clock = new Clock();
    const s = restartBackoffStrategy(exponential({ attempts: 2 }), clock);
    expect(s.onFailure()).toEqual(restart(100));
    clock.advance(100);
    expect(s.onFailure()).toEqual(restart(200));
    // Quiet for the threshold plus the current backoff: the next failure is a first one again.
    clock.advance(200 + 10_000 + 200);
    expect(s.onFailure()).toEqual(restart(100));
    clock.advance(100);
    expect(s.onFailure()).toEqual(restart(200));
    clock.advance(200);
    const d = s.onFailure();
    expect(d.restart).toBe(false);
    expect(!d.restart && d.reason).toBe(
      'restart-strategy exponential-delay from 100 ms to 1 s (x2), 2 attempts before reset-backoff-threshold 10 s exhausted: 3 failures without a reset',
    );
  });

  it('a failure while a restart is pending joins it: same restart time, no extra attempt', () => {
    const clock = new Clock();
    const s = restartBackoffStrategy(exponential({ attempts: 1 }), clock);
    expect(s.onFailure()).toEqual(restart(100));
    clock.advance(40);
    expect(s.onFailure()).toEqual(restart(60)); // a second TaskExecutor of the same lost node
    clock.advance(60);
    expect(s.onFailure().restart).toBe(false); // after the restart: a new failure, past the 1 attempt
  });

  it('jitter moves the delay by up to jitter-factor x backoff either way, never past max-backoff', () => {
    const at = (random: number, over: Partial<Exponential> = {}) =>
      restartBackoffStrategy(exponential({ initialBackoffMs: 1_000, maxBackoffMs: 1_100, jitter: 0.2, ...over }), {
        now: () => 0,
        random: () => random,
      }).onFailure();
    expect(at(0)).toEqual(restart(800));
    expect(at(0.5)).toEqual(restart(1_000));
    expect(at(0.999999)).toEqual(restart(1_100)); // 1 200 capped
    expect(at(0.75, { maxBackoffMs: 5_000 })).toEqual(restart(1_100));
  });

  it('refuses settings that cannot work together, naming every key', () => {
    const err = (() => {
      try {
        restartBackoffStrategy(exponential({ initialBackoffMs: 2_000, maxBackoffMs: 1_000, multiplier: 0.5, jitter: 1.5 }), {
          now: () => 0,
        });
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected an error');
    })();
    expect(err).toBeInstanceOf(RestartStrategyError);
    expect(err.message).toContain('max-backoff must not be below initial-backoff');
    expect(err.message).toContain('backoff-multiplier must be at least 1 (got 0.5)');
    expect(err.message).toContain('jitter-factor must be from 0 to 1 (got 1.5)');
  });
});
