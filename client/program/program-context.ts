/**
 * Builds the `ctx` a program's main() gets, over a mode's JobSubmitter (session: POST to the
 * running session; per-job: a cluster per job; application: the AM's own job master). It checks
 * each request, and keeps every job the program started, so the runner can wait for the jobs'
 * ends after main() returns and notice a failure main() never looked at.
 */
import type { WebHdfsClient } from '../hadoop/hdfs/webhdfs-client.js';
import { planJob, type JobPlan } from './job-request.js';
import type { JobHandle, JobRequest, ProgramContext, ProgramMode } from './program-api.js';
import { DetachedResultError, ProgramError } from './program-errors.js';
import { findTaskExport } from './task-export.js';

/** A job as a mode's submitter reports it. */
export interface SubmittedJob {
  id: string;
  applicationId: string;
  /** Resolves with the results, rejects with a JobFailedError; never called when detached. */
  result(): Promise<unknown[]>;
}

export interface JobSubmitter {
  submit(plan: JobPlan): Promise<SubmittedJob>;
}

export interface ProgramContextOptions {
  args: readonly string[];
  mode: ProgramMode;
  detached?: boolean;
  submitter: JobSubmitter;
  /** For requests without parallelism (`-p`, else parallelism.default). */
  defaultParallelism: number;
  /** Used in default job names. */
  bundleName: string;
  hdfs: () => WebHdfsClient;
  log: (line: string) => void;
  /** The imported bundle: each job's export is looked up in it before the job is submitted. */
  bundleModule?: Record<string, unknown>;
}

/** A started job and whether the program asked for its result (then its failure is the program's to handle). */
export interface TrackedJob {
  id: string;
  applicationId: string;
  name: string;
  /** Settles when the job ends (undefined when detached). */
  ended?: Promise<unknown[]>;
  observed: boolean;
}

export interface TrackedProgramContext {
  ctx: ProgramContext;
  /** Every job submitted so far, in order. */
  jobs(): TrackedJob[];
  /** Closes the HDFS client if the program used it. */
  close(): void;
}

export function createProgramContext(opts: ProgramContextOptions): TrackedProgramContext {
  const tracked: TrackedJob[] = [];
  const detached = opts.detached ?? false;
  let hdfs: WebHdfsClient | undefined;

  const submit = async (request: JobRequest): Promise<JobHandle> => {
    const plan = planJob(request, { parallelism: opts.defaultParallelism, bundleName: opts.bundleName });
    if (opts.bundleModule) {
      const found = findTaskExport(opts.bundleModule, plan.exportName);
      if ('problem' in found)
        throw new ProgramError(
          `ctx.submit({ exportName: ${JSON.stringify(plan.exportName)} }): ${found.problem.replace('the bundle', opts.bundleName)}`,
        );
    }
    const job = await opts.submitter.submit(plan);
    const entry: TrackedJob = { id: job.id, applicationId: job.applicationId, name: plan.name, observed: false };
    if (!detached) {
      entry.ended = job.result();
      // The runner reports failures nobody awaited; until then no unhandled rejection.
      entry.ended.catch(() => undefined);
    }
    tracked.push(entry);
    return {
      id: job.id,
      applicationId: job.applicationId,
      result: () => {
        entry.observed = true;
        return entry.ended ?? Promise.reject(new DetachedResultError(job.id, job.applicationId));
      },
    };
  };

  const ctx: ProgramContext = {
    args: Object.freeze([...opts.args]),
    mode: opts.mode,
    detached,
    submit,
    run: async (request) => (await submit(request)).result(),
    get hdfs(): WebHdfsClient {
      hdfs ??= opts.hdfs();
      return hdfs;
    },
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-conversion -- a bundle author's JavaScript may log any value
    log: (line) => opts.log(String(line)),
  };
  return {
    ctx,
    jobs: () => [...tracked],
    close: () => hdfs?.close(),
  };
}
