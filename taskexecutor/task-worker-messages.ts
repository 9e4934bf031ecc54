/** What the TaskExecutor hands a task's worker thread, and what the worker answers. */

export interface TaskWorkerInput {
  /** Absolute path of the module to import (in the bundle cache). */
  modulePath: string;
  /** The bundle's directory in the cache: errors name its files relative to it. */
  bundleRoot: string;
  exportName: string;
  task: {
    jobId: string;
    jobName: string;
    index: number;
    parallelism: number;
    attempt: number;
    args: unknown[];
  };
  /** How the task's `hdfs` client is built: Hadoop configuration dir and the application's user. */
  hdfs: { confDir?: string; user: string };
  /** Results travel inline to the AM; larger ones belong on HDFS. */
  maxResultBytes: number;
}

export type TaskWorkerOutput = { ok: true; resultJson: string } | { ok: false; message: string; stack?: string };

/** task.progress() in the thread, checked there; any number of them come before the answer. */
export interface TaskWorkerProgress {
  type: 'loom-task-progress';
  fraction: number;
  message: string;
}

export const TASK_WORKER_PROGRESS = 'loom-task-progress';
