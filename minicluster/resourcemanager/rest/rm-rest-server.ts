// The RM's web port: REST API under /ws/v1/cluster and the web proxy under /proxy/. A node:http
// server on 127.0.0.1; bodies are built by rm-rest-json.ts, written with Java's number formatting.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseApplicationId } from '../../../client/wire/codec/yarn-ids.js';
import { createTimedHttpServer, DEFAULT_HTTP_TIMEOUTS, type HttpTimeouts } from '../../http-timeouts.js';
import type { ResourceManagerCore } from '../resource-manager-core.js';
import { toJavaJson } from './java-json.js';
import { flat, rmNoCacheHeaders } from './rest-headers.js';
import {
  appAttemptContainersJson,
  appAttemptsJson,
  appJson,
  clusterInfoJson,
  clusterMetricsJson,
  clusterNodesJson,
  remoteExceptionJson,
} from './rm-rest-json.js';
import { handleProxyRequest } from './web-proxy.js';

export interface RmRestServerOptions {
  host?: string;
  port?: number;
  /** User named in kills through REST (the recorded cluster ran SIMPLE auth as its static user). */
  user?: string;
  /** How long a client may stall (http-timeouts.ts). */
  httpTimeouts?: Partial<HttpTimeouts>;
}

export class RmRestServer {
  private server?: Server;

  /** `core` may be a getter: the mini cluster swaps cores when the RM restarts. */
  constructor(
    private readonly core: ResourceManagerCore | (() => ResourceManagerCore),
    private readonly opts: RmRestServerOptions = {},
  ) {}

  private get rm(): ResourceManagerCore {
    return typeof this.core === 'function' ? this.core() : this.core;
  }

  async start(): Promise<AddressInfo> {
    const server = createTimedHttpServer(
      (req, res) => {
        this.handle(req, res).catch((err: unknown) => {
          // A handler bug must not take the RM down; answer 500 if nothing was sent yet.
          if (!res.headersSent)
            this.json(res, 500, {
              RemoteException: {
                exception: 'WebApplicationException',
                message: String(err),
                javaClassName: 'javax.ws.rs.WebApplicationException',
              },
            });
          else res.destroy();
        });
      },
      { ...DEFAULT_HTTP_TIMEOUTS, ...this.opts.httpTimeouts },
    );
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port ?? 0, this.opts.host ?? '127.0.0.1', () => resolve());
    });
    return server.address() as AddressInfo;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.sendDate = false;
    res.writeHead(
      status,
      flat(rmNoCacheHeaders(this.rm.config.now(), 'application/json;charset=utf-8', { leadingDate: true, contentTypeLast: true })),
    );
    res.end(toJavaJson(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://rm');
    if (url.pathname.startsWith('/proxy/')) return handleProxyRequest(this.rm, req, res);
    const parts = url.pathname.replace(/\/+$/, '').split('/').filter(Boolean);
    if (parts[0] !== 'ws' || parts[1] !== 'v1' || parts[2] !== 'cluster') {
      this.notFound(res, `no resource at ${url.pathname}`);
      return;
    }
    // ws/v1/cluster/<what>/<app id>/<sub>/<attempt id>/<attempt sub>, each part possibly absent.
    const [what, appIdText, sub, attemptIdText, attemptSub] = [3, 4, 5, 6, 7].map((i) => parts.at(i));
    const method = req.method ?? 'GET';

    if (!appIdText) {
      if (method !== 'GET') {
        this.notFound(res, `${method} is not supported on ${url.pathname}`);
        return;
      }
      if (what === undefined || what === 'info') {
        this.json(res, 200, clusterInfoJson(this.rm));
        return;
      }
      if (what === 'metrics') {
        this.json(res, 200, clusterMetricsJson(this.rm));
        return;
      }
      if (what === 'nodes') {
        this.json(res, 200, clusterNodesJson(this.rm));
        return;
      }
      if (what === 'apps') {
        const states = (url.searchParams.get('states') ?? '')
          .split(',')
          .filter(Boolean)
          .map((s) => s.toUpperCase());
        const apps = this.rm.allApps().filter((a) => !states.length || states.includes(this.rm.reportedState(a)));
        this.json(res, 200, { apps: apps.length ? { app: apps.map((a) => appJson(this.rm, a)) } : null });
        return;
      }
      this.notFound(res, `no resource at ${url.pathname}`);
      return;
    }
    if (what !== 'apps') {
      this.notFound(res, `no resource at ${url.pathname}`);
      return;
    }
    if (!appIdText.startsWith('application_')) {
      this.json(
        res,
        400,
        remoteExceptionJson(
          'BadRequestException',
          `java.lang.IllegalArgumentException: Invalid ApplicationId prefix: ${appIdText}. The valid ApplicationId should start with prefix application`,
        ),
      );
      return;
    }
    try {
      parseApplicationId(appIdText);
    } catch {
      this.json(
        res,
        400,
        remoteExceptionJson('BadRequestException', `java.lang.IllegalArgumentException: Invalid ApplicationId: ${appIdText}`),
      );
      return;
    }
    const app = this.rm.allApps().find((a) => a.id === appIdText);
    if (!app) {
      this.json(res, 404, remoteExceptionJson('NotFoundException', `java.lang.Exception: app with id: ${appIdText} not found`));
      return;
    }

    if (sub === undefined && method === 'GET') {
      this.json(res, 200, { app: appJson(this.rm, app) });
      return;
    }
    if (sub === 'appattempts' && method === 'GET' && !attemptIdText) {
      this.json(res, 200, appAttemptsJson(this.rm, app));
      return;
    }
    if (sub === 'appattempts' && attemptSub === 'containers' && method === 'GET') {
      const attempt = app.attempts.find((a) => a.id === attemptIdText);
      if (!attempt) {
        this.json(res, 404, remoteExceptionJson('NotFoundException', `java.lang.Exception: attempt with id: ${attemptIdText} not found`));
        return;
      }
      this.json(res, 200, appAttemptContainersJson(this.rm, app, attempt.id));
      return;
    }
    if (sub === 'state' && method === 'GET') {
      this.json(res, 200, { state: this.rm.reportedState(app) });
      return;
    }
    if (sub === 'state' && method === 'PUT') return this.putState(req, res, app.id);
    this.notFound(res, `no resource at ${url.pathname}`);
  }

  /** PUT .../apps/{id}/state {"state":"KILLED"}: 202 while the kill is under way, 200 once final. */
  private async putState(req: IncomingMessage, res: ServerResponse, appId: string): Promise<void> {
    const text = await new Promise<string>((resolve, reject) => {
      let s = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (s += c));
      req.on('end', () => resolve(s));
      req.on('error', reject);
    });
    let target: unknown;
    try {
      target = (JSON.parse(text) as { state?: unknown }).state;
    } catch {
      target = undefined;
    }
    if (target !== 'KILLED') {
      this.json(
        res,
        400,
        remoteExceptionJson(
          'BadRequestException',
          `java.lang.IllegalArgumentException: Only KILLED is accepted as the target state; send {"state":"KILLED"}`,
        ),
      );
      return;
    }
    const remote = req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1';
    const { is_kill_completed } = this.rm.killApplication(appId, this.opts.user ?? 'root', remote);
    const app = this.rm.appRecord(appId);
    this.json(res, is_kill_completed ? 200 : 202, { state: this.rm.reportedState(app) });
  }

  private notFound(res: ServerResponse, message: string): void {
    this.json(res, 404, remoteExceptionJson('NotFoundException', `java.lang.Exception: ${message}`));
  }
}
