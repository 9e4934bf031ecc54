/**
 * Task progress on its way to the AM: a task may call `task.progress()` in a tight loop, the AM
 * needs only the latest value now and then. Per attempt, the first report goes at once, later ones
 * wait so that at most one goes every `intervalMs` (250 ms), the newest replacing any not yet
 * sent. When the attempt ends, its pending value goes at once, before its final TaskUpdate on the
 * same stream (as Hadoop's TaskReporter sends the last status with the task's done call).
 */
import { taskKey, type TaskProgressMessage, type TaskRef } from '../client/contracts/taskexecutor-protocol.js';

/** The clock and timers the coalescer uses (fakes in tests). */
export interface CoalescerTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface TaskProgressCoalescerOptions {
  send(progress: TaskProgressMessage): void;
  /** Default 250 ms. */
  intervalMs?: number;
  timers?: CoalescerTimers;
}

export const TASK_PROGRESS_INTERVAL_MS = 250;

interface AttemptProgress {
  lastSentAt: number;
  pending?: TaskProgressMessage;
  timer?: unknown;
}

const REAL_TIMERS: CoalescerTimers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class TaskProgressCoalescer {
  private readonly attempts = new Map<string, AttemptProgress>();
  private readonly intervalMs: number;
  private readonly timers: CoalescerTimers;

  constructor(private readonly opts: TaskProgressCoalescerOptions) {
    this.intervalMs = opts.intervalMs ?? TASK_PROGRESS_INTERVAL_MS;
    this.timers = opts.timers ?? REAL_TIMERS;
  }

  report(progress: TaskProgressMessage): void {
    const key = taskKey(progress.task);
    const now = this.timers.now();
    const state = this.attempts.get(key);
    if (!state) {
      this.attempts.set(key, { lastSentAt: now });
      this.opts.send(progress);
      return;
    }
    state.pending = progress;
    if (state.timer !== undefined) return;
    const wait = Math.max(0, state.lastSentAt + this.intervalMs - now);
    state.timer = this.timers.setTimeout(() => {
      state.timer = undefined;
      this.sendPending(state);
    }, wait);
  }

  /** The attempt ended: its pending value goes now; nothing more is sent for it. */
  attemptEnded(task: TaskRef): void {
    const key = taskKey(task);
    const state = this.attempts.get(key);
    if (!state) return;
    this.attempts.delete(key);
    if (state.timer !== undefined) this.timers.clearTimeout(state.timer);
    this.sendPending(state);
  }

  /** Drops every pending value (the TaskExecutor is exiting). */
  close(): void {
    for (const state of this.attempts.values()) if (state.timer !== undefined) this.timers.clearTimeout(state.timer);
    this.attempts.clear();
  }

  private sendPending(state: AttemptProgress): void {
    const pending = state.pending;
    if (!pending) return;
    state.pending = undefined;
    state.lastSentAt = this.timers.now();
    this.opts.send(pending);
  }
}
