/** Messages between application mode's program worker thread (main() runs there) and the AM's main thread. */
import type { JobPlan } from '../../client/program/job-request.js';

export interface ProgramWorkerInput {
  /** Absolute path of the module to import (the localized bundle). */
  modulePath: string;
  entryExport: string;
  args: string[];
  applicationId: string;
  defaultParallelism: number;
  bundleName: string;
  /** How ctx.hdfs is built: Hadoop configuration dir and the application's user. */
  hdfs: { confDir?: string; user: string };
}

/** Worker -> AM. */
export type ProgramWorkerRequest =
  | { type: 'submit'; requestId: number; plan: JobPlan }
  | { type: 'awaitJob'; requestId: number; jobId: string }
  | { type: 'log'; line: string }
  /** `result`: what main() returned, as JSON text (absent for undefined or a value JSON cannot carry). */
  | { type: 'done'; ok: true; jobs: number; result?: string }
  | { type: 'done'; ok: false; error: string };

/** AM -> worker, answering a request by its id. */
export type ProgramWorkerReply =
  | { type: 'submitted'; requestId: number; jobId: string }
  | { type: 'jobEnded'; requestId: number; state: string; results?: unknown[]; error?: string }
  | { type: 'failed'; requestId: number; message: string };
