import { describeExitStatus } from './container-exit-status.js';

/** One TaskExecutor container that ended without the AM asking it to. */
export interface ContainerFailure {
  containerId: string;
  /** Absent when the container never started (the NodeManager refused the launch). */
  exitStatus?: number;
  diagnostics: string;
}

/**
 * Counts failed TaskExecutor containers against `yarn.maximum-failed-containers`: that many
 * failures are replaced, the next one fails the application. A negative maximum means no limit.
 * Unset, the limit follows the most TaskExecutors wanted at once (Flink's default is the number of
 * TaskExecutors first requested), read through `peakWanted` when a failure happens.
 */
export class FailureBudget {
  private readonly failures: ContainerFailure[] = [];

  constructor(
    private readonly configured: number | undefined,
    private readonly peakWanted: () => number = () => 0,
  ) {}

  get limit(): number {
    return this.configured ?? Math.max(1, this.peakWanted());
  }

  /** Records a failure; true while a replacement is still allowed. */
  record(failure: ContainerFailure): boolean {
    this.failures.push(failure);
    return !this.exhausted;
  }

  get count(): number {
    return this.failures.length;
  }

  get exhausted(): boolean {
    return this.limit >= 0 && this.failures.length > this.limit;
  }

  /** The application's final diagnostics: every failed container with its exit code and first diagnostics line. */
  diagnostics(): string {
    const lines = this.failures.map((f) => {
      const how = f.exitStatus === undefined ? 'did not start' : `exit code ${describeExitStatus(f.exitStatus)}`;
      return `  ${f.containerId}: ${how}: ${firstLine(f.diagnostics)}`;
    });
    return (
      `${this.failures.length} TaskExecutor container(s) failed, more than ${this.limitText()} allows; ` +
      `raise it or fix the cause shown in the containers' logs:\n${lines.join('\n')}`
    );
  }

  private limitText(): string {
    if (this.configured !== undefined) return `yarn.maximum-failed-containers=${this.configured}`;
    return `the default limit of ${this.limit} (yarn.maximum-failed-containers unset: as many as TaskExecutors wanted at once)`;
  }
}

function firstLine(text: string): string {
  const line = text.split('\n').map((l) => l.trim()).find((l) => l.length > 0);
  return line ?? '(no diagnostics)';
}
