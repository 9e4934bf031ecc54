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
  nodeHttpAddress?: string;
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
  /** How far the job is, 0 to 1: a finished task counts 1, another its latest task.progress() fraction (0 without one). */
  progress?: number;
}

export interface JobsOverviewJson {
  jobs: JobOverviewJson[];
}

export interface TaskJson extends TaskAttemptPlacement {
  index: number;
  state: TaskState;
  attempt: number;
  'taskmanager-id'?: string;
  result?: unknown;
  error?: string;
  /** Earlier attempts of this task, oldest first (bounded: the most recent TASK_ATTEMPTS_KEPT). */
  previousAttempts?: TaskAttempt[];
  /** The current attempt's latest task.progress(), absent until it reports one. */
  progress?: TaskProgressJson;
}

/** What a task attempt last reported with task.progress(): `fraction` 0 to 1, `message` ('' for none), when the AM got it (ms since the epoch). */
export interface TaskProgressJson {
  fraction: number;
  message: string;
  time: number;
}

/**
 * Where and when one task attempt ran: its TaskExecutor's container, that container's host and
 * NodeManager web address (for log links, as YARN's UI builds them), and its start (deployed) and
 * end (reported ended) times in ms since the epoch. Absent until known.
 */
export interface TaskAttemptPlacement {
  containerId?: string;
  host?: string;
  nodeHttpAddress?: string;
  startTime?: number;
  endTime?: number;
}

/** One ended attempt of a task, as the attempt history keeps it. */
export interface TaskAttempt extends TaskAttemptPlacement {
  attempt: number;
  state: TaskState;
  error?: string;
}

/** Earlier attempts kept per task (the oldest are dropped beyond it). */
export const TASK_ATTEMPTS_KEPT = 20;

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
  /** The NodeManager's web address (host:port) of its container, when the AM launched it. */
  nodeHttpAddress?: string;
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

/** A task of a job, in GET /jobs/<id>: its current attempt (placement included) and the earlier ones. */
export interface TaskStatus extends Omit<TaskAttemptPlacement, 'containerId'> {
  index: number;
  state: TaskState;
  attempt: number;
  taskExecutorId?: string;
  /** JSON value the task returned (FINISHED only). */
  result?: unknown;
  error?: string;
  previousAttempts?: TaskAttempt[];
  progress?: TaskProgressJson;
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

/** Application mode: where main()'s lines are served (`?after=<seq>`), and main()'s end (both need the cluster secret). */
export const APPLICATION_PROGRAM_PATH = '/application';
export const APPLICATION_OUTPUT_PATH = '/application/output';

/** Which of main()'s channels a line came from: ctx.log, or the thread's stdout / stderr (console.*). */
export type ProgramOutputStream = 'log' | 'stdout' | 'stderr';

/** One line main() wrote, numbered in the order the AM received them. */
export interface ProgramOutputLineJson {
  seq: number;
  /** ISO-8601 UTC, when the AM received it. */
  time: string;
  stream: ProgramOutputStream;
  text: string;
}

/** GET /application/output?after=<seq>: the lines after `after` (default -1: from the first one kept). */
export interface ProgramOutputJson {
  lines: ProgramOutputLineJson[];
  /** The seq to pass as `after` next time. */
  next: number;
  /** main() has ended and every line it wrote is in this answer or an earlier one. */
  ended: boolean;
  /** Lines after `after` that the AM's bound dropped before they were read. */
  dropped: number;
}

/** GET /application: how main() is doing; `result` is what it returned (as JSON), once it returned. */
export interface ApplicationProgramJson {
  state: 'RUNNING' | 'RETURNED' | 'FAILED';
  /** Absent when main() returned undefined (or a value JSON cannot carry). */
  result?: unknown;
  /** main()'s error, when it failed. */
  error?: string;
}

/** One line of a task attempt's output in GET /jobs/:id/tasks/:index/output. */
export interface TaskOutputLineJson {
  /** From 0 per attempt, over both streams; pass the last one seen as `after` to get only newer lines. */
  seq: number;
  /** When the TaskExecutor read the line (ms since the epoch). */
  time: number;
  stream: 'stdout' | 'stderr';
  /** Without its newline; a line longer than 64 KiB is cut and ends with a marker naming how much was cut. */
  text: string;
}

/**
 * GET /jobs/:id/tasks/:index/output?attempt=<a>&after=<seq>: the lines of one task attempt the AM
 * keeps (the last loom.task-output.max-bytes-per-attempt / max-lines-per-attempt of them; the
 * whole output is in the file task-<jobId>-<index>-<attempt>.log in the TaskExecutor container's
 * log dir). `attempt` defaults to the task's latest, `after` to -1 (every line kept).
 */
export interface TaskOutputJson {
  jobId: string;
  taskIndex: number;
  attempt: number;
  /** Lines with seq > after, oldest first. */
  lines: TaskOutputLineJson[];
  /** What to pass as `after` next time (the last seq returned, else the `after` given). */
  next: number;
  /** The attempt has ended and every line the AM will get is here: a follower stops after reading them. */
  ended: boolean;
  /** Lines of this attempt lost before they could be read here: dropped by the AM's bound (oldest first) or by the TaskExecutor's queue to the AM. */
  dropped: number;
  /** The TaskExecutor's container, where the attempt ran (absent until it was deployed). */
  containerId?: string;
  host?: string;
  /** The NodeManager's web address (host:port) of that container: its logs are under /node/containerlogs/<containerId>/<user>. */
  nodeHttpAddress?: string;
}

/**
 * A TaskExecutor as the AM's bounded history keeps it, also after it is gone: `released` when the
 * AM let it go (idle, or the cluster stopping), `lost` when it went away by itself (stream ended,
 * heartbeats missed, container ended), with the reason.
 */
export interface TaskExecutorRecord {
  id: string;
  host: string;
  nodeHttpAddress?: string;
  slots: number;
  memoryMb?: number;
  state: 'running' | 'released' | 'lost';
  reason?: string;
  startTime: number;
  endTime?: number;
}

/** TaskExecutors the history keeps: the newest; older ended ones are dropped. */
export const TASK_EXECUTOR_HISTORY_KEPT = 1000;

/** GET /taskmanagers/history: newest first; `logs` is the NodeManager's container log page (YARN's UI link). */
export interface TaskExecutorHistoryJson {
  taskmanagers: (TaskExecutorRecord & { logs?: string })[];
  kept: number;
}

/** One entry of a job's exception history (GET /jobs/:id/exceptions), in the shape of Flink's Exceptions tab. */
export interface ExceptionEntryJson {
  /** When it happened: the attempt's (or the job's) end, ms since the epoch. */
  timestamp: number;
  /** `task`: an attempt failed (the task may have run again); `job`: the job failed with this root cause. */
  kind: 'task' | 'job';
  taskIndex?: number;
  attempt?: number;
  containerId?: string;
  host?: string;
  /** The error as reported, stack included. */
  exception: string;
}

/** GET /jobs/:id/exceptions: newest first; `root-exception` is the job's failure (Flink's name). */
export interface JobExceptionsJson {
  jid: string;
  'root-exception'?: string;
  timestamp?: number;
  entries: ExceptionEntryJson[];
}

/** One entry of GET /jobmanager/config (Flink's shape: key and value), with where it came from. Secrets read `******`. */
export interface ConfigEntryJson {
  key: string;
  value: string;
  source: 'loom' | 'hadoop';
  /** The file (or `default`, `programmatically`) that set it. */
  origin?: string;
}

/** GET /jobmanager/logs: the AM container's log files (Flink's shape). */
export interface AmLogListJson {
  logs: { name: string; size: number; mtime: number }[];
}
