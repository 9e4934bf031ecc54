// A job's end as a person reads it: one line with the job, the task, its attempt, its error and
// where in the user's own file it was thrown; the stacks only in the detail (--verbose).
import { describe, expect, it } from 'vitest';
import { bundleNames } from '../../../../client/deploy/bundle/bundle-names.js';
import type { JobStatus, TaskStatus } from '../../../../client/deploy/running/dispatcher-client.js';
import { describeJobEnd } from '../../../../client/deploy/running/job-end.js';
import { jobResults } from '../../../../client/deploy/running/job-follow.js';
import { JobFailedError } from '../../../../client/program/program-errors.js';

const ID = 'ab'.repeat(16);
const TE = 'container_1_0001_01_000002';
/** As the AM records a task that threw: the message, then the stack the TaskExecutor made relative to the bundle. */
const THROWN = [
  'Error: bad input 0',
  '    at boom (throws-8394da82d297.mjs:6:31)',
  '    at runTask (file:///nm/filecache/10/loom-runtime-1.tar.gz/dist/taskexecutor/task-worker.js:33:29)',
  '    at async file:///nm/filecache/10/loom-runtime-1.tar.gz/dist/taskexecutor/task-worker.js:70:24',
].join('\n');

function job(state: JobStatus['state'], tasks: Partial<TaskStatus>[], error?: string): JobStatus {
  return {
    id: ID,
    name: 'boom (throws.mjs)',
    state,
    parallelism: tasks.length,
    exportName: 'boom',
    submittedAt: 1,
    tasks: tasks.map((t, index) => ({ index, state: 'CANCELED', attempt: 1, ...t })),
    ...(error !== undefined ? { error } : {}),
  };
}

const names = bundleNames({ description: { kind: 'file', size: 1 }, uploadName: 'throws-8394da82d297.mjs' }, 'jobs/throws.mjs');

describe('describeJobEnd', () => {
  it("a task that threw: one line with the user's file and line, no Loom frames; the stack is the detail", () => {
    const failed = job(
      'FAILED',
      [
        { state: 'FAILED', error: THROWN },
        { state: 'CANCELED', error: 'job failed: task 0 ...' },
      ],
      `task 0 (attempt 1) failed on TaskExecutor ${TE}: ${THROWN}`,
    );
    const end = describeJobEnd(failed, names);
    expect(end.summary).toBe(`job ${ID} FAILED: task 0 (attempt 1) failed: Error: bad input 0 (jobs/throws.mjs:6:31)`);
    expect(end.summary).not.toContain('\n');
    expect(end.detail).toContain('at boom (jobs/throws.mjs:6:31)');
    expect(end.detail).toContain('task-worker.js');
    // The AM's account repeats the task's error: it is not shown twice.
    expect(end.detail!.match(/bad input 0/g)).toHaveLength(1);
  });

  it('the same error on several tasks is said once, naming the tasks; a different one is counted, not repeated', () => {
    const missing = 'the bundle exports no function named "nope" (its exported functions: boom)';
    const end = describeJobEnd(
      job(
        'FAILED',
        [
          { state: 'FAILED', error: missing },
          { state: 'FAILED', error: missing },
          { state: 'FAILED', error: THROWN },
        ],
        `task 1 (attempt 1) failed on TaskExecutor ${TE}: ${missing}`,
      ),
      names,
    );
    expect(end.summary).toBe(`job ${ID} FAILED: tasks 0, 1 (attempt 1) failed: ${missing}; task 2 failed too (--verbose shows how)`);
  });

  it("a directory bundle's frames are paths inside it, shown under the user's directory; the user's own code before its node_modules", () => {
    const archive = bundleNames(
      { description: { kind: 'archive', entry: 'index.mjs', size: 1 }, uploadName: 'app-0123456789ab.tar.gz' },
      'app',
    );
    const error = 'TypeError: x is not a function\n    at parse (node_modules/dep/index.js:1:5)\n    at parse (lib/parse.mjs:3:9)';
    expect(
      describeJobEnd(job('FAILED', [{ state: 'FAILED', error }], `task 0 (attempt 1) failed on TaskExecutor ${TE}: ${error}`), archive)
        .summary,
    ).toBe(`job ${ID} FAILED: task 0 (attempt 1) failed: TypeError: x is not a function (app/lib/parse.mjs:3:9)`);
  });

  it('a job the AM gave up on names its reason and the first failure it lists', () => {
    const error =
      'the restart strategy gave up after 2 failure(s) of the job:\n  - TaskExecutor container_1 (h) was lost: gone [task 0]\n  - TaskExecutor container_2 (h) was lost: gone [task 0]';
    const end = describeJobEnd(job('FAILED', [{ state: 'FAILED', error: 'TaskExecutor container_2 (h) was lost: gone' }], error));
    expect(end.summary).toBe(
      `job ${ID} FAILED: the restart strategy gave up after 2 failure(s) of the job: TaskExecutor container_1 (h) was lost: gone [task 0]`,
    );
  });

  it('a cancelled job is one line, with the cause when it was not a person', () => {
    expect(describeJobEnd(job('CANCELED', [{}, {}])).summary).toBe(`job ${ID} was cancelled`);
    expect(describeJobEnd(job('CANCELED', [{}], 'the cluster is shutting down')).summary).toBe(
      `job ${ID} was cancelled (the cluster is shutting down)`,
    );
  });

  it("a program's result(): a JobFailedError whose message is that one line, the job's error kept for programs", () => {
    const failed = job('FAILED', [{ state: 'FAILED', error: THROWN }], `task 0 (attempt 1) failed on TaskExecutor ${TE}: ${THROWN}`);
    let thrown: unknown;
    try {
      jobResults(failed, names);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(JobFailedError);
    const err = thrown as JobFailedError;
    expect(err.message).toBe(`job ${ID} FAILED: task 0 (attempt 1) failed: Error: bad input 0 (jobs/throws.mjs:6:31)`);
    expect(err.state).toBe('FAILED');
    expect(err.jobError).toContain(`failed on TaskExecutor ${TE}`);
    expect(err.detail).toContain('at boom (jobs/throws.mjs:6:31)');
  });
});
