/**
 * The job master: accepts jobs, puts their tasks into free slots of registered TaskExecutors,
 * follows the tasks to their end, and says how many TaskExecutors it needs (SlotDemand) so the
 * ResourceManager bridge can start more.
 *
 * Failure rules: a task whose TaskExecutor is lost (or whose bundle could not be fetched) runs
 * again on another slot when the job's restart strategy allows it (restart-backoff-strategy.ts:
 * only the hit tasks restart, after the strategy's delay; a lost TaskExecutor is one failure of
 * each job it ran tasks of). When the strategy gives up the job FAILS with an error that names
 * the strategy and each failure's container and exit. A task that throws fails the job at once:
 * that is the user's error, and running it again would only throw again, unless
 * loom.task.retry-user-errors puts it under the restart strategy too. Other tasks of a failed or
 * cancelled job are cancelled on their TaskExecutors.
 */
import { LoomError } from '../../client/errors/loom-error.js';
import type { DeployTaskMessage, TaskProgressMessage, TaskRef, TaskUpdateMessage } from '../../client/contracts/taskexecutor-protocol.js';
import type { ClusterOverview, JobSpec, JobStatus, SlotDemand, TaskExecutorInfo } from '../cluster-api.js';
import type { JobState } from '../../client/contracts/job-states.js';
import type { TaskExecutorEvent, TaskExecutorRegistry } from '../taskexecutors/taskexecutor-registry.js';
import type { RestartStrategy } from '../../client/conf/loom-config-options.js';
import { describeExitStatus } from '../../client/hadoop/yarn/container-exit-status.js';
import { firstDiagnosticsLine } from '../resourcemanager-bridge/failure-budget.js';
import { FinishedJobHistory } from './finished-job-history.js';
import { Job } from './job.js';
import { isJobId, newJobId } from './job-ids.js';
import { JOB_MASTER_DEFAULTS, type JobMasterOptions } from './job-master-options.js';
import { JobRestarts, type JobFailure } from './job-restarts.js';
import { validateJobSpec } from './job-spec-validation.js';
import type { JobTask, TaskExecutorPlace } from './job-task.js';
import { restartBackoffStrategy } from './restart-backoff-strategy.js';
import { assignSlots } from './slot-assignment.js';

export class JobNotFoundError extends LoomError {
  static override readonly code: string = 'JOB_NOT_FOUND';
  override name = 'JobNotFoundError';
}

export interface SubmitOptions {
  /** An id the submitter chose (per-job mode: the client names the job before the AM starts; application mode: from the submission order). */
  id?: string;
  /**
   * With `id`: when a job of that id is here already (taken over from an earlier AM attempt), its
   * status is the answer, as long as it is the same job (bundle, export, parallelism, arguments).
   */
  resume?: boolean;
  /** When the job was first submitted (a job a new AM attempt resubmits keeps its time). */
  submittedAt?: number;
  /**
   * Resubmitted by a new AM attempt: its tasks wait until this time for the TaskExecutors that
   * still run them to come back (they are adopted then); releaseRecoveryHold ends the wait early.
   */
  recoveredHoldUntil?: number;
}

export interface StartFailure {
  containerId: string;
  reason: string;
  at: number;
}

const KEPT_START_FAILURES = 20;
/** How ended containers ended, kept for the errors of jobs whose strategy gives up. */
const KEPT_CONTAINER_ENDS = 200;

export class JobMaster implements SlotDemand {
  private readonly options: typeof JOB_MASTER_DEFAULTS;
  private readonly now: () => number;
  private readonly random: (() => number) | undefined;
  private readonly restartSettings: RestartStrategy;
  private readonly retryUserErrors: boolean;
  private readonly fileSystem: JobMasterOptions['fileSystem'];
  private readonly jobsById = new Map<string, Job>();
  /** jobstore.max-capacity / jobstore.expiration-time: which ended jobs leave jobsById. */
  private readonly finished: FinishedJobHistory;
  private readonly restarts = new Map<string, JobRestarts>();
  /** Container id -> how it ended (exit status and YARN's first diagnostics line). */
  private readonly containerEnds = new Map<string, string>();
  /** TaskExecutors lost before YARN reported their container's end (that end is not a start failure). */
  private readonly lostBeforeEnd = new Set<string>();
  private restartTimer: NodeJS.Timeout | undefined;
  private restartTimerAt = Number.POSITIVE_INFINITY;
  private readonly changeListeners = new Set<() => void>();
  private readonly startFailures: StartFailure[] = [];
  private readonly unsubscribe: () => void;
  private starting = 0;
  private lastWanted = 0;
  private closed = false;

  constructor(
    private readonly registry: TaskExecutorRegistry,
    options: Partial<JobMasterOptions> = {},
  ) {
    const { now, random, restartStrategy, retryUserErrors, fileSystem, ...rest } = options;
    this.options = { ...JOB_MASTER_DEFAULTS, ...rest };
    this.fileSystem = fileSystem;
    this.now = now ?? Date.now;
    this.random = random;
    this.restartSettings = restartStrategy ?? {
      type: 'fixed-delay',
      attempts: this.options.maxTaskAttempts - 1,
      delayMs: 0,
      fromTaskMaxAttempts: true,
    };
    this.retryUserErrors = retryUserErrors ?? false;
    this.finished = new FinishedJobHistory(
      { maxCapacity: this.options.jobStoreMaxCapacity, expirationMs: this.options.jobStoreExpirationSeconds * 1000 },
      this.now,
    );
    restartBackoffStrategy(this.restartSettings, { now: this.now }); // settings that cannot work fail here, not at a job's first failure
    this.unsubscribe = registry.on((e) => this.onRegistryEvent(e));
    registry.setAdopter((teId, ref) => this.adoptRunningTask(teId, ref));
    registry.setTaskProgressSink((teId, progress) => this.onTaskProgress(teId, progress));
  }

  // ---- jobs (ClusterControl) --------------------------------------------------------------

  /**
   * The one check of a job before it is accepted, by whatever path it comes (REST, per-job mode's
   * job, application mode's main(), the HA store): its form, and its bundle on the cluster's file system.
   */
  validate(input: unknown): { spec: JobSpec; argsJson: string } {
    return validateJobSpec(input, 'the job spec', this.fileSystem);
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async so that a refused submission is a rejected promise, as every caller awaits it
  async submitJob(input: JobSpec, opts: SubmitOptions = {}): Promise<JobStatus> {
    if (this.closed) throw new Error('the cluster is shutting down and accepts no more jobs');
    const { spec, argsJson } = this.validate(input);
    const id = opts.id ?? newJobId();
    if (!isJobId(id)) throw new Error(`job id ${JSON.stringify(id)} is not 32 lower-case hex digits`);
    const gone = this.finished.describeExpired(id);
    if (gone) throw new JobNotFoundError(`${gone}: it is not run again`);
    const existing = this.jobsById.get(id);
    if (existing && opts.resume) return this.resumed(existing, spec, argsJson);
    if (existing) throw new Error(`a job with id ${id} was submitted already`);
    const job = new Job(id, spec, argsJson, opts.submittedAt ?? this.now());
    if (opts.recoveredHoldUntil !== undefined) {
      for (const t of job.tasks) {
        t.adoptable = true;
        t.notBefore = opts.recoveredHoldUntil;
      }
    }
    this.jobsById.set(job.id, job);
    this.restarts.set(job.id, new JobRestarts(restartBackoffStrategy(this.restartSettings, { now: this.now, random: this.random })));
    void job.whenEnded().then(() => this.jobEnded(job));
    this.schedule();
    return job.status();
  }

  /** A job that ended under an earlier AM attempt: listed and answered with its stored end, never run again. */
  restoreEndedJob(input: JobSpec, status: JobStatus): JobStatus {
    const { spec, argsJson } = validateJobSpec(input);
    if (this.jobsById.has(status.id)) throw new Error(`a job with id ${status.id} is here already`);
    const job = Job.restored(spec, argsJson, status);
    this.jobsById.set(job.id, job);
    const answer = job.status();
    this.jobEnded(job);
    return answer;
  }

  /** The TaskExecutors a new AM attempt waits for are back (or given up): resubmitted tasks nobody runs go to free slots now. */
  releaseRecoveryHold(): void {
    for (const job of this.jobsById.values()) for (const t of job.waitingTasks()) if (t.adoptable) t.notBefore = 0;
    if (!this.closed) this.schedule();
  }

  /** Cancels a running job and waits (up to the cancel timeout) until its tasks have stopped. */
  async cancelJob(id: string): Promise<JobStatus> {
    const job = this.mustGet(id);
    if (job.ended || job.state === 'CANCELLING') {
      if (job.state === 'CANCELLING') await this.waitAtMost(job, this.options.cancelTimeoutMs);
      return job.status();
    }
    job.state = 'CANCELLING';
    this.stopTasks(job, 'the job was cancelled');
    if (!job.cancelledIfQuiet(this.now())) {
      await this.waitAtMost(job, this.options.cancelTimeoutMs);
      job.forceCancelled(this.now(), `cancelled; its TaskExecutor did not confirm within ${this.options.cancelTimeoutMs} ms`);
    }
    this.changed();
    return job.status();
  }

  jobs(): JobStatus[] {
    this.forgetExpired();
    return [...this.jobsById.values()].map((j) => j.status());
  }

  job(id: string): JobStatus | undefined {
    this.forgetExpired();
    return this.jobsById.get(id)?.status();
  }

  /** Why a job this AM knew is no longer answered (it ended and left memory under jobstore.*), or undefined. */
  expiredJob(id: string): string | undefined {
    this.forgetExpired();
    return this.finished.describeExpired(id);
  }

  /** Resolves with the job's final status once it has ended. */
  waitForJob(id: string): Promise<JobStatus> {
    return this.mustGet(id).whenEnded();
  }

  taskExecutors(): TaskExecutorInfo[] {
    return this.registry.list();
  }

  overview(base: Pick<ClusterOverview, 'mode' | 'applicationId' | 'startedAt'>): ClusterOverview {
    const tes = this.registry.list();
    this.forgetExpired();
    const jobs = [...this.jobsById.values()];
    // Jobs that left memory still count (only ended ones leave).
    const count = (...states: JobState[]) =>
      jobs.filter((j) => states.includes(j.state)).length + states.reduce((n, s) => n + this.finished.expiredCount(s), 0);
    return {
      ...base,
      taskExecutors: tes.length,
      slotsTotal: tes.reduce((n, t) => n + t.slots, 0),
      slotsAvailable: tes.reduce((n, t) => n + t.freeSlots, 0),
      jobsRunning: count('RUNNING', 'CANCELLING'),
      jobsFinished: count('FINISHED'),
      jobsFailed: count('FAILED'),
      jobsCanceled: count('CANCELED'),
    };
  }

  /** Cancels every running job and stops listening to the registry (AM shutdown). */
  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    for (const job of this.jobsById.values()) {
      if (job.ended) continue;
      job.state = 'CANCELLING';
      job.error = reason;
      this.stopTasks(job, reason);
      job.forceCancelled(this.now(), reason);
    }
    clearTimeout(this.restartTimer);
    this.unsubscribe();
  }

  // ---- SlotDemand and the ResourceManager bridge ----------------------------------------------

  /**
   * Registered TaskExecutors, plus those starting, plus enough new ones for the tasks still
   * waiting for a slot that the starting ones will not take: registered + max(starting, ceil(waiting / slots)).
   */
  wantedTaskExecutors(): number {
    const waiting = [...this.jobsById.values()].reduce((n, j) => n + j.waitingTasks().length, 0);
    const forWaiting = Math.ceil(waiting / this.options.slotsPerTaskExecutor);
    return this.registry.size + this.starting + Math.max(0, forWaiting - this.starting);
  }

  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  idleTaskExecutors(idleMs: number): string[] {
    const waiting = [...this.jobsById.values()].some((j) => j.waitingTasks().length > 0);
    return waiting ? [] : this.registry.idle(idleMs);
  }

  /** The bridge's count of TaskExecutors asked for or launched that have not registered yet. */
  setTaskExecutorsStarting(count: number): void {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`TaskExecutors starting must be a whole number >= 0, got ${count}`);
    this.starting = count;
    this.changed();
  }

  /**
   * A container did not start its TaskExecutor, or ended (`exitStatus` when YARN reported one): a
   * registered TaskExecutor in it is lost with YARN's reason (its tasks run again elsewhere);
   * otherwise the failure is kept for diagnostics. How it ended is kept for the errors of jobs
   * that lost a TaskExecutor in it.
   */
  containerFailedToStart(containerId: string, reason: string, exitStatus?: number): void {
    this.keepContainerEnd(containerId, reason, exitStatus);
    if (this.registry.has(containerId)) {
      this.registry.lose(containerId, `its container ended: ${reason}`);
      return;
    }
    if (this.lostBeforeEnd.delete(containerId)) return;
    this.startFailures.push({ containerId, reason, at: this.now() });
    if (this.startFailures.length > KEPT_START_FAILURES) this.startFailures.shift();
    this.changed();
  }

  /**
   * YARN refused the ask for TaskExecutor containers for good (InvalidResourceRequestException:
   * no container of that size can ever be had): every job with tasks waiting for a slot fails
   * with `reason`, its waiting tasks FAILED and its running ones cancelled; jobs whose tasks all
   * have slots go on. Returns the ids of the jobs failed.
   */
  failJobsWaitingForSlots(reason: string): string[] {
    const failed: string[] = [];
    for (const job of this.jobsById.values()) {
      const waiting = job.waitingTasks();
      if (waiting.length === 0) continue;
      for (const t of waiting) {
        t.state = 'FAILED';
        t.error = reason;
      }
      this.failJob(job, reason);
      failed.push(job.id);
    }
    if (failed.length) this.changed();
    return failed;
  }

  recentStartFailures(): StartFailure[] {
    return [...this.startFailures];
  }

  /** Registration and loss of TaskExecutors, for the bridge's bookkeeping. */
  onTaskExecutorEvent(listener: (e: { type: 'registered' | 'lost'; id: string }) => void): () => void {
    return this.registry.on((e) => {
      if (e.type === 'registered' || e.type === 'lost') listener({ type: e.type, id: e.id });
    });
  }

  // ---- events from TaskExecutors ----------------------------------------------------------

  /**
   * A TaskExecutor registering with this AM attempt still runs `ref`, started by an earlier
   * attempt: when the task was resubmitted and waits, that attempt becomes the task's current one.
   */
  private adoptRunningTask(teId: string, ref: TaskRef): boolean {
    if (this.closed) return false;
    const job = this.jobsById.get(ref.jobId);
    const task = job?.tasks[ref.taskIndex];
    if (!job || !task || job.state !== 'RUNNING' || task.state !== 'SCHEDULED' || !task.adoptable) return false;
    task.adopt(teId, ref.attempt, this.placeOf(teId));
    return true;
  }

  /** Kept on the task when it is the running attempt on that TaskExecutor; false (dropped) otherwise. Not an event: nothing to schedule. */
  private onTaskProgress(teId: string, progress: TaskProgressMessage): boolean {
    if (this.closed) return false;
    const found = this.find(progress.task);
    if (found?.task.taskExecutorId !== teId || !found.task.active) return false;
    found.task.reportProgress(progress.fraction, progress.message, this.now());
    return true;
  }

  private onRegistryEvent(e: TaskExecutorEvent): void {
    if (this.closed) return;
    if (e.type === 'lost') this.onLost(e.id, e.host, e.reason, e.tasks);
    else if (e.type === 'taskUpdate') this.onTaskUpdate(e.id, e.update);
    // A task reported RUNNING frees no slot and leaves no task waiting: no scheduling pass (half of
    // a short task's updates; each pass looks at every task, which at 100,000 tasks is the AM's load).
    if (e.type === 'taskUpdate' && e.update.state === 'RUNNING') return;
    this.schedule();
  }

  /** The lost TaskExecutor's tasks: one failure for each running job it had tasks of. */
  private onLost(teId: string, host: string, reason: string, tasks: TaskRef[]): void {
    if (!this.containerEnds.has(teId)) this.rememberLost(teId);
    const hit = new Map<Job, JobTask[]>();
    for (const ref of tasks) {
      const found = this.find(ref);
      if (found?.task.taskExecutorId !== teId || !found.task.active) continue;
      const { job, task } = found;
      if (job.state !== 'RUNNING') {
        task.state = 'CANCELED';
        job.cancelledIfQuiet(this.now());
      } else hit.set(job, [...(hit.get(job) ?? []), task]);
    }
    const what = `TaskExecutor ${teId} (${host}) was lost: ${reason}`;
    for (const [job, jobTasks] of hit) this.restartOrFail(job, jobTasks, { taskExecutorId: teId, what, lostTaskExecutor: true });
  }

  private onTaskUpdate(teId: string, u: TaskUpdateMessage): void {
    const found = this.find(u.task);
    if (found?.task.taskExecutorId !== teId) return;
    const { job, task } = found;
    const now = this.now();
    switch (u.state) {
      case 'RUNNING':
        if (task.state === 'DEPLOYING') task.state = 'RUNNING';
        return;
      case 'FINISHED': {
        const parsed = parseResult(u.resultJson);
        if ('error' in parsed) {
          this.userError(job, task, teId, `task ${task.index} on TaskExecutor ${teId}: ${parsed.error}`, parsed.error);
          return;
        }
        task.state = 'FINISHED';
        task.result = parsed.value;
        job.finishIfComplete(now);
        job.cancelledIfQuiet(now);
        return;
      }
      case 'FAILED': {
        const detail = describeFailure(u);
        if (job.state !== 'RUNNING') {
          task.state = 'FAILED';
          task.error = detail;
          job.cancelledIfQuiet(now);
        } else if (u.retryable) {
          const what = `attempt ${task.attempt} on TaskExecutor ${teId} could not run: ${detail}`;
          this.restartOrFail(job, [task], { taskExecutorId: teId, what, lostTaskExecutor: false }, teId);
        } else {
          this.userError(job, task, teId, `task ${task.index} (attempt ${task.attempt}) failed on TaskExecutor ${teId}: ${detail}`, detail);
        }
        return;
      }
      case 'CANCELED':
        if (job.state === 'RUNNING') {
          // Not asked for (the TaskExecutor is shutting down): not the task's fault, run it elsewhere.
          const what = `TaskExecutor ${teId} cancelled attempt ${task.attempt} by itself`;
          this.restartOrFail(job, [task], { taskExecutorId: teId, what, lostTaskExecutor: false }, teId);
        } else {
          task.state = 'CANCELED';
          job.cancelledIfQuiet(now);
        }
        return;
    }
  }

  /** A task threw (or returned what is not JSON): the job fails at once, unless user errors are retried too. */
  private userError(job: Job, task: JobTask, teId: string, what: string, detail: string): void {
    if (this.retryUserErrors) {
      this.restartOrFail(job, [task], { taskExecutorId: teId, what, lostTaskExecutor: false });
      return;
    }
    task.state = 'FAILED';
    task.error = detail;
    this.failJob(job, what);
  }

  /** One failure of `job` that hit `tasks`: they run again after the strategy's delay, or the job fails. */
  private restartOrFail(job: Job, tasks: JobTask[], failure: Omit<JobFailure, 'tasks'>, avoid?: string): void {
    const restarts = this.restarts.get(job.id);
    if (!restarts) throw new Error(`job ${job.id} has no restart strategy`);
    const decision = restarts.onFailure({ ...failure, tasks: tasks.map((t) => t.index) });
    if (decision.restart) {
      const at = this.now() + decision.delayMs;
      for (const task of tasks) task.retry(failure.what, avoid, at);
      return;
    }
    for (const task of tasks) {
      task.state = 'FAILED';
      task.error = failure.what;
    }
    this.failJob(
      job,
      restarts.giveUpError(decision.reason, (id) => this.containerEnds.get(id)),
    );
  }

  private keepContainerEnd(containerId: string, reason: string, exitStatus: number | undefined): void {
    const line = firstDiagnosticsLine(reason);
    const how =
      exitStatus === undefined ? `its container ended: ${line}` : `its container exited with ${describeExitStatus(exitStatus)}: ${line}`;
    this.containerEnds.set(containerId, how);
    if (this.containerEnds.size > KEPT_CONTAINER_ENDS) dropOldest(this.containerEnds);
  }

  private rememberLost(teId: string): void {
    this.lostBeforeEnd.add(teId);
    if (this.lostBeforeEnd.size > KEPT_CONTAINER_ENDS) dropOldest(this.lostBeforeEnd);
  }

  private failJob(job: Job, error: string): void {
    job.fail(error, this.now());
    this.stopTasks(job, `job failed: ${error.split('\n')[0]}`);
  }

  /** Waiting tasks are dropped; running ones are asked to stop (their slots free when the TaskExecutor confirms). */
  private stopTasks(job: Job, note: string): void {
    for (const t of job.tasks) {
      if (t.state === 'SCHEDULED') {
        t.state = 'CANCELED';
        t.error ??= note;
      } else if (t.active && t.taskExecutorId) this.registry.cancel(t.taskExecutorId, t.ref());
    }
  }

  // ---- scheduling --------------------------------------------------------------------------

  /** Puts waiting tasks whose restart delay has passed (oldest job first, lowest index first) into free slots. */
  private schedule(): void {
    const now = this.now();
    const offers = this.registry.list().map((t) => ({ taskExecutorId: t.id, freeSlots: t.freeSlots, registeredAt: t.registeredAt }));
    // Only as many waiting tasks as there are free slots can be placed, in this order: collect no more.
    const free = offers.reduce((n, o) => n + Math.max(0, o.freeSlots), 0);
    const waiting: { job: Job; task: JobTask; avoid: ReadonlySet<string> | undefined }[] = [];
    for (const j of this.jobsById.values()) {
      if (waiting.length >= free) break;
      for (const task of j.waitingTasks()) {
        if (waiting.length >= free) break;
        if (task.notBefore <= now) waiting.push({ job: j, task, avoid: task.avoid });
      }
    }
    if (waiting.length > 0) {
      const picks = assignSlots(waiting, offers);
      picks.forEach((teId, i) => this.deploy(waiting[i].job, waiting[i].task, teId));
    }
    this.wakeForDelayedTasks(now);
    this.changed();
  }

  /** A timer for the earliest task still waiting out its restart delay. */
  private wakeForDelayedTasks(now: number): void {
    let next = Number.POSITIVE_INFINITY;
    for (const job of this.jobsById.values()) for (const t of job.waitingTasks()) if (t.notBefore > now) next = Math.min(next, t.notBefore);
    if (next === this.restartTimerAt) return;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.restartTimerAt = next;
    if (next === Number.POSITIVE_INFINITY || this.closed) return;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.restartTimerAt = Number.POSITIVE_INFINITY;
      if (!this.closed) this.schedule();
    }, next - now);
    this.restartTimer.unref();
  }

  private deploy(job: Job, task: JobTask, teId: string): void {
    const { bundle } = job.spec;
    const message: DeployTaskMessage = {
      task: task.ref(),
      parallelism: job.spec.parallelism,
      bundle: {
        url: bundle.url,
        kind: bundle.kind,
        size: bundle.size,
        modificationTime: bundle.modificationTime,
        ...(bundle.entry ? { entry: bundle.entry } : {}),
      },
      exportName: job.spec.exportName,
      argsJson: job.argsJson,
      jobName: job.name,
    };
    task.deployedTo(teId, this.placeOf(teId));
    this.registry.deploy(teId, message);
  }

  /** The host and NodeManager web address of a registered TaskExecutor, for its task attempts' records. */
  private placeOf(teId: string): TaskExecutorPlace {
    const info = this.registry.get(teId);
    if (!info) return {};
    return { host: info.host, ...(info.nodeHttpAddress !== undefined ? { nodeHttpAddress: info.nodeHttpAddress } : {}) };
  }

  private changed(): void {
    const wanted = this.wantedTaskExecutors();
    if (wanted === this.lastWanted) return;
    this.lastWanted = wanted;
    for (const l of [...this.changeListeners]) {
      try {
        l();
      } catch (err) {
        console.error('job master: a slot demand listener failed:', err);
      }
    }
  }

  private find(ref: TaskRef): { job: Job; task: JobTask } | undefined {
    const job = this.jobsById.get(ref.jobId);
    const task = job?.tasks[ref.taskIndex];
    return job && task?.matches(ref) ? { job, task } : undefined;
  }

  private resumed(existing: Job, spec: JobSpec, argsJson: string): JobStatus {
    sameJobOrThrow(existing, spec, argsJson);
    return existing.status();
  }

  private mustGet(id: string): Job {
    const job = this.jobsById.get(id);
    if (!job) throw new JobNotFoundError(this.expiredJob(id) ?? `no job ${id} in this cluster (list the jobs to see their ids)`);
    return job;
  }

  /** An ended job goes into the bounded history; the jobs that history lets go leave memory. */
  private jobEnded(job: Job): void {
    if (this.jobsById.get(job.id) !== job) return;
    this.forget(this.finished.ended(job.id, job.state, job.endedAt ?? this.now()));
  }

  private forgetExpired(): void {
    this.forget(this.finished.due());
  }

  private forget(ids: string[]): void {
    for (const id of ids) {
      this.jobsById.delete(id);
      this.restarts.delete(id);
    }
  }

  private async waitAtMost(job: Job, ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([job.whenEnded(), new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
    clearTimeout(timer);
  }
}

/** The answer to a resubmission under an id already here: the same job, or an error saying what differs. */
function sameJobOrThrow(existing: Job, spec: JobSpec, argsJson: string): void {
  const differs: string[] = [];
  if (existing.spec.bundle.url !== spec.bundle.url) differs.push(`bundle ${existing.spec.bundle.url} -> ${spec.bundle.url}`);
  if (existing.spec.exportName !== spec.exportName) differs.push(`export ${existing.spec.exportName} -> ${spec.exportName}`);
  if (existing.spec.parallelism !== spec.parallelism) differs.push(`parallelism ${existing.spec.parallelism} -> ${spec.parallelism}`);
  if (existing.argsJson !== argsJson) differs.push('other arguments');
  if (differs.length) {
    throw new Error(
      `job ${existing.id} was submitted before as a different job (${differs.join('; ')}): a program's main() must submit the same jobs in the same order in every AM attempt`,
    );
  }
}

function parseResult(json: string | undefined): { value: unknown } | { error: string } {
  if (json === undefined) return { value: null };
  try {
    return { value: JSON.parse(json) as unknown };
  } catch (err) {
    return { error: `its result is not valid JSON (${(err as Error).message})` };
  }
}

/** The error message, then the stack when it adds something (a stack starts with the message). */
function describeFailure(u: TaskUpdateMessage): string {
  const message = u.error ?? 'failed without a message';
  if (!u.errorStack) return message;
  return u.errorStack.includes(message) ? u.errorStack : `${message}\n${u.errorStack}`;
}

/** Maps and sets keep insertion order: the first key is the oldest. */
function dropOldest(kept: Map<string, unknown> | Set<string>): void {
  const oldest = kept.keys().next();
  if (!oldest.done) kept.delete(oldest.value);
}
