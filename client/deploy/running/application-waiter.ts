/**
 * Waiting for a submitted application: until its ApplicationMaster has registered (RUNNING, with
 * the REST port it registered as its RPC port), and then until the AM's REST endpoint answers.
 * If the application ends meanwhile, the error carries YARN's diagnostics: they hold the reason
 * (AM exit code, the tail of its stderr, the failed localization).
 */
import { LoomError } from '../../errors/loom-error.js';
import type { ApplicationReport, YarnApplicationState } from '../../hadoop/yarn/cluster-reports.js';
import { amFailureHints } from '../submit/am-failure-hints.js';

export const ENDED_STATES: ReadonlySet<YarnApplicationState> = new Set(['FINISHED', 'FAILED', 'KILLED']);

export class ApplicationEndedError extends LoomError {
  static override readonly code: string = 'APPLICATION_ENDED';
  override name = 'ApplicationEndedError';
  constructor(
    message: string,
    readonly report: ApplicationReport,
  ) {
    super(message);
  }
}

export class ApplicationWaitTimeoutError extends LoomError {
  static override readonly code: string = 'APPLICATION_WAIT_TIMED_OUT';
  override name = 'ApplicationWaitTimeoutError';
}

export interface WaitOptions {
  applicationId: string;
  /** The current report (YarnClient.getApplicationReport). */
  report: () => Promise<ApplicationReport>;
  timeoutMs: number;
  pollMs?: number;
  /** Told each state change, for progress output. */
  onState?: (state: YarnApplicationState, report: ApplicationReport) => void;
  signal?: AbortSignal;
}

/** The AM registered a REST endpoint: RUNNING, a host and a port. */
export function amRegistered(r: ApplicationReport): boolean {
  return r.state === 'RUNNING' && r.rpcPort > 0 && r.host !== '' && r.host !== 'N/A';
}

/** `waitingFor`: what the caller was waiting for, e.g. "its ApplicationMaster to register". */
export function endedError(r: ApplicationReport, waitingFor: string): ApplicationEndedError {
  const diagnostics = r.diagnostics.trim() !== '' ? `:\n${r.diagnostics.trim()}` : ' (YARN gave no diagnostics)';
  const hints = amFailureHints(r.diagnostics)
    .map((h) => `\nHint: ${h}.`)
    .join('');
  return new ApplicationEndedError(
    `application ${r.applicationId} ended ${r.state}/${r.finalStatus} while waiting for ${waitingFor}${diagnostics}${hints}`,
    r,
  );
}

/** Resolves with the report once the AM has registered; rejects if the application ends or time runs out. */
export async function waitUntilAmRegistered(opts: WaitOptions): Promise<ApplicationReport> {
  return poll(opts, 'its ApplicationMaster to register', (r) => Promise.resolve(amRegistered(r) ? r : undefined));
}

/**
 * After registration: resolves once `ready()` says the REST endpoint answers, checking between
 * tries that the application is still alive.
 */
export async function waitUntilRestReady(
  opts: WaitOptions & { ready: (report: ApplicationReport) => Promise<boolean> },
): Promise<ApplicationReport> {
  return poll(opts, 'its REST endpoint to answer', async (r) => (amRegistered(r) && (await opts.ready(r)) ? r : undefined));
}

async function poll(
  opts: WaitOptions,
  waitingFor: string,
  done: (r: ApplicationReport) => Promise<ApplicationReport | undefined>,
): Promise<ApplicationReport> {
  const deadline = Date.now() + opts.timeoutMs;
  const pollMs = opts.pollMs ?? 200;
  let lastState: YarnApplicationState | undefined;
  for (;;) {
    opts.signal?.throwIfAborted();
    const r = await opts.report();
    if (r.state !== lastState) {
      lastState = r.state;
      opts.onState?.(r.state, r);
    }
    if (ENDED_STATES.has(r.state)) throw endedError(r, waitingFor);
    const result = await done(r);
    if (result) return result;
    if (Date.now() >= deadline) {
      const hint = r.state === 'ACCEPTED' ? ' (is the queue full, or the cluster short of memory for the AM?)' : '';
      throw new ApplicationWaitTimeoutError(
        `application ${opts.applicationId} is still ${r.state} after ${Math.round(opts.timeoutMs / 1000)} s of waiting for ${waitingFor}${hint}; see ${r.trackingUrl || 'the ResourceManager UI'}`,
      );
    }
    await new Promise((res) => setTimeout(res, pollMs));
  }
}
