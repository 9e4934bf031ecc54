import { setTimeout as sleep } from 'node:timers/promises';
import { describeGiveUp, shortReason, type RetryReporter, type RetryTarget } from '../../retry/retry-report.js';
import { describePeer, IpcClientClosedError, IpcConnectionError } from './ipc-errors.js';
import { methodOf, type MethodName, type ProtocolDescriptor, type RequestOf, type ResponseOf } from './protocol-descriptor.js';
import { RemoteException } from './remote-exception.js';
import { RpcClient, type RpcClientDefaults } from './rpc-client.js';
import { shortProtocol, type RpcAuth } from './rpc-connection.js';

export interface FailoverOptions<P extends ProtocolDescriptor = ProtocolDescriptor> {
  /** Ordered candidate addresses (e.g. yarn.resourcemanager.address.rm1, rm2, ...). */
  addresses: { host: string; port: number }[];
  protocol: P;
  auth: RpcAuth;
  /** yarn.client.failover-max-attempts: total attempts over all addresses. */
  maxAttempts?: number;
  /** yarn.client.failover-sleep-base-ms: backoff after each full round, doubled per round. */
  sleepBaseMs?: number;
  /** yarn.client.failover-sleep-max-ms */
  sleepMaxMs?: number;
  /**
   * Stop retrying once this long has passed since the first failure (with the next pause), as
   * yarn.resourcemanager.connect.max-wait.ms bounds Hadoop's RMProxy; undefined or negative: only
   * maxAttempts bounds it.
   */
  maxWaitMs?: number;
  /** Options of each per-address connection; connect retries default to 0 so a dead address fails fast. */
  connection?: RpcClientDefaults;
  /** Who is reached and what bounds the retries, for the retry lines and the final error. */
  target?: RetryTarget;
  /** Told of every retry (Hadoop logs "Retrying connect to server ..." at INFO); silent when absent. */
  onRetry?: RetryReporter;
}

/**
 * Calls a protocol on the first address that answers (ResourceManager HA): fails over to the
 * next address on a connection failure or a StandbyException, backs off between rounds, and
 * sticks to the address that last worked. A call that broke mid-flight is resent only when the
 * method is idempotent (descriptor flag or `opts.idempotent`); an exception Hadoop retries
 * (`RemoteException.retryable`) means the call was not executed, so it is always retried:
 * StandbyException on the next address, RetriableException on the same one after a pause.
 */
export class FailoverRpcClient<P extends ProtocolDescriptor = ProtocolDescriptor> {
  private readonly client: RpcClient;
  /** Aborted by close(): a call in flight ends instead of being retried, a backoff sleep ends at once. */
  private readonly closing = new AbortController();
  private current = 0;

  constructor(private readonly options: FailoverOptions<P>) {
    if (options.addresses.length === 0) throw new TypeError('FailoverRpcClient needs at least one address');
    this.client = new RpcClient({ connectMaxRetries: 0, ...options.connection });
  }

  /** Index of the address calls currently go to. */
  get activeIndex(): number {
    return this.current;
  }

  /** Calls `method`: the request and the answer are the method's messages from the descriptor. */
  async invoke<M extends MethodName<P>>(
    method: M,
    request: RequestOf<P, M>,
    opts?: { timeoutMs?: number; idempotent?: boolean },
  ): Promise<ResponseOf<P, M>> {
    const m = methodOf(this.options.protocol, method);
    const idempotent = opts?.idempotent ?? m.idempotent ?? false;
    const n = this.options.addresses.length;
    const maxAttempts = this.options.maxAttempts ?? Math.max(15, n);
    const base = this.options.sleepBaseMs ?? 200;
    const cap = this.options.sleepMaxMs ?? 15_000;
    const maxWaitMs = this.options.maxWaitMs ?? -1;
    const target = this.target();
    const started = Date.now();
    let firstFailure: number | undefined;
    let attempts = 0;
    let last: { err: unknown; address: string } | undefined;
    let delayMs = 0;
    while (attempts < maxAttempts) {
      // close() ends the wait early (an AbortError), and throwIfClosed says why.
      if (delayMs > 0) await sleep(delayMs, undefined, { signal: this.closing.signal }).catch(() => undefined);
      this.throwIfClosed(method);
      const index = this.current;
      const address = this.options.addresses[index];
      const conn = this.client.connection(address.host, address.port, this.options.protocol.name, this.options.auth);
      attempts++;
      try {
        // m is the descriptor entry of `method`, so its types are the ones RequestOf/ResponseOf name.
        return (await conn.call(
          method,
          m.request,
          request,
          m.response,
          opts?.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : undefined,
        )) as ResponseOf<P, M>;
      } catch (err) {
        // close() failed the call: the owner is done with this client, so nothing is retried.
        this.throwIfClosed(method, err);
        // The server asked for the call again (Hadoop's RetryPolicies.FailoverOnNetworkExceptionRetry):
        // StandbyException on the next address, RetriableException on the same one.
        const remoteRetry = err instanceof RemoteException && err.retryable ? err.hadoopRetry : undefined;
        // A connection that never opened is retryable: no call reached the server. Once it was
        // open the call may have reached the server: only resend idempotent calls.
        const connectionFailure = err instanceof IpcConnectionError;
        if (remoteRetry === undefined && !(connectionFailure && (err.retryable || idempotent))) throw err;
        last = { err, address: describePeer(address.host, address.port) };
        firstFailure ??= Date.now();
        const failover = remoteRetry !== 'same-server';
        if (failover) this.current = (index + 1) % n;
        // Moving on to the next address of a round needs no pause; after a full round, or to call
        // the same address again, back off.
        delayMs = failover && attempts % n !== 0 ? 0 : Math.min(base * 2 ** (Math.ceil(attempts / n) - 1), cap);
        if (attempts >= maxAttempts) break;
        if (maxWaitMs >= 0 && Date.now() - firstFailure + delayMs > maxWaitMs) break;
        this.options.onRetry?.({
          server: target.server,
          address: last.address,
          failedAttempts: attempts,
          reason: retryReason(err),
          delayMs,
          bound: target.bound,
        });
      }
    }
    const reason = last ? retryReason(last.err) : 'no attempt made';
    // With HA every address was tried: name them all.
    const where = n > 1 ? this.options.addresses.map((a) => describePeer(a.host, a.port)).join(' and ') : (last?.address ?? '?');
    throw new IpcConnectionError(
      `${describeGiveUp(target, where, reason, attempts, Date.now() - started)} (${shortProtocol(this.options.protocol.name)}.${method})`,
      {
        cause: last?.err,
      },
    );
  }

  /** The configured target, or one named after the protocol, bounded by the attempt count. */
  private target(): RetryTarget {
    return (
      this.options.target ?? {
        server: shortProtocol(this.options.protocol.name),
        bound: { setting: 'maxAttempts', value: String(this.options.maxAttempts ?? Math.max(15, this.options.addresses.length)) },
      }
    );
  }

  close(): Promise<void> {
    this.closing.abort();
    return this.client.close();
  }

  private throwIfClosed(method: string, cause?: unknown): void {
    if (!this.closing.signal.aborted) return;
    throw new IpcClientClosedError(
      `${this.options.protocol.name}.${method}: the client was closed`,
      cause !== undefined ? { cause } : undefined,
    );
  }
}

/** Why an attempt failed, short: the Hadoop exception's simple name when the server asked for a retry, else the socket error. */
function retryReason(err: unknown): string {
  return err instanceof RemoteException ? err.simpleClassName : shortReason(err);
}
