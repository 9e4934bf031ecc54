/**
 * A running Loom session as the programmatic client sees it (LoomClient.deploySession or
 * attachSession): submit one job of a bundle's export (`loom run -c`), run a program whose main(ctx)
 * runs here and sends its jobs to the session (`loom run <bundle>`), list the jobs, and stop or
 * kill the session. The same deploy code as the CLI, without its flags, output or signal handling.
 */
import { basename } from 'node:path';
import { LoomOptions } from '../conf/loom-config-options.js';
import { bundleNames } from '../deploy/bundle/bundle-names.js';
import type { ClusterLease } from '../deploy/running/cluster-lease.js';
import type { JobSummary } from '../deploy/running/dispatcher-client.js';
import { amRecoveryTimeoutMs } from '../deploy/running/job-follow.js';
import type { SessionCluster } from '../deploy/running/session-cluster.js';
import { SessionSubmitter, sessionJobSubmitter, uploadJobBundle } from '../deploy/running/session-job-submitter.js';
import type { DeployContext } from '../deploy/submit/deploy-context.js';
import { packCheckedBundle } from '../deploy/submit/program-bundle.js';
import type { ApplicationReport } from '../hadoop/yarn/cluster-reports.js';
import { runClientProgram } from '../program/client-program.js';
import { DEFAULT_PROGRAM_EXPORT, localModulePath } from '../program/program-loader.js';
import { loomJob, type LoomJob } from './loom-job.js';

/** One job: every task calls the bundle's export `exportName` as `fn(task)`. */
export interface JobSpec {
  /** A local .mjs/.js module, or a directory holding one and its node_modules (packed as .tar.gz). */
  bundle: string;
  /** The export every task calls. */
  exportName: string;
  /** Parallel tasks; default `parallelism.default`. */
  parallelism?: number;
  /** JSON-serialisable; every task gets them as `task.args`. Default []. */
  args?: unknown[];
  /** Default: `<exportName> (<bundle>)`. */
  name?: string;
  /** Directory bundles: the module to import, relative to the directory. */
  entry?: string;
}

export interface RunProgramOptions {
  /** The program's `ctx.args`. Default []. */
  args?: string[];
  /** The export holding main(ctx). Default: the default export. */
  mainExport?: string;
  /** Directory bundles: the module to import, relative to the directory. */
  entry?: string;
}

export interface LoomSession {
  readonly applicationId: string;
  /** The dashboard, through YARN's web proxy. */
  readonly dashboardUrl: string;
  /** The ApplicationMaster's REST API (its secret stays inside the client). */
  readonly restUrl: string;
  /** Packs, checks and uploads the bundle, submits one job; resolves once the session accepted it. */
  submitJob(job: JobSpec): Promise<LoomJob>;
  /** Runs the bundle's main(ctx) in this process with its jobs on this session; resolves with what main() returned. */
  runProgram(bundle: string, opts?: RunProgramOptions): Promise<unknown>;
  /** The session's jobs, as `loom list` shows them. */
  listJobs(): Promise<JobSummary[]>;
  /** Asks the ApplicationMaster to end the session (FINISHED/SUCCEEDED), killing it if it does not end in time. */
  stop(): Promise<ApplicationReport>;
  /** Kills the application through YARN. */
  kill(): Promise<ApplicationReport>;
  /** Leaves an attached session running without this client: releases its lease (nothing to do when detached). */
  detach(): Promise<void>;
}

/** The session `cluster` of `ctx`; `lease` is held while this client stays attached. */
export function loomSession(ctx: DeployContext, cluster: SessionCluster, lease?: ClusterLease): LoomSession {
  const recoveryTimeoutMs = amRecoveryTimeoutMs(ctx.conf);
  const submitter = new SessionSubmitter(cluster, recoveryTimeoutMs, ctx.log);
  return {
    applicationId: cluster.applicationId,
    get dashboardUrl() {
      return cluster.dashboardUrl;
    },
    get restUrl() {
      return cluster.restUrl;
    },

    async submitJob(job) {
      // Checked before anything is uploaded: a bundle that cannot run never reaches the cluster.
      const packed = await packCheckedBundle(job.bundle, {
        ...(job.entry ? { entry: job.entry } : {}),
        exportName: job.exportName,
        exportRole: 'task',
        log: ctx.log,
      });
      try {
        const bundle = await uploadJobBundle(ctx, cluster, packed);
        const id = await submitter.submit({
          name: job.name ?? `${job.exportName} (${job.bundle})`,
          bundle,
          exportName: job.exportName,
          parallelism: job.parallelism ?? ctx.conf.get(LoomOptions.defaultParallelism),
          args: job.args ?? [],
        });
        return loomJob(id, cluster, { recoveryTimeoutMs, log: ctx.log, names: bundleNames(packed, job.bundle) });
      } finally {
        await packed.cleanup();
      }
    },

    async runProgram(bundle, opts = {}) {
      const entryExport = opts.mainExport ?? DEFAULT_PROGRAM_EXPORT;
      const packed = await packCheckedBundle(bundle, {
        ...(opts.entry ? { entry: opts.entry } : {}),
        exportName: entryExport,
        exportRole: 'main',
        log: ctx.log,
      });
      try {
        const outcome = await runClientProgram({
          modulePath: localModulePath(bundle, packed.description),
          entryExport,
          args: opts.args ?? [],
          mode: 'session',
          submitter: sessionJobSubmitter(ctx, cluster, packed, undefined, bundleNames(packed, bundle)),
          defaultParallelism: ctx.conf.get(LoomOptions.defaultParallelism),
          bundleName: basename(bundle),
          hdfs: () => ctx.programFileSystem(),
          log: ctx.log,
        });
        return outcome.value;
      } finally {
        await packed.cleanup();
      }
    },

    listJobs: () => cluster.dispatcher.listJobs(),
    stop() {
      lease?.stop();
      return cluster.stop();
    },
    kill() {
      lease?.stop();
      return cluster.kill();
    },
    async detach() {
      await lease?.release();
    },
  };
}
