/**
 * Jobs that outlive their AM attempt: every submission is recorded in the HA store before the
 * job master runs it (so an accepted job is never lost), every end is recorded when it happens,
 * and a new attempt restores what the store holds: ended jobs keep their results (never run
 * again), unfinished ones are resubmitted under their ids.
 */
import type { JobSpec, JobStatus } from '../cluster-api.js';
import type { JobMaster } from '../jobs/job-master.js';
import { newJobId } from '../jobs/job-ids.js';
import { validateJobSpec } from '../jobs/job-spec-validation.js';
import type { HaState, HaStore } from './ha-store.js';

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

  /** Records the job, then hands it to the job master; a job that cannot be recorded is refused. */
  async submit(input: JobSpec, opts: JobSubmitOptions = {}): Promise<JobStatus> {
    if (opts.id !== undefined && opts.resume && this.jobMaster.job(opts.id)) return this.jobMaster.submitJob(input, opts);
    const { spec } = validateJobSpec(input);
    const id = opts.id ?? newJobId();
    if (this.jobMaster.job(id)) throw new Error(`a job with id ${id} was submitted already`);
    const submittedAt = Date.now();
    if (this.store && !this.closed) {
      const seq = ++this.seq;
      try {
        await this.track(this.store.writeJob({ seq, id, spec, submittedAt }));
      } catch (err) {
        throw new Error(`the job could not be recorded in the HA store ${this.store.url} (${(err as Error).message}); it was not started`, { cause: err });
      }
    }
    const status = await this.jobMaster.submitJob(spec, { id, submittedAt });
    this.recordEndOf(id);
    return status;
  }

  /** No more writes (the application is ending on purpose and its store goes); waits for those under way. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.writes]);
  }

  private recordEndOf(id: string): void {
    if (!this.store) return;
    const store = this.store;
    void this.jobMaster.waitForJob(id).then((status) => {
      if (this.closed) return;
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
