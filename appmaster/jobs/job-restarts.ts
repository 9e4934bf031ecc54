/**
 * One job's failures and its restart strategy: each failure is recorded with where it happened
 * (the TaskExecutor, which is its container id) so that, when the strategy gives up, the job's
 * error names the strategy, every lost TaskExecutor's container and why it ended.
 */
import type { RestartBackoffStrategy, RestartDecision } from './restart-backoff-strategy.js';

export interface JobFailure {
  /** The TaskExecutor the failure happened on: its container id. */
  taskExecutorId: string;
  /** What happened, naming the TaskExecutor, e.g. `TaskExecutor c2 (host) was lost: its connection was lost`. */
  what: string;
  /** Indexes of the job's tasks it hit. */
  tasks: number[];
  /** Whether the TaskExecutor itself was lost (then its container's exit is worth naming). */
  lostTaskExecutor: boolean;
}

/** The failures listed in a job's error; older ones are only counted. */
const LISTED_FAILURES = 20;

export class JobRestarts {
  private readonly listed: JobFailure[] = [];
  private total = 0;

  constructor(private readonly strategy: RestartBackoffStrategy) {}

  /** Records a failure and asks the strategy whether (and when) the hit tasks run again. */
  onFailure(failure: JobFailure): RestartDecision {
    this.total += 1;
    this.listed.push(failure);
    if (this.listed.length > LISTED_FAILURES) this.listed.shift();
    return this.strategy.onFailure();
  }

  get failureCount(): number {
    return this.total;
  }

  /**
   * The job's error once the strategy gave up: its reason, then one line per failure with the
   * container and, for lost TaskExecutors, how the container ended as far as YARN has reported it.
   */
  giveUpError(reason: string, containerExit: (containerId: string) => string | undefined): string {
    const lines = this.listed.map((f) => {
      const tasks = `task${f.tasks.length === 1 ? '' : 's'} ${f.tasks.join(', ')}`;
      const exit = f.lostTaskExecutor ? (containerExit(f.taskExecutorId) ?? "its container's exit is not reported yet") : undefined;
      return `  - ${firstLine(f.what)} [${tasks}]${exit ? `; ${exit}` : ''}`;
    });
    const earlier = this.total - this.listed.length;
    const more = earlier > 0 ? `\n  (and ${earlier} earlier failure(s))` : '';
    const last = this.listed.at(-1);
    const detail = last?.what.includes('\n') ? `\nlast failure in full: ${last.what}` : '';
    return `${reason} after ${this.total} failure(s) of the job:\n${lines.join('\n')}${more}${detail}`;
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}
