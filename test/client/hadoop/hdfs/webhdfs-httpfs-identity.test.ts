import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { WebHdfsClient } from '../../../../client/hadoop/hdfs/webhdfs-client.js';
import { FileNotFoundError } from '../../../../client/hadoop/hdfs/webhdfs-errors.js';

/**
 * An HttpFS gateway answers every operation itself: no 307 to a DataNode, upload bodies arrive in
 * the first request with `data=true` (Hadoop's HttpFSServer refuses a CREATE without it). This
 * server keeps files in memory and records each request's method, path and parameters.
 */
interface Seen {
  method: string;
  path: string;
  params: URLSearchParams;
  contentType?: string;
  bodyBytes: number;
}

async function startHttpFs(): Promise<{ port: number; seen: Seen[]; files: Map<string, Buffer>; server: Server }> {
  const seen: Seen[] = [];
  const files = new Map<string, Buffer>();
  const server = createServer((req: IncomingMessage, res) => {
    void answer(req, res);
  });
  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const path = decodeURIComponent(url.pathname.replace(/^\/webhdfs\/v1/, ''));
    seen.push({
      method: req.method ?? '',
      path,
      params: url.searchParams,
      contentType: req.headers['content-type'],
      bodyBytes: body.length,
    });
    const op = url.searchParams.get('op');
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (op === 'CREATE' && url.searchParams.get('data') === 'true') {
      files.set(path, body);
      res.writeHead(201, { Location: `webhdfs://127.0.0.1${url.pathname}`, 'Content-Length': '0' });
      res.end();
    } else if (op === 'CREATE') {
      json(400, {
        RemoteException: {
          exception: 'IllegalArgumentException',
          javaClassName: 'java.lang.IllegalArgumentException',
          message: "Data upload requests must have content-type set to 'application/octet-stream'",
        },
      });
    } else if (op === 'OPEN') {
      const data = files.get(path);
      if (!data) {
        json(404, {
          RemoteException: {
            exception: 'FileNotFoundException',
            javaClassName: 'java.io.FileNotFoundException',
            message: `File does not exist: ${path}`,
          },
        });
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(data.length) });
      res.end(data);
    } else if (op === 'GETHOMEDIRECTORY') {
      json(200, { Path: `/user/${url.searchParams.get('doas') ?? url.searchParams.get('user.name') ?? 'token-user'}` });
    } else {
      json(400, {
        RemoteException: {
          exception: 'IllegalArgumentException',
          javaClassName: 'java.lang.IllegalArgumentException',
          message: `unsupported op ${op}`,
        },
      });
    }
  }
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, seen, files, server };
}

const servers: Server[] = [];
const clients: WebHdfsClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
});

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('HttpFS gateway mode', () => {
  it('uploads in one request with data=true and reads without a redirect', async () => {
    const gw = await startHttpFs();
    servers.push(gw.server);
    const client = new WebHdfsClient({ endpoints: [{ scheme: 'http', host: '127.0.0.1', port: gw.port }], user: 'alice', httpFs: true });
    clients.push(client);
    const payload = Buffer.alloc(300_000, 7);
    await client.create('/user/alice/blob.bin', Readable.from([payload.subarray(0, 100_000), payload.subarray(100_000)]), {
      overwrite: true,
    });
    const created = gw.seen.filter((s) => s.params.get('op') === 'CREATE');
    expect(created).toHaveLength(1);
    expect(created[0].method).toBe('PUT');
    expect(created[0].params.get('data')).toBe('true');
    expect(created[0].params.get('overwrite')).toBe('true');
    expect(created[0].contentType).toBe('application/octet-stream');
    expect(created[0].bodyBytes).toBe(payload.length);
    expect(gw.files.get('/user/alice/blob.bin')?.equals(payload)).toBe(true);

    const back = await readAll(await client.open('/user/alice/blob.bin'));
    expect(back.equals(payload)).toBe(true);
    await expect(client.open('/user/alice/missing')).rejects.toBeInstanceOf(FileNotFoundError);
  });
});

describe('identity parameters', () => {
  it('sends user.name and doas for a proxy user, and only delegation when a token is held', async () => {
    const gw = await startHttpFs();
    servers.push(gw.server);
    const endpoints = [{ scheme: 'http' as const, host: '127.0.0.1', port: gw.port }];

    const proxy = new WebHdfsClient({ endpoints, user: 'loom-service', doAs: 'alice', httpFs: true });
    clients.push(proxy);
    expect(await proxy.getHomeDirectory()).toBe('/user/alice');
    const p = gw.seen.at(-1)!.params;
    expect(p.get('user.name')).toBe('loom-service');
    expect(p.get('doas')).toBe('alice');
    expect(p.has('delegation')).toBe(false);

    const token = 'HAAEYWxpY2UEeWFybgCKAZkPmHQLigGZM6T4Cw4BFHc4ZGX4AZ0ZsFJ9V8SePcYRzIRAE1dFQkhERlMgZGVsZWdhdGlvbgA';
    const delegated = new WebHdfsClient({ endpoints, user: 'ignored', delegation: token, httpFs: true });
    clients.push(delegated);
    await delegated.getHomeDirectory();
    const d = gw.seen.at(-1)!.params;
    expect(d.get('delegation')).toBe(token);
    expect(d.has('user.name')).toBe(false);
  });
});
