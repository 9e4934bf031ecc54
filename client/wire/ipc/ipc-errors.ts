import { LoomError, type LoomErrorOptions } from '../../errors/loom-error.js';

/**
 * Local failures of the IPC engine (as opposed to RemoteException, which the server sent).
 * Every message names the peer (host:port) and, where known, the protocol and method, so a
 * log line alone says which connection broke.
 */
export class IpcError extends LoomError {
  static override readonly code: string = 'IPC_FAILED';
  constructor(message: string, options?: LoomErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The TCP connection could not be opened, was closed, or broke; an idempotent call may be sent again. */
export class IpcConnectionError extends IpcError {
  static override readonly code: string = 'IPC_CONNECTION_BROKEN';
}

/** The TCP connection could not be opened at all: no call reached the server, so any call may be retried (`retryable`). */
export class IpcConnectFailedError extends IpcConnectionError {
  static override readonly code: string = 'IPC_CONNECT_FAILED';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { ...options, retryable: true });
  }
}

/**
 * The client was closed by its owner: calls still in flight and calls made after close() end
 * with this, and nothing is retried or reconnected (a closed client must not keep the process
 * alive with a new connection or a retry timer).
 */
export class IpcClientClosedError extends IpcError {
  static override readonly code: string = 'IPC_CLIENT_CLOSED';
}

/** A call got no answer in time. Only that call fails; the connection goes on. */
export class IpcTimeoutError extends IpcError {
  static override readonly code: string = 'IPC_CALL_TIMED_OUT';
}

/** The peer sent bytes that are not Hadoop IPC (bad preamble, bad frame, frame too large). */
export class IpcProtocolError extends IpcError {
  static override readonly code: string = 'IPC_PROTOCOL_VIOLATED';
}

/** The client refuses a configuration it cannot honour (Kerberos, rpc protection, ...). */
export class IpcConfigError extends IpcError {
  static override readonly code: string = 'IPC_CONFIGURATION_UNSUPPORTED';
}

export function describePeer(host: string, port: number, protocol?: string, method?: string): string {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (!protocol) return where;
  return method ? `${where} (${protocol}.${method})` : `${where} (${protocol})`;
}
