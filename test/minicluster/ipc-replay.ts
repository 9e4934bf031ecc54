// Replays recorded Hadoop IPC client byte streams (fixtures ipc/) against the mini cluster, with
// ids and tokens rewritten to the mini cluster's own. Each recorded connection becomes a real TCP
// connection: the recorded preamble, SASL NEGOTIATE, connection context and request headers are
// sent verbatim; the SASL INITIATE is computed with our token (its digest depends on our server's
// nonce); each request message is decoded, rewritten and re-encoded. The streams of a scenario run
// concurrently on the recorded timeline (scaled), so calls see the cluster in a comparable state.
import { connect, type Socket } from 'node:net';
import { protocolByName } from '../../client/wire/codec/hadoop-protocols.js';
import { withVarintPrefix } from '../../client/wire/codec/protobuf-codec.js';
import {
  buildSaslFrame,
  decodeDelimitedBody,
  encodeBody,
  parseRequestFrame,
  parseResponseFrame,
  parseSaslMessage,
  type RpcStatus,
} from '../../client/wire/ipc/rpc-messages.js';
import { SaslClientSession } from '../../client/wire/ipc/sasl-client-session.js';
import type { HadoopToken } from '../../client/wire/security/token.js';
import { PREAMBLE_LENGTH, splitFrames } from '../support/ipc-frames.js';

type Obj = Record<string, any>;

export interface RecordedConnection {
  port: number;
  capture_start_unix: number;
  segments: { dir: 'c2s' | 's2c'; hex: string }[];
  segment_times_s: number[];
}

export interface Answer {
  status: RpcStatus;
  exceptionClassName?: string;
  body?: Obj;
}

export interface ReplayedCall {
  stream: string;
  callId: number;
  method: string;
  recorded: Answer;
  ours: Answer;
}

/** How one recorded call becomes ours, and what our answers teach for the next calls. */
export interface CallRewriter {
  /** `recorded` is Hadoop's answer to this call: the rewriter may wait until our cluster is in the same state. */
  request(method: string, request: Obj, recorded: Answer | undefined): Promise<Obj>;
  learn(method: string, ours: Obj, recorded: Obj | undefined): void;
}

export interface ReplayStream {
  name: string;
  recording: RecordedConnection;
  target: () => { host: string; port: number };
  /** The token for a SASL connection (may wait until the cluster has issued it). */
  token?: () => Promise<HadoopToken>;
}

interface RecordedCall {
  at: number;
  frame: Buffer;
  callId: number;
  method: string;
  protocol: string;
  body: Buffer;
}

function direction(rec: RecordedConnection, dir: 'c2s' | 's2c'): { bytes: Buffer; starts: { offset: number; at: number }[] } {
  const starts: { offset: number; at: number }[] = [];
  const parts: Buffer[] = [];
  let offset = 0;
  rec.segments.forEach((s, i) => {
    if (s.dir !== dir) return;
    const b = Buffer.from(s.hex, 'hex');
    starts.push({ offset, at: rec.segment_times_s[i] ?? 0 });
    parts.push(b);
    offset += b.length;
  });
  return { bytes: Buffer.concat(parts), starts };
}

/** Answers the recording holds, per call id, decoded with the method's response type. */
function recordedAnswers(rec: RecordedConnection, methods: Map<number, { method: string; protocol: string }>): Map<number, Answer> {
  const out = new Map<number, Answer>();
  for (const f of splitFrames(direction(rec, 's2c').bytes)) {
    const { header, rest } = parseResponseFrame(f.body);
    const call = methods.get(header.callId);
    if (!call) continue;
    out.set(header.callId, decodeAnswer(call.protocol, call.method, header, rest));
  }
  return out;
}

function decodeAnswer(protocol: string, method: string, header: ReturnType<typeof parseResponseFrame>['header'], rest: Buffer): Answer {
  if (header.status !== 'SUCCESS') return { status: header.status, exceptionClassName: header.exceptionClassName };
  const type = protocolByName(protocol)!.methods[method].response;
  return { status: 'SUCCESS', body: decodeDelimitedBody(type, rest, method) };
}

/** Reads length-prefixed frames from a socket, one at a time. */
class FrameReader {
  private buf = Buffer.alloc(0);
  private waiting: ((f: Buffer) => void) | undefined;
  private failed: Error | undefined;
  private fail: ((e: Error) => void) | undefined;
  constructor(socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.deliver();
    });
    const end = (e?: Error) => {
      this.failed = e ?? new Error('connection closed by the server');
      this.fail?.(this.failed);
    };
    socket.on('error', end);
    socket.on('close', () => end());
  }
  next(): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.fail = reject;
      this.deliver();
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- deliver() clears waiting when it delivers a frame
      if (this.waiting !== undefined && this.failed) reject(this.failed);
    });
  }
  private deliver(): void {
    if (!this.waiting || this.buf.length < 4) return;
    const len = this.buf.readUInt32BE(0);
    if (this.buf.length < 4 + len) return;
    const frame = this.buf.subarray(4, 4 + len);
    this.buf = this.buf.subarray(4 + len);
    const w = this.waiting;
    this.waiting = undefined;
    w(frame);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

function frameWith(prefix: Buffer, body: Uint8Array): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(prefix.length + body.length);
  return Buffer.concat([len, prefix, body]);
}

async function replayOne(stream: ReplayStream, rewriter: CallRewriter, t0: number, origin: number, scale: number): Promise<ReplayedCall[]> {
  const c2s = direction(stream.recording, 'c2s');
  const preamble = c2s.bytes.subarray(0, PREAMBLE_LENGTH);
  const frames = splitFrames(c2s.bytes, PREAMBLE_LENGTH);
  const base = stream.recording.capture_start_unix - origin;
  const timeOf = (offset: number) => base + ([...c2s.starts].reverse().find((s) => s.offset <= offset)?.at ?? 0);
  const parsed = frames.map((f) => ({ f, p: parseRequestFrame(f.body) }));
  const calls: RecordedCall[] = parsed
    .filter((x) => x.p.kind === 'call')
    .map(({ f, p }) => {
      const call = p as Extract<typeof p, { kind: 'call' }>;
      return {
        at: timeOf(f.offset),
        frame: f.body,
        callId: call.header.callId,
        method: call.method,
        protocol: call.protocol,
        body: call.body,
      };
    });
  const recorded = recordedAnswers(stream.recording, new Map(calls.map((c) => [c.callId, { method: c.method, protocol: c.protocol }])));

  await sleep(t0 + base * 1000 * scale - Date.now());
  const token = stream.token ? await stream.token() : undefined;
  const { host, port } = stream.target();
  const socket = connect(port, host);
  socket.setNoDelay(true);
  const reader = new FrameReader(socket);
  const out: ReplayedCall[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.write(preamble);
    for (const { f, p } of parsed) {
      if (p.kind === 'sasl') {
        if (p.sasl.state !== 'NEGOTIATE') continue; // INITIATE is ours, computed below
        const session = new SaslClientSession(token, `${host}:${port}`);
        socket.write(frameWith(Buffer.alloc(0), f.body));
        const offer = parseSaslMessage(parseResponseFrame(await reader.next()).rest);
        const step = session.receive(offer);
        if (step.kind !== 'send') throw new Error(`SASL: the mini cluster did not offer TOKEN/DIGEST-MD5 on ${stream.name}`);
        socket.write(buildSaslFrame(step.message));
        const done = parseResponseFrame(await reader.next());
        if (done.header.status !== 'SUCCESS')
          throw new Error(`SASL refused on ${stream.name}: ${done.header.exceptionClassName} ${done.header.errorMsg}`);
        session.receive(parseSaslMessage(done.rest));
      } else if (p.kind === 'context') {
        socket.write(frameWith(Buffer.alloc(0), f.body));
      } else if (p.kind === 'call') {
        const call = calls.find((c) => c.frame === f.body)!;
        await sleep(t0 + call.at * 1000 * scale - Date.now());
        const types = protocolByName(call.protocol)!.methods[call.method];
        const request = await rewriter.request(
          call.method,
          decodeDelimitedBody(types.request, call.body, call.method),
          recorded.get(call.callId),
        );
        const prefix = call.frame.subarray(0, call.frame.length - call.body.length);
        socket.write(frameWith(prefix, withVarintPrefix(encodeBody(types.request, request))));
        const { header, rest } = parseResponseFrame(await reader.next());
        const ours = decodeAnswer(call.protocol, call.method, header, rest);
        const rec = recorded.get(call.callId) ?? { status: 'FATAL' as const };
        if (ours.body) rewriter.learn(call.method, ours.body, rec.body);
        out.push({ stream: stream.name, callId: call.callId, method: call.method, recorded: rec, ours });
      }
    }
  } finally {
    socket.destroy();
  }
  return out;
}

/** Runs every stream on the recorded timeline, `scale` x real time; calls in recorded order per stream. */
export async function replayScenario(streams: ReplayStream[], rewriter: CallRewriter, scale: number): Promise<ReplayedCall[]> {
  const origin = Math.min(...streams.map((s) => s.recording.capture_start_unix));
  const t0 = Date.now();
  const results = await Promise.all(streams.map((s) => replayOne(s, rewriter, t0, origin, scale)));
  return results.flat();
}

/** Dotted paths of every field set in a decoded message (array elements merged). */
export function fieldPaths(value: unknown, prefix = ''): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown, p: string) => {
    if (Array.isArray(v)) {
      for (const e of v) walk(e, p);
      return;
    }
    if (v && typeof v === 'object' && !(v instanceof Uint8Array)) {
      for (const [k, child] of Object.entries(v as Obj)) {
        const path = p ? `${p}.${k}` : k;
        out.add(path);
        walk(child, path);
      }
    }
  };
  walk(value, prefix);
  return out;
}
