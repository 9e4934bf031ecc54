/**
 * A submitted job: its spec, its tasks, and the job's own state. Only the job master changes it;
 * the methods here keep the state rules in one place (a job ends once, results only when every
 * task finished, waiters learn the end).
 */
import type { JobState } from '../../client/contracts/job-states.js';
import type { JobSpec, JobStatus } from '../cluster-api.js';
import { JobTask } from './job-task.js';

export class Job {
  state: JobState = 'RUNNING';
  endedAt: number | undefined;
  error: string | undefined;
  readonly tasks: JobTask[];
  readonly name: string;
  private readonly waiters: ((s: JobStatus) => void)[] = [];

  constructor(
    readonly id: string,
    readonly spec: JobSpec,
    /** The spec's args as JSON, sent to every task. */
    readonly argsJson: string,
    readonly submittedAt: number,
  ) {
    this.name = jobName(spec);
    this.tasks = Array.from({ length: spec.parallelism }, (_, i) => new JobTask(id, i));
  }

  /** A job that ended under an earlier AM attempt, as the HA store kept its final status. */
  static restored(spec: JobSpec, argsJson: string, status: JobStatus): Job {
    if (status.tasks.length !== spec.parallelism)
      throw new Error(`job ${status.id} was stored with ${status.tasks.length} tasks for parallelism ${spec.parallelism}`);
    const job = new Job(status.id, spec, argsJson, status.submittedAt);
    job.tasks.splice(0, job.tasks.length, ...status.tasks.map((t) => JobTask.restored(status.id, t)));
    job.state = status.state;
    job.endedAt = status.endedAt;
    job.error = status.error;
    return job;
  }

  get ended(): boolean {
    return this.state === 'FINISHED' || this.state === 'FAILED' || this.state === 'CANCELED';
  }

  /** Tasks waiting for a slot (only while the job runs). */
  waitingTasks(): JobTask[] {
    return this.state === 'RUNNING' ? this.tasks.filter((t) => t.state === 'SCHEDULED') : [];
  }

  activeTasks(): JobTask[] {
    return this.tasks.filter((t) => t.active);
  }

  /** FINISHED when every task is; returns whether the job just ended. */
  finishIfComplete(now: number): boolean {
    if (this.state !== 'RUNNING' || !this.tasks.every((t) => t.state === 'FINISHED')) return false;
    this.end('FINISHED', now);
    return true;
  }

  fail(error: string, now: number): void {
    if (this.ended) return;
    this.error = error;
    this.end('FAILED', now);
  }

  /** CANCELED once no task is still running (the TaskExecutors confirm their cancellations). */
  cancelledIfQuiet(now: number): boolean {
    if (this.state !== 'CANCELLING' || this.activeTasks().length > 0) return false;
    this.end('CANCELED', now);
    return true;
  }

  /** Gives up waiting for confirmations: the job is CANCELED whatever its tasks still do. */
  forceCancelled(now: number, note: string): void {
    if (this.state !== 'CANCELLING') return;
    for (const t of this.activeTasks()) {
      t.state = 'CANCELED';
      t.error = note;
    }
    this.end('CANCELED', now);
  }

  whenEnded(): Promise<JobStatus> {
    if (this.ended) return Promise.resolve(this.status());
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  status(): JobStatus {
    const s: JobStatus = {
      id: this.id,
      name: this.name,
      state: this.state,
      parallelism: this.spec.parallelism,
      exportName: this.spec.exportName,
      submittedAt: this.submittedAt,
      tasks: this.tasks.map((t) => t.status()),
    };
    if (this.endedAt !== undefined) s.endedAt = this.endedAt;
    if (this.state === 'FINISHED') s.results = this.tasks.map((t) => t.result);
    if (this.error !== undefined) s.error = this.error;
    return s;
  }

  private end(state: JobState, now: number): void {
    this.state = state;
    this.endedAt = now;
    const status = this.status();
    for (const w of this.waiters.splice(0)) w(status);
  }
}

/** A job's display name: the one submitted, or `<export> (<bundle file>)`. */
export function jobName(spec: JobSpec): string {
  return spec.name ?? `${spec.exportName} (${baseName(spec.bundle.url)})`;
}

function baseName(url: string): string {
  const path = url.replace(/[?#].*$/, '').replace(/\/+$/, '');
  return path.slice(path.lastIndexOf('/') + 1) || url;
}
