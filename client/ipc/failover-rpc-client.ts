import { IpcClientClosedError, IpcConnectFailedError, IpcConnectionError } from './ipc-errors.js';
import { methodOf, type ProtocolDescriptor } from './protocol-descriptor.js';
import { isRemoteException, STANDBY_EXCEPTION } from './remote-exception.js';
import { RpcClient, type RpcClientDefaults } from './rpc-client.js';
import type { RpcAuth } from './rpc-connection.js';

export interface FailoverOptions {
  /** Ordered candidate addresses (e.g. yarn.resourcemanager.address.rm1, rm2, ...). */
  addresses: { host: string; port: number }[];
  protocol: ProtocolDescriptor;
  auth: RpcAuth;
  /** yarn.client.failover-max-attempts: total attempts over all addresses. */
  maxAttempts?: number;
  /** yarn.client.failover-sleep-base-ms: backoff after each full round, doubled per round. */
  sleepBaseMs?: number;
  /** yarn.client.failover-sleep-max-ms */
  sleepMaxMs?: number;
  /** Options of each per-address connection; connect retries default to 0 so a dead address fails fast. */
  connection?: RpcClientDefaults;
}

/**
 * Calls a protocol on the first address that answers (ResourceManager HA): fails over to the
 * next address on a connection failure or a StandbyException, backs off between rounds, and
 * sticks to the address that last worked. A call that broke mid-flight is resent only when the
 * method is idempotent (descriptor flag or `opts.idempotent`); StandbyException means the call
 * was not executed, so it is always retried.
 */
export class FailoverRpcClient {
  private readonly client: RpcClient;
  private current = 0;
  /** Aborted by close(): a call in flight ends instead of being retried, a backoff sleep ends at once. */
  private readonly closing = new AbortController();

  constructor(private readonly options: FailoverOptions) {
    if (options.addresses.length === 0) throw new TypeError('FailoverRpcClient needs at least one address');
    this.client = new RpcClient({ connectMaxRetries: 0, ...options.connection });
  }

  /** Index of the address calls currently go to. */
  get activeIndex(): number {
    return this.current;
  }

  async invoke<T = Record<string, unknown>>(method: string, request: object, opts?: { timeoutMs?: number; idempotent?: boolean }): Promise<T> {
    const m = methodOf(this.options.protocol, method);
    const idempotent = opts?.idempotent ?? m.idempotent ?? false;
    const n = this.options.addresses.length;
    const maxAttempts = this.options.maxAttempts ?? Math.max(15, n);
    const base = this.options.sleepBaseMs ?? 200;
    const cap = this.options.sleepMaxMs ?? 15_000;
    const failures: string[] = [];
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      if (attempt > 0 && attempt % n === 0) await sleep(Math.min(base * 2 ** (attempt / n - 1), cap), this.closing.signal);
      this.throwIfClosed(method);
      const index = this.current;
      const address = this.options.addresses[index]!;
      const conn = this.client.connection(address.host, address.port, this.options.protocol.name, this.options.auth);
      try {
        return await conn.call<T>(method, m.request, request, m.response, opts?.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : undefined);
      } catch (err) {
        // close() failed the call: the owner is done with this client, so nothing is retried.
        this.throwIfClosed(method, err);
        const standby = isRemoteException(err, STANDBY_EXCEPTION);
        const connectionFailure = err instanceof IpcConnectionError;
        // Once the connection was open the call may have reached the server: only resend idempotent calls.
        const mayHaveRun = connectionFailure && !(err instanceof IpcConnectFailedError);
        if (!standby && !(connectionFailure && (!mayHaveRun || idempotent))) throw err;
        failures.push(`${address.host}:${address.port}: ${(err as Error).message}`);
        this.current = (index + 1) % n;
      }
    }
    throw new IpcConnectionError(
      `${this.options.protocol.name}.${method} failed on every address after ${maxAttempts} attempts: ${failures.slice(-n).join('; ')}`,
    );
  }

  close(): Promise<void> {
    this.closing.abort();
    return this.client.close();
  }

  private throwIfClosed(method: string, cause?: unknown): void {
    if (!this.closing.signal.aborted) return;
    throw new IpcClientClosedError(`${this.options.protocol.name}.${method}: the client was closed`, cause !== undefined ? { cause } : undefined);
  }
}

/** Resolves after `ms`, or at once when `signal` aborts (its timer then no longer holds the process). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
