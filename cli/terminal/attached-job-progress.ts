/**
 * What an attached `loom run` prints while its jobs run. Every change of a job's or a task's
 * state is a line, as before; in between, on a TTY, one live line (status-line.ts) sums up the
 * running jobs, redrawn every second:
 *
 *   job word-count RUNNING 1:05  tasks 3 done, 4 running, 0 failed of 10  · task 2 40% reading part-3
 *
 * and when stderr is a pipe or a file, a plain line per running job every `intervalMs`
 * (`loom.client.progress-interval`, 30 s), so a long job's log shows it is alive:
 *
 *   job 0f3c… (word-count) RUNNING for 1:05: tasks 3 done, 4 running, 0 failed of 10, 47%
 */
import type { JobStatus } from '../../client/contracts/dispatcher-rest-types.js';
import { statusLine, type StatusLine, type TerminalStream } from './status-line.js';

export interface AttachedJobProgressOptions {
  /** `--quiet`: neither the live line nor the periodic plain lines; state changes still print. */
  disabled?: boolean;
  /** Plain lines this often when the stream is not a TTY. */
  intervalMs: number;
  /** The line printed when a job's state or its tasks' states change. */
  stateLine(job: JobStatus): string;
  now?: () => number;
  /** Timers (fakes in tests). */
  setInterval?: (fn: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
}

export interface AttachedJobProgress {
  /** A job's latest status, from each poll that found it changed. */
  observe(job: JobStatus): void;
  /** A line of its own (printed above the live line). */
  log(text: string): void;
  /** Stops the timer and removes the live line. */
  done(): void;
}

interface Followed {
  job: JobStatus;
  firstSeen: number;
  stateKey: string;
}

const TICK_MS = 1_000;

export function attachedJobProgress(out: TerminalStream, opts: AttachedJobProgressOptions): AttachedJobProgress {
  const now = opts.now ?? Date.now;
  const line: StatusLine = statusLine(out, {
    ...(opts.disabled !== undefined ? { disabled: opts.disabled } : {}),
    now,
    minIntervalMs: 0,
  });
  const jobs = new Map<string, Followed>();
  const set = opts.setInterval ?? ((fn, ms) => setInterval(fn, ms).unref());
  const clear = opts.clearInterval ?? ((h) => clearInterval(h as NodeJS.Timeout));
  let timer: unknown;
  let lastPlain = now();

  const running = () => [...jobs.values()].filter((f) => !isEnded(f.job));
  const redraw = () => {
    const live = running();
    if (live.length === 0) return;
    line.update(live.map((f) => liveSummary(f.job, now() - f.firstSeen)).join('  |  '));
  };
  const tick = () => {
    if (opts.disabled === true) return;
    if (line.isLive) {
      redraw();
      return;
    }
    if (now() - lastPlain < opts.intervalMs) return;
    lastPlain = now();
    for (const f of running()) out.write(`${plainSummary(f.job, now() - f.firstSeen)}\n`);
  };

  return {
    observe(job) {
      const key = stateKey(job);
      const known = jobs.get(job.id);
      if (known?.stateKey !== key) line.log(opts.stateLine(job));
      jobs.set(job.id, { job, firstSeen: known?.firstSeen ?? now(), stateKey: key });
      timer ??= set(tick, line.isLive ? TICK_MS : Math.min(TICK_MS, opts.intervalMs));
      if (line.isLive) {
        if (running().length === 0) line.update('');
        redraw();
      }
    },
    log(text) {
      line.log(text);
    },
    done() {
      if (timer !== undefined) clear(timer);
      timer = undefined;
      line.done();
    },
  };
}

function isEnded(job: JobStatus): boolean {
  return job.state === 'FINISHED' || job.state === 'FAILED' || job.state === 'CANCELED';
}

/** What the old per-change lines were about: the job's state and each task's state and attempt (not its progress). */
function stateKey(job: JobStatus): string {
  return JSON.stringify([job.state, job.tasks.map((t) => [t.state, t.attempt])]);
}

/** m:ss, or h:mm:ss from an hour on. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

function taskCounts(job: JobStatus): string {
  const count = (...states: string[]) => job.tasks.filter((t) => states.includes(t.state)).length;
  return `tasks ${count('FINISHED')} done, ${count('RUNNING', 'DEPLOYING')} running, ${count('FAILED')} failed of ${job.tasks.length}`;
}

/** Finished tasks count whole, others their latest task.progress() fraction. */
export function jobFraction(job: JobStatus): number {
  if (job.tasks.length === 0) return 0;
  return job.tasks.reduce((sum, t) => sum + (t.state === 'FINISHED' ? 1 : (t.progress?.fraction ?? 0)), 0) / job.tasks.length;
}

const percent = (fraction: number) => `${Math.floor(fraction * 100)}%`;

export function liveSummary(job: JobStatus, elapsedMs: number): string {
  const reporting = job.tasks
    .filter((t) => (t.state === 'RUNNING' || t.state === 'DEPLOYING') && t.progress)
    .sort((a, b) => (b.progress?.time ?? 0) - (a.progress?.time ?? 0))
    .at(0);
  const latest = reporting?.progress
    ? `  · task ${reporting.index} ${percent(reporting.progress.fraction)}${reporting.progress.message ? ` ${reporting.progress.message}` : ''}`
    : '';
  return `job ${job.name} ${job.state} ${formatElapsed(elapsedMs)}  ${taskCounts(job)}${latest}`;
}

export function plainSummary(job: JobStatus, elapsedMs: number): string {
  const reported = job.tasks.some((t) => t.progress);
  return `job ${job.id} (${job.name}) ${job.state} for ${formatElapsed(elapsedMs)}: ${taskCounts(job)}${reported ? `, ${percent(jobFraction(job))}` : ''}`;
}
