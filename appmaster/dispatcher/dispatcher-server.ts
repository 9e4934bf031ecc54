import { isJobId } from '../jobs/job-ids.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClusterShutdownJson, DashboardConfigJson, JobSubmitResponseJson } from '../../client/deploy/dispatcher-rest-types.js';
import type { ClusterControl, JobSpec, JobStatus } from '../cluster-api.js';
import { DETACHED_CLUSTER, type LeaseEndpoint } from '../lease/client-lease.js';
import type { AmIpFilter } from './am-ip-filter.js';
import { BearerSecret } from './bearer-secret.js';
import { DASHBOARD_CSP, DASHBOARD_HTML } from './dashboard-page.js';
import { HttpError } from './http-error.js';
import { JobSpecError, validateJobSpec } from '../jobs/job-spec-validation.js';
import { readJsonBody } from './request-body.js';
import { jobDetailsJson, jobIdsJson, jobOverviewJson, overviewJson, taskManagerJson } from './rest-bodies.js';

export interface DispatcherServerOptions {
  control: ClusterControl;
  /** The per-cluster secret programs send as `Authorization: Bearer <secret>`. */
  secret: string;
  /** Bind address: the container's host (NM_HOST), or 0.0.0.0 when configured so. Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port (the usual case on YARN). */
  port?: number;
  /** The attached client's lease (/cluster/lease); absent for a detached cluster. */
  lease?: LeaseEndpoint;
  /** Recognises YARN's web proxy; without it only the secret opens anything. */
  proxyFilter?: AmIpFilter;
  /** Largest request body accepted (rest.server.max-content-length). */
  maxBodyBytes?: number;
  /** Where a user finds the secret, appended to 401 answers. */
  secretHint?: string;
  loomVersion?: string;
  /** Dashboard polling interval (web.refresh-interval). */
  refreshIntervalMs?: number;
  log?: (line: string) => void;
  now?: () => number;
}

export const DEFAULT_SECRET_HINT =
  'The client that started the cluster holds the secret: yarn-session writes it to the session properties file .loom-session-<user> ' +
  '(in yarn.properties-file.location, default the temp dir), and it is in the owner-only file loom-secret in the application\'s staging dir.';

type Handler = (req: IncomingMessage, res: ServerResponse, params: string[], url: URL) => Promise<void> | void;

interface Route {
  pattern: RegExp;
  methods: Partial<Record<'GET' | 'POST' | 'PATCH' | 'DELETE', Handler>>;
}

/**
 * The AM's dispatcher: Flink-shaped REST routes over the ClusterControl, and the read-only
 * dashboard. Programs authenticate with the cluster secret; the GET routes are also open to
 * requests that come through YARN's web proxy (which passes only GET, PUT and HEAD and strips
 * Authorization), so people can watch the cluster at its tracking URL but change nothing.
 */
export class DispatcherServer {
  private server?: Server;
  private readonly secret: BearerSecret;
  private readonly routes: Route[];
  private shutdownRequested = false;
  private readonly log: (line: string) => void;
  private readonly now: () => number;

  constructor(private readonly opts: DispatcherServerOptions) {
    this.secret = new BearerSecret(opts.secret);
    this.log = opts.log ?? ((line) => process.stderr.write(line + '\n'));
    this.now = opts.now ?? Date.now;
    const dashboard: Handler = (_req, res) => this.sendDashboard(res);
    const lease = opts.lease ?? DETACHED_CLUSTER;
    // Heartbeats carry no body; whatever comes is drained.
    const leaseCall = (call: (l: LeaseEndpoint) => unknown): Handler => (req, res) => {
      req.resume();
      this.json(res, 200, call(lease));
    };
    this.routes = [
      { pattern: /^\/$/, methods: { GET: dashboard } },
      { pattern: /^\/dashboard\.html$/, methods: { GET: dashboard } },
      { pattern: /^\/overview$/, methods: { GET: (_q, res) => this.json(res, 200, overviewJson(this.opts.control.overview(), this.version)) } },
      { pattern: /^\/taskmanagers$/, methods: { GET: (_q, res) => this.json(res, 200, { taskmanagers: this.opts.control.taskExecutors().map(taskManagerJson) }) } },
      { pattern: /^\/config$/, methods: { GET: (_q, res) => this.json(res, 200, this.dashboardConfig()) } },
      {
        pattern: /^\/jobs$/,
        methods: { GET: (_q, res) => this.json(res, 200, jobIdsJson(this.opts.control.jobs())), POST: (req, res) => this.submit(req, res) },
      },
      { pattern: /^\/jobs\/overview$/, methods: { GET: (_q, res) => this.json(res, 200, { jobs: this.opts.control.jobs().map((j) => jobOverviewJson(j, this.now())) }) } },
      {
        pattern: /^\/jobs\/([^/]+)$/,
        methods: {
          GET: (_q, res, [id]) => this.json(res, 200, jobDetailsJson(this.jobOr404(id!), this.now())),
          PATCH: (_q, res, [id], url) => this.patchJob(res, id!, url),
        },
      },
      { pattern: /^\/jobs\/([^/]+)\/cancel$/, methods: { POST: (_q, res, [id]) => this.cancel(res, id!) } },
      { pattern: /^\/cluster$/, methods: { DELETE: (req, res) => this.shutdown(req, res) } },
      { pattern: /^\/cluster\/lease$/, methods: { GET: (_q, res) => this.json(res, 200, lease.state()), POST: leaseCall((l) => l.renew()), DELETE: leaseCall((l) => l.release()) } },
    ];
  }

  private get version(): string {
    return this.opts.loomVersion ?? 'unknown';
  }

  async start(): Promise<AddressInfo> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => this.fail(res, err));
    });
    // Malformed HTTP: answer 400 and drop the connection; the server itself carries on.
    server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      if (socket.writable && err.code !== 'ECONNRESET') socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    server.headersTimeout = 20_000;
    server.requestTimeout = 60_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port ?? 0, this.opts.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return server.address() as AddressInfo;
  }

  /** The bound address (after start). */
  address(): AddressInfo {
    const a = this.server?.address();
    if (!a || typeof a === 'string') throw new Error('the dispatcher is not listening; call start() first');
    return a;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://dispatcher');
    // Flink's versioned form /v1/... is the same API.
    const path = url.pathname.replace(/^\/v1(?=\/)/, '').replace(/(.)\/+$/, '$1');
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    const route = this.routes.find((r) => r.pattern.test(path));
    if (!route) throw new HttpError(404, [`Not found: ${url.pathname}. The routes are /overview, /taskmanagers, /jobs, /jobs/overview, /jobs/:id, /config, /cluster, /cluster/lease`]);
    const handler = route.methods[method as keyof Route['methods']];
    if (!handler) {
      const allowed = Object.keys(route.methods).flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m]));
      throw new HttpError(405, [`${req.method} is not allowed on ${url.pathname}; allowed: ${allowed.join(', ')}`], { Allow: allowed.join(', ') });
    }
    if (!(await this.authorize(req, res, method === 'GET', url))) return;
    if (method !== 'POST' && method !== 'PATCH' && method !== 'DELETE') req.resume();
    let params: string[];
    try {
      params = route.pattern.exec(path)!.slice(1).map((p) => decodeURIComponent(p));
    } catch {
      throw new HttpError(400, [`the path ${url.pathname} is not validly percent-encoded`]);
    }
    await handler(req, res, params, url);
  }

  /**
   * A valid secret opens everything. Without one, GET routes are open to requests from the web
   * proxy; other such requests are sent to the proxy (AmIpFilter's redirect) or refused.
   */
  private async authorize(req: IncomingMessage, res: ServerResponse, readOnly: boolean, url: URL): Promise<boolean> {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const token = BearerSecret.tokenOf(header);
      if (token !== undefined && this.secret.matches(token)) return true;
      throw this.unauthorized('the cluster secret in the Authorization header is wrong (expected "Authorization: Bearer <secret>")');
    }
    const filter = this.opts.proxyFilter;
    if (readOnly && filter) {
      if (await filter.isFromProxy(req.socket.remoteAddress)) return true;
      const target = await filter.redirectTarget(url.pathname + url.search);
      if (target !== undefined) {
        req.resume();
        this.redirect(res, target);
        return false;
      }
    }
    throw this.unauthorized('this request needs the cluster secret: send "Authorization: Bearer <secret>"');
  }

  private unauthorized(problem: string): HttpError {
    return new HttpError(401, [`${problem}. ${this.opts.secretHint ?? DEFAULT_SECRET_HINT}`], { 'WWW-Authenticate': 'Bearer realm="loom"' });
  }

  private jobOr404(id: string): JobStatus {
    const job = this.opts.control.job(id);
    if (!job) throw new HttpError(404, [`job ${id} not found; GET /jobs lists the jobs of this cluster`]);
    return job;
  }

  private async submit(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A client may choose the job's id (?jobid=), so that after a lost answer it can look the job
    // up on a new AM attempt instead of submitting it twice.
    const proposed = new URL(req.url ?? '/', 'http://am').searchParams.get('jobid') ?? undefined;
    if (proposed !== undefined && !isJobId(proposed)) {
      req.resume();
      throw new HttpError(400, [`jobid=${JSON.stringify(proposed)} is not a job id: use 32 lower-case hex digits, or leave it out`]);
    }
    if (proposed !== undefined && this.opts.control.job(proposed)) {
      req.resume();
      throw new HttpError(409, [`a job with id ${proposed} exists already; GET /jobs/${proposed} shows it`]);
    }
    let spec: JobSpec;
    try {
      ({ spec } = validateJobSpec(await readJsonBody(req, this.maxBody), 'the request body'));
    } catch (err) {
      throw err instanceof JobSpecError ? new HttpError(400, err.problems) : err;
    }
    if (this.shutdownRequested) throw new HttpError(503, ['the cluster is shutting down and accepts no more jobs']);
    const status = await this.control('submitting the job', () => this.opts.control.submitJob(spec, proposed !== undefined ? { id: proposed } : {}));
    const body: JobSubmitResponseJson = { jobid: status.id, jobUrl: `/jobs/${encodeURIComponent(status.id)}` };
    this.json(res, 202, body);
  }

  private async patchJob(res: ServerResponse, id: string, url: URL): Promise<void> {
    const mode = url.searchParams.get('mode') ?? 'cancel';
    if (mode !== 'cancel') throw new HttpError(400, [`mode=${mode} is not supported; use PATCH /jobs/${id}?mode=cancel`]);
    await this.cancel(res, id);
  }

  private async cancel(res: ServerResponse, id: string): Promise<void> {
    this.jobOr404(id);
    const status = await this.control(`canceling job ${id}`, () => this.opts.control.cancelJob(id));
    this.json(res, 202, jobDetailsJson(status, this.now()));
  }

  private async shutdown(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJsonBody(req, this.maxBody);
    const { finalStatus, diagnostics } = parseShutdownBody(body);
    this.json(res, 202, {});
    if (this.shutdownRequested) return;
    this.shutdownRequested = true;
    // Answer first: shutting down may stop this server and end the process.
    res.once('finish', () => {
      this.opts.control.shutdown({ finalStatus, diagnostics }).catch((err: unknown) => this.log(`dispatcher: cluster shutdown failed: ${(err as Error)?.stack ?? String(err)}`));
    });
  }

  /**
   * Runs a ClusterControl call; its errors become 500s, or 4xx when they say the request was at
   * fault: a numeric `httpStatus` 4xx, or a `problems` list (the job master's spec check) as 400.
   */
  private async control<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      const status = (err as { httpStatus?: unknown })?.httpStatus;
      const problems = (err as { problems?: unknown })?.problems;
      const message = (err as Error)?.message ?? String(err);
      if (typeof status === 'number' && status >= 400 && status < 500) throw new HttpError(status, [message]);
      if (Array.isArray(problems) && problems.length && problems.every((p) => typeof p === 'string')) throw new HttpError(400, problems as string[]);
      this.log(`dispatcher: ${what} failed: ${(err as Error)?.stack ?? message}`);
      throw new HttpError(500, [`${what} failed: ${message}`]);
    }
  }

  private get maxBody(): number {
    return this.opts.maxBodyBytes ?? 1024 * 1024;
  }

  private dashboardConfig(): DashboardConfigJson {
    const offset = -new Date(this.now()).getTimezoneOffset() * 60_000;
    return {
      'refresh-interval': this.opts.refreshIntervalMs ?? 3000,
      'timezone-name': Intl.DateTimeFormat().resolvedOptions().timeZone,
      'timezone-offset': offset,
      'loom-version': this.version,
      features: { 'web-submit': false, 'web-cancel': false },
    };
  }

  private sendDashboard(res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': Buffer.byteLength(DASHBOARD_HTML),
      'Content-Security-Policy': DASHBOARD_CSP,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache',
    });
    res.end(DASHBOARD_HTML);
  }

  /** AmIpFilter's answer to a browser that did not come through the proxy (ProxyUtils.sendRedirect). */
  private redirect(res: ServerResponse, location: string): void {
    const href = location.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
    const body = `<html><head><title>Moved</title></head><body><h1>Moved</h1><div>Content has moved <a href="${href}">here</a></div></body></html>\n`;
    res.writeHead(302, { Location: location, 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  }

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      ...headers,
    });
    res.end(text);
  }

  private fail(res: ServerResponse, err: unknown): void {
    const http = err instanceof HttpError ? err : undefined;
    if (!http) this.log(`dispatcher: request failed: ${(err as Error)?.stack ?? String(err)}`);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const status = http?.status ?? 500;
    const errors = http?.errors ?? [`internal error: ${(err as Error)?.message ?? String(err)}`];
    this.json(res, status, { errors }, http?.headers);
  }
}

function parseShutdownBody(body: unknown): Required<ClusterShutdownJson> {
  const fallback = { finalStatus: 'SUCCEEDED' as const, diagnostics: 'Stopped through the REST API (DELETE /cluster)' };
  if (body === undefined) return fallback;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, ['the DELETE /cluster body must be a JSON object {"finalStatus": "SUCCEEDED"|"FAILED"|"KILLED", "diagnostics": "..."} or empty']);
  }
  const b = body as Record<string, unknown>;
  const problems: string[] = [];
  for (const k of Object.keys(b)) if (k !== 'finalStatus' && k !== 'diagnostics') problems.push(`unknown field ${k}; the fields are finalStatus, diagnostics`);
  if (b.finalStatus !== undefined && !['SUCCEEDED', 'FAILED', 'KILLED'].includes(b.finalStatus as string)) {
    problems.push(`finalStatus must be "SUCCEEDED", "FAILED" or "KILLED"; got ${JSON.stringify(b.finalStatus)}`);
  }
  if (b.diagnostics !== undefined && (typeof b.diagnostics !== 'string' || b.diagnostics.length > 64 * 1024)) {
    problems.push('diagnostics must be a string of at most 65536 characters');
  }
  if (problems.length) throw new HttpError(400, problems);
  return {
    finalStatus: (b.finalStatus as Required<ClusterShutdownJson>['finalStatus']) ?? fallback.finalStatus,
    diagnostics: (b.diagnostics as string | undefined) ?? fallback.diagnostics,
  };
}
