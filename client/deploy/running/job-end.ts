/**
 * How a job's end reads for a person: one line naming the job and what ended it (the failed task,
 * its attempt, its error and where in the user's files it was thrown), and for --verbose the
 * rest: every failed task's error with its stack, the AM's own account.
 */
import { UPLOADED_NAMES, type BundleNames } from '../bundle/bundle-names.js';
import type { JobStatus, TaskStatus } from './dispatcher-client.js';

export interface JobEnd {
  /** One line: `job <id> FAILED: task 0 (attempt 1) failed: Error: bad input (throws.mjs:6:31)`. */
  summary: string;
  /** For --verbose: the failed tasks' errors with their stacks, the AM's account of the failure. */
  detail?: string;
}

export function describeJobEnd(job: JobStatus, names: BundleNames = UPLOADED_NAMES): JobEnd {
  if (job.state === 'FINISHED') return { summary: `job ${job.id} finished` };
  if (job.state === 'CANCELED') {
    // A user's cancel leaves no error; the AM names any other cause (its shutdown, a lost client).
    const why = job.error ? ` (${firstLine(job.error)})` : '';
    return { summary: `job ${job.id} was cancelled${why}` };
  }
  const failed = job.tasks.filter((t): t is FailedTask => t.state === 'FAILED' && !!t.error);
  const amError = job.error;
  const detail = [
    ...failed.map((t) => `task ${t.index} (attempt ${t.attempt}): ${names.text(t.error)}`),
    ...(amError && !failed.some((t) => amError.includes(t.error)) ? [`the ApplicationMaster: ${names.text(amError)}`] : []),
  ].join('\n');
  const what = failed.length > 0 && (!job.error || /^tasks? \d/.test(job.error)) ? taskFailures(failed, names) : jobError(job.error, names);
  return { summary: `job ${job.id} ${job.state}: ${what}`, ...(detail ? { detail } : {}) };
}

/** A task that failed with an error. */
type FailedTask = TaskStatus & { error: string };

/** The first distinct task error, once, with every task that failed with it. */
function taskFailures(failed: FailedTask[], names: BundleNames): string {
  const groups = new Map<string, TaskStatus[]>();
  for (const t of failed) {
    const key = taskErrorLine(t.error, names);
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  const [[line, tasks]] = [...groups] as [[string, TaskStatus[]]];
  const attempts = [...new Set(tasks.map((t) => t.attempt))];
  const which = `task${tasks.length === 1 ? '' : 's'} ${tasks.map((t) => t.index).join(', ')} (attempt ${attempts.join(', ')})`;
  const rest = failed.filter((t) => !tasks.includes(t)).map((t) => t.index);
  const listed = rest.length > 5 ? `${rest.slice(0, 5).join(', ')} and ${rest.length - 5} more` : rest.join(', ');
  const others = rest.length ? `; task${rest.length === 1 ? '' : 's'} ${listed} failed too (--verbose shows how)` : '';
  return `${which} failed: ${line}${others}`;
}

/**
 * A task's error as one line: its message, and where in the user's own files (not their node_modules, when it passed through them) it was
 * thrown.
 */
export function taskErrorLine(error: string, names: BundleNames = UPLOADED_NAMES): string {
  const lines = error.split('\n');
  const message = names.text(lines.find((l) => l.trim() !== '' && !isFrame(l)) ?? lines[0]);
  const inBundle = lines
    .filter(isFrame)
    .map(frameLocation)
    .filter((loc): loc is NonNullable<typeof loc> => loc !== undefined && isBundleRelative(loc.file));
  const where = inBundle.find((loc) => !/(^|\/)node_modules\//.test(loc.file)) ?? inBundle.at(0);
  return where ? `${message} (${names.path(where.file)}:${where.line}:${where.column})` : message;
}

/** The AM's own reason (not a task's error): its first line, and the first failure it lists. */
function jobError(error: string | undefined, names: BundleNames): string {
  if (!error) return 'no reason given';
  const lines = error.split('\n').map((l) => l.trim());
  const head = names.text(lines[0]);
  const first = lines[1]?.replace(/^- /, '');
  return head.endsWith(':') && first ? `${head} ${names.text(first)}` : head;
}

function isFrame(line: string): boolean {
  return /^\s+at /.test(line);
}

/** `at fn (file:1:2)` or `at file:1:2`: the file, line and column. */
function frameLocation(frame: string): { file: string; line: number; column: number } | undefined {
  const body = frame.replace(/^\s+at\s+(async\s+)?/, '').trim();
  const where = /\(([^()]*)\)$/.exec(body)?.[1] ?? (/^[^()\s]+$/.test(body) ? body : undefined);
  const m = where === undefined ? null : /^(.+):(\d+):(\d+)$/.exec(where);
  return m ? { file: m[1], line: Number(m[2]), column: Number(m[3]) } : undefined;
}

/** A location inside the bundle as TaskExecutors report it: a relative path, no URL scheme, not Node's own. */
function isBundleRelative(file: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(file) && !file.startsWith('/') && !file.startsWith('<') && file !== 'native';
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}
