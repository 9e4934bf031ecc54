/**
 * One parallel instance of a job and its current attempt: where it runs, how it ended, and why
 * earlier attempts did not. A retry reuses the record with the next attempt number, so updates
 * that still arrive for an older attempt are recognised and dropped.
 */
import {
  TASK_ATTEMPTS_KEPT,
  type TaskAttempt,
  type TaskAttemptPlacement,
  type TaskProgressJson,
} from '../../client/contracts/dispatcher-rest-types.js';
import type { TaskRef } from '../../client/contracts/taskexecutor-protocol.js';
import type { TaskState } from '../../client/contracts/job-states.js';
import type { TaskStatus } from '../cluster-api.js';

/** Where a TaskExecutor runs, as the job master looks it up when it deploys an attempt there. */
export interface TaskExecutorPlace {
  host?: string;
  nodeHttpAddress?: string;
}

export class JobTask {
  private currentState: TaskState = 'SCHEDULED';
  attempt = 1;
  /** Where and when the current attempt runs (reset when the next attempt is scheduled). */
  placement: TaskAttemptPlacement = {};
  /** Earlier attempts, oldest first, at most TASK_ATTEMPTS_KEPT. */
  readonly previousAttempts: TaskAttempt[] = [];
  taskExecutorId: string | undefined;
  /** The current attempt's latest task.progress() (none again when the next attempt is deployed). */
  progress: TaskProgressJson | undefined;
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
    private readonly now: () => number = Date.now,
  ) {}

  get state(): TaskState {
    return this.currentState;
  }

  /** Setting an end state also records when the current attempt ended. */
  set state(next: TaskState) {
    this.currentState = next;
    if (this.ended && this.placement.startTime !== undefined) this.placement.endTime ??= this.now();
  }

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

  deployedTo(taskExecutorId: string, place: TaskExecutorPlace = {}): void {
    this.state = 'DEPLOYING';
    this.taskExecutorId = taskExecutorId;
    this.adoptable = false;
    this.placement = { containerId: taskExecutorId, ...place, startTime: this.now() };
    this.progress = undefined;
  }

  /** The current attempt reported how far it is at `time` (the job master's clock); the latest report wins. */
  reportProgress(fraction: number, message: string, time: number): void {
    this.progress = { fraction, message, time };
  }

  /** A TaskExecutor that came back to a new AM attempt runs `attempt` of this task: it counts as this task's current attempt. */
  adopt(taskExecutorId: string, attempt: number, place: TaskExecutorPlace = {}): void {
    this.attempt = attempt;
    this.deployedTo(taskExecutorId, place);
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
    t.progress = status.progress;
    const { host, nodeHttpAddress, startTime, endTime } = status;
    t.placement = definedOnly({ containerId: status.taskExecutorId, host, nodeHttpAddress, startTime, endTime });
    t.previousAttempts.push(...(status.previousAttempts ?? []));
    return t;
  }

  /** Schedules the next attempt after `reason`, to be deployed from `notBefore` on. */
  retry(reason: string, avoidTaskExecutor?: string, notBefore = 0): void {
    this.notBefore = notBefore;
    this.failures.push(reason);
    if (avoidTaskExecutor) this.avoid.add(avoidTaskExecutor);
    this.error = reason;
    const ended: TaskAttempt = { attempt: this.attempt, state: 'FAILED', ...this.placement, error: reason };
    if (ended.startTime !== undefined) ended.endTime ??= this.now();
    this.previousAttempts.push(ended);
    if (this.previousAttempts.length > TASK_ATTEMPTS_KEPT) this.previousAttempts.shift();
    this.placement = {};
    this.progress = undefined;
    this.attempt += 1;
    this.state = 'SCHEDULED';
    this.taskExecutorId = undefined;
  }

  status(): TaskStatus {
    const s: TaskStatus = { index: this.index, state: this.state, attempt: this.attempt };
    if (this.taskExecutorId !== undefined) s.taskExecutorId = this.taskExecutorId;
    if (this.state === 'FINISHED') s.result = this.result;
    if (this.error !== undefined) s.error = this.error;
    const { host, nodeHttpAddress, startTime, endTime } = this.placement;
    Object.assign(s, definedOnly({ host, nodeHttpAddress, startTime, endTime }));
    if (this.previousAttempts.length) s.previousAttempts = this.previousAttempts.map((a) => ({ ...a }));
    if (this.progress) s.progress = { ...this.progress };
    return s;
  }
}

/** The object without its undefined fields (optional fields are absent, not undefined, in the JSON and the HA store). */
function definedOnly<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
