import { request } from 'node:http';
import { connect } from 'node:net';
import { newClusterSecret } from '../../../client/contracts/cluster-secret.js';
import type { AmIpFilter } from '../../../appmaster/dispatcher/am-ip-filter.js';
import { DispatcherServer, type DispatcherServerOptions } from '../../../appmaster/dispatcher/dispatcher-server.js';
import { FakeClusterControl } from './fake-cluster-control.js';

/** Starts dispatchers on 127.0.0.1:0 over a FakeClusterControl; `stopAll()` (afterEach) stops them. */
export class DispatcherKit {
  private readonly servers: DispatcherServer[] = [];
  readonly logs: string[] = [];

  async start(
    opts: { proxyFilter?: AmIpFilter; maxBodyBytes?: number; control?: FakeClusterControl; more?: Partial<DispatcherServerOptions> } = {},
  ) {
    const control = opts.control ?? new FakeClusterControl();
    const secret = newClusterSecret();
    const server = new DispatcherServer({
      control,
      secret,
      host: '127.0.0.1',
      port: 0,
      loomVersion: '0.1.0-test',
      log: (line) => this.logs.push(line),
      ...(opts.proxyFilter ? { proxyFilter: opts.proxyFilter } : {}),
      ...(opts.maxBodyBytes !== undefined ? { maxBodyBytes: opts.maxBodyBytes } : {}),
      ...opts.more,
    });
    this.servers.push(server);
    const { port } = await server.start();
    return { server, control, secret, port, baseUrl: `http://127.0.0.1:${port}` };
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.servers.splice(0).map((s) => s.stop()));
  }
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: () => any;
}

/** One HTTP request with node:http (so the source address and raw headers are under the test's control). */
export function http(
  port: number,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: string | Buffer; localAddress?: string } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    // Node frames DELETE/GET bodies only with an explicit Content-Length.
    const length = opts.body !== undefined ? { 'Content-Length': String(Buffer.byteLength(opts.body)) } : {};
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: { ...length, ...opts.headers },
        agent: false,
        ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/**
 * Raw bytes in, everything the server sends until it closes out. `waitMs` is only a deadline for
 * that close, generous so a loaded machine does not cut the answer short.
 */
export function rawExchange(port: number, bytes: string | Buffer, waitMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1', () => sock.write(bytes));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => sock.destroy(), waitMs);
    sock.on('data', (c) => chunks.push(c));
    sock.on('error', reject);
    sock.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
  });
}

export const bearer = (secret: string) => ({ Authorization: `Bearer ${secret}` });
