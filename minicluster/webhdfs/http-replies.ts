/**
 * How each role puts an answer on the wire, as recorded from Hadoop 3.3.6: the NameNode (Jetty)
 * sends no-cache/security headers and chunked JSON; the DataNode (Netty) sends a
 * Content-Length and closes the connection after every answer.
 */
import type { ServerResponse } from 'node:http';
import type { HdfsError } from './hdfs-errors.js';

function nameNodeHeaders(res: ServerResponse): void {
  const now = new Date().toUTCString();
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('Expires', now);
  res.setHeader('Pragma', 'no-cache');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-FRAME-OPTIONS', 'SAMEORIGIN');
  res.setHeader('X-XSS-Protection', '1; mode=block');
}

/** JSON from the NameNode, chunked (write + end, no Content-Length) like Jetty's streaming output. */
export function nameNodeJson(res: ServerResponse, status: number, body: string): void {
  nameNodeHeaders(res);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.write(body);
  res.end();
}

/** An empty NameNode answer (307 redirects, SETPERMISSION, SETTIMES, SETOWNER; CHECKACCESS adds a charset). */
export function nameNodeEmpty(res: ServerResponse, status: number, location?: string, contentType = 'application/octet-stream'): void {
  nameNodeHeaders(res);
  res.statusCode = status;
  if (location !== undefined) res.setHeader('Location', location);
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', '0');
  res.end();
}

export function nameNodeError(res: ServerResponse, err: HdfsError): void {
  nameNodeJson(res, err.status, err.toJson());
}

/** A DataNode answer with a fixed body; the connection closes afterwards. */
export function dataNodeReply(res: ServerResponse, status: number, headers: [string, string][], body = ''): void {
  res.statusCode = status;
  for (const [name, value] of headers) res.setHeader(name, value);
  res.setHeader('Content-Length', String(Buffer.byteLength(body)));
  res.setHeader('Connection', 'close');
  res.end(body);
}

export function dataNodeJson(res: ServerResponse, status: number, body: string): void {
  dataNodeReply(res, status, [['Content-Type', 'application/json; charset=utf-8']], body);
}

/** DataNode errors carry the server-side call path after the message, as Hadoop's do. */
export function dataNodeError(res: ServerResponse, err: HdfsError, op: string): void {
  const trace = `\n\tat loom.minicluster.webhdfs.DataNode.${op.toLowerCase()}(datanode-handler.ts)\n`;
  dataNodeJson(res, err.status, err.status === 403 ? err.toJson(trace) : err.toJson());
}
