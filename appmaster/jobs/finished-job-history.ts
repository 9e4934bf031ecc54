/**
 * How many ended jobs the AM keeps in memory, and for how long: Flink's job store bounds,
 * `jobstore.max-capacity` (default Integer.MAX_VALUE: no count bound) and
 * `jobstore.expiration-time` (default 3600 s after the job ended). Flink's
 * FileExecutionGraphInfoStore drops an ended job's graph once either bound is passed, the oldest
 * first; here the job master forgets the job (its tasks, results and errors). What stays is a
 * tombstone of a few fields per job (id, how it ended, when, which bound), so the REST API can
 * answer a clear 404 and an expired id is never taken for a new job. The whole record stays in
 * the job archive (`loom history`) and, with HA, in the HA store.
 *
 * Expiration is checked when a job ends and whenever jobs are read (no timer): memory only grows
 * when jobs end, so nothing is held longer than until the next look.
 */
import type { JobState } from '../../client/contracts/job-states.js';

export interface JobStoreBounds {
  /** jobstore.max-capacity: ended jobs kept at most. */
  maxCapacity: number;
  /** jobstore.expiration-time in ms: an ended job leaves memory this long after its end. */
  expirationMs: number;
}

/** Flink's defaults (JobManagerOptions.JOB_STORE_MAX_CAPACITY and JOB_STORE_EXPIRATION_TIME). */
export const JOB_STORE_DEFAULTS: Readonly<JobStoreBounds> = { maxCapacity: 2_147_483_647, expirationMs: 3600 * 1000 };

export interface ExpiredJob {
  state: JobState;
  endedAt: number;
  /** Which bound sent it away. */
  bound: 'jobstore.max-capacity' | 'jobstore.expiration-time';
}

export class FinishedJobHistory {
  /** Ended jobs still in memory: id -> end time, in the order they ended (a Map keeps insertion order). */
  private readonly kept = new Map<string, { state: JobState; endedAt: number }>();
  private readonly expired = new Map<string, ExpiredJob>();
  private readonly expiredByState = new Map<JobState, number>();

  constructor(
    readonly bounds: JobStoreBounds,
    private readonly now: () => number,
  ) {}

  /** A job ended (or was restored ended): the ids that must leave memory now, this one possibly among them. */
  ended(id: string, state: JobState, endedAt: number): string[] {
    this.kept.set(id, { state, endedAt });
    const gone = this.due();
    while (this.kept.size > this.bounds.maxCapacity) gone.push(this.expireOldest('jobstore.max-capacity'));
    return gone;
  }

  /** The ids whose expiration time has come, oldest first; they count as gone from now on. */
  due(): string[] {
    const gone: string[] = [];
    const limit = this.now() - this.bounds.expirationMs;
    for (const [, job] of this.kept) {
      if (job.endedAt > limit) break;
      gone.push(this.expireOldest('jobstore.expiration-time'));
    }
    return gone;
  }

  /** How an expired job ended, or undefined for a job not expired (still here, or never known). */
  expiredJob(id: string): ExpiredJob | undefined {
    return this.expired.get(id);
  }

  /** Expired jobs that ended in this state (for the overview's counts). */
  expiredCount(state: JobState): number {
    return this.expiredByState.get(state) ?? 0;
  }

  /** Why an expired job is not here, naming the bound and where its record is; undefined when it did not expire. */
  describeExpired(id: string): string | undefined {
    const e = this.expired.get(id);
    if (!e) return undefined;
    const bound =
      e.bound === 'jobstore.max-capacity'
        ? `jobstore.max-capacity: ${this.bounds.maxCapacity} ended jobs are kept`
        : `jobstore.expiration-time: ended jobs are kept ${Math.round(this.bounds.expirationMs / 1000)} s`;
    return `job ${id} ended ${e.state} at ${new Date(e.endedAt).toISOString()} and has left the AM's memory (${bound}); its record is in the job archive: loom history <applicationId>`;
  }

  private expireOldest(bound: ExpiredJob['bound']): string {
    const [id, job] = this.kept.entries().next().value as [string, { state: JobState; endedAt: number }];
    this.kept.delete(id);
    this.expired.set(id, { ...job, bound });
    this.expiredByState.set(job.state, this.expiredCount(job.state) + 1);
    return id;
  }
}
