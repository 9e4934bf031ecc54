/**
 * Finding an ApplicationMaster again after its REST address stopped answering. A new AM attempt
 * serves the same cluster (same secret, jobs taken over from the HA store) at a new address, which
 * YARN's application report names (host and RPC port). The lease's heartbeats and a client that
 * follows a job both locate the AM this way.
 */
import { LoomError } from '../../errors/loom-error.js';
import { describeRetry, shortReason } from '../../retry/retry-report.js';
import type { ApplicationReport } from '../../hadoop/yarn/cluster-reports.js';
import { amRegistered, ENDED_STATES, endedError } from './application-waiter.js';
import { DispatcherError } from './dispatcher-error.js';
import { restReady, restUrlOf } from './session-cluster.js';
import type { PinnedCertificate } from '../../wire/security/pinned-certificate.js';

/** Where the AM is, per the application's report. */
export type AmLocation =
  | { state: 'serving'; restUrl: string; attempt: number | undefined; report: ApplicationReport }
  /** Between attempts, or before registration: YARN reports no address yet (host N/A, port -1). */
  | { state: 'starting'; report: ApplicationReport }
  | { state: 'ended'; report: ApplicationReport };

/** What locating needs of a cluster (SessionCluster has it): report() refreshes the report restUrl is read from. */
export interface LocatableCluster {
  readonly applicationId: string;
  readonly secret: string;
  /** Internal TLS: the certificate the AM must show; absent: plain HTTP. */
  readonly certificate?: PinnedCertificate | undefined;
  readonly restUrl: string;
  report(): Promise<ApplicationReport>;
}

export function amLocation(report: ApplicationReport, certificate?: PinnedCertificate): AmLocation {
  if (ENDED_STATES.has(report.state)) return { state: 'ended', report };
  if (!amRegistered(report)) return { state: 'starting', report };
  return { state: 'serving', restUrl: restUrlOf(report, certificate), attempt: attemptNumber(report.currentAttemptId), report };
}

/** Re-reads the application report: where the AM serves now. */
export async function locateAm(cluster: Pick<LocatableCluster, 'report' | 'certificate'>): Promise<AmLocation> {
  return amLocation(await cluster.report(), cluster.certificate);
}

/** `appattempt_<ts>_<app>_000002` -> 2. */
export function attemptNumber(attemptId: string | undefined): number | undefined {
  const m = attemptId ? /_(\d+)$/.exec(attemptId) : null;
  return m ? Number(m[1]) : undefined;
}

/** A call that got no answer at all (refused, reset, timed out): the AM may have gone, unlike an HTTP error it sent. */
export function isConnectionLost(err: unknown): boolean {
  return err instanceof DispatcherError && err.status === undefined;
}

export class AmRecoveryTimeoutError extends LoomError {
  static override readonly code: string = 'AM_RECOVERY_TIMED_OUT';
  override name = 'AmRecoveryTimeoutError';
}

export interface FollowAmOptions {
  /** The failed call that sent us looking. */
  lost: Error;
  /** The job being followed or submitted, for the messages. */
  jobId: string;
  /** What happens once the AM is found: "following job <id> there" by default. */
  thenWhat?: string;
  /** How long to look (the application may be between attempts); loom.client.heartbeat-timeout. */
  timeoutMs: number;
  pollMs?: number;
  log?: (line: string) => void;
}

/**
 * Waits until the application's AM answers again, at a new address (a new attempt) or the same
 * one, and says where it is in one line. Fails with YARN's final status and diagnostics if the
 * application ended meanwhile, and with an AmRecoveryTimeoutError after `timeoutMs`.
 */
export async function followAm(cluster: LocatableCluster, opts: FollowAmOptions): Promise<Extract<AmLocation, { state: 'serving' }>> {
  const from = cluster.restUrl;
  const deadline = Date.now() + opts.timeoutMs;
  const pollMs = opts.pollMs ?? 250;
  let problem = opts.lost.message;
  let state = 'unknown';
  let tries = 0;
  for (;;) {
    try {
      const at = await locateAm(cluster);
      state = at.report.state;
      if (at.state === 'ended')
        throw endedError(at.report, `job ${opts.jobId} (its ApplicationMaster at ${from} stopped answering: ${opts.lost.message})`);
      if (at.state === 'serving' && (await restReady(at.report, cluster.secret, cluster.certificate))) {
        const where = `${at.report.host}:${at.report.rpcPort}${at.attempt !== undefined ? ` (attempt ${at.attempt})` : ''}`;
        const verb = at.restUrl === from ? 'answers again at' : 'moved to';
        opts.log?.(`the ApplicationMaster ${verb} ${where}; ${opts.thenWhat ?? `following job ${opts.jobId} there`}`);
        return at;
      }
      problem =
        at.state === 'starting'
          ? `YARN reports no ApplicationMaster address (${at.report.state})`
          : `the ApplicationMaster at ${at.restUrl} does not answer yet`;
    } catch (err) {
      // An ended application or a refused secret is final; a ResourceManager that does not answer is asked again.
      if (!(err instanceof Error) || err.name === 'ApplicationEndedError' || (err instanceof DispatcherError && err.status !== undefined))
        throw err;
      problem = `the application report could not be read: ${err.message}`;
    }
    tries++;
    // The same retry line as every other server that does not answer; polled every pollMs, so
    // only after 1, 2, 4, 8... tries, to keep a long wait readable.
    if ((tries & (tries - 1)) === 0 && Date.now() + pollMs <= deadline) {
      opts.log?.(
        describeRetry({
          server: 'Loom dispatcher',
          address: from.replace(/^https?:\/\//, ''),
          failedAttempts: tries,
          reason: shortReason(tries === 1 ? opts.lost : problem),
          delayMs: pollMs,
          bound: { setting: 'loom.client.heartbeat-timeout', value: `${Math.round(opts.timeoutMs / 1000)}s` },
        }),
      );
    }
    if (Date.now() + pollMs > deadline) {
      throw new AmRecoveryTimeoutError(
        `lost the ApplicationMaster of ${cluster.applicationId} at ${from} (${opts.lost.message}) and found none answering within ${Math.round(opts.timeoutMs / 1000)} s ` +
          `(application ${state}; last: ${problem}); job ${opts.jobId} may still run: see yarn application -status ${cluster.applicationId}, ` +
          `and raise loom.client.heartbeat-timeout to wait longer`,
      );
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
