/**
 * The AM dispatcher's REST bodies as they travel, in Flink's shapes (key names such as
 * `slots-total`, `jid`, `start-time`; errors as `{"errors": [...]}`), so Flink users' scripts and
 * habits carry over. The server (appmaster/dispatcher) writes them, DispatcherClient reads them.
 */

export type JobStateName = 'INITIALIZING' | 'RUNNING' | 'FINISHED' | 'FAILED' | 'CANCELLING' | 'CANCELED';
export type TaskStateName = 'SCHEDULED' | 'DEPLOYING' | 'RUNNING' | 'FINISHED' | 'FAILED' | 'CANCELED';

export const TERMINAL_JOB_STATES: ReadonlySet<JobStateName> = new Set(['FINISHED', 'FAILED', 'CANCELED']);
export const TASK_STATE_NAMES: readonly TaskStateName[] = ['SCHEDULED', 'DEPLOYING', 'RUNNING', 'FINISHED', 'FAILED', 'CANCELED'];

/** Body of POST /jobs: where the code is, which export to call, how many tasks, their arguments. */
export interface JobSubmission {
  name?: string;
  bundle: {
    /** `hdfs://...`, `webhdfs://...`, or an absolute path on the cluster's default file system. */
    url: string;
    kind: 'file' | 'archive';
    /** For archives: the module to import, relative to the archive root. */
    entry?: string;
    /** From GETFILESTATUS after the upload, so a changed bundle is detected. */
    size: number;
    modificationTime: number;
  };
  exportName: string;
  parallelism: number;
  /** JSON-serialisable; every task gets them as `task.args`. Absent means []. */
  args?: unknown[];
}

/** GET /overview */
export interface OverviewJson {
  taskmanagers: number;
  'slots-total': number;
  'slots-available': number;
  'jobs-running': number;
  'jobs-finished': number;
  'jobs-cancelled': number;
  'jobs-failed': number;
  'loom-version': string;
  'application-id'?: string;
  mode: 'session' | 'per-job' | 'application';
  'start-time': number;
}

/** One entry of GET /taskmanagers. As in Flink, `timeSinceLastHeartbeat` holds the time (epoch ms) of the last heartbeat. */
export interface TaskManagerJson {
  id: string;
  host: string;
  slotsNumber: number;
  freeSlots: number;
  timeSinceLastHeartbeat: number;
  registeredAt: number;
  memoryMb?: number;
}

export interface TaskManagersJson {
  taskmanagers: TaskManagerJson[];
}

/** GET /jobs (Flink's id list). */
export interface JobIdsJson {
  jobs: { id: string; status: JobStateName }[];
}

/** What every job body starts with; `end-time` is -1 while the job runs (Flink). */
export interface JobHeaderJson {
  jid: string;
  name: string;
  state: JobStateName;
  'start-time': number;
  'end-time': number;
  duration: number;
}

/** One entry of GET /jobs/overview. */
export interface JobOverviewJson extends JobHeaderJson {
  parallelism: number;
  /** Count per lower-case task state, plus `total`. */
  tasks: Record<string, number>;
}

export interface JobsOverviewJson {
  jobs: JobOverviewJson[];
}

export interface TaskJson {
  index: number;
  state: TaskStateName;
  attempt: number;
  'taskmanager-id'?: string;
  result?: unknown;
  error?: string;
}

/** GET /jobs/:id */
export interface JobDetailsJson extends JobHeaderJson {
  now: number;
  parallelism: number;
  'export-name': string;
  tasks: TaskJson[];
  results?: unknown[];
  error?: string;
}

/** 202 answer to POST /jobs. */
export interface JobSubmitResponseJson {
  jobid: string;
  jobUrl: string;
}

/** Body of DELETE /cluster (optional). */
export interface ClusterShutdownJson {
  finalStatus?: 'SUCCEEDED' | 'FAILED' | 'KILLED';
  diagnostics?: string;
}

/** GET /config: what the dashboard needs (Flink's dashboard configuration). */
export interface DashboardConfigJson {
  'refresh-interval': number;
  'timezone-name': string;
  'timezone-offset': number;
  'loom-version': string;
  features: { 'web-submit': boolean; 'web-cancel': boolean };
}

export interface ErrorJson {
  errors: string[];
}

/** The cluster's overview as the AM computes it (the dispatcher adds loomVersion on the wire). */
export interface ClusterOverview {
  applicationId?: string;
  mode: 'session' | 'per-job' | 'application';
  taskExecutors: number;
  slotsTotal: number;
  slotsAvailable: number;
  jobsRunning: number;
  jobsFinished: number;
  jobsFailed: number;
  jobsCanceled: number;
  startedAt: number;
}

/** A registered TaskExecutor as the AM reports it. */
export interface TaskExecutorInfo {
  /** The YARN container id it runs in (or a local id when started outside YARN). */
  id: string;
  host: string;
  slots: number;
  freeSlots: number;
  registeredAt: number;
  lastHeartbeatAt: number;
  /** Memory the container was given, for the dashboard. */
  memoryMb?: number;
}

/** The attached client's lease on its cluster: heartbeats POST here, a detach DELETEs (client/deploy/running/cluster-lease.ts). */
export const CLUSTER_LEASE_PATH = '/cluster/lease';

/** Body of every /cluster/lease answer. */
export interface ClusterLeaseJson {
  /** False for a detached cluster, and once the lease was released or has expired. */
  attached: boolean;
  /** loom.client.heartbeat-timeout as the AM applies it. */
  'timeout-ms': number;
  /** When the last heartbeat arrived (ms since the epoch). */
  'last-heartbeat'?: number;
  /** When the cluster ends without another heartbeat. */
  expires?: number;
}
