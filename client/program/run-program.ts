/**
 * Runs a program to its end: main(ctx), then (unless detached) the end of every job it started.
 * The program fails with main()'s error, or, when main() returned, with the failure of a job
 * whose result it never asked for (a failure it awaited was its own to handle).
 */
import type { ProgramMain } from './program-api.js';
import type { TrackedJob, TrackedProgramContext } from './program-context.js';

export interface ProgramOutcome {
  /** What main() returned. */
  value: unknown;
  jobs: TrackedJob[];
}

export async function runProgram(main: ProgramMain, tracked: TrackedProgramContext): Promise<ProgramOutcome> {
  try {
    const value = await main(tracked.ctx);
    const jobs = tracked.jobs();
    for (const job of jobs) {
      if (!job.ended) continue;
      try {
        await job.ended;
      } catch (err) {
        if (!job.observed) throw err;
      }
    }
    return { value, jobs };
  } finally {
    tracked.close();
  }
}
