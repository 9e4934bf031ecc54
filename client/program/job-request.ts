/**
 * Checks a program's ctx.submit() request and fills in the defaults, so every mode hands its
 * cluster the same well-formed job: every problem at once, each with what a good value looks like.
 */
import { MAX_PARALLELISM } from './job-limits.js';
import type { JobRequest } from './program-api.js';
import { ProgramError } from './program-errors.js';

/** A request with its defaults applied and its arguments known to be JSON. */
export interface JobPlan {
  exportName: string;
  parallelism: number;
  args: unknown[];
  name: string;
}

export function planJob(request: unknown, defaults: { parallelism: number; bundleName: string }): JobPlan {
  if (typeof request !== 'object' || request === null) {
    throw new ProgramError('ctx.submit() takes a job: { exportName, parallelism?, args?, name? }');
  }
  const r = request as Partial<Record<keyof JobRequest, unknown>>;
  const problems: string[] = [];
  if (typeof r.exportName !== 'string' || r.exportName.trim() === '')
    problems.push('exportName must name the bundle export every task calls (e.g. "countWords")');
  const p = r.parallelism ?? defaults.parallelism;
  if (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > MAX_PARALLELISM) {
    problems.push(`parallelism must be a whole number from 1 to ${MAX_PARALLELISM} (got ${JSON.stringify(r.parallelism)})`);
  }
  const args = r.args ?? [];
  if (!Array.isArray(args)) problems.push('args must be an array (every task gets it as task.args)');
  else {
    try {
      JSON.stringify(args);
    } catch (err) {
      problems.push(`args must be JSON-serialisable (${(err as Error).message})`);
    }
  }
  if (r.name !== undefined && typeof r.name !== 'string') problems.push('name must be a string when given');
  if (problems.length) throw new ProgramError(`ctx.submit(): ${problems.join('; ')}`);
  const exportName = (r.exportName as string).trim();
  return {
    exportName,
    parallelism: p as number,
    args: args as unknown[],
    name: (r.name as string | undefined) ?? `${exportName} (${defaults.bundleName})`,
  };
}
