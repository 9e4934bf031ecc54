// The NodeManager's web port (NM_HTTP_PORT, the node's http address in reports): node info at
// /ws/v1/node/info and container logs at /node/containerlogs/<container>/<user>[/<file>], the
// link YARN puts in container reports. Plain text, read-only, 127.0.0.1 only. The REST services
// `yarn logs` reads (/ws/v1/node/containers...) are in nm-web-services.ts.
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { join } from 'node:path';
import { parseContainerId, formatApplicationId } from '../../client/wire/codec/yarn-ids.js';
import { answerNodeWebServices, type NodeWebServicesSource } from './nm-web-services.js';
import { createTimedHttpServer, DEFAULT_HTTP_TIMEOUTS, type HttpTimeouts } from '../http-timeouts.js';

export interface NodeWebServerOptions {
  host: string;
  port: number;
  logDir: string;
  info: () => Record<string, unknown>;
  /** The node's containers and ids for /ws/v1/node/containers... (absent: those paths are 404). */
  services?: Omit<NodeWebServicesSource, 'logDir'>;
  /** How long a client may stall (http-timeouts.ts). */
  httpTimeouts?: Partial<HttpTimeouts>;
}

export class NodeWebServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly opts: NodeWebServerOptions) {
    this.server = createTimedHttpServer(
      (req, res) => {
        this.handle(req.url ?? '/').then(
          ({ status, type, body, file, stream }) => {
            res.writeHead(status, { 'Content-Type': type });
            if (stream) stream.on('error', () => res.destroy()).pipe(res);
            else if (file)
              createReadStream(file)
                .on('error', () => res.destroy())
                .pipe(res);
            else res.end(body);
          },
          (err: unknown) => {
            res.writeHead(500, { 'Content-Type': 'text/plain;charset=utf-8' });
            res.end(`${err instanceof Error ? err.message : String(err)}\n`);
          },
        );
      },
      { ...DEFAULT_HTTP_TIMEOUTS, ...opts.httpTimeouts },
    );
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port, this.opts.host, () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  private async handle(url: string): Promise<{ status: number; type: string; body?: string; file?: string; stream?: Readable }> {
    const parsed = new URL(url, 'http://nm');
    const path = parsed.pathname;
    const text = (status: number, body: string) => ({ status, type: 'text/plain;charset=utf-8', body });
    if (path === '/ws/v1/node/info' || path === '/ws/v1/node') {
      return { status: 200, type: 'application/json', body: JSON.stringify({ nodeInfo: this.opts.info() }) };
    }
    const services = this.opts.services;
    const answer = services && (await answerNodeWebServices(parsed, { ...services, logDir: this.opts.logDir }));
    if (answer) return answer;
    const m = /^\/node\/containerlogs\/([^/]+)\/[^/]+(?:\/([^/]+))?\/?$/.exec(path);
    if (!m) return text(404, `no page at ${path}; try /ws/v1/node/info or /node/containerlogs/<container>/<user>\n`);
    let appId: string;
    try {
      appId = formatApplicationId(parseContainerId(m[1]).applicationAttemptId.applicationId);
    } catch {
      return text(400, `${m[1]} is not a container id\n`);
    }
    const dir = join(this.opts.logDir, appId, m[1]);
    const names = await readdir(dir).catch(() => undefined);
    if (!names) return text(404, `no logs for ${m[1]} on this node\n`);
    const file = m[2];
    if (!file) return text(200, names.sort().join('\n') + '\n');
    if (!names.includes(file) || !(await stat(join(dir, file))).isFile()) return text(404, `no log file ${file} for ${m[1]}\n`);
    return { status: 200, type: 'text/plain;charset=utf-8', file: join(dir, file) };
  }
}
