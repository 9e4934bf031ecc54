import { formatLoomDuration } from '../../client/conf/loom-config-duration.js';
import { describeExitStatus } from '../../client/hadoop/yarn/container-exit-status.js';

/** One TaskExecutor container that ended without the AM asking it to. */
export interface ContainerFailure {
  containerId: string;
  /** Absent when the container never started (the NodeManager refused the launch). */
  exitStatus?: number;
  diagnostics: string;
}

/** yarn.containers.failure-rate-interval and the clock it is measured with. */
export interface FailureWindow {
  /** Only failures this recent count; undefined: every failure in the application's life. */
  intervalMs: number | undefined;
  now: () => number;
}

/** With no limit nothing depends on the list, so only this many are kept for the log. */
const KEPT_WITHOUT_LIMIT = 1000;

/**
 * Counts failed TaskExecutor containers against `yarn.maximum-failed-containers`: that many
 * failures are replaced, the next one fails the application. A negative maximum means no limit.
 * Unset, the limit follows the most TaskExecutors wanted at once (Flink's default is the number of
 * TaskExecutors first requested), read through `peakWanted` when a failure happens.
 *
 * With a window (yarn.containers.failure-rate-interval, Loom's own key: Flink counts over the
 * application's life only) a failure counts only while it is younger than the interval, so a
 * long-running session survives occasional failures and still stops a crash loop.
 */
export class FailureBudget {
  private readonly failures: (ContainerFailure & { at: number })[] = [];
  private outsideWindow = 0;

  constructor(
    private readonly configured: number | undefined,
    private readonly peakWanted: () => number = () => 0,
    private readonly window: FailureWindow = { intervalMs: undefined, now: Date.now },
  ) {
    if (window.intervalMs !== undefined && window.intervalMs < 1) {
      throw new RangeError(
        `yarn.containers.failure-rate-interval must be at least 1 ms (got ${window.intervalMs}); remove it to count failures over the application's life`,
      );
    }
  }

  get limit(): number {
    return this.configured ?? Math.max(1, this.peakWanted());
  }

  /** Records a failure; true while a replacement is still allowed. */
  record(failure: ContainerFailure): boolean {
    this.failures.push({ ...failure, at: this.window.now() });
    if (this.limit < 0 && this.failures.length > KEPT_WITHOUT_LIMIT) this.failures.shift();
    return !this.exhausted;
  }

  /** Failures that count now (within the window, if there is one). */
  get count(): number {
    this.forgetOld();
    return this.failures.length;
  }

  get exhausted(): boolean {
    return this.limit >= 0 && this.count > this.limit;
  }

  /** The application's final diagnostics: every counted failed container with its exit code and first diagnostics line. */
  diagnostics(): string {
    this.forgetOld();
    const lines = this.failures.map((f) => {
      const how = f.exitStatus === undefined ? 'did not start' : `exit code ${describeExitStatus(f.exitStatus)}`;
      return `  ${f.containerId}: ${how}: ${firstDiagnosticsLine(f.diagnostics)}`;
    });
    const interval = this.window.intervalMs;
    const within = interval === undefined ? '' : ` within ${formatLoomDuration(interval)} (yarn.containers.failure-rate-interval)`;
    const older = this.outsideWindow > 0 ? `\n  (${this.outsideWindow} earlier failure(s) fell outside the interval and do not count)` : '';
    return (
      `${this.failures.length} TaskExecutor container(s) failed${within}, more than ${this.limitText()} allows; ` +
      `raise it or fix the cause shown in the containers' logs:\n${lines.join('\n')}${older}`
    );
  }

  private forgetOld(): void {
    const interval = this.window.intervalMs;
    if (interval === undefined) return;
    const now = this.window.now();
    while (this.failures.length > 0 && now - this.failures[0].at > interval) {
      this.failures.shift();
      this.outsideWindow += 1;
    }
  }

  private limitText(): string {
    if (this.configured !== undefined) return `yarn.maximum-failed-containers=${this.configured}`;
    return `the default limit of ${this.limit} (yarn.maximum-failed-containers unset: as many as TaskExecutors wanted at once)`;
  }
}

/** The first line of container diagnostics that says something, without the NodeManager's `[timestamp]` prefix. */
export function firstDiagnosticsLine(text: string): string {
  const line = text
    .split('\n')
    .map((l) => l.replace(/^\[[^\]]*\]/, '').trim())
    .find((l) => l.length > 0);
  return line ?? '(no diagnostics)';
}
