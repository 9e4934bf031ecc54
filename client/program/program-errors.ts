/** Errors a user program sees from ctx, and the one the loaders throw for a bundle that is not a program. */

/** A bad ctx.submit() request or a bundle without a usable main(). */
export class ProgramError extends Error {
  override name = 'ProgramError';
}

/** result() of a job that FAILED or was CANCELED: the job's own error is in the message. */
export class JobFailedError extends Error {
  override name = 'JobFailedError';
  constructor(
    readonly jobId: string,
    readonly state: string,
    readonly jobError: string | undefined,
  ) {
    super(`job ${jobId} ${state}${jobError ? `: ${jobError}` : ''}`);
  }
}

/** result() when the program runs detached (per-job -d): nobody follows the job. */
export class DetachedResultError extends Error {
  override name = 'DetachedResultError';
  constructor(readonly jobId: string, readonly applicationId: string) {
    super(`job ${jobId} runs detached in ${applicationId}: its results are not followed; run without -d to get them, or have the tasks write them to HDFS`);
  }
}

/** The error message, then the first lines of its stack: enough to find the line, short enough for YARN's diagnostics. */
export function describeProgramError(err: unknown, stackLines = 6): string {
  if (!(err instanceof Error)) return `a non-Error value was thrown: ${String(err)}`;
  const head = `${err.name && err.name !== 'Error' ? `${err.name}: ` : ''}${err.message || '(no message)'}`;
  const frames = (err.stack ?? '')
    .split('\n')
    .filter((l) => /^\s+at /.test(l))
    .slice(0, stackLines);
  return frames.length ? `${head}\n${frames.join('\n')}` : head;
}
