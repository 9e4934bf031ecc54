/**
 * Restart strategies in the shape of Flink's (`restart-strategy.type`: none, fixed-delay,
 * exponential-delay, failure-rate): given a job's failures, whether to restart and after how long.
 *
 * Granularity. Flink restarts the failed region (the tasks joined by data exchanges); a Loom
 * job's tasks are independent, so a task is its own region: only the tasks hit by a failure run
 * again, the others keep running. The strategy itself is per job, as in Flink: it counts the
 * job's failures, whichever tasks they hit. One failure is one event: a lost TaskExecutor counts
 * once however many of the job's tasks it ran (as Flink's TaskManager loss fails its tasks in one
 * go), and a task attempt that could not run (or, with loom.task.retry-user-errors, threw) counts
 * once.
 *
 * The decisions read time from an injected clock and jitter from an injected random source, so
 * every rule is unit tested without waiting.
 */
import { LoomError } from '../../client/errors/loom-error.js';
import type { RestartStrategy } from '../../client/conf/loom-config-options.js';
import { formatLoomDuration } from '../../client/conf/loom-config-duration.js';

export type RestartDecision =
  /** Run the failed tasks again once `delayMs` has passed. */
  | { restart: true; delayMs: number }
  /** Give up: the job fails with `reason` (it names the strategy and its limit). */
  | { restart: false; reason: string };

export interface RestartBackoffStrategy {
  /** The strategy and its limits, e.g. `fixed-delay with 3 attempts, 1 s apart`. */
  readonly description: string;
  /** Records a failure that happened now and decides. */
  onFailure(): RestartDecision;
}

export interface StrategyClock {
  now: () => number;
  /** In [0, 1); only exponential-delay's jitter uses it. */
  random?: () => number;
}

export class RestartStrategyError extends LoomError {
  static override readonly code: string = 'RESTART_STRATEGY_INVALID';
  override name = 'RestartStrategyError';
}

/** The strategy for one job, from the configured settings. Throws a RestartStrategyError for settings that cannot work together. */
export function restartBackoffStrategy(settings: RestartStrategy, clock: StrategyClock): RestartBackoffStrategy {
  switch (settings.type) {
    case 'none':
      return new NoRestart();
    case 'fixed-delay':
      return new FixedDelay(settings.attempts, settings.delayMs, settings.fromTaskMaxAttempts === true);
    case 'exponential-delay':
      return new ExponentialDelay(settings, clock);
    case 'failure-rate':
      return new FailureRate(settings.maxFailuresPerInterval, settings.intervalMs, settings.delayMs, clock.now);
  }
}

class NoRestart implements RestartBackoffStrategy {
  readonly description = 'none';
  onFailure(): RestartDecision {
    return { restart: false, reason: 'restart-strategy none: a failure ends the job (set restart-strategy.type to restart its tasks)' };
  }
}

/** `attempts` restarts in the job's life, each after the same delay. */
class FixedDelay implements RestartBackoffStrategy {
  readonly description: string;
  private failures = 0;

  constructor(
    private readonly attempts: number,
    private readonly delayMs: number,
    fromTaskMaxAttempts: boolean,
  ) {
    const apart = delayMs > 0 ? `, ${formatLoomDuration(delayMs)} apart` : '';
    const origin = fromTaskMaxAttempts ? ` (the default: restart-strategy.type unset, loom.task.max-attempts=${attempts + 1})` : '';
    this.description = `fixed-delay with ${attempts} attempt${attempts === 1 ? '' : 's'}${apart}${origin}`;
  }

  onFailure(): RestartDecision {
    this.failures += 1;
    if (this.failures <= this.attempts) return { restart: true, delayMs: this.delayMs };
    return { restart: false, reason: `restart-strategy ${this.description} exhausted` };
  }
}

/** At most `maxFailures` failures within any `intervalMs`; the next one inside the interval ends the job. */
class FailureRate implements RestartBackoffStrategy {
  readonly description: string;
  private readonly times: number[] = [];

  constructor(
    private readonly maxFailures: number,
    private readonly intervalMs: number,
    private readonly delayMs: number,
    private readonly now: () => number,
  ) {
    if (maxFailures < 1)
      throw new RestartStrategyError(`restart-strategy.failure-rate.max-failures-per-interval must be at least 1 (got ${maxFailures})`);
    if (intervalMs < 1)
      throw new RestartStrategyError('restart-strategy.failure-rate.failure-rate-interval must be at least 1 ms (e.g. 1 min)');
    this.description = `failure-rate with at most ${maxFailures} failures per ${formatLoomDuration(intervalMs)}, ${formatLoomDuration(delayMs)} apart`;
  }

  onFailure(): RestartDecision {
    const now = this.now();
    this.times.push(now);
    while (this.times.length > 0 && now - this.times[0] > this.intervalMs) this.times.shift();
    if (this.times.length <= this.maxFailures) return { restart: true, delayMs: this.delayMs };
    return {
      restart: false,
      reason: `restart-strategy ${this.description} exceeded: ${this.times.length} failures within ${formatLoomDuration(this.intervalMs)}`,
    };
  }
}

/** Flink's default for attempts-before-reset-backoff (Integer.MAX_VALUE): no limit. */
const UNLIMITED = 2_147_483_647;

type ExponentialSettings = Extract<RestartStrategy, { type: 'exponential-delay' }>;

/**
 * The pause starts at the initial backoff and grows by the multiplier up to the maximum; after
 * reset-backoff-threshold without a failure it starts again from the initial backoff, and so does
 * the count of attempts (attempts-before-reset-backoff). A failure that comes while a restart is
 * still pending (a second TaskExecutor of the same lost node, say) joins that restart instead of
 * counting again, as Flink 1.19 does.
 */
class ExponentialDelay implements RestartBackoffStrategy {
  readonly description: string;
  private backoffMs: number;
  private attempts = 0;
  private lastFailureAt: number | undefined;
  private restartAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly s: ExponentialSettings,
    private readonly clock: StrategyClock,
  ) {
    const problems: string[] = [];
    if (s.initialBackoffMs < 1) problems.push('restart-strategy.exponential-delay.initial-backoff must be at least 1 ms');
    if (s.maxBackoffMs < s.initialBackoffMs)
      problems.push('restart-strategy.exponential-delay.max-backoff must not be below initial-backoff');
    if (!(s.multiplier >= 1))
      problems.push(`restart-strategy.exponential-delay.backoff-multiplier must be at least 1 (got ${s.multiplier})`);
    if (s.resetThresholdMs < 1) problems.push('restart-strategy.exponential-delay.reset-backoff-threshold must be at least 1 ms');
    if (!(s.jitter >= 0 && s.jitter <= 1))
      problems.push(`restart-strategy.exponential-delay.jitter-factor must be from 0 to 1 (got ${s.jitter})`);
    if (problems.length) throw new RestartStrategyError(problems.join('; '));
    this.backoffMs = s.initialBackoffMs;
    this.description =
      `exponential-delay from ${formatLoomDuration(s.initialBackoffMs)} to ${formatLoomDuration(s.maxBackoffMs)} (x${s.multiplier}), ` +
      `${s.attempts >= UNLIMITED ? 'unlimited' : s.attempts} attempts before reset-backoff-threshold ${formatLoomDuration(s.resetThresholdMs)}`;
  }

  onFailure(): RestartDecision {
    const now = this.clock.now();
    if (now < this.restartAt) return { restart: true, delayMs: this.restartAt - now };
    if (this.lastFailureAt !== undefined) {
      if (now - this.lastFailureAt >= this.s.resetThresholdMs + this.backoffMs) {
        this.backoffMs = this.s.initialBackoffMs;
        this.attempts = 0;
      } else {
        this.backoffMs = Math.min(this.s.maxBackoffMs, Math.max(this.s.initialBackoffMs, Math.round(this.backoffMs * this.s.multiplier)));
      }
    }
    this.lastFailureAt = now;
    this.attempts += 1;
    if (this.attempts > this.s.attempts) {
      return { restart: false, reason: `restart-strategy ${this.description} exhausted: ${this.attempts} failures without a reset` };
    }
    const delayMs = this.withJitter(this.backoffMs);
    this.restartAt = now + delayMs;
    return { restart: true, delayMs };
  }

  /** backoff ± jitter × backoff, never above the maximum nor below 0. */
  private withJitter(backoffMs: number): number {
    const offset = Math.floor(backoffMs * this.s.jitter);
    if (offset === 0) return backoffMs;
    const r = (this.clock.random ?? Math.random)();
    const shift = Math.round((2 * r - 1) * offset);
    return Math.max(0, Math.min(this.s.maxBackoffMs, backoffMs + shift));
  }
}
