import type {
  ClusterControl,
  ClusterOverview,
  JobSpec,
  JobStatus,
  TaskExecutorInfo,
  TaskExecutorRecord,
  TaskStatus,
} from '../../../appmaster/cluster-api.js';
import type { TaskState } from '../../../client/contracts/job-states.js';

/**
 * An in-memory ClusterControl for the dispatcher's tests: jobs start RUNNING with their tasks
 * SCHEDULED; the test moves tasks along with `setTask` / `finishJob`, and reads what the
 * dispatcher asked for in `submitted`, `canceled` and `shutdowns`.
 */
export class FakeClusterControl implements ClusterControl {
  readonly submitted: JobSpec[] = [];
  readonly canceled: string[] = [];
  readonly shutdowns: { finalStatus: string; diagnostics: string }[] = [];
  readonly executors: TaskExecutorInfo[] = [];
  /** What taskExecutorHistory() answers (newest first). */
  readonly history: TaskExecutorRecord[] = [];
  private readonly jobList: JobStatus[] = [];
  private seq = 0;
  /** Make the next submitJob throw this. */
  failNextSubmit: Error | undefined;

  constructor(private readonly startedAt = 1_795_461_200_000) {}

  overview(): ClusterOverview {
    const count = (s: string) => this.jobList.filter((j) => j.state === s).length;
    return {
      applicationId: 'application_1795460840938_0010',
      mode: 'session',
      taskExecutors: this.executors.length,
      slotsTotal: this.executors.reduce((n, t) => n + t.slots, 0),
      slotsAvailable: this.executors.reduce((n, t) => n + t.freeSlots, 0),
      jobsRunning: count('RUNNING'),
      jobsFinished: count('FINISHED'),
      jobsFailed: count('FAILED'),
      jobsCanceled: count('CANCELED'),
      startedAt: this.startedAt,
    };
  }

  taskExecutors(): TaskExecutorInfo[] {
    return this.executors.map((t) => ({ ...t }));
  }

  taskExecutorHistory(): TaskExecutorRecord[] {
    return this.history.map((r) => ({ ...r }));
  }

  jobs(): JobStatus[] {
    return this.jobList.map(clone);
  }

  job(id: string): JobStatus | undefined {
    const j = this.jobList.find((x) => x.id === id);
    return j && clone(j);
  }

  async submitJob(spec: JobSpec, opts: { id?: string } = {}): Promise<JobStatus> {
    if (this.failNextSubmit) {
      const err = this.failNextSubmit;
      this.failNextSubmit = undefined;
      throw err;
    }
    this.submitted.push(spec);
    const id = opts.id ?? `job-${this.seq + 1}`;
    ++this.seq;
    const job: JobStatus = {
      id,
      name: spec.name ?? spec.exportName,
      state: 'RUNNING',
      parallelism: spec.parallelism,
      exportName: spec.exportName,
      submittedAt: this.startedAt + this.seq * 1000,
      tasks: Array.from({ length: spec.parallelism }, (_, index) => ({ index, state: 'SCHEDULED', attempt: 0 })),
    };
    this.jobList.push(job);
    return clone(job);
  }

  async cancelJob(id: string): Promise<JobStatus> {
    const j = this.jobList.find((x) => x.id === id)!;
    this.canceled.push(id);
    j.state = 'CANCELED';
    j.endedAt = j.submittedAt + 500;
    for (const t of j.tasks) if (t.state !== 'FINISHED') t.state = 'CANCELED';
    return clone(j);
  }

  async shutdown(reason: { finalStatus: 'SUCCEEDED' | 'FAILED' | 'KILLED'; diagnostics: string }): Promise<void> {
    this.shutdowns.push(reason);
  }

  addTaskExecutor(id: string, slots: number, freeSlots = slots): void {
    this.executors.push({
      id,
      host: 'localhost',
      slots,
      freeSlots,
      registeredAt: this.startedAt,
      lastHeartbeatAt: this.startedAt + 5000,
      memoryMb: 1024,
    });
  }

  setTask(jobId: string, index: number, state: TaskState, extra: Partial<TaskStatus> = {}): void {
    const t = this.jobList.find((x) => x.id === jobId)!.tasks[index];
    t.state = state;
    Object.assign(t, extra);
  }

  /** All tasks FINISHED with their index * 10 as result, the job FINISHED. */
  finishJob(jobId: string): void {
    const j = this.jobList.find((x) => x.id === jobId)!;
    for (const t of j.tasks) Object.assign(t, { state: 'FINISHED', result: t.index * 10 });
    j.state = 'FINISHED';
    j.endedAt = j.submittedAt + 2000;
    j.results = j.tasks.map((t) => t.result);
  }

  failJob(jobId: string, error: string): void {
    const j = this.jobList.find((x) => x.id === jobId)!;
    j.state = 'FAILED';
    j.error = error;
    j.endedAt = j.submittedAt + 1500;
  }
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

/** A valid POST /jobs body. */
export function jobBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'word count',
    bundle: { url: 'hdfs://localhost:9000/user/root/.loom/app/bundle.mjs', kind: 'file', size: 1234, modificationTime: 1_795_461_000_000 },
    exportName: 'count',
    parallelism: 4,
    args: ['hdfs:///in', { limit: 3 }],
    ...overrides,
  };
}
