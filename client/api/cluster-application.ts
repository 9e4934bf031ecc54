/**
 * The YARN side of a cluster the programmatic client deployed for one piece of work (a per-job
 * job, an application-mode program): its application id, tracking URL, YARN's report, its end,
 * and killing it. What `yarn application -status` and `-kill` do, through the client's own
 * ResourceManager connection.
 */
import { followApplicationToEnd, killDeployedApplication } from '../deploy/running/application-end.js';
import type { DeployContext } from '../deploy/submit/deploy-context.js';
import type { ApplicationReport } from '../hadoop/yarn/cluster-reports.js';

export interface ClusterApplication {
  /** The YARN application id (`application_<clusterTimestamp>_<n>`). */
  readonly applicationId: string;
  /** YARN's tracking URL as last reported: the dashboard through YARN's web proxy while the AM runs. */
  readonly trackingUrl: string;
  /** YARN's report now: state (ACCEPTED, RUNNING, FINISHED, FAILED, KILLED), final status, diagnostics. */
  report(): Promise<ApplicationReport>;
  /** Resolves with YARN's final report once the application ended, however it ended. */
  waitForEnd(opts?: { signal?: AbortSignal }): Promise<ApplicationReport>;
  /** Kills the application through YARN (`yarn application -kill`) and removes its staging dir; resolves with the final report. */
  kill(): Promise<ApplicationReport>;
}

export interface DeployedApplicationFacts {
  applicationId: string;
  stagingDir: string;
  /** The last report the deployment saw. */
  report: ApplicationReport;
}

/** The application of `deployed`; `beforeKill` lets the caller stop what it holds (a lease, a follower) first. */
export function clusterApplication(ctx: DeployContext, deployed: DeployedApplicationFacts, beforeKill?: () => void): ClusterApplication {
  let last = deployed.report;
  const { applicationId } = deployed;
  return {
    applicationId,
    get trackingUrl() {
      return last.trackingUrl;
    },
    async report() {
      return (last = await ctx.yarn.getApplicationReport(applicationId));
    },
    async waitForEnd(opts = {}) {
      return (last = await followApplicationToEnd(ctx, applicationId, opts.signal ? { signal: opts.signal } : {}));
    },
    async kill() {
      beforeKill?.();
      return (last = await killDeployedApplication(ctx, deployed, 'killed by the Loom client'));
    },
  };
}
