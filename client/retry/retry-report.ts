/**
 * How a client says that a server it waits on does not answer, the same way for every remote
 * endpoint (ResourceManager IPC, NameNode WebHDFS, the AM's REST dispatcher): one line per retry,
 * as Hadoop's ipc.Client.handleConnectionFailure logs "Retrying connect to server: <host>/<ip>:<port>.
 * Already tried N time(s); retry policy is ..." (and WebHdfsFileSystem's AbstractRunner.shouldRetry
 * "Retrying connect to namenode: ..."), plus the setting that bounds the wait and its value, so a
 * person knows how long it will go on and what to change.
 *
 * The clients only call a `RetryReporter` they are given (a narrow port): a library user gets
 * silence unless they pass one; the CLI passes one that writes the line to stderr.
 */

/** The setting that bounds how long a client retries, with the value in effect. */
export interface RetryBound {
  /** e.g. yarn.resourcemanager.connect.max-wait.ms */
  setting: string;
  /** As in effect, e.g. "900000" (Hadoop's default) or "-1" (wait forever). */
  value: string;
}

/** What a client retries against, for the messages. */
export interface RetryTarget {
  /** Who is reached, for a person: ResourceManager, NameNode, Loom dispatcher. */
  server: string;
  /** The setting that names the address, for the advice when the wait runs out (yarn.resourcemanager.address). */
  addressSetting?: string;
  bound: RetryBound;
}

/** One failed attempt that will be followed by another. */
export interface RetryEvent {
  server: string;
  /** host:port of the attempt that failed. */
  address: string;
  /** Attempts that failed so far (1 after the first failure): Hadoop's "Already tried N time(s)". */
  failedAttempts: number;
  /** Why, short: "connection refused", "connect timed out", "StandbyException". */
  reason: string;
  /** Pause before the next attempt. */
  delayMs: number;
  bound: RetryBound;
}

export type RetryReporter = (event: RetryEvent) => void;

/** The one line a person reads for a retry. */
export function describeRetry(e: RetryEvent): string {
  const next = e.delayMs > 0 ? `retrying in ${seconds(e.delayMs)}` : 'retrying now';
  return (
    `Retrying connect to the ${e.server} at ${e.address} (${e.reason}). Already tried ${e.failedAttempts} time(s); ` +
    `${next}, for as long as ${e.bound.setting}=${e.bound.value} allows`
  );
}

/**
 * The one line when the wait has run out: the server, its address, why, how long it was tried,
 * and the settings to change (the address, and the bound to wait longer).
 */
export function describeGiveUp(target: RetryTarget, address: string, reason: string, attempts: number, elapsedMs: number): string {
  const fixAddress = target.addressSetting ? `check that it runs and that ${target.addressSetting} names it` : 'check that it runs';
  return (
    `cannot reach the ${target.server} at ${address} (${reason}) after ${attempts} attempt(s) over ${seconds(elapsedMs)}, ` +
    `all that ${target.bound.setting}=${target.bound.value} allows: ${fixAddress}, or raise ${target.bound.setting} to wait longer`
  );
}

const REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connect timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'host name lookup failed',
  EADDRNOTAVAIL: 'address not available',
  EPIPE: 'connection closed',
};

/** A few words for why an attempt failed: the socket error's code in words, else the error's first line, shortened. */
export function shortReason(err: unknown): string {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code && REASONS[code]) return REASONS[code];
  }
  const text = err instanceof Error ? err.message : String(err);
  const line = text.split('\n')[0] ?? text;
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
