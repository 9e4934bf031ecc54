/**
 * A running session cluster as the client sees it: its application id, REST endpoint (host and
 * port the AM registered), dashboard (YARN's tracking URL, through the web proxy), secret, and a
 * dispatcher client. Stopping asks the AM to shut down over REST; killing goes through YARN. Both
 * end with the staging dir gone: the AM removes it when it ends on purpose, the client removes
 * whatever is left (YARN gives a killed AM no time to clean up).
 */
import { LoomError } from '../../errors/loom-error.js';
import type { ApplicationReport } from '../../hadoop/yarn/cluster-reports.js';
import { ENDED_STATES, amRegistered } from './application-waiter.js';
import type { DeployContext } from '../submit/deploy-context.js';
import { DispatcherClient, DispatcherError } from './dispatcher-client.js';
import { removeSessionProperties } from '../submit/properties-file.js';
import type { PinnedCertificate } from '../../wire/security/pinned-certificate.js';
import { TlsCertificateMismatchError } from '../../wire/security/tls-errors.js';
import type { DeployTimings } from '../submit/cluster-deployer.js';

export interface SessionClusterInit {
  applicationId: string;
  secret: string;
  /** Internal TLS: the cluster's certificate, pinned by every REST call; absent: plain HTTP. */
  certificate?: PinnedCertificate | undefined;
  report: ApplicationReport;
  stagingDir: string;
}

export class SessionEndTimeoutError extends LoomError {
  static override readonly code: string = 'SESSION_END_TIMED_OUT';
  override name = 'SessionEndTimeoutError';
}

/** `http://<registered host>:<registered rpc port>` (`https://` with internal TLS): where programs reach the AM's REST API. */
export function restUrlOf(report: ApplicationReport, certificate?: PinnedCertificate): string {
  return `${certificate ? 'https' : 'http'}://${report.host.includes(':') ? `[${report.host}]` : report.host}:${report.rpcPort}`;
}

/** One probe of the REST endpoint: true when it answers; a refused secret or a wrong certificate is an error, not "not yet". */
export async function restReady(report: ApplicationReport, secret: string, certificate?: PinnedCertificate): Promise<boolean> {
  const client = new DispatcherClient({
    baseUrl: restUrlOf(report, certificate),
    secret,
    requestTimeoutMs: 5000,
    ...(certificate ? { certificate } : {}),
  });
  try {
    await client.overview();
    return true;
  } catch (err) {
    if (err instanceof TlsCertificateMismatchError) throw err;
    if (err instanceof DispatcherError && (err.status === 401 || err.status === 403)) throw err;
    return false;
  }
}

export class SessionCluster {
  readonly applicationId: string;
  readonly secret: string;
  readonly certificate: PinnedCertificate | undefined;
  readonly stagingDir: string;
  /** Set by deploySession: when each deployment step ended. */
  /** A session waits for its REST API, so all its steps are known. */
  timings: Required<DeployTimings> | undefined;
  private lastReport: ApplicationReport;
  private client: DispatcherClient;

  constructor(
    readonly ctx: DeployContext,
    init: SessionClusterInit,
  ) {
    this.applicationId = init.applicationId;
    this.secret = init.secret;
    this.certificate = init.certificate;
    this.stagingDir = init.stagingDir;
    this.lastReport = init.report;
    this.client = this.newClient();
  }

  private newClient(): DispatcherClient {
    return new DispatcherClient({
      baseUrl: this.restUrl,
      secret: this.secret,
      applicationId: this.applicationId,
      ...(this.certificate ? { certificate: this.certificate } : {}),
    });
  }

  /** The REST client of the AM the last report names: after report() sees a new attempt registered, calls go there. */
  get dispatcher(): DispatcherClient {
    if (amRegistered(this.lastReport) && this.restUrl !== this.client.baseUrl) this.client = this.newClient();
    return this.client;
  }

  get restUrl(): string {
    return restUrlOf(this.lastReport, this.certificate);
  }

  /** The tracking URL: the dashboard through YARN's web proxy. */
  get dashboardUrl(): string {
    return this.lastReport.trackingUrl;
  }

  async report(): Promise<ApplicationReport> {
    this.lastReport = await this.ctx.yarn.getApplicationReport(this.applicationId);
    return this.lastReport;
  }

  /**
   * Asks the AM to end the application (FINISHED/SUCCEEDED unless told otherwise: per-job ends with its job's status), waits until
   * YARN says it ended, and makes sure the staging dir is gone. If the AM does not end in time,
   * the application is killed.
   */
  async stop(
    opts: { timeoutMs?: number; diagnostics?: string; finalStatus?: 'SUCCEEDED' | 'FAILED' | 'KILLED' } = {},
  ): Promise<ApplicationReport> {
    const timeoutMs = opts.timeoutMs ?? 60_000;
    try {
      await this.dispatcher.shutdownCluster({
        finalStatus: opts.finalStatus ?? 'SUCCEEDED',
        diagnostics: opts.diagnostics ?? 'stopped by the Loom client',
      });
    } catch (err) {
      const r = await this.report();
      if (!ENDED_STATES.has(r.state)) {
        this.ctx.log(`the ApplicationMaster did not take the stop request (${(err as Error).message}); killing ${this.applicationId}`);
        return this.kill();
      }
    }
    try {
      const ended = await this.waitForEnd({ timeoutMs });
      await this.removeStagingDir();
      return ended;
    } catch (err) {
      if (!(err instanceof SessionEndTimeoutError)) throw err;
      this.ctx.log(`${this.applicationId} did not end within ${Math.round(timeoutMs / 1000)} s of the stop request; killing it`);
      return this.kill();
    }
  }

  /** Kills the application through YARN and removes the staging dir. */
  async kill(diagnostics = 'killed by the Loom client'): Promise<ApplicationReport> {
    await this.ctx.yarn.killApplication(this.applicationId, { diagnostics });
    const ended = await this.waitForEnd({ timeoutMs: 30_000 });
    await this.removeStagingDir();
    return ended;
  }

  /** Resolves with the final report once the application has ended. */
  async waitForEnd(opts: { timeoutMs: number; pollMs?: number; signal?: AbortSignal }): Promise<ApplicationReport> {
    const deadline = Date.now() + opts.timeoutMs;
    for (;;) {
      opts.signal?.throwIfAborted();
      const r = await this.report();
      if (ENDED_STATES.has(r.state)) return r;
      if (Date.now() >= deadline)
        throw new SessionEndTimeoutError(`${this.applicationId} is still ${r.state} after ${Math.round(opts.timeoutMs / 1000)} s`);
      await pause(opts.pollMs ?? 250, opts.signal);
    }
  }

  /** The AM may have removed it already; whatever is left goes, and the properties file if it names this session. */
  async removeStagingDir(): Promise<void> {
    await this.ctx.fs.delete(this.stagingDir, { recursive: true, ignoreMissing: true });
    await removeSessionProperties(this.ctx.propertiesFile(), this.applicationId).catch(() => undefined);
  }

  /** Is the AM still registered (RUNNING with its REST endpoint)? */
  async isRunning(): Promise<boolean> {
    return amRegistered(await this.report());
  }
}

/** A poll's pause; an abort ends it at once, so a watcher that was told to stop holds no timer. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
