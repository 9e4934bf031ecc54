// How long the mini cluster's HTTP servers (WebHDFS NameNode and DataNode, RM web, NM web) wait
// for a client. Hadoop's web servers (HttpServer2, Jetty) close a connection that sent or read
// nothing for hadoop.http.idle_timeout.ms (60 s): a client that opens a connection and stalls,
// in the headers or in a body, is dropped then. Node's http server also bounds the time to the
// end of the headers and of the request; the headers get 20 s (the AM's dispatcher uses the same),
// a whole request 60 s, except on the DataNode, whose uploads take as long as their size needs and
// are bounded by the idle timeout only.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface HttpTimeouts {
  /** No byte in either direction for this long: the socket is destroyed (hadoop.http.idle_timeout.ms). */
  idleMs: number;
  /** The request headers must be complete within this time (408, then close). */
  headersMs: number;
  /** The whole request must have arrived within this time; 0 for no limit. */
  requestMs: number;
}

/** hadoop.http.idle_timeout.ms (core-default.xml, Hadoop 3.3.6). */
export const HADOOP_HTTP_IDLE_TIMEOUT_MS = 60_000;

export const DEFAULT_HTTP_TIMEOUTS: Readonly<HttpTimeouts> = Object.freeze({
  idleMs: HADOOP_HTTP_IDLE_TIMEOUT_MS,
  headersMs: 20_000,
  requestMs: 60_000,
});

/** The DataNode's: no bound on a whole request (a big upload), the same idle and header bounds. */
export const DATANODE_HTTP_TIMEOUTS: Readonly<HttpTimeouts> = Object.freeze({ ...DEFAULT_HTTP_TIMEOUTS, requestMs: 0 });

/** An http.Server that applies `timeouts` (each field may be lowered by tests). */
export function createTimedHttpServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  timeouts: Readonly<HttpTimeouts>,
): Server {
  const { idleMs, headersMs, requestMs } = timeouts;
  if (requestMs > 0 && headersMs > requestMs)
    throw new RangeError(`HTTP headers timeout ${headersMs} ms is above the request timeout ${requestMs} ms`);
  const bounds = [headersMs, ...(requestMs > 0 ? [requestMs] : [])];
  const server = createServer(
    {
      headersTimeout: headersMs,
      requestTimeout: requestMs,
      // Node checks both bounds on this interval (default 30 s): check often enough for them to hold.
      connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(Math.min(...bounds) / 4))),
    },
    handler,
  );
  // No 'timeout' listener: Node destroys a socket idle for idleMs.
  server.setTimeout(idleMs);
  return server;
}
