import { isJobId } from '../jobs/job-ids.js';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  TASK_EXECUTOR_HISTORY_KEPT,
  type ApplicationProgramJson,
  type ClusterShutdownJson,
  type ConfigEntryJson,
  type DashboardConfigJson,
  type JobSubmitResponseJson,
  type ProgramOutputJson,
} from '../../client/contracts/dispatcher-rest-types.js';
import type { ClusterControl, JobSpec, JobStatus } from '../cluster-api.js';
import { DETACHED_CLUSTER, type LeaseEndpoint } from '../lease/client-lease.js';
import type { AmMetrics } from '../metrics/am-metrics.js';
import { PROMETHEUS_TEXT_CONTENT_TYPE } from '../metrics/metric-registry.js';
import type { AmIpFilter } from './am-ip-filter.js';
import { BearerSecret } from './bearer-secret.js';
import { DASHBOARD_CSP, DASHBOARD_HTML } from './dashboard-page.js';
import { HttpError } from './http-error.js';
import { JobSpecError, validateJobSpec } from '../jobs/job-spec-validation.js';
import { readJsonBody } from './request-body.js';
import { jobDetailsJson, jobIdsJson, jobOverviewJson, overviewJson, taskManagerJson } from './rest-bodies.js';
import { jobExceptionsJson, taskExecutorHistoryJson } from './rest-bodies.js';
import { listAmLogs, tailAmLog, tailBytesParam } from './am-log-files.js';
import { redactConfig } from './effective-config.js';

export interface DispatcherServerOptions {
  control: ClusterControl;
  /** The per-cluster secret programs send as `Authorization: Bearer <secret>`. */
  secret: string;
  /**
   * Internal TLS (security.ssl.internal.enabled): HTTPS only, with the cluster's certificate, which
   * the client pins (client/deploy/running/am-rest-fetch.ts); the bearer secret then never crosses
   * the wire in clear. Absent: plain HTTP.
   */
  tls?: { certificatePem: string; privateKeyPem: string };
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
  /** What /metrics serves, and where each request's latency goes; without it /metrics is empty. */
  metrics?: Pick<AmMetrics, 'render' | 'observeRequest'>;
  log?: (line: string) => void;
  now?: () => number;
  /** Application mode: main()'s lines and end (appmaster/modes/program-output.ts); absent in other modes. */
  program?: { read(after: number): ProgramOutputJson; program(): ApplicationProgramJson };
  /** The AM container's log directory (first of LOG_DIRS), served by /jobmanager/logs. */
  amLogDir?: string;
  /** The effective configuration, unredacted (the dispatcher redacts it): /jobmanager/config. */
  effectiveConfig?: () => ConfigEntryJson[];
  /** The user the containers run as, for links to the NodeManagers' container log pages. */
  containerLogUser?: string;
}

export const DEFAULT_SECRET_HINT =
  'The client that started the cluster holds the secret: yarn-session writes it to the session properties file .loom-session-<user> ' +
  "(in yarn.properties-file.location, default the temp dir), and it is in the owner-only file loom-secret in the application's staging dir.";

type Handler = (req: IncomingMessage, res: ServerResponse, params: string[], url: URL) => Promise<void> | void;

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
/** Methods named in the REST latency's labels; others are `other` (a client cannot grow the label set). */
const KNOWN_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** One method of one route, and who may call it. */
interface Endpoint {
  /** The answer to a request with the cluster secret. */
  withSecret: Handler;
  /**
   * The answer to a request without the secret that came from YARN's web proxy (AmIpFilter's
   * decision: its remote address is a proxy host's). Absent: the secret is needed, also there.
   * Nothing is open through the proxy unless its route says so here (GET only: the proxy strips
   * Authorization, so whatever is open there is open to every process that can make the proxy's
   * host connect, which on a one-node cluster is every local process).
   */
  throughProxy?: Handler;
}

interface Route {
  /** `/jobs/:id`: each `:name` is one path segment, handed to the handler in order. */
  path: string;
  pattern: RegExp;
  methods: Partial<Record<Method, Endpoint>>;
}

/** A route's declared access, as the route table states it (for tests and the 404 message). */
export interface RouteAccess {
  path: string;
  method: Method;
  /** `full`: the same answer as with the secret; `redacted`: a reduced one; `none`: the secret is needed. */
  throughProxy: 'full' | 'redacted' | 'none';
}

/** Open through the proxy with the same answer: only what the dashboard shows. */
const dashboardData = (handler: Handler): Endpoint => ({ withSecret: handler, throughProxy: handler });
/** The secret only (the default). */
const secretOnly = (handler: Handler): Endpoint => ({ withSecret: handler });

function routePattern(path: string): RegExp {
  const escaped = path.split('/').map((seg) => (seg.startsWith(':') ? '([^/]+)' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${escaped.join('/')}$`);
}

/**
 * The AM's dispatcher: Flink-shaped REST routes over the ClusterControl, and the read-only
 * dashboard. Programs authenticate with the cluster secret. Requests that come through YARN's
 * web proxy (which passes only GET, PUT and HEAD and strips Authorization) get the dashboard and
 * what it renders, so people can watch the cluster at its tracking URL but change nothing, and
 * read no job data beyond what YARN's own UI shows of an application (its containers, state and
 * diagnostics). Where the proxy runs on the AM's host (the mini cluster, a one-node cluster) any
 * local process counts as the proxy, so this is also what every local user can read:
 *
 *   route                      method   through the proxy, without the secret
 *   /, /dashboard.html         GET      the page
 *   /config                    GET      refresh interval, time zone, Loom version
 *   /overview                  GET      application id, mode, start time, counts of TaskExecutors, slots and jobs
 *   /taskmanagers              GET      container ids, hosts, slots, memory, heartbeat times (YARN lists the containers too)
 *   /jobs, /jobs/overview      GET      job ids, names, states, times, task counts
 *   /jobs/:id                  GET      redacted: states, attempts, TaskExecutors and errors, no task results
 *                                       (errors are what the AM logs and YARN's diagnostics carry; results are the job's data)
 *   /jobs/:id/tasks/:index/output
 *                              GET      no: a task's output is the job's data, as its results are (held back above). Who
 *                                       YARN lets view the application reads the same lines in the attempt's file through
 *                                       the NodeManager's log pages (/node/containerlogs/<container>/<user>), where YARN's
 *                                       own view ACLs decide, not the AM's guess of who came through the proxy
 *   /metrics                   GET      Prometheus text: counts and latencies of jobs, tasks, slots, containers, TaskExecutors,
 *                                       the AM's and TaskExecutors' memory and CPU (aggregates: no job names, ids, results or
 *                                       errors; container ids as /taskmanagers shows them). Prometheus scrapes the AM directly
 *                                       with "Authorization: Bearer <secret>"; the proxy path lets a person read it in a browser.
 *   /cluster/lease             GET      no: the attached client's lease, for that client only
 *   /application, /application/output  GET  no: main()'s end and lines (application mode), for the attached client
 *   /taskmanagers/history      GET      every TaskExecutor of this AM attempt, released and lost ones too: container, host,
 *                                       slots, memory, times, why it ended, its NodeManager log page (what YARN's UI lists)
 *   /jobs/:id/exceptions       GET      the job's task and job failures with their errors (the errors /jobs/:id shows)
 *   /jobmanager/config         GET      the effective configuration, redacted alike with and without the secret: keys
 *                                       naming a secret, password, token, keytab or credential and any value holding the
 *                                       cluster secret read ******
 *   /jobmanager/logs           GET      the AM container's log files and sizes
 *   /jobmanager/logs/:name     GET      the end of one of them (?bytes=, at most 1 MiB): what the NodeManager's container
 *                                       log page and `yarn logs` already show the application's viewers; the AM never logs the secret
 *   POST, PATCH and DELETE on any route: no (the proxy does not pass them, and they change the cluster)
 *
 * The table in the constructor is the one place that says this: an Endpoint without
 * `throughProxy` needs the secret, so a new route cannot become readable through the proxy by
 * accident.
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
    const leaseCall =
      (call: (l: LeaseEndpoint) => unknown): Handler =>
      (req, res) => {
        req.resume();
        this.json(res, 200, call(lease));
      };
    const details =
      (withResults: boolean): Handler =>
      (_q, res, [id]) =>
        this.json(res, 200, jobDetailsJson(this.jobOr404(id), this.now(), { withResults }));
    const table: Omit<Route, 'pattern'>[] = [
      { path: '/', methods: { GET: dashboardData(dashboard) } },
      { path: '/dashboard.html', methods: { GET: dashboardData(dashboard) } },
      {
        path: '/overview',
        methods: { GET: dashboardData((_q, res) => this.json(res, 200, overviewJson(this.opts.control.overview(), this.version))) },
      },
      {
        path: '/taskmanagers',
        methods: {
          GET: dashboardData((_q, res) => this.json(res, 200, { taskmanagers: this.opts.control.taskExecutors().map(taskManagerJson) })),
        },
      },
      { path: '/config', methods: { GET: dashboardData((_q, res) => this.json(res, 200, this.dashboardConfig())) } },
      { path: '/metrics', methods: { GET: dashboardData((_q, res) => this.sendMetrics(res)) } },
      {
        path: '/jobs',
        methods: {
          GET: dashboardData((_q, res) => this.json(res, 200, jobIdsJson(this.opts.control.jobs()))),
          POST: secretOnly((req, res) => this.submit(req, res)),
        },
      },
      {
        path: '/jobs/overview',
        methods: {
          GET: dashboardData((_q, res) =>
            this.json(res, 200, { jobs: this.opts.control.jobs().map((j) => jobOverviewJson(j, this.now())) }),
          ),
        },
      },
      {
        path: '/jobs/:id',
        methods: {
          // The dashboard shows task states and errors, never results: the proxy path gets no results.
          GET: { withSecret: details(true), throughProxy: details(false) },
          PATCH: secretOnly((_q, res, [id], url) => this.patchJob(res, id, url)),
        },
      },
      { path: '/jobs/:id/cancel', methods: { POST: secretOnly((_q, res, [id]) => this.cancel(res, id)) } },
      {
        path: '/jobs/:id/tasks/:index/output',
        methods: { GET: secretOnly((_q, res, [id, index], url) => this.taskOutput(res, id, index, url)) },
      },
      {
        path: '/taskmanagers/history',
        methods: {
          GET: dashboardData((_q, res) =>
            this.json(
              res,
              200,
              taskExecutorHistoryJson(
                this.opts.control.taskExecutorHistory?.() ?? [],
                TASK_EXECUTOR_HISTORY_KEPT,
                this.opts.containerLogUser,
              ),
            ),
          ),
        },
      },
      {
        path: '/jobs/:id/exceptions',
        methods: { GET: dashboardData((_q, res, [id]) => this.json(res, 200, jobExceptionsJson(this.jobOr404(id)))) },
      },
      {
        path: '/jobmanager/config',
        methods: {
          GET: dashboardData((_q, res) => this.json(res, 200, redactConfig(this.opts.effectiveConfig?.() ?? [], this.opts.secret))),
        },
      },
      {
        path: '/jobmanager/logs',
        methods: { GET: dashboardData(async (_q, res) => this.json(res, 200, await listAmLogs(this.opts.amLogDir))) },
      },
      { path: '/jobmanager/logs/:name', methods: { GET: dashboardData((_q, res, [name], url) => this.sendAmLog(res, name, url)) } },
      { path: '/cluster', methods: { DELETE: secretOnly((req, res) => this.shutdown(req, res)) } },
      {
        path: '/cluster/lease',
        methods: {
          GET: secretOnly((_q, res) => this.json(res, 200, lease.state())),
          POST: secretOnly(leaseCall((l) => l.renew())),
          DELETE: secretOnly(leaseCall((l) => l.release())),
        },
      },
      { path: '/application', methods: { GET: secretOnly((_q, res) => this.json(res, 200, this.programOr404().program())) } },
      {
        path: '/application/output',
        methods: { GET: secretOnly((_q, res, _p, url) => this.json(res, 200, this.programOr404().read(afterParam(url)))) },
      },
    ];
    for (const route of table) {
      for (const [method, endpoint] of Object.entries(route.methods)) {
        // The proxy passes GET (and HEAD) only; a mutating route open there would be a bug in this table.
        if (endpoint.throughProxy && method !== 'GET')
          throw new Error(`dispatcher route table: ${method} ${route.path} cannot be open through the web proxy`);
      }
    }
    this.routes = table.map((r) => ({ ...r, pattern: routePattern(r.path) }));
  }

  /** Every route and method with what a request through the web proxy without the secret gets. */
  routeAccess(): RouteAccess[] {
    return this.routes.flatMap((r) =>
      (Object.entries(r.methods) as [Method, Endpoint][]).map(([method, e]) => ({
        path: r.path,
        method,
        throughProxy: !e.throughProxy ? 'none' : e.throughProxy === e.withSecret ? 'full' : 'redacted',
      })),
    );
  }

  private get version(): string {
    return this.opts.loomVersion ?? 'unknown';
  }

  async start(): Promise<AddressInfo> {
    const listener: RequestListener = (req, res) => {
      const started = performance.now();
      const matched = { route: 'unmatched' };
      const metrics = this.opts.metrics;
      if (metrics) {
        res.once('finish', () => {
          const method = KNOWN_METHODS.has(req.method ?? '') ? (req.method ?? '') : 'other';
          metrics.observeRequest(matched.route, method, res.statusCode, (performance.now() - started) / 1000);
        });
      }
      this.handle(req, res, matched).catch((err: unknown) => this.fail(res, err));
    };
    const tls = this.opts.tls;
    const server: Server = tls ? createHttpsServer({ cert: tls.certificatePem, key: tls.privateKeyPem }, listener) : createServer(listener);
    // Malformed HTTP: answer 400 and drop the connection; the server itself carries on.
    server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      if (socket.writable && err.code !== 'ECONNRESET')
        socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
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

  /** `matched.route` becomes the route's pattern (the REST latency's label). */
  private async handle(req: IncomingMessage, res: ServerResponse, matched: { route: string }): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://dispatcher');
    // Flink's versioned form /v1/... is the same API.
    const path = url.pathname.replace(/^\/v1(?=\/)/, '').replace(/(.)\/+$/, '$1');
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    const route = this.routes.find((r) => r.pattern.test(path));
    if (!route)
      throw new HttpError(404, [
        `Not found: ${url.pathname}. The routes are ${this.routes
          .filter((r) => r.path !== '/' && r.path !== '/dashboard.html' && !r.path.endsWith('/cancel'))
          .map((r) => r.path)
          .join(', ')}`,
      ]);
    matched.route = route.path;
    const endpoint = route.methods[method as Method];
    if (!endpoint) {
      const allowed = Object.keys(route.methods).flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m]));
      throw new HttpError(405, [`${req.method} is not allowed on ${url.pathname}; allowed: ${allowed.join(', ')}`], {
        Allow: allowed.join(', '),
      });
    }
    const handler = await this.authorize(req, res, endpoint, `${method} ${route.path}`, url);
    if (!handler) return;
    if (method !== 'POST' && method !== 'PATCH' && method !== 'DELETE') req.resume();
    let params: string[];
    try {
      // The route was found by this pattern, so it matches.
      params = (route.pattern.exec(path) ?? []).slice(1).map((p) => decodeURIComponent(p));
    } catch {
      throw new HttpError(400, [`the path ${url.pathname} is not validly percent-encoded`]);
    }
    await handler(req, res, params, url);
  }

  /**
   * The handler that answers this request, or undefined when it was redirected. A valid secret
   * opens everything. Without one, an endpoint the route table opens through the web proxy
   * answers requests from the proxy, and other such requests are sent to the proxy (AmIpFilter's
   * redirect); everything else is refused.
   */
  private async authorize(
    req: IncomingMessage,
    res: ServerResponse,
    endpoint: Endpoint,
    what: string,
    url: URL,
  ): Promise<Handler | undefined> {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const token = BearerSecret.tokenOf(header);
      if (token !== undefined && this.secret.matches(token)) return endpoint.withSecret;
      throw this.unauthorized('the cluster secret in the Authorization header is wrong (expected "Authorization: Bearer <secret>")');
    }
    const filter = this.opts.proxyFilter;
    if (!endpoint.throughProxy) {
      // Not redirected to the proxy either: it would refuse the same way.
      throw this.unauthorized(
        what.startsWith('GET ')
          ? `${what} needs the cluster secret, also through YARN's web proxy: send "Authorization: Bearer <secret>"`
          : 'this request needs the cluster secret: send "Authorization: Bearer <secret>"',
      );
    }
    if (filter) {
      if (await filter.isFromProxy(req.socket.remoteAddress)) return endpoint.throughProxy;
      const target = await filter.redirectTarget(url.pathname + url.search);
      if (target !== undefined) {
        req.resume();
        this.redirect(res, target);
        return undefined;
      }
    }
    throw this.unauthorized('this request needs the cluster secret: send "Authorization: Bearer <secret>"');
  }

  private unauthorized(problem: string): HttpError {
    return new HttpError(401, [`${problem}. ${this.opts.secretHint ?? DEFAULT_SECRET_HINT}`], {
      'WWW-Authenticate': 'Bearer realm="loom"',
    });
  }

  private programOr404(): NonNullable<DispatcherServerOptions['program']> {
    if (!this.opts.program) throw new HttpError(404, ["this cluster runs no program's main(): /application is for application mode only"]);
    return this.opts.program;
  }

  private jobOr404(id: string): JobStatus {
    const job = this.opts.control.job(id);
    if (!job)
      throw new HttpError(404, [this.opts.control.expiredJob?.(id) ?? `job ${id} not found; GET /jobs lists the jobs of this cluster`]);
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
    const status = await this.control('submitting the job', () =>
      this.opts.control.submitJob(spec, proposed !== undefined ? { id: proposed } : {}),
    );
    const body: JobSubmitResponseJson = { jobid: status.id, jobUrl: `/jobs/${encodeURIComponent(status.id)}` };
    this.json(res, 202, body);
  }

  /** GET /jobs/:id/tasks/:index/output?attempt=<a>&after=<seq> (TaskOutputJson). */
  private taskOutput(res: ServerResponse, id: string, index: string, url: URL): void {
    const job = this.jobOr404(id);
    const taskIndex = /^\d+$/.test(index) ? Number(index) : NaN;
    if (!job.tasks.some((t) => t.index === taskIndex))
      throw new HttpError(404, [`job ${id} has no task ${index}; its tasks are 0 to ${job.parallelism - 1}`]);
    const attemptText = url.searchParams.get('attempt');
    const afterText = url.searchParams.get('after');
    if (attemptText !== null && !/^[1-9]\d*$/.test(attemptText))
      throw new HttpError(400, [`attempt=${attemptText} is not an attempt number: use 1, 2, ... or leave it out for the latest`]);
    if (afterText !== null && !/^(-1|\d+)$/.test(afterText))
      throw new HttpError(400, [
        `after=${afterText} is not a line number: use the "next" of the last answer, or -1 (the default) for every line`,
      ]);
    const query = { ...(attemptText !== null ? { attempt: Number(attemptText) } : {}), after: afterText !== null ? Number(afterText) : -1 };
    const body = this.opts.control.taskOutput?.(id, taskIndex, query);
    if (!body) {
      const latest = job.tasks.find((t) => t.index === taskIndex)?.attempt ?? 0;
      throw new HttpError(404, [
        this.opts.control.taskOutput
          ? `task ${taskIndex} of job ${id} has no attempt ${attemptText ?? ''}; its attempts are 1 to ${latest}`
          : 'this ApplicationMaster keeps no task output',
      ]);
    }
    this.json(res, 200, body);
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
      this.opts.control
        .shutdown({ finalStatus, diagnostics })
        .catch((err: unknown) => this.log(`dispatcher: cluster shutdown failed: ${stackOf(err)}`));
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
      const { httpStatus: status, problems } =
        typeof err === 'object' && err !== null ? (err as { httpStatus?: unknown; problems?: unknown }) : {};
      const message = err instanceof Error ? err.message : String(err);
      if (typeof status === 'number' && status >= 400 && status < 500) throw new HttpError(status, [message]);
      if (Array.isArray(problems) && problems.length && problems.every((p) => typeof p === 'string')) throw new HttpError(400, problems);
      this.log(`dispatcher: ${what} failed: ${stackOf(err)}`);
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

  private sendMetrics(res: ServerResponse): void {
    const text = this.opts.metrics?.render() ?? '';
    res.writeHead(200, {
      'Content-Type': PROMETHEUS_TEXT_CONTENT_TYPE,
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(text);
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

  /** The end of an AM log file as text (Flink's /jobmanager/logs/:name answers text too); where it starts in the file is in a header. */
  private async sendAmLog(res: ServerResponse, name: string, url: URL): Promise<void> {
    const { text, size, from } = await tailAmLog(this.opts.amLogDir, name, tailBytesParam(url.searchParams.get('bytes')));
    res.writeHead(200, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'X-Log-Size': String(size),
      'X-Log-From': String(from),
    });
    res.end(text);
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
    if (!http) this.log(`dispatcher: request failed: ${stackOf(err)}`);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const status = http?.status ?? 500;
    const errors = http?.errors ?? [`internal error: ${err instanceof Error ? err.message : String(err)}`];
    this.json(res, status, { errors }, http?.headers);
  }
}

function parseShutdownBody(body: unknown): Required<ClusterShutdownJson> {
  const fallback = { finalStatus: 'SUCCEEDED' as const, diagnostics: 'Stopped through the REST API (DELETE /cluster)' };
  if (body === undefined) return fallback;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, [
      'the DELETE /cluster body must be a JSON object {"finalStatus": "SUCCEEDED"|"FAILED"|"KILLED", "diagnostics": "..."} or empty',
    ]);
  }
  const b = body as Record<string, unknown>;
  const problems: string[] = [];
  for (const k of Object.keys(b))
    if (k !== 'finalStatus' && k !== 'diagnostics') problems.push(`unknown field ${k}; the fields are finalStatus, diagnostics`);
  if (b.finalStatus !== undefined && !['SUCCEEDED', 'FAILED', 'KILLED'].includes(b.finalStatus as string)) {
    problems.push(`finalStatus must be "SUCCEEDED", "FAILED" or "KILLED"; got ${JSON.stringify(b.finalStatus)}`);
  }
  if (b.diagnostics !== undefined && (typeof b.diagnostics !== 'string' || b.diagnostics.length > 64 * 1024)) {
    problems.push('diagnostics must be a string of at most 65536 characters');
  }
  if (problems.length) throw new HttpError(400, problems);
  return {
    finalStatus: (b.finalStatus as ClusterShutdownJson['finalStatus']) ?? fallback.finalStatus,
    diagnostics: (b.diagnostics as string | undefined) ?? fallback.diagnostics,
  };
}

function stackOf(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

/** `?after=<seq>`: an integer of -1 or more; absent means -1 (from the first line kept). */
function afterParam(url: URL): number {
  const raw = url.searchParams.get('after');
  if (raw === null) return -1;
  const after = Number(raw);
  if (!Number.isSafeInteger(after) || after < -1)
    throw new HttpError(400, [`after=${raw} is not a line number; pass the "next" of the previous answer, or -1 for the first line`]);
  return after;
}
