/**
 * The user-program API: what a bundle's `export default async function main(ctx)` receives. The
 * same bundle runs unchanged in all three modes; only where main() runs (client or AM) and who
 * starts the clusters differ. Types only (the package entry `loom/program`), so programs written
 * in TypeScript can import them:
 *
 *   import type { ProgramContext, Task } from 'loom/program';
 *   export default async function main(ctx: ProgramContext) {
 *     const results = await ctx.run({ exportName: 'countWords', parallelism: 4, args: [ctx.args[0]] });
 *   }
 *   export async function countWords(task: Task) { ... }
 *
 * A job's tasks are exports of the same bundle: each task calls `bundle[exportName](task)`.
 */
import type { ClusterMode } from '../contracts/am-env.js';
import type { WebHdfsClient } from '../hadoop/hdfs/webhdfs-client.js';

/** The mode of the cluster the program runs on. */
export type ProgramMode = ClusterMode;

/** One job for ctx.submit / ctx.run. */
export interface JobRequest {
  /** The bundle's export every task calls as `fn(task)`. */
  exportName: string;
  /** Parallel tasks; default `parallelism.default` (`-p` on the command line). */
  parallelism?: number;
  /** JSON-serialisable; every task gets them as `task.args`. Default []. */
  args?: unknown[];
  name?: string;
}

export interface JobHandle {
  /** The job id (32 hex digits), as `loom list` / `loom cancel` show it. */
  id: string;
  /** The YARN application the job runs in. */
  applicationId: string;
  /**
   * The tasks' results in task order once the job FINISHED; rejects with a JobFailedError when it
   * FAILED or was CANCELED, or a DetachedResultError when the program runs detached (`-d`).
   */
  result(): Promise<unknown[]>;
}

export interface ProgramContext {
  /** The arguments after the bundle on the command line. */
  readonly args: readonly string[];
  readonly mode: ProgramMode;
  /** True when submitted jobs are not followed (per-job `-d`): result() rejects, handles still carry ids. */
  readonly detached: boolean;
  /** Starts a job; resolves once the cluster accepted it (per-job: once its cluster was submitted). */
  submit(job: JobRequest): Promise<JobHandle>;
  /** submit() + result(). */
  run(job: JobRequest): Promise<unknown[]>;
  /** A WebHDFS client acting as the submitting user (built on first use). */
  readonly hdfs: WebHdfsClient;
  /** A line for the program's log: the client's stderr, or the AM's log in application mode. */
  log(line: string): void;
}

/** What a bundle's default export (or the export named with -c) must be. */
export type ProgramMain = (ctx: ProgramContext) => unknown;

/**
 * What each task function gets: `export async function countWords(task: Task)`. Built by the
 * TaskExecutor (taskexecutor/task-worker.ts); its result must be JSON-serialisable.
 */
export interface Task {
  /** The job's id (32 hex digits). */
  readonly jobId: string;
  /** The job's name (JobRequest.name, or `<exportName> (<bundle>)`). */
  readonly jobName: string;
  /** This task's index, 0 to parallelism - 1; results come back in this order. */
  readonly index: number;
  /** The job's number of tasks. */
  readonly parallelism: number;
  /** 1 for the first run of this task, higher when it is retried. */
  readonly attempt: number;
  /** JobRequest.args, the same for every task. */
  readonly args: unknown[];
  /** A WebHDFS client acting as the application's user (built on first use). */
  readonly hdfs: WebHdfsClient;
  /**
   * Says how far this attempt is, as Hadoop's `Reporter.setProgress` / `setStatus`: `fraction`
   * from 0 to 1 (anything else throws a TaskProgressError naming the value), `message` an
   * optional short status (cut to 200 characters). Cheap to call often: the TaskExecutor sends
   * the latest value at most every 250 ms, and the last one before the attempt ends. `loom run`
   * (attached), `loom list`, the dashboard and `GET /jobs/:id` (`progress` of each task) show it.
   *
   *   for (const [i, part] of parts.entries()) { await read(part); task.progress((i + 1) / parts.length, `read ${part}`); }
   */
  progress(fraction: number, message?: string): void;
}
