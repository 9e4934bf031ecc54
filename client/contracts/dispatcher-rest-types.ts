/**
 * The AM dispatcher's REST bodies as they travel, in Flink's shapes (key names such as
 * `slots-total`, `jid`, `start-time`; errors as `{"errors": [...]}`), so Flink users' scripts and
 * habits carry over. The server (appmaster/dispatcher) writes them, DispatcherClient reads them.
 */

import type { BundleRef } from './bundle-ref.js';
import type { ClusterMode } from './am-env.js';
import type { JobState, TaskState } from './job-states.js';

/** Body of POST /jobs: where the code is, which export to call, how many tasks, their arguments. */
export interface JobSubmission {
  name?: string;
  bundle: BundleRef;
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
  mode: ClusterMode;
  'start-time': number;
}

/**
 * One entry of GET /taskmanagers: a TaskExecutorInfo on the wire, in Flink's key names (Loom's
 * TaskExecutors are Flink's TaskManagers). As in Flink, `timeSinceLastHeartbeat` holds the time
 * (epoch ms) of the last heartbeat. appmaster/dispatcher/rest-bodies.ts writes it, DispatcherClient reads it back.
 */
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
  jobs: { id: string; status: JobState }[];
}

/** What every job body starts with; `end-time` is -1 while the job runs (Flink). */
export interface JobHeaderJson {
  jid: string;
  name: string;
  state: JobState;
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
  state: TaskState;
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

/** The cluster's overview as the AM computes it and DispatcherClient returns it: the model; OverviewJson is its wire body (plus loomVersion). */
export interface ClusterOverview {
  applicationId?: string;
  mode: ClusterMode;
  taskExecutors: number;
  slotsTotal: number;
  slotsAvailable: number;
  jobsRunning: number;
  jobsFinished: number;
  jobsFailed: number;
  jobsCanceled: number;
  startedAt: number;
}

/**
 * A registered TaskExecutor as the AM knows it (the registry's record) and as DispatcherClient
 * returns it: the model, in Loom's names; TaskManagerJson is its wire body.
 */
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

/** A task of a job, in GET /jobs/<id>. */
export interface TaskStatus {
  index: number;
  state: TaskState;
  attempt: number;
  taskExecutorId?: string;
  /** JSON value the task returned (FINISHED only). */
  result?: unknown;
  error?: string;
}

/** A job as GET /jobs/<id> answers it, the job master reports it and the HA store keeps it. */
export interface JobStatus {
  id: string;
  name: string;
  state: JobState;
  parallelism: number;
  exportName: string;
  submittedAt: number;
  endedAt?: number;
  tasks: TaskStatus[];
  /** Results in task-index order once the job FINISHED. */
  results?: unknown[];
  error?: string;
}

/** One line of a task attempt's output (GET /jobs/:id/tasks/:index/output). */
export interface TaskOutputLineJson {
  seq: number;
  /** ISO-8601 UTC with milliseconds. */
  time: string;
  stream: 'stdout' | 'stderr';
  text: string;
}

/** GET /jobs/:id/tasks/:index/output?attempt=<a>&after=<seq>: lines after `after`, `next` to pass next time. */
export interface TaskOutputJson {
  jobId: string;
  taskIndex: number;
  attempt: number;
  lines: TaskOutputLineJson[];
  next: number;
  /** The attempt ended and all its lines are here. */
  ended: boolean;
  /** Lines the AM dropped (its bound). */
  dropped: number;
  containerId: string;
  host: string;
  nodeHttpAddress: string;
}
