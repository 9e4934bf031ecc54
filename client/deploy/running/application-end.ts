/**
 * Following a YARN application Loom deployed to its end through the ResourceManager alone (no
 * REST API needed): until its ApplicationMaster registered or it already ended, until it ended,
 * and killing one whose AM may not have registered. YARN's ApplicationCLI (`yarn application
 * -status`, `-kill`) asks the same questions; `loom run-application` and the programmatic client's
 * per-job and application handles share these.
 */
import type { ApplicationReport, YarnApplicationState } from '../../hadoop/yarn/cluster-reports.js';
import { ApplicationWaitTimeoutError, ENDED_STATES, amRegistered } from './application-waiter.js';
import type { DeployContext } from '../submit/deploy-context.js';

const POLL_MS = 250;

/** Resolves with the first report in which the AM registered or the application ended; aborting `signal` rejects with its reason. */
export async function untilRegisteredOrEnded(
  ctx: DeployContext,
  applicationId: string,
  timeoutMs = 120_000,
  signal?: AbortSignal,
): Promise<ApplicationReport> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    signal?.throwIfAborted();
    const r = await ctx.yarn.getApplicationReport(applicationId);
    if (amRegistered(r) || ENDED_STATES.has(r.state)) return r;
    if (Date.now() > deadline)
      throw new ApplicationWaitTimeoutError(
        `application ${applicationId} is still ${r.state} after ${timeoutMs / 1000} s (is the cluster short of memory for the AM?); see ${r.trackingUrl}`,
      );
    await new Promise((res) => setTimeout(res, POLL_MS));
  }
}

export interface FollowApplicationOptions {
  /** Told each state the application is seen in before it ended. */
  onState?: (state: YarnApplicationState, report: ApplicationReport) => void;
  /** Aborting it rejects with the signal's reason; the application is left as it is. */
  signal?: AbortSignal;
}

/** Polls the application report until the application ended (FINISHED, FAILED or KILLED); resolves with that report. */
export async function followApplicationToEnd(
  ctx: DeployContext,
  applicationId: string,
  opts: FollowApplicationOptions = {},
): Promise<ApplicationReport> {
  let last: YarnApplicationState | undefined;
  for (;;) {
    opts.signal?.throwIfAborted();
    const r = await ctx.yarn.getApplicationReport(applicationId);
    if (ENDED_STATES.has(r.state)) return r;
    if (r.state !== last) opts.onState?.(r.state, r);
    last = r.state;
    await new Promise((res) => setTimeout(res, POLL_MS));
  }
}

/**
 * Kills the application through YARN (whether or not its AM registered), waits until YARN reports
 * it ended and removes its staging dir: YARN gives a killed AM no time to clean up.
 */
export async function killDeployedApplication(
  ctx: DeployContext,
  application: { applicationId: string; stagingDir: string },
  diagnostics: string,
): Promise<ApplicationReport> {
  await ctx.yarn.killApplication(application.applicationId, { diagnostics });
  const ended = await followApplicationToEnd(ctx, application.applicationId);
  await ctx.fs.delete(application.stagingDir, { recursive: true, ignoreMissing: true });
  return ended;
}
