/**
 * A TCP server on 127.0.0.1:0 that answers each HTTP request with the exact bytes a real
 * NameNode/DataNode sent in a recorded WebHDFS exchange (`raw.s2c_hex`), and records what the
 * client sent. DataNode addresses in redirect `Location` headers are rewritten to this server, so
 * one server plays both roles.
 */
import net from 'node:net';
import { readFixtureJson } from '../../../support/fixtures.js';

export interface WebHdfsExchangeFixture {
  name: string;
  request: { request_line: string; headers: string[]; body: null | { text?: string; base64?: string; length: number } };
  response: { status: number; headers: string[]; body: { text?: string } | null; body_json: unknown };
  raw: { s2c_hex: string };
}

export function webHdfsFixture(file: string): WebHdfsExchangeFixture {
  return readFixtureJson<WebHdfsExchangeFixture>('webhdfs', file);
}

export function recordedRequestBody(fx: WebHdfsExchangeFixture): Buffer {
  const b = fx.request.body;
  if (!b) return Buffer.alloc(0);
  return b.base64 !== undefined ? Buffer.from(b.base64, 'base64') : Buffer.from(b.text ?? '', 'utf8');
}

export interface ReceivedRequest {
  method: string;
  target: string;
  headers: Partial<Record<string, string>>;
  body: Buffer;
}

export class FixtureReplayServer {
  readonly received: ReceivedRequest[] = [];
  private readonly queue: WebHdfsExchangeFixture[] = [];
  private readonly server = net.createServer((socket) => this.serve(socket));
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  /** Queue recorded exchanges; each incoming request gets the next one's response bytes. */
  expect(...files: string[]): WebHdfsExchangeFixture[] {
    const fixtures = files.map(webHdfsFixture);
    this.queue.push(...fixtures);
    return fixtures;
  }

  /** Queue a made-up answer (for paging cases the recording does not cover). */
  expectRaw(name: string, responseBytes: Buffer): void {
    this.queue.push({
      name,
      request: { request_line: '', headers: [], body: null },
      response: { status: 0, headers: [], body: null, body_json: null },
      raw: { s2c_hex: responseBytes.toString('hex') },
    });
  }

  get pending(): number {
    return this.queue.length;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const parsed = parseRequest(buf);
        if (!parsed) return;
        buf = buf.subarray(parsed.consumed);
        this.received.push(parsed.request);
        const fx = this.queue.shift();
        if (!fx) {
          socket.end('HTTP/1.1 500 No Fixture\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
          return;
        }
        const bytes = Buffer.from(
          Buffer.from(fx.raw.s2c_hex, 'hex').toString('latin1').replaceAll('127.0.0.1:9864', `127.0.0.1:${this.port}`),
          'latin1',
        );
        if (/\r\nConnection: close\r\n/i.test(bytes.toString('latin1'))) socket.end(bytes);
        else socket.write(bytes);
      }
    });
  }
}

function parseRequest(buf: Buffer): { request: ReceivedRequest; consumed: number } | undefined {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
  const [method, target] = lines[0].split(' ');
  const headers: Partial<Record<string, string>> = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let pos = end + 4;
  let body: Buffer = Buffer.alloc(0);
  if (headers['content-length'] !== undefined) {
    const n = Number(headers['content-length']);
    if (buf.length < pos + n) return undefined;
    body = buf.subarray(pos, pos + n);
    pos += n;
  } else if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const parts: Buffer[] = [];
    for (;;) {
      const lineEnd = buf.indexOf('\r\n', pos);
      if (lineEnd < 0) return undefined;
      const size = parseInt(buf.subarray(pos, lineEnd).toString('latin1'), 16);
      if (buf.length < lineEnd + 2 + size + 2) return undefined;
      parts.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
      pos = lineEnd + 2 + size + 2;
      if (size === 0) break;
    }
    body = Buffer.concat(parts);
  }
  return { request: { method: method, target: target, headers, body: Buffer.from(body) }, consumed: pos };
}
