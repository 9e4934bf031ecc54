/**
 * A program whose main(ctx) runs in the ApplicationMaster (LoomClient.deployApplication):
 * application mode, `loom run-application`. The cluster is deployed for the program and ends when
 * main() and its jobs end. Attached, the client heartbeats the cluster (it ends KILLED if this
 * process dies), hands main()'s lines to `onOutput` as the AM serves them (GET
 * /application/output) and reads how main() ended (GET /application, which lets the AM end);
 * result() resolves with what main() returned. Detached (the default, as the CLI's), the
 * application runs on alone; waitForEnd() gives YARN's final report.
 */
import type { ApplicationProgramJson, ProgramOutputLineJson } from '../contracts/dispatcher-rest-types.js';
import { followApplicationToEnd, killDeployedApplication, untilRegisteredOrEnded } from '../deploy/running/application-end.js';
import { ENDED_STATES } from '../deploy/running/application-waiter.js';
import { holdClusterLease, markAttached, type ClusterLease } from '../deploy/running/cluster-lease.js';
import { followProgramOutput } from '../deploy/running/program-output-follow.js';
import { SessionCluster } from '../deploy/running/session-cluster.js';
import { deployApplication as deployApplicationCluster } from '../deploy/submit/application-deployer.js';
import type { DeployContext } from '../deploy/submit/deploy-context.js';
import { resolveProgramBundle } from '../deploy/submit/program-bundle.js';
import type { ApplicationReport } from '../hadoop/yarn/cluster-reports.js';
import { DEFAULT_PROGRAM_EXPORT } from '../program/program-loader.js';
import { ApplicationDetachedError, ApplicationFailedError } from './application-errors.js';
import { clusterApplication, type ClusterApplication } from './cluster-application.js';

/** One line main() wrote in the AM: `stream` is `log` for ctx.log, `stdout` for console.log, `stderr` for console.error; `time` ISO-8601 UTC. */
export type ProgramOutputLine = ProgramOutputLineJson;

export interface DeployApplicationOptions {
  /** main()'s `ctx.args`. Default []. */
  args?: string[];
  /** The export holding main(ctx) (`-c`). Default: the default export. */
  mainExport?: string;
  /** Directory and archive bundles: the module to import, relative to the bundle (`--entry`). */
  entry?: string;
  /**
   * Follow the application to its end (`--attached`): result() resolves with what main() returned,
   * `onOutput` gets main()'s lines, and the application ends KILLED if this client goes away.
   * Default false: resolve once the AM registered and leave the application to run alone.
   */
  attached?: boolean;
  /** Attached: each line main() writes, in order, as the AM serves it. */
  onOutput?: (line: ProgramOutputLine) => void;
  /** Aborting it until deployApplication() resolved kills the application and removes its staging dir. */
  signal?: AbortSignal;
}

export interface LoomApplication extends ClusterApplication {
  /** Deployed with `attached: true`. */
  readonly attached: boolean;
  /**
   * Attached: what main() returned (as JSON carries it; undefined for nothing) once the
   * application ended SUCCEEDED; rejects with an ApplicationFailedError (main()'s error, YARN's
   * report) when it ended otherwise. Detached: rejects with an ApplicationDetachedError.
   */
  result(): Promise<unknown>;
}

/** What the deployment needs of the client: its context, where its leases go, and its closing signal. */
export interface ApplicationDeployer {
  ctx: DeployContext;
  /** Told each lease the application holds (the client stops them in close()). */
  holdLease(lease: ClusterLease): void;
  /** Aborted when the client closes: the following stops. */
  closing: AbortSignal;
}

interface ProgramEnd {
  report: ApplicationReport;
  program: ApplicationProgramJson | undefined;
}

/** Checks (or, for hdfs://, describes) the bundle, deploys the application and waits until its AM registered or it ended. */
export async function loomApplication(
  client: ApplicationDeployer,
  bundle: string,
  opts: DeployApplicationOptions,
): Promise<LoomApplication> {
  const { ctx } = client;
  const attached = opts.attached ?? false;
  // Checked before anything is uploaded or asked of YARN: a missing bundle leaves nothing behind.
  const program = await resolveProgramBundle(ctx, bundle, {
    ...(opts.entry ? { entry: opts.entry } : {}),
    exportName: opts.mainExport ?? DEFAULT_PROGRAM_EXPORT,
    exportRole: 'main',
    log: ctx.log,
  });
  markAttached(ctx.conf, attached);
  let deployed;
  try {
    deployed = await deployApplicationCluster(ctx, {
      bundle: program,
      ...(opts.mainExport ? { entryExport: opts.mainExport } : {}),
      args: opts.args ?? [],
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } finally {
    if (program.where === 'local') await program.packed.cleanup();
  }
  let report: ApplicationReport;
  try {
    report = await untilRegisteredOrEnded(ctx, deployed.applicationId, 120_000, opts.signal);
  } catch (err) {
    // Aborted or never registered: the application goes, with its staging dir.
    await killDeployedApplication(ctx, deployed, `the Loom client stopped waiting for it: ${(err as Error).message}`).catch(
      () => undefined,
    );
    throw err;
  }
  const facts = { ...deployed, report };
  if (!attached || ENDED_STATES.has(report.state)) {
    const ended = ENDED_STATES.has(report.state) ? Promise.resolve<ProgramEnd>({ report, program: undefined }) : undefined;
    return handle(clusterApplication(ctx, facts), attached, ended);
  }
  const cluster = new SessionCluster(ctx, {
    applicationId: deployed.applicationId,
    secret: deployed.secret,
    certificate: deployed.certificate,
    report,
    stagingDir: deployed.stagingDir,
  });
  const lease = holdClusterLease(ctx.conf, cluster, ctx.log);
  client.holdLease(lease);
  let end: ApplicationProgramJson | undefined;
  const following = followProgramOutput(cluster, {
    line: (line) => opts.onOutput?.(line),
    dropped: (n) => ctx.log(`(${n} line(s) of main() were dropped by the ApplicationMaster's bound)`),
    ended: (program) => (end = program),
  });
  const ending = (async (): Promise<ProgramEnd> => {
    try {
      const ended = await followApplicationToEnd(ctx, deployed.applicationId, { signal: client.closing });
      // The AM removes the staging dir when it ends on purpose; a killed one cannot.
      await ctx.fs.delete(deployed.stagingDir, { recursive: true, ignoreMissing: true });
      return { report: ended, program: end };
    } finally {
      await following.stop();
      lease.stop();
    }
  })();
  // Read by result(); a client that never asks must not see an unhandled rejection.
  ending.catch(() => undefined);
  const application = clusterApplication(ctx, facts, () => {
    lease.stop();
    void following.stop();
  });
  return handle(application, attached, ending);
}

function handle(application: ClusterApplication, attached: boolean, ending: Promise<ProgramEnd> | undefined): LoomApplication {
  return {
    attached,
    applicationId: application.applicationId,
    get trackingUrl() {
      return application.trackingUrl;
    },
    report: () => application.report(),
    waitForEnd: (opts) => application.waitForEnd(opts),
    kill: () => application.kill(),
    async result() {
      if (!attached || !ending) throw new ApplicationDetachedError(application.applicationId);
      const { report, program } = await ending;
      if (report.finalStatus === 'SUCCEEDED') return program?.result;
      throw new ApplicationFailedError(report, program?.state === 'FAILED' ? program.error : undefined);
    },
  };
}
