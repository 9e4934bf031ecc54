/**
 * One parallel instance of a job and its current attempt: where it runs, how it ended, and why
 * earlier attempts did not. A retry reuses the record with the next attempt number, so updates
 * that still arrive for an older attempt are recognised and dropped.
 */
import type { TaskRef } from '../../client/contracts/taskexecutor-protocol.js';
import type { TaskState } from '../../client/contracts/job-states.js';
import type { TaskStatus } from '../cluster-api.js';

export class JobTask {
  state: TaskState = 'SCHEDULED';
  attempt = 1;
  taskExecutorId: string | undefined;
  result: unknown;
  error: string | undefined;
  /** Why earlier attempts ended, oldest first. */
  readonly failures: string[] = [];
  /** TaskExecutors to avoid for the next attempt (where an earlier one failed for reasons not its own). */
  readonly avoid = new Set<string>();
  /** A waiting attempt is not deployed before this time (the restart strategy's delay). */
  notBefore = 0;
  /**
   * Resubmitted by a new AM attempt and not deployed since: a TaskExecutor that comes back still
   * running an attempt of it may keep running it (the job master adopts it instead of starting over).
   */
  adoptable = false;

  constructor(
    readonly jobId: string,
    readonly index: number,
  ) {}

  ref(): TaskRef {
    return { jobId: this.jobId, taskIndex: this.index, attempt: this.attempt };
  }

  /** Deployed and not yet ended: holds a slot on `taskExecutorId`. */
  get active(): boolean {
    return this.state === 'DEPLOYING' || this.state === 'RUNNING';
  }

  get ended(): boolean {
    return this.state === 'FINISHED' || this.state === 'FAILED' || this.state === 'CANCELED';
  }

  /** Is `ref` this task's current attempt? */
  matches(ref: TaskRef): boolean {
    return ref.taskIndex === this.index && ref.attempt === this.attempt;
  }

  deployedTo(taskExecutorId: string): void {
    this.state = 'DEPLOYING';
    this.taskExecutorId = taskExecutorId;
    this.adoptable = false;
  }

  /** A TaskExecutor that came back to a new AM attempt runs `attempt` of this task: it counts as this task's current attempt. */
  adopt(taskExecutorId: string, attempt: number): void {
    this.attempt = attempt;
    this.deployedTo(taskExecutorId);
    this.state = 'RUNNING';
  }

  /** A task as an earlier AM attempt recorded it at its job's end. */
  static restored(jobId: string, status: TaskStatus): JobTask {
    const t = new JobTask(jobId, status.index);
    t.state = status.state;
    t.attempt = status.attempt;
    t.taskExecutorId = status.taskExecutorId;
    t.result = status.result;
    t.error = status.error;
    return t;
  }

  /** Schedules the next attempt after `reason`, to be deployed from `notBefore` on. */
  retry(reason: string, avoidTaskExecutor?: string, notBefore = 0): void {
    this.notBefore = notBefore;
    this.failures.push(reason);
    if (avoidTaskExecutor) this.avoid.add(avoidTaskExecutor);
    this.error = reason;
    this.attempt += 1;
    this.state = 'SCHEDULED';
    this.taskExecutorId = undefined;
  }

  status(): TaskStatus {
    const s: TaskStatus = { index: this.index, state: this.state, attempt: this.attempt };
    if (this.taskExecutorId !== undefined) s.taskExecutorId = this.taskExecutorId;
    if (this.state === 'FINISHED') s.result = this.result;
    if (this.error !== undefined) s.error = this.error;
    return s;
  }
}
