/**
 * The contract between the AM's parts: the job master and TaskExecutor registry (which run jobs),
 * the dispatcher (REST + dashboard, which only reads and forwards), and the ResourceManager bridge
 * (which turns slot demand into YARN containers). Types only, so each part can be built and tested
 * against it on its own.
 */
import type { BundleRef } from '../client/contracts/bundle-ref.js';
import type {
  ClusterOverview,
  JobStatus,
  TaskExecutorInfo,
  TaskOutputJson,
  TaskExecutorRecord,
  TaskStatus,
} from '../client/contracts/dispatcher-rest-types.js';

export interface JobSpec {
  name?: string;
  bundle: BundleRef;
  /** Name of the exported function each task calls as `fn(task)`. */
  exportName: string;
  parallelism: number;
  /** JSON-serialisable arguments handed to every task as `task.args`. */
  args: unknown[];
}

export type { TaskExecutorInfo, TaskExecutorRecord };

/** REST bodies, shared with the dispatcher's client (client/contracts/dispatcher-rest-types.ts). */
export type { ClusterOverview, JobStatus, TaskStatus };

/** What the dispatcher needs from the rest of the AM. */
export interface ClusterControl {
  overview(): ClusterOverview;
  taskExecutors(): TaskExecutorInfo[];
  /** Every TaskExecutor of this AM attempt, released and lost ones included, newest first (bounded). */
  taskExecutorHistory?(): TaskExecutorRecord[];
  jobs(): JobStatus[];
  job(id: string): JobStatus | undefined;
  /** Why a job this AM knew is gone (it ended and left memory under jobstore.max-capacity / jobstore.expiration-time), or undefined. */
  expiredJob?(id: string): string | undefined;
  /** `id`: one the client chose (32 lower-case hex digits); otherwise the AM picks one. */
  submitJob(spec: JobSpec, opts?: { id?: string }): Promise<JobStatus>;
  cancelJob(id: string): Promise<JobStatus>;
  /**
   * A task attempt's output the AM keeps (appmaster/jobs/task-output-store.ts); undefined when the
   * task has no such attempt. `attempt` absent: the latest; `after`: only lines with a greater seq.
   * Absent: this AM keeps no task output.
   */
  taskOutput?(jobId: string, taskIndex: number, query: { attempt?: number; after: number }): TaskOutputJson | undefined;
  /** Ends the cluster: the application unregisters with the given final status. */
  shutdown(reason: { finalStatus: 'SUCCEEDED' | 'FAILED' | 'KILLED'; diagnostics: string }): Promise<void>;
}

/**
 * What the ResourceManager bridge needs from the job master: how many TaskExecutors should exist
 * (counting those registered and those starting), and when that changes.
 */
export interface SlotDemand {
  /** TaskExecutors wanted right now, given the slots per TaskExecutor. */
  wantedTaskExecutors(): number;
  /** Called whenever the wanted count may have changed. Returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
  /** TaskExecutors that have had no task for longer than `idleMs` (candidates for release). */
  idleTaskExecutors(idleMs: number): string[];
}
