/**
 * The AM's copy of task attempts' output, as TaskExecutors forward it (TaskOutput on their
 * streams), for GET /jobs/:id/tasks/:index/output and `loom logs -f`. Bounded per attempt by
 * loom.task-output.max-bytes-per-attempt and max-lines-per-attempt: past either, the oldest lines
 * are dropped and counted (as a ring buffer; the whole output stays in the attempt's file in the
 * TaskExecutor container's log dir, which YARN serves and aggregates). Bounded per job too by
 * loom.task-output.max-bytes-per-job: past it, ended attempts' oldest lines go first (oldest
 * attempt first), then the running attempts' oldest, each counted in its attempt's `dropped`. Held in memory: a new AM
 * attempt starts empty. Where each attempt ran (container, host, NodeManager web address) is
 * recorded with its first lines, so it stays known after the container is released.
 */
import type { JobStatus, TaskOutputJson, TaskOutputLineJson } from '../../client/contracts/dispatcher-rest-types.js';
import { taskKey, type TaskOutputLine, type TaskOutputMessage, type TaskRef } from '../../client/contracts/taskexecutor-protocol.js';

export interface TaskOutputLimits {
  maxBytesPerAttempt: number;
  maxLinesPerAttempt: number;
  /** All attempts of one job together (default DEFAULT_MAX_BYTES_PER_JOB). */
  maxBytesPerJob?: number;
}

export const DEFAULT_MAX_BYTES_PER_JOB = 16 * 1024 * 1024;

export const DEFAULT_TASK_OUTPUT_LIMITS: TaskOutputLimits = {
  maxBytesPerAttempt: 1024 * 1024,
  maxLinesPerAttempt: 10_000,
  maxBytesPerJob: DEFAULT_MAX_BYTES_PER_JOB,
};

/** Where an attempt ran, as far as the AM knows. */
export interface AttemptLocation {
  containerId?: string;
  host?: string;
  nodeHttpAddress?: string;
}

/** `attempt` absent: the task's latest; `after`: only lines with a greater seq. */
export interface TaskOutputQuery {
  attempt?: number;
  after: number;
}

interface AttemptOutput {
  /** Kept lines are lines[first..]; the slots before `first` are dropped and reclaimed from time to time. */
  lines: TaskOutputLine[];
  first: number;
  bytes: number;
  dropped: number;
  where: AttemptLocation;
  task: TaskRef;
}

/** One job's attempts in the order their first lines came, and their kept bytes together. */
interface JobOutput {
  attempts: AttemptOutput[];
  bytes: number;
}

/** A line's weight against the byte bound: its text as UTF-8 (the fields around it are not counted). */
const weight = (line: TaskOutputLine): number => Buffer.byteLength(line.text);

export class TaskOutputStore {
  private readonly attempts = new Map<string, AttemptOutput>();

  private readonly jobs = new Map<string, JobOutput>();

  private ended: (task: TaskRef) => boolean = () => false;

  private locate: (containerId: string) => AttemptLocation = () => ({});

  constructor(private readonly limits: TaskOutputLimits = DEFAULT_TASK_OUTPUT_LIMITS) {}

  /** Where a TaskExecutor's container is (host, NodeManager web address): asked when an attempt's first lines come, and for an attempt without lines. */
  locateWith(locate: (containerId: string) => AttemptLocation): void {
    this.locate = locate;
  }

  /**
   * Whether an attempt has ended (its task went on to a later attempt, finished, failed or was
   * cancelled): its lines go first when the job's bound is passed. An attempt with a later one
   * here counts as ended without asking.
   */
  endedWith(ended: (task: TaskRef) => boolean): void {
    this.ended = ended;
  }

  /** A batch from TaskExecutor `containerId` (the registry has checked that it runs that attempt). */
  append(containerId: string, output: TaskOutputMessage): void {
    const key = taskKey(output.task);
    let job = this.jobs.get(output.task.jobId);
    if (!job) this.jobs.set(output.task.jobId, (job = { attempts: [], bytes: 0 }));
    let attempt = this.attempts.get(key);
    if (!attempt) {
      attempt = { lines: [], first: 0, bytes: 0, dropped: 0, where: { ...this.locate(containerId), containerId }, task: output.task };
      this.attempts.set(key, attempt);
      job.attempts.push(attempt);
    }
    attempt.dropped += output.dropped;
    const before = attempt.bytes;
    for (const line of output.lines) {
      attempt.lines.push(line);
      attempt.bytes += weight(line);
    }
    this.bound(attempt);
    job.bytes += attempt.bytes - before;
    this.boundJob(job);
  }

  /**
   * The answer to GET /jobs/:id/tasks/:index/output for `job`'s task `taskIndex`, or undefined
   * when that task has no such attempt (the caller has checked the job and the index).
   */
  read(job: JobStatus, taskIndex: number, query: TaskOutputQuery): TaskOutputJson | undefined {
    const task = job.tasks.find((t) => t.index === taskIndex);
    if (!task) return undefined;
    const attemptNumber = query.attempt ?? task.attempt;
    if (!Number.isInteger(attemptNumber) || attemptNumber < 1 || attemptNumber > task.attempt) return undefined;
    const ref: TaskRef = { jobId: job.id, taskIndex, attempt: attemptNumber };
    const kept = this.attempts.get(taskKey(ref));
    const current = attemptNumber === task.attempt;
    const ended = !current || task.state === 'FINISHED' || task.state === 'FAILED' || task.state === 'CANCELED';
    const lines: TaskOutputLineJson[] = [];
    if (kept) {
      for (let i = firstAfter(kept, query.after); i < kept.lines.length; i++) {
        const l = kept.lines[i];
        lines.push({ seq: l.seq, time: l.timeMs, stream: l.stream, text: l.text });
      }
    }
    const location =
      kept?.where ??
      (current && task.taskExecutorId !== undefined ? { ...this.locate(task.taskExecutorId), containerId: task.taskExecutorId } : {});
    return {
      jobId: job.id,
      taskIndex,
      attempt: attemptNumber,
      lines,
      next: lines.length ? lines[lines.length - 1].seq : query.after,
      ended,
      dropped: kept?.dropped ?? 0,
      ...definedOnly(location),
    };
  }

  /** Drops the oldest lines past either bound. */
  private bound(attempt: AttemptOutput): void {
    while (
      attempt.first < attempt.lines.length &&
      (attempt.bytes > this.limits.maxBytesPerAttempt || attempt.lines.length - attempt.first > this.limits.maxLinesPerAttempt)
    )
      dropOldest(attempt);
    compact(attempt);
  }

  /** Past the job's bound: ended attempts' oldest lines first, oldest attempt first; then the others' the same way. */
  private boundJob(job: JobOutput): void {
    const max = this.limits.maxBytesPerJob ?? DEFAULT_MAX_BYTES_PER_JOB;
    if (job.bytes <= max) return;
    const latest = new Map<number, number>();
    for (const a of job.attempts) latest.set(a.task.taskIndex, Math.max(latest.get(a.task.taskIndex) ?? 0, a.task.attempt));
    const isEnded = (a: AttemptOutput) => a.task.attempt < (latest.get(a.task.taskIndex) ?? 0) || this.ended(a.task);
    const ended = job.attempts.filter(isEnded);
    const others = job.attempts.filter((a) => !isEnded(a));
    for (const a of [...ended, ...others]) {
      while (job.bytes > max && a.first < a.lines.length) job.bytes -= dropOldest(a);
      compact(a);
      if (job.bytes <= max) return;
    }
  }
}

/** Drops an attempt's oldest kept line and counts it; returns its weight. */
function dropOldest(attempt: AttemptOutput): number {
  const w = weight(attempt.lines[attempt.first]);
  attempt.bytes -= w;
  attempt.first += 1;
  attempt.dropped += 1;
  return w;
}

/** Reclaims the dropped slots from time to time. */
function compact(attempt: AttemptOutput): void {
  if (attempt.first > 1024 && attempt.first * 2 > attempt.lines.length) {
    attempt.lines = attempt.lines.slice(attempt.first);
    attempt.first = 0;
  }
}

/** Index of the first kept line with seq > after (lines arrive in seq order on one stream). */
function firstAfter(attempt: AttemptOutput, after: number): number {
  let lo = attempt.first;
  let hi = attempt.lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (attempt.lines[mid].seq > after) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function definedOnly(where: AttemptLocation): AttemptLocation {
  return Object.fromEntries(Object.entries(where).filter(([, v]) => v !== undefined && v !== ''));
}
