/** Shared by the WebHDFS server tests: a server in a temp dir, and plain node:http requests. */
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWebHdfs, type WebHdfsOptions, type WebHdfsServer } from '../../../minicluster/webhdfs/webhdfs-server.js';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  rawHeaders: string[];
  interim: number[];
  body: Buffer;
}

export interface SendOptions {
  headers?: Record<string, string>;
  body?: Buffer | string;
}

/** One HTTP exchange with node:http; 1xx answers are collected in `interim`. */
export function send(method: string, url: string, o: SendOptions = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: o.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, interim, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    const interim: number[] = [];
    req.on('information', (info) => interim.push(info.statusCode));
    req.on('error', reject);
    req.end(o.body);
  });
}

export function json(answer: HttpAnswer): any {
  return JSON.parse(answer.body.toString('utf8'));
}

export interface TestCluster {
  server: WebHdfsServer;
  dataDir: string;
  nn(pathAndQuery: string): string;
  dn(pathAndQuery: string): string;
  stop(): Promise<void>;
  /** Removes the data dir too. */
  dispose(): Promise<void>;
}

export function makeDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'loom-webhdfs-'));
}

export async function startTestCluster(options: Partial<WebHdfsOptions> = {}, dataDir = makeDataDir()): Promise<TestCluster> {
  const server = await startWebHdfs({ superUser: 'root', staticUser: 'root', ...options, dataDir });
  const base = (a: { host: string; port: number }) => `http://${a.host}:${a.port}`;
  let stopped = false;
  const stop = async () => {
    if (!stopped) await server.close();
    stopped = true;
  };
  return {
    server,
    dataDir,
    nn: (p) => `${base(server.nameNodeAddress)}/webhdfs/v1${p}`,
    dn: (p) => `${base(server.dataNodeAddress)}/webhdfs/v1${p}`,
    stop,
    dispose: async () => {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** CREATE in two steps, as a client does: NameNode 307, then the bytes to the Location. */
export async function createFile(c: TestCluster, path: string, body: Buffer | string, query = '', user = 'root'): Promise<HttpAnswer> {
  const step1 = await send('PUT', c.nn(`${path}?op=CREATE&user.name=${user}${query}`));
  if (step1.status !== 307) return step1;
  return send('PUT', String(step1.headers.location), { body, headers: { 'Content-Type': 'application/octet-stream' } });
}
