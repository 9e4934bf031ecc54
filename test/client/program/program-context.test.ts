// The user-program API without a cluster: ctx checks each job request, hands it to the mode's
// submitter, and the runner waits for every job main() started.
import { describe, expect, it } from 'vitest';
import type { JobPlan } from '../../../client/program/job-request.js';
import { createProgramContext, type JobSubmitter } from '../../../client/program/program-context.js';
import {
  DetachedResultError,
  describeMainFailure,
  describeProgramError,
  JobFailedError,
  ProgramError,
} from '../../../client/program/program-errors.js';
import { ApplicationEndedError } from '../../../client/deploy/running/application-waiter.js';
import type { ApplicationReport } from '../../../client/hadoop/yarn/cluster-reports.js';
import { programMainOf } from '../../../client/program/program-loader.js';
import type { ProgramContext } from '../../../client/program/program-api.js';
import { runProgram } from '../../../client/program/run-program.js';

/** A submitter whose jobs end as the test says: results per export, or a failure. */
function fakeSubmitter(outcomes: Record<string, unknown[] | Error>): JobSubmitter & { plans: JobPlan[] } {
  const plans: JobPlan[] = [];
  return {
    plans,
    async submit(plan) {
      plans.push(plan);
      const id = String(plans.length).padStart(32, '0');
      const outcome = plan.exportName in outcomes ? outcomes[plan.exportName] : [];
      return {
        id,
        applicationId: 'application_1_0001',
        result: async () => (outcome instanceof Error ? Promise.reject(outcome) : outcome),
      };
    },
  };
}

function context(submitter: JobSubmitter, detached = false, logs: string[] = []) {
  return createProgramContext({
    args: ['in.txt'],
    mode: 'session',
    detached,
    submitter,
    defaultParallelism: 3,
    bundleName: 'wc.mjs',
    hdfs: () => {
      throw new Error('no HDFS here');
    },
    log: (l) => logs.push(l),
  });
}

describe('ctx.submit / ctx.run', () => {
  it('fills in parallelism.default, [] args and a name from the export and bundle, and returns the results', async () => {
    const submitter = fakeSubmitter({ countWords: [{ n: 1 }, { n: 2 }] });
    const logs: string[] = [];
    const tracked = context(submitter, false, logs);
    const outcome = await runProgram(async (ctx: ProgramContext) => {
      ctx.log(`args ${ctx.args.join(',')}`);
      return ctx.run({ exportName: 'countWords' });
    }, tracked);
    expect(outcome.value).toEqual([{ n: 1 }, { n: 2 }]);
    expect(submitter.plans).toEqual([{ exportName: 'countWords', parallelism: 3, args: [], name: 'countWords (wc.mjs)' }]);
    expect(logs).toEqual(['args in.txt']);
    expect(outcome.jobs.map((j) => j.observed)).toEqual([true]);
  });

  it('refuses a bad request with every problem named, before the submitter sees it', async () => {
    const submitter = fakeSubmitter({});
    const { ctx } = context(submitter);
    const err = await ctx
      .submit({ exportName: ' ', parallelism: 0, args: 'x' as unknown as unknown[], name: 5 as unknown as string })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProgramError);
    expect((err as Error).message).toBe(
      'ctx.submit(): exportName must name the bundle export every task calls (e.g. "countWords"); parallelism must be a whole number from 1 to 10000 (got 0); ' +
        'args must be an array (every task gets it as task.args); name must be a string when given',
    );
    await expect(ctx.submit({ exportName: 'f', args: [10n] })).rejects.toThrow(/args must be JSON-serialisable/);
    // The AM's own limit (MAX_PARALLELISM), checked here before anything is uploaded.
    await expect(ctx.submit({ exportName: 'f', parallelism: 10_001 })).rejects.toThrow(
      'parallelism must be a whole number from 1 to 10000 (got 10001)',
    );
    expect(submitter.plans).toEqual([]);
  });

  it('a failed job main() never asked about fails the program after main() returns; one main() awaited and caught does not', async () => {
    const failure = new JobFailedError('f'.repeat(32), 'FAILED', 'task 0: boom');
    const unobserved = runProgram(
      async (ctx: ProgramContext) => {
        await ctx.submit({ exportName: 'bad' });
        return 'returned';
      },
      context(fakeSubmitter({ bad: failure })),
    );
    await expect(unobserved).rejects.toBe(failure);

    const handled = await runProgram(
      async (ctx: ProgramContext) => {
        const job = await ctx.submit({ exportName: 'bad' });
        return job.result().catch((e: unknown) => `handled: ${e instanceof Error ? e.message : String(e)}`);
      },
      context(fakeSubmitter({ bad: failure })),
    );
    expect(handled.value).toBe(`handled: job ${'f'.repeat(32)} FAILED: task 0: boom`);
  });

  it('detached: handles carry the ids, result() says why there is none, the runner waits for nothing', async () => {
    const outcome = await runProgram(
      async (ctx: ProgramContext) => {
        const job = await ctx.submit({ exportName: 'countWords', parallelism: 2 });
        const err = await job.result().catch((e: unknown) => e);
        return { id: job.id, app: job.applicationId, detached: ctx.detached, err };
      },
      context(fakeSubmitter({ countWords: new Error('never followed') }), true),
    );
    const value = outcome.value as { id: string; app: string; detached: boolean; err: unknown };
    expect(value).toMatchObject({ id: '0'.repeat(31) + '1', app: 'application_1_0001', detached: true });
    expect(value.err).toBeInstanceOf(DetachedResultError);
    expect((value.err as Error).message).toMatch(/runs detached in application_1_0001: its results are not followed; run without -d/);
  });
});

describe('finding main() and describing its error', () => {
  it('takes the default export or a named one, and says how to make a bundle of task functions a program', () => {
    const main = async () => 1;
    expect(programMainOf({ default: main }, 'default', 'wc.mjs')).toBe(main);
    expect(programMainOf({ other: main }, 'other', 'wc.mjs')).toBe(main);
    expect(() => programMainOf({ countWords: main }, 'default', 'wc.mjs')).toThrow(
      'wc.mjs has no default export, so it is not a program: add `export default async function main(ctx) { ... }`, or name the export holding main with -c (its exported functions: countWords)',
    );
    expect(() => programMainOf({ countWords: main }, 'mian', 'wc.mjs')).toThrow(
      'wc.mjs exports no function named "mian" (its exported functions: countWords)',
    );
    expect(() => programMainOf({ default: 42 }, 'default', 'wc.mjs')).toThrow(
      'wc.mjs: the export "default" is a number, not a main(ctx) function',
    );
  });

  it('keeps the message and the first stack frames, not the whole stack', () => {
    const err = new TypeError('bad input');
    err.stack = ['TypeError: bad input', ...Array.from({ length: 10 }, (_, i) => `    at f${i} (file:///x.mjs:${i}:1)`)].join('\n');
    expect(describeProgramError(err, 2)).toBe('TypeError: bad input\n    at f0 (file:///x.mjs:0:1)\n    at f1 (file:///x.mjs:1:1)');
    expect(describeProgramError('just a string')).toBe('a non-Error value was thrown: just a string');
  });

  it("main()'s failure in one line: its own error where the user's file threw it, a Loom error as its message, never a stack", () => {
    const err = new TypeError('main is broken');
    err.stack = [
      'TypeError: main is broken',
      '    at processTicksAndRejections (node:internal/process/task_queues:95:5)',
      `    at runProgram (${new URL('../../../client/program/run-program.js', import.meta.url).href}:12:3)`,
      '    at dep (file:///work/app/node_modules/dep/index.js:1:1)',
      '    at main (file:///work/app/prog.mjs:2:38)',
    ].join('\n');
    expect(describeMainFailure(err, '/work/app')).toBe('main() failed: TypeError: main is broken (prog.mjs:2:38)');
    expect(describeMainFailure(err, '/elsewhere')).toBe('main() failed: TypeError: main is broken (/work/app/prog.mjs:2:38)');
    const internal = new Error('only Node frames');
    internal.stack = 'Error: only Node frames\n    at processTicksAndRejections (node:internal/process/task_queues:95:5)';
    expect(describeMainFailure(internal)).toBe('main() failed: only Node frames');

    const failed = new JobFailedError('f'.repeat(32), 'FAILED', 'task 0 ...\n    at x (y.mjs:1:1)', {
      summary: `job ${'f'.repeat(32)} FAILED: task 0 (attempt 1) failed: Error: no (wc.mjs:3:4)`,
      detail: '...',
    });
    expect(describeMainFailure(failed)).toBe(`job ${'f'.repeat(32)} FAILED: task 0 (attempt 1) failed: Error: no (wc.mjs:3:4)`);
    const ended = new ApplicationEndedError(
      'application_1_0001 ended FAILED/FAILED:\nAM exited\n    at Object.<anonymous> (/am/x.js:1:1)',
      {} as ApplicationReport,
    );
    expect(describeMainFailure(ended)).toBe('application_1_0001 ended FAILED/FAILED:\n  AM exited');
  });
});
