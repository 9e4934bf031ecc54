/**
 * Jobs that outlive their AM attempt: every submission is recorded in the HA store before the
 * job master runs it (so an accepted job is never lost), every end is recorded when it happens,
 * and a new attempt restores what the store holds: ended jobs keep their results (never run
 * again), unfinished ones are resubmitted under their ids. While a submission is being recorded the
 * job is INITIALIZING (initializing-jobs.ts): visible under its id, never a 404.
 */
import type { JobSpec, JobStatus } from '../cluster-api.js';
import type { JobMaster } from '../jobs/job-master.js';
import { newJobId } from '../jobs/job-ids.js';
import type { HaState, HaStore } from './ha-store.js';
import { InitializingJobs } from './initializing-jobs.js';

export interface JobSubmitOptions {
  /** An id the submitter chose (per-job mode, application mode's order-derived ids). */
  id?: string;
  /** A job of that id taken over from an earlier attempt is the answer, not an error. */
  resume?: boolean;
}

export interface RecoveredJobs {
  /** Ended under an earlier attempt: served from the store. */
  restored: string[];
  /** Unfinished: running again under this attempt. */
  resubmitted: string[];
}

export class DurableJobs {
  private seq = 0;
  private closed = false;
  private readonly writes = new Set<Promise<unknown>>();
  private readonly initializing = new InitializingJobs();
  /** Ids a mode announced before the AM served (per-job mode's job): INITIALIZING until submitted. */
  private readonly declared = new Set<string>();
  /** Told of each job this attempt ran when it ends (the job archive); the AM's end waits for what they return. */
  private readonly endListeners = new Set<(status: JobStatus) => Promise<void>>();

  constructor(
    private readonly jobMaster: JobMaster,
    /** Undefined when the application has a single attempt: nothing to take over, nothing written. */
    private readonly store: HaStore | undefined,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * Takes over the jobs an earlier attempt recorded. Resubmitted jobs' tasks wait until
   * `holdUntil` (or the job master's releaseRecoveryHold) for TaskExecutors still running them.
   */
  async recover(state: HaState, holdUntil: number): Promise<RecoveredJobs> {
    const out: RecoveredJobs = { restored: [], resubmitted: [] };
    for (const job of state.jobs) {
      this.seq = Math.max(this.seq, job.seq);
      const ended = state.ended.get(job.id);
      try {
        if (ended) {
          this.jobMaster.restoreEndedJob(job.spec, ended);
          out.restored.push(job.id);
        } else {
          await this.jobMaster.submitJob(job.spec, { id: job.id, submittedAt: job.submittedAt, recoveredHoldUntil: holdUntil });
          this.recordEndOf(job.id);
          out.resubmitted.push(job.id);
        }
      } catch (err) {
        this.log(`could not take over job ${job.id} from the HA store: ${(err as Error).message}`);
      }
    }
    return out;
  }

  /**
   * A job the AM will submit under this id once it runs (per-job mode's job, known before the AM
   * registers): shown as INITIALIZING from now on, so a client that reads the AM's address from
   * YARN's report never finds its job missing. No-op for a job taken over from the HA store.
   */
  declare(id: string, spec: JobSpec): void {
    if (this.jobMaster.job(id) || this.initializing.has(id)) return;
    this.declared.add(id);
    this.initializing.add(id, spec);
  }

  /** Records the job, then hands it to the job master; a job that cannot be recorded is refused (and shown FAILED). */
  async submit(input: JobSpec, opts: JobSubmitOptions = {}): Promise<JobStatus> {
    if (opts.id !== undefined && opts.resume && this.jobMaster.job(opts.id)) return this.jobMaster.submitJob(input, opts);
    // Checked before anything is recorded: a refused job leaves no trace in the HA store.
    const { spec } = this.jobMaster.validate(input);
    const id = opts.id ?? newJobId();
    const announced = this.declared.delete(id);
    if (this.jobMaster.job(id) || (!announced && this.initializing.has(id))) throw new Error(`a job with id ${id} was submitted already`);
    // Visible from here on (the id is what the client polls), before any await.
    if (!announced) this.initializing.add(id, spec);
    const submittedAt = Date.now();
    let status: JobStatus;
    try {
      if (this.store && !this.closed) {
        const seq = ++this.seq;
        try {
          await this.track(this.store.writeJob({ seq, id, spec, submittedAt }));
        } catch (err) {
          throw new Error(
            `the job could not be recorded in the HA store ${this.store.url} (${(err as Error).message}); it was not started`,
            { cause: err },
          );
        }
      }
      // The job master registers the job synchronously, so it is never missing between the two records.
      status = await this.jobMaster.submitJob(spec, { id, submittedAt });
    } catch (err) {
      this.initializing.failedToStart(id, (err as Error).message);
      throw err;
    }
    const cancelReason = this.initializing.started(id);
    this.recordEndOf(id);
    if (cancelReason !== undefined) return this.jobMaster.cancelJob(id);
    return status;
  }

  /** The job master's job, or one still initializing (or one that never started). */
  job(id: string): JobStatus | undefined {
    return this.jobMaster.job(id) ?? this.initializing.get(id);
  }

  jobs(): JobStatus[] {
    return [...this.jobMaster.jobs(), ...this.initializing.list().filter((j) => !this.jobMaster.job(j.id))];
  }

  /** Jobs accepted but not running yet, for the overview's running count. */
  get initializingCount(): number {
    return this.initializing.pendingCount;
  }

  /** Cancels a running job; one still initializing is cancelled as soon as it runs. */
  async cancel(id: string): Promise<JobStatus> {
    if (!this.jobMaster.job(id)) {
      const pending = this.initializing.requestCancel(id, 'the job was cancelled');
      if (pending) return pending;
    }
    return this.jobMaster.cancelJob(id);
  }

  /**
   * No more writes (the application is ending on purpose and its store goes); waits for those
   * under way. Jobs still initializing end CANCELED with the reason.
   */
  async close(reason = 'the cluster is shutting down'): Promise<void> {
    this.closed = true;
    this.initializing.close(reason);
    await Promise.allSettled([...this.writes]);
  }

  /** `listener` learns of every job that ends from now on; close() waits for the promises it returns. */
  onJobEnded(listener: (status: JobStatus) => Promise<void>): void {
    this.endListeners.add(listener);
  }

  private recordEndOf(id: string): void {
    const store = this.store;
    void this.jobMaster.waitForJob(id).then((status) => {
      for (const listener of this.endListeners) void this.track(listener(status)).catch(() => undefined);
      if (!store || this.closed) return;
      this.track(store.writeEnded(status)).catch((err: unknown) =>
        this.log(`could not record the end of job ${id} in the HA store (a new attempt would run it again): ${(err as Error).message}`),
      );
    });
  }

  private track<T>(write: Promise<T>): Promise<T> {
    this.writes.add(write);
    void write.catch(() => undefined).finally(() => this.writes.delete(write));
    return write;
  }
}
