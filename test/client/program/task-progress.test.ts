import { describe, expect, it } from 'vitest';
import { checkedTaskProgress, TaskProgressError, TASK_PROGRESS_MESSAGE_MAX_CHARS } from '../../../client/program/task-progress.js';
import { LoomError } from '../../../client/errors/loom-error.js';

describe('task.progress(fraction, message) checks', () => {
  it('takes a fraction from 0 to 1 and an optional message', () => {
    expect(checkedTaskProgress(0)).toEqual({ fraction: 0, message: '' });
    expect(checkedTaskProgress(1, 'done')).toEqual({ fraction: 1, message: 'done' });
    expect(checkedTaskProgress(0.4, 'reading part-3')).toEqual({ fraction: 0.4, message: 'reading part-3' });
  });

  it.each([[-0.1], [1.5], [47], [Number.NaN], [Number.POSITIVE_INFINITY], ['0.5'], [undefined], [null]])(
    'refuses %s with a LoomError that names the value and the range',
    (bad) => {
      let caught: unknown;
      try {
        checkedTaskProgress(bad);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(TaskProgressError);
      expect(caught).toBeInstanceOf(LoomError);
      const message = (caught as Error).message;
      expect(message).toContain(typeof bad === 'string' ? JSON.stringify(bad) : String(bad));
      expect(message).toContain('from 0 to 1');
      expect((caught as LoomError).code).toBe('TASK_PROGRESS_INVALID');
    },
  );

  it('cuts a long message to 200 characters', () => {
    const { message } = checkedTaskProgress(0.5, 'x'.repeat(1_000));
    expect(message).toHaveLength(TASK_PROGRESS_MESSAGE_MAX_CHARS);
    expect(TASK_PROGRESS_MESSAGE_MAX_CHARS).toBe(200);
  });
});
