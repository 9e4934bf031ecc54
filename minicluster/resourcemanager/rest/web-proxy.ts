// The RM web proxy at /proxy/<applicationId>/...: forwards to the AM's tracking URL exactly as
// YARN's WebAppProxyServlet did in the recordings (web-proxy/): only GET, PUT and HEAD reach the AM
// (HEAD is sent as GET), a short list of request headers passes, `Cookie: proxy-user=<user>` is
// added, and every request opens a new connection to the AM.
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseApplicationId } from '../../../client/wire/codec/yarn-ids.js';
import type { ResourceManagerCore } from '../resource-manager-core.js';
import { flat, rmNoCacheHeaders, SECURITY_ONLY_HEADERS, type RawHeaders } from './rest-headers.js';

/** Client headers the proxy passes on, in the order the AM received them. */
const PASS_THROUGH = [
  'accept',
  'user-agent',
  'accept-language',
  'accept-charset',
  'origin',
  'access-control-request-method',
  'access-control-request-headers',
  'content-type',
];
const CANONICAL: Record<string, string> = { 'content-type': 'Content-Type', 'set-cookie': 'Set-Cookie' };
/** AM response headers the proxy replaces with its own. */
const NOT_COPIED = new Set(['date', 'content-type', 'content-length', 'transfer-encoding', 'connection', 'keep-alive']);

/** Node's rawHeaders (name, value, name, value, ...) as [name, value] pairs. */
function headerPairs(raw: string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i], raw[i + 1]]);
  return pairs;
}

function send(res: ServerResponse, status: number, headers: RawHeaders, body: string | Buffer = ''): void {
  const buf = Buffer.from(body);
  res.sendDate = false;
  // Jetty echoes the client's `Connection: close` as the first header.
  const close = /\bclose\b/i.test(res.req.headers.connection ?? '');
  // Without a Content-Length Jetty delimits the body by closing; stop Node adding one of its own.
  if (!headers.some(([k]) => k.toLowerCase() === 'content-length')) res.useChunkedEncodingByDefault = false;
  res.writeHead(status, flat(close ? [['Connection', 'close'], ...headers] : headers));
  res.end(buf);
}

const movedBody = (url: string): string =>
  `<html>\n  <head>\n    <title>\n      Moved\n    </title>\n  </head>\n  <body>\n    <h1>\n      Moved\n    </h1>\n    <div>\n      Content has moved \n      <a href="${url}">here</a>\n    </div>\n  </body>\n</html>\n`;

const notFoundBody = (appId: string): string =>
  `<html>\n  <h1>\n    Application ${appId} could not be found in RM or history server\n  </h1>\n</html>\n`;

export async function handleProxyRequest(rm: ResourceManagerCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://rm');
  // AmIpFilter sends browsers that reach the AM directly to /proxy/redirect/<app>/...; the
  // proxy serves that path like /proxy/<app>/... (the marker only guards against redirect loops).
  const m = /^\/proxy\/(?:redirect\/)?([^/]+)(\/.*)?$/.exec(url.pathname);
  const appIdText = m?.[1] ?? '';
  const rest = m?.[2] ?? '/';
  const now = rm.config.now();
  const method = req.method ?? 'GET';

  if (method === 'POST' || method === 'DELETE') {
    req.resume();
    const headers: RawHeaders = [...SECURITY_ONLY_HEADERS];
    if (method === 'DELETE') {
      send(res, 405, headers);
      return;
    }
    const body = `{\n"servlet":"proxy",\n"message":"HTTP method POST is not supported by this URL",\n"url":${JSON.stringify(url.pathname)},\n"status":"405"\n}`;
    headers.push(
      ['Cache-Control', 'must-revalidate,no-cache,no-store'],
      ['Content-Type', 'application/json'],
      ['Content-Length', String(Buffer.byteLength(body))],
    );
    send(res, 405, headers, body);
    return;
  }
  if (method === 'OPTIONS') {
    req.resume();
    const headers = rmNoCacheHeaders(now, 'text/plain;charset=utf-8', { leadingDate: true });
    headers.push(['Allow', 'GET, HEAD, PUT, TRACE, OPTIONS'], ['Content-Length', '0']);
    send(res, 200, headers);
    return;
  }
  if (method !== 'GET' && method !== 'PUT' && method !== 'HEAD') {
    req.resume();
    send(res, 405, [...SECURITY_ONLY_HEADERS]);
    return;
  }

  let app;
  try {
    parseApplicationId(appIdText);
    app = rm.allApps().find((a) => a.id === appIdText);
  } catch {
    app = undefined;
  }
  if (!app) {
    req.resume();
    const body = notFoundBody(appIdText);
    const headers = rmNoCacheHeaders(now, 'text/html;charset=utf-8', { leadingDate: true });
    headers.push(['Content-Length', String(Buffer.byteLength(body))]);
    send(res, 404, headers, body);
    return;
  }
  const state = rm.reportedState(app);
  const target = app.originalTrackingUrl;
  if (['FINISHED', 'FAILED', 'KILLED'].includes(state) || !target || target === 'N/A') {
    req.resume();
    const location = `http://${rm.config.webAppAddress}/cluster/app/${app.id}`;
    const body = movedBody(location);
    const headers = rmNoCacheHeaders(now, 'text/html;charset=utf-8', { leadingDate: true });
    headers.push(['Location', location], ['Content-Length', String(Buffer.byteLength(body))]);
    send(res, 302, headers, body);
    return;
  }

  const body = method === 'PUT' ? await readBody(req) : (req.resume(), Buffer.alloc(0));
  const base = new URL(target);
  const path = `${base.pathname.replace(/\/$/, '')}${rest}${url.search}`;
  const out: string[] = [];
  for (const name of PASS_THROUGH) {
    const v = req.headers[name];
    if (typeof v === 'string') out.push(rawName(req, name), v);
  }
  out.push('Cookie', `proxy-user=${app.user}`);
  if (method === 'PUT') out.push('Content-Length', String(body.length));
  out.push('Host', base.host, 'Connection', 'Keep-Alive', 'Accept-Encoding', 'gzip,deflate');

  const upstream = await new Promise<{ status: number; raw: string[]; body: Buffer }>((resolve, reject) => {
    const r = httpRequest(
      { host: base.hostname, port: Number(base.port || 80), method: method === 'HEAD' ? 'GET' : method, path, headers: out, agent: false },
      (ar) => {
        const chunks: Buffer[] = [];
        ar.on('data', (c: Buffer) => chunks.push(c));
        ar.on('end', () => resolve({ status: ar.statusCode ?? 502, raw: ar.rawHeaders, body: Buffer.concat(chunks) }));
        ar.on('error', reject);
      },
    );
    r.on('error', reject);
    r.end(body.length ? body : undefined);
  }).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));

  if (upstream instanceof Error) {
    const msg = `Error connecting to the ApplicationMaster at ${target}: ${upstream.message}`;
    const headers = rmNoCacheHeaders(now, 'text/plain;charset=utf-8', { leadingDate: true });
    headers.push(['Content-Length', String(Buffer.byteLength(msg))]);
    send(res, 502, headers, msg);
    return;
  }
  let contentType = '';
  const extra: RawHeaders = [];
  for (const [name, value] of headerPairs(upstream.raw)) {
    const lower = name.toLowerCase();
    if (lower === 'content-type') contentType = value;
    if (NOT_COPIED.has(lower)) continue;
    extra.push([CANONICAL[lower] ?? name, value]);
  }
  if (contentType && !/charset=/i.test(contentType)) contentType = `${contentType};charset=utf-8`;
  const headers = rmNoCacheHeaders(now, contentType || 'text/html;charset=utf-8');
  headers.push(...extra, ['Content-Length', String(upstream.body.length)]);
  send(res, upstream.status, headers, method === 'HEAD' ? '' : upstream.body);
}

function rawName(req: IncomingMessage, lower: string): string {
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i].toLowerCase() === lower) return req.rawHeaders[i];
  return lower;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
