import { IpcClientClosedError } from './ipc-errors.js';
import { methodOf, type MethodName, type ProtocolDescriptor, type RequestOf, type ResponseOf } from './protocol-descriptor.js';
import { RpcConnection, type RpcAuth, type RpcConnectionOptions } from './rpc-connection.js';

/** Connection options shared by every connection of a client (everything but address, protocol, auth). */
export type RpcClientDefaults = Omit<RpcConnectionOptions, 'host' | 'port' | 'protocol' | 'auth'>;

/**
 * A small pool of RpcConnections keyed by (host, port, protocol, auth), so callers of the same
 * server and protocol share one multiplexed connection, as Hadoop's Client does.
 */
export class RpcClient {
  private readonly connections = new Map<string, RpcConnection>();
  private closed = false;

  constructor(private readonly defaults: RpcClientDefaults = {}) {}

  /** The pooled connection; after close() none is opened again (as Hadoop's Client refuses calls once stopped). */
  connection(host: string, port: number, protocol: string, auth: RpcAuth): RpcConnection {
    if (this.closed) throw new IpcClientClosedError(`the IPC client was closed; no new connection to ${host}:${port} (${protocol})`);
    const key = [host, port, protocol, authKey(auth)].join('\u0000');
    let conn = this.connections.get(key);
    if (!conn) {
      conn = new RpcConnection({ ...this.defaults, host, port, protocol, auth });
      this.connections.set(key, conn);
    }
    return conn;
  }

  /** A typed proxy for one protocol at one address: `invoke(method, request)`. */
  proxy<P extends ProtocolDescriptor>(address: { host: string; port: number }, protocol: P, auth: RpcAuth): ProtocolProxy<P> {
    return new ProtocolProxy(this.connection(address.host, address.port, protocol.name, auth), protocol);
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(all.map((c) => c.close()));
  }
}

/** Calls methods of one protocol on one connection, looking the message types up in the descriptor. */
export class ProtocolProxy<P extends ProtocolDescriptor = ProtocolDescriptor> {
  constructor(
    readonly connection: RpcConnection,
    readonly protocol: P,
  ) {}

  async invoke<M extends MethodName<P>>(method: M, request: RequestOf<P, M>, opts?: { timeoutMs?: number }): Promise<ResponseOf<P, M>> {
    return callMethod(this.connection, this.protocol, method, request, opts);
  }
}

/** Calls one method of a protocol on a connection, with the message types its descriptor names. */
export async function callMethod<P extends ProtocolDescriptor, M extends MethodName<P>>(
  connection: RpcConnection,
  protocol: P,
  method: M,
  request: RequestOf<P, M>,
  opts?: { timeoutMs?: number },
): Promise<ResponseOf<P, M>> {
  const m = methodOf(protocol, method);
  // m is the descriptor entry of `method`, so its types are the ones RequestOf/ResponseOf name.
  return (await connection.call(method, m.request, request, m.response, opts)) as ResponseOf<P, M>;
}

function authKey(auth: RpcAuth): string {
  if (auth.kind === 'simple') return `simple:${auth.user}`;
  const t = auth.token;
  return `token:${t.kind}:${t.service}:${t.identifier.toString('base64')}:${t.password.toString('base64')}`;
}
