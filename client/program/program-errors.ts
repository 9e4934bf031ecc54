/** Errors a user program sees from ctx, and the one the loaders throw for a bundle that is not a program. */
import { isAbsolute, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LoomError } from '../errors/loom-error.js';

/** A bad ctx.submit() request or a bundle without a usable main(). */
export class ProgramError extends LoomError {
  static override readonly code: string = 'PROGRAM_INVALID';
  override name = 'ProgramError';
}

/**
 * result() of a job that FAILED or was CANCELED: the job's own error is in `jobError`; the message
 * is one line for a person when the client described the end (client/deploy/running/job-end.ts), the
 * failed tasks' errors and stacks its detail.
 */
export class JobFailedError extends LoomError {
  static override readonly code: string = 'JOB_FAILED';
  override name = 'JobFailedError';
  constructor(
    readonly jobId: string,
    readonly state: string,
    readonly jobError: string | undefined,
    described?: { summary: string; detail?: string },
  ) {
    super(
      described?.summary ?? `job ${jobId} ${state}${jobError ? `: ${jobError}` : ''}`,
      described?.detail ? { detail: described.detail } : {},
    );
  }
}

/** result() when the program runs detached (per-job -d): nobody follows the job. */
export class DetachedResultError extends LoomError {
  static override readonly code: string = 'JOB_RESULT_DETACHED';
  override name = 'DetachedResultError';
  constructor(
    readonly jobId: string,
    readonly applicationId: string,
  ) {
    super(
      `job ${jobId} runs detached in ${applicationId}: its results are not followed; run without -d to get them, or have the tasks write them to HDFS`,
    );
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

/** Where Loom's own modules are (dist/ once built): their frames are not the user's. */
const LOOM_CODE = fileURLToPath(new URL('../../', import.meta.url));

/**
 * main()'s failure as one line for a person: a Loom error (a job that failed, a bad ctx.submit())
 * as its own message; anything main() threw itself as its message and where in the user's files
 * it was thrown (the first frame outside Loom, Node and node_modules), relative to the cwd.
 */
export function describeMainFailure(err: unknown, cwd = process.cwd()): string {
  // A Loom error is already in the user's terms; an application's end keeps YARN's diagnostics (indented), not its stacks.
  if (err instanceof LoomError) return withoutFrames(err.message).trimEnd().split('\n').join('\n  ');
  if (!(err instanceof Error)) return `main() failed: a non-Error value was thrown: ${String(err)}`;
  const head = `${err.name && err.name !== 'Error' ? `${err.name}: ` : ''}${(err.message || '(no message)').split('\n')[0]}`;
  const where = userFrame(err.stack ?? '');
  return `main() failed: ${head}${where ? ` (${displayPath(where.file, cwd)}:${where.line}:${where.column})` : ''}`;
}

function withoutFrames(text: string): string {
  return text
    .split('\n')
    .filter((l) => !/^\s+at /.test(l))
    .join('\n');
}

/** The first frame in a local file outside Loom (and outside node_modules, when there is such a frame). */
function userFrame(stack: string): { file: string; line: string; column: string } | undefined {
  const frames = stack
    .split('\n')
    .filter((l) => /^\s+at /.test(l))
    .flatMap((l) => {
      const body = l.replace(/^\s+at\s+(async\s+)?/, '').trim();
      const where = /\(([^()]*)\)$/.exec(body)?.[1] ?? (/^[^()\s]+$/.test(body) ? body : '');
      const m = /^(file:\/\/\/.*|\/.*):(\d+):(\d+)$/.exec(where);
      if (!m) return [];
      const file = m[1].startsWith('file:') ? fileURLToPath(m[1]) : m[1];
      return file.startsWith(LOOM_CODE) ? [] : [{ file, line: m[2], column: m[3] }];
    });
  return frames.find((f) => !f.file.includes(`${sep}node_modules${sep}`)) ?? frames[0];
}

function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}
