/**
 * The HTTP layer under the WebHDFS client: one request, streamed both ways.
 *
 * Built on node:http rather than undici on purpose: a Hadoop DataNode sends an unsolicited
 * `HTTP/1.1 100 Continue` before its answer to every PUT/POST with a body (recorded in the
 * fixtures), and undici 7 destroys the socket on an unexpected 100 ("bad response"), while
 * node:http skips 1xx answers as RFC 9110 requires.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { WebHdfsConnectionError, WebHdfsProtocolError } from './webhdfs-errors.js';

export type RequestBody = Readable | AsyncIterable<Uint8Array> | Uint8Array;

export interface HttpRequest {
  url: URL;
  /** OPTIONS only to authenticate before a streamed body (webhdfs-negotiating-transport.ts). */
  method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'OPTIONS';
  headers?: Record<string, string>;
  body?: RequestBody;
  /** Called with the running total of body bytes handed to the socket. */
  onBodyProgress?: (bytesSent: number) => void;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** `host:port` that answered, for messages. */
  origin: string;
  /** The body stream; the caller must consume or destroy it. */
  body: IncomingMessage;
}

export interface HttpTransportOptions {
  /** Idle socket timeout (no bytes either way), default 60 s: dfs.webhdfs.socket.read-timeout. */
  socketTimeoutMs?: number;
  /**
   * How long a TCP connect may take, default 60 s: dfs.webhdfs.socket.connect-timeout (Hadoop's
   * URLConnectionFactory sets it on every connection). Without it a host that drops packets
   * holds the request for the operating system's SYN retries (about two minutes on Linux).
   */
  connectTimeoutMs?: number;
  /** Extra TLS options for https endpoints (CA bundle, client certificate, ...). */
  tls?: https.AgentOptions;
}

/** Errors that mean the request never reached a server, so it is safe to send it elsewhere. */
const CONNECT_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'ETIMEDOUT',
]);

export class HttpTransport {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly socketTimeoutMs: number;
  private readonly connectTimeoutMs: number;

  constructor(opts: HttpTransportOptions = {}) {
    this.socketTimeoutMs = opts.socketTimeoutMs ?? 60_000;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 60_000;
    this.httpAgent = new http.Agent({ keepAlive: true });
    this.httpsAgent = new https.Agent({ keepAlive: true, ...opts.tls });
  }

  send(req: HttpRequest): Promise<HttpResponse> {
    return new Promise<HttpResponse>((resolve, reject) => {
      const isHttps = req.url.protocol === 'https:';
      const headers: Record<string, string> = { ...req.headers };
      const body = req.body;
      if (body instanceof Uint8Array) headers['Content-Length'] = String(body.byteLength);
      else if (body === undefined && (req.method === 'PUT' || req.method === 'POST')) headers['Content-Length'] = '0';
      const where = `${req.method} ${req.url.host}${req.url.pathname}`;
      let settled = false;
      let connected = false;
      let bytesSent = 0;
      let source: Readable | undefined;
      const outgoing = (isHttps ? https : http).request(req.url, {
        method: req.method,
        headers,
        agent: isHttps ? this.httpsAgent : this.httpAgent,
        ...(req.signal ? { signal: req.signal } : {}),
      });
      outgoing.setTimeout(this.socketTimeoutMs, () => {
        outgoing.destroy(Object.assign(new Error(`no data for ${this.socketTimeoutMs} ms`), { code: 'ETIMEDOUT' }));
      });
      outgoing.on('socket', (socket) => {
        if (!socket.connecting) {
          connected = true;
          return;
        }
        const timer = setTimeout(() => {
          const err = Object.assign(new Error(`connect timed out after ${this.connectTimeoutMs} ms (dfs.webhdfs.socket.connect-timeout)`), {
            code: 'ETIMEDOUT',
          });
          outgoing.destroy(err);
        }, this.connectTimeoutMs);
        timer.unref();
        socket.once('connect', () => {
          connected = true;
          clearTimeout(timer);
        });
        socket.once('close', () => clearTimeout(timer));
      });
      outgoing.on('response', (res) => {
        settled = true;
        // The server answered before we finished sending (an error, usually): stop sending.
        if (source && !source.readableEnded) source.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, origin: req.url.host, body: res });
      });
      outgoing.on('error', (err: NodeJS.ErrnoException) => {
        if (settled) return;
        settled = true;
        source?.destroy();
        const sent = req.onBodyProgress ? bytesSent : (outgoing.socket?.bytesWritten ?? bytesSent);
        reject(connectionError(err, where, !connected && CONNECT_ERROR_CODES.has(err.code ?? ''), body !== undefined ? sent : undefined));
      });

      if (body === undefined) {
        outgoing.end();
      } else if (body instanceof Uint8Array) {
        outgoing.end(body, () => req.onBodyProgress?.((bytesSent = body.byteLength)));
      } else {
        source = body instanceof Readable ? body : Readable.from(body, { objectMode: false });
        // Counting costs a listener per chunk; without a progress callback the socket's count is enough.
        const report = req.onBodyProgress;
        if (report) source.on('data', (chunk: Buffer) => report((bytesSent += chunk.length)));
        source.pipe(outgoing);
        source.on('error', (err) => {
          if (settled) return;
          settled = true;
          outgoing.destroy();
          reject(err);
        });
      }
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

function connectionError(
  err: NodeJS.ErrnoException,
  where: string,
  beforeSent: boolean,
  bytesSent: number | undefined,
): WebHdfsConnectionError {
  const sent = bytesSent !== undefined && !beforeSent ? ` after ${bytesSent} body bytes` : '';
  const what = err.code ? `${err.code}: ${err.message}` : err.message;
  return new WebHdfsConnectionError(`${where}: connection ${beforeSent ? 'failed' : 'broke'}${sent} (${what})`, beforeSent, { cause: err });
}

/** Reads a whole (small) response body; refuses more than `limit` bytes so a bad server cannot exhaust memory. */
export async function readBodyText(res: IncomingMessage, limit = 64 << 20): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of res) {
      total += (chunk as Buffer).length;
      if (total > limit) {
        res.destroy();
        throw new WebHdfsProtocolError(`response body exceeds ${limit} bytes`, res.statusCode);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof WebHdfsProtocolError) throw err;
    throw new WebHdfsConnectionError(`connection broke while reading the response (${(err as Error).message})`, false, { cause: err });
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Drops a body we do not need, so the keep-alive socket can be reused. */
export function discardBody(res: IncomingMessage): void {
  res.resume();
  res.on('error', () => {
    // Ignored: nobody reads this body, and a broken socket fails the next request made on it.
  });
}
