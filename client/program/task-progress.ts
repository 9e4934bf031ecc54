/**
 * `task.progress(fraction, message?)`: the check of what a task reports, done in the task's own
 * thread so a bad value throws where the user called it. Hadoop's MapReduce has the same call
 * (`Reporter.setProgress` / `setStatus`, a float 0 to 1 and a free-text status line); Loom keeps
 * the fraction in [0, 1] and the message short, as the AM keeps only the latest per attempt.
 */
import { LoomError } from '../errors/loom-error.js';

/** The longest message kept; longer ones are cut. */
export const TASK_PROGRESS_MESSAGE_MAX_CHARS = 200;

/** What task.progress() reports, checked. */
export interface TaskProgressReport {
  fraction: number;
  message: string;
}

/** task.progress() with a fraction that is not a number from 0 to 1. */
export class TaskProgressError extends LoomError {
  static override readonly code: string = 'TASK_PROGRESS_INVALID';
  override name = 'TaskProgressError';
}

/** The report as sent on: the fraction checked, the message a string of at most TASK_PROGRESS_MESSAGE_MAX_CHARS. */
export function checkedTaskProgress(fraction: unknown, message?: unknown): TaskProgressReport {
  if (typeof fraction !== 'number' || !(fraction >= 0 && fraction <= 1)) {
    const shown = typeof fraction === 'string' ? JSON.stringify(fraction) : String(fraction);
    throw new TaskProgressError(
      `task.progress(${shown}): the fraction must be a number from 0 to 1 (0.5 is half done); pass done / total, not a percentage`,
    );
  }
  const text =
    typeof message === 'string'
      ? message
      : message === undefined || message === null
        ? ''
        : ((JSON.stringify(message) as string | undefined) ?? '');
  return { fraction, message: text.length > TASK_PROGRESS_MESSAGE_MAX_CHARS ? text.slice(0, TASK_PROGRESS_MESSAGE_MAX_CHARS) : text };
}
