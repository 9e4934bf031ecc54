/**
 * Jobs the AM has accepted but not yet handed to the job master: their record is still being
 * written to the HA store (a WebHDFS CREATE and RENAME, 30 to 500 ms on a real cluster), or, in
 * per-job mode, the AM knows its job before it serves and submits it once registered. Each is
 * visible as INITIALIZING (Flink's state for a job whose JobMaster is not running yet) from the
 * moment it is accepted, so a client that chose the id never sees a 404 for its own job. A job
 * whose record could not be written stays visible as FAILED with the reason; one cancelled while
 * initializing is cancelled as soon as it runs.
 */
import type { JobSpec, JobStatus } from '../cluster-api.js';
import { jobName } from '../jobs/job.js';

interface Initializing {
  spec: JobSpec;
  submittedAt: number;
  /** Set by a cancel request that came before the job ran. */
  cancelReason?: string;
}

export class InitializingJobs {
  private readonly pending = new Map<string, Initializing>();
  /** Jobs that never ran: their record could not be written, or the AM ended first. */
  private readonly failed = new Map<string, JobStatus>();

  constructor(private readonly now: () => number = Date.now) {}

  has(id: string): boolean {
    return this.pending.has(id) || this.failed.has(id);
  }

  add(id: string, spec: JobSpec, submittedAt = this.now()): void {
    this.pending.set(id, { spec, submittedAt });
  }

  /** The job runs now (the job master has it): no longer shown from here. Returns a cancel reason requested meanwhile. */
  started(id: string): string | undefined {
    const job = this.pending.get(id);
    this.pending.delete(id);
    return job?.cancelReason;
  }

  /** The job could not start: it stays visible as FAILED with the reason. */
  failedToStart(id: string, error: string): void {
    const job = this.pending.get(id);
    if (!job) return;
    this.pending.delete(id);
    this.failed.set(id, { ...this.view(id, job), state: 'FAILED', endedAt: this.now(), error });
  }

  /** Asks for the job to be cancelled once it runs; undefined when the id is not initializing. */
  requestCancel(id: string, reason: string): JobStatus | undefined {
    const job = this.pending.get(id);
    if (!job) return undefined;
    job.cancelReason ??= reason;
    return { ...this.view(id, job), state: 'CANCELLING' };
  }

  /** The AM ends: every job still initializing is CANCELED with the reason. */
  close(reason: string): void {
    for (const [id, job] of [...this.pending]) {
      this.pending.delete(id);
      this.failed.set(id, { ...this.view(id, job), state: 'CANCELED', endedAt: this.now(), error: reason });
    }
  }

  get(id: string): JobStatus | undefined {
    const job = this.pending.get(id);
    if (job) return job.cancelReason === undefined ? this.view(id, job) : { ...this.view(id, job), state: 'CANCELLING' };
    return this.failed.get(id);
  }

  list(): JobStatus[] {
    return [...this.pending.keys(), ...this.failed.keys()].flatMap((id) => this.get(id) ?? []);
  }

  /** Counted with the running jobs in the overview. */
  get pendingCount(): number {
    return this.pending.size;
  }

  private view(id: string, job: Initializing): JobStatus {
    return {
      id,
      name: jobName(job.spec),
      state: 'INITIALIZING',
      parallelism: job.spec.parallelism,
      exportName: job.spec.exportName,
      submittedAt: job.submittedAt,
      tasks: [],
    };
  }
}
