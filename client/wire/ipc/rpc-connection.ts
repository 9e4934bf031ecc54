import { randomBytes } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { shortReason, type RetryReporter } from '../../retry/retry-report.js';
import { hadoopUser } from '../security/hadoop-user.js';
import type { Body, BodyName } from '../codec/hadoop-protocols.js';
import { BatchedWriter } from './batched-writer.js';
import { FrameDecoder } from './frame-decoder.js';
import { DEFAULT_IPC_TUNING, type RpcProtection } from './ipc-options.js';
import { describePeer, IpcConnectFailedError, IpcConnectionError, IpcError, IpcProtocolError, IpcTimeoutError } from './ipc-errors.js';
import { AuthProtocol, buildPreamble } from './preamble.js';
import { RemoteException } from './remote-exception.js';
import {
  buildCallFrame,
  buildContextFrame,
  buildPingFrame,
  buildSaslFrame,
  CallId,
  decodeDelimitedBody,
  encodeBody,
  parseResponseFrame,
  parseSaslMessage,
  type RpcResponseHeader,
} from './rpc-messages.js';
import { SaslClientSession, type SaslTokenCredential } from './sasl-client-session.js';
import { UnwrappedFrames, WRAP_FRAME_OVERHEAD_BYTES, wrapRequestFrames } from './sasl-wrapped-frames.js';
import type { SaslSecurityLayer } from '../security/sasl-security-layer.js';
import type { IpcKerberosOptions } from './ipc-options.js';

export type RpcAuth = { kind: 'simple'; user: string } | { kind: 'token'; token: SaslTokenCredential };

export interface RpcConnectionOptions {
  host: string;
  port: number;
  /** PB interface name, e.g. org.apache.hadoop.yarn.api.ApplicationClientProtocolPB. */
  protocol: string;
  auth: RpcAuth;
  /** 16 bytes, constant per client; random by default. */
  clientId?: Buffer;
  /** Default per-call timeout (0 or absent = none). */
  callTimeoutMs?: number;
  pingIntervalMs?: number;
  idleCloseMs?: number;
  maxResponseBytes?: number;
  rpcProtection?: RpcProtection;
  /** ipc.client.connect.max.retries: connect attempts after the first that failed. */
  connectMaxRetries?: number;
  /** ipc.client.connect.retry.interval: the fixed pause between connect attempts. */
  connectRetryIntervalMs?: number;
  connectTimeoutMs?: number;
  /** Who is reached, for the retry lines (NodeManager, ResourceManager); the protocol's name by default. */
  serverName?: string;
  /** Told of every connect retry (Hadoop's Client.handleConnectionFailure logs each at INFO); silent when absent. */
  onRetry?: RetryReporter;
  /** Call id source; Java shares one counter per JVM, so recorded ids need not start at 0. */
  nextCallId?: () => number;
  /** Fixed DIGEST-MD5 client nonce (tests reproducing recorded exchanges only). */
  saslCnonce?: string;
  /**
   * Kerberos (SASL GSSAPI) where the server offers KERBEROS: with it even a connection without a
   * token runs SASL, as Hadoop's clients do once hadoop.security.authentication is kerberos.
   */
  kerberos?: IpcKerberosOptions;
}

interface PendingCall {
  method: string;
  responseType: BodyName;
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout | undefined;
}

/**
 * One TCP connection to one server for one protocol, opened on the first call and reopened
 * on the next call after it broke or went idle. Calls are multiplexed by call id.
 */
export class RpcConnection {
  readonly peer: string;
  private readonly clientId: Buffer;
  private readonly nextCallId: () => number;
  private wire: Wire | undefined;
  private opening: Promise<Wire> | undefined;
  private closed = false;

  constructor(readonly options: RpcConnectionOptions) {
    this.peer = describePeer(options.host, options.port);
    this.clientId = options.clientId ?? randomBytes(16);
    if (this.clientId.length !== 16) throw new TypeError(`clientId must be 16 bytes, got ${this.clientId.length}`);
    let counter = 0;
    this.nextCallId =
      options.nextCallId ??
      (() => {
        const id = counter;
        counter = counter >= 0x7fffffff ? 0 : counter + 1;
        return id;
      });
  }

  /** Number of calls waiting for an answer on the current TCP connection. */
  get pendingCalls(): number {
    return this.wire?.pendingCount ?? 0;
  }

  get connected(): boolean {
    return this.wire !== undefined && !this.wire.dead;
  }

  /** One call: the request encoded as `requestType`, the answer decoded as `responseType`. */
  async call<Req extends BodyName, Res extends BodyName>(
    method: string,
    requestType: Req,
    request: Body<Req>,
    responseType: Res,
    opts?: { timeoutMs?: number },
  ): Promise<Body<Res>> {
    if (this.closed) throw new IpcConnectionError(`connection to ${this.describe(method)} was closed by the caller`);
    // Encode first: a request that cannot be encoded never touches the wire.
    const body = encodeBody(requestType, request);
    const wire = await this.ensureWire();
    const timeoutMs = opts?.timeoutMs ?? this.options.callTimeoutMs ?? DEFAULT_IPC_TUNING.callTimeoutMs;
    // The wire resolves the call with decodeDelimitedBody(responseType, ...), a Body<Res>.
    return (await wire.send(this.nextCallId(), method, body, responseType, timeoutMs)) as Body<Res>;
  }

  /** Closes the TCP connection; pending calls fail with IpcConnectionError. Later calls are refused. */
  async close(): Promise<void> {
    this.closed = true;
    const wire = this.wire ?? (await this.opening?.catch(() => undefined));
    wire?.fail(new IpcConnectionError(`connection to ${this.describe()} was closed by the caller`));
    this.wire = undefined;
  }

  describe(method?: string): string {
    return describePeer(this.options.host, this.options.port, shortProtocol(this.options.protocol), method);
  }

  private ensureWire(): Promise<Wire> {
    if (this.wire && !this.wire.dead) return Promise.resolve(this.wire);
    this.opening ??= this.open().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  private async open(): Promise<Wire> {
    const retries = this.options.connectMaxRetries ?? DEFAULT_IPC_TUNING.connectMaxRetries;
    const interval = this.options.connectRetryIntervalMs ?? DEFAULT_IPC_TUNING.connectRetryIntervalMs;
    for (let attempt = 0; ; attempt++) {
      let socket: Socket;
      try {
        socket = await this.connectSocket();
      } catch (err) {
        if (attempt >= retries || this.closed) {
          throw new IpcConnectFailedError(
            `cannot connect to ${this.describe()} after ${attempt + 1} attempt(s): ${(err as Error).message} (is the server running and the address right?)`,
            { cause: err },
          );
        }
        // A fixed pause, as Hadoop's RetryPolicies.retryUpToMaximumCountWithFixedSleep(max, interval)
        // that Client.getConnectionId builds from these two keys.
        this.options.onRetry?.({
          server: this.options.serverName ?? shortProtocol(this.options.protocol),
          address: this.peer,
          failedAttempts: attempt + 1,
          reason: shortReason(err),
          delayMs: interval,
          bound: { setting: 'ipc.client.connect.max.retries', value: String(retries) },
        });
        await sleep(interval);
        continue;
      }
      if (this.closed) {
        socket.destroy();
        throw new IpcConnectionError(`connection to ${this.describe()} was closed by the caller`);
      }
      const wire = new Wire(socket, this.options, this.clientId, this.describe(), (w) => {
        if (this.wire === w) this.wire = undefined;
      });
      await wire.handshake();
      this.wire = wire;
      return wire;
    }
  }

  private connectSocket(): Promise<Socket> {
    const timeoutMs = this.options.connectTimeoutMs ?? DEFAULT_IPC_TUNING.connectTimeoutMs;
    return new Promise((resolve, reject) => {
      const socket = netConnect({ host: this.options.host, port: this.options.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(Object.assign(new Error(`connect timed out after ${timeoutMs} ms (ipc.client.connect.timeout)`), { code: 'ETIMEDOUT' }));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(socket);
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        socket.destroy();
        reject(err);
      });
    });
  }
}

/** One live TCP connection: handshake, call multiplexing, pings, idle close, failure. */
class Wire {
  dead = false;
  private readonly pending = new Map<number, PendingCall>();
  private readonly decoder: FrameDecoder;
  private handshakeFrame: ((header: RpcResponseHeader, rest: Buffer) => void) | undefined;
  private handshakeFailed: ((err: Error) => void) | undefined;
  private lastReceived = Date.now();
  private pingTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly out: BatchedWriter;
  /** Set once SASL negotiated integrity or privacy: every frame in and out is then wrapped. */
  private unwrapped: UnwrappedFrames | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly options: RpcConnectionOptions,
    private readonly clientId: Buffer,
    private readonly where: string,
    private readonly onDead: (wire: Wire) => void,
  ) {
    this.decoder = new FrameDecoder(this.maxResponseBytes(), `response from ${where}`);
    socket.setNoDelay(true);
    this.out = new BatchedWriter(socket);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onPeerClosed());
    socket.on('close', () => this.onPeerClosed());
    socket.on('error', (err) => this.fail(new IpcConnectionError(`connection to ${where} failed: ${err.message}`, { cause: err })));
    const pingMs = options.pingIntervalMs ?? DEFAULT_IPC_TUNING.pingIntervalMs;
    if (pingMs > 0) {
      this.pingTimer = setInterval(() => this.maybePing(pingMs), pingMs);
      this.pingTimer.unref();
    }
  }

  private maxResponseBytes(): number {
    return this.options.maxResponseBytes ?? DEFAULT_IPC_TUNING.maxResponseBytes;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Sends the preamble and, for token or Kerberos auth, runs SASL; resolves once calls may be sent. */
  async handshake(): Promise<void> {
    const { auth, protocol, kerberos } = this.options;
    if (auth.kind === 'simple' && !kerberos) {
      // No SASL at all: preamble and context go out together, the server answers nothing.
      this.write(Buffer.concat([buildPreamble(AuthProtocol.NONE), buildContextFrame(this.clientId, protocol, auth.user)]));
      return;
    }
    const session = new SaslClientSession(
      auth.kind === 'token' ? auth.token : undefined,
      describePeer(this.options.host, this.options.port),
      this.options.saslCnonce,
      this.options.rpcProtection ?? DEFAULT_IPC_TUNING.rpcProtection,
      kerberos && { ...kerberos, host: this.options.host },
    );
    // The service ticket comes before the preamble: the SASL steps below are synchronous.
    await session.prepare();
    const outcome = await new Promise<'token' | 'simple'>((resolve, reject) => {
      this.handshakeFailed = reject;
      this.handshakeFrame = (header, rest) => {
        if (header.callId !== CallId.SASL)
          throw new IpcProtocolError(`expected a SASL reply from ${this.where}, got call id ${header.callId}`);
        const step = session.receive(parseSaslMessage(rest));
        if (step.kind === 'send') this.write(buildSaslFrame(step.message));
        else {
          // Synchronously, so that the next frame read and the connection context are already wrapped.
          if (step.kind === 'done' && step.securityLayer) this.startWrapping(step.securityLayer);
          resolve(step.kind === 'done' ? 'token' : 'simple');
        }
      };
      this.write(Buffer.concat([buildPreamble(AuthProtocol.SASL), buildSaslFrame(session.start())]));
    }).finally(() => {
      this.handshakeFrame = undefined;
      this.handshakeFailed = undefined;
    });
    // After SASL the token names the user, so userInfo stays empty; a switch to SIMPLE names it.
    const user = outcome === 'simple' ? (auth.kind === 'simple' ? auth.user : hadoopUser()) : undefined;
    this.write(buildContextFrame(this.clientId, protocol, user));
  }

  send(callId: number, method: string, body: Uint8Array, responseType: BodyName, timeoutMs: number): Promise<unknown> {
    if (this.dead) return Promise.reject(new IpcConnectionError(`connection to ${this.where} is closed`));
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
    return new Promise<unknown>((resolve, reject) => {
      const entry: PendingCall = { method, responseType, resolve: resolve, reject, timer: undefined };
      if (timeoutMs > 0) {
        entry.timer = setTimeout(() => {
          // Only this call fails; a late answer finds no entry and is dropped.
          this.pending.delete(callId);
          reject(new IpcTimeoutError(`call ${method} to ${this.where} timed out after ${timeoutMs} ms (call id ${callId})`));
          this.scheduleIdleClose();
        }, timeoutMs);
      }
      this.pending.set(callId, entry);
      this.write(buildCallFrame({ callId, clientId: this.clientId, protocol: this.options.protocol, method, body }));
    });
  }

  /** Ends the connection and fails every pending call (and a running handshake) with `err`. */
  fail(err: Error): void {
    if (this.dead) return;
    this.dead = true;
    clearInterval(this.pingTimer);
    clearTimeout(this.idleTimer);
    this.socket.destroy();
    this.handshakeFailed?.(err);
    for (const [, call] of this.pending) {
      clearTimeout(call.timer);
      call.reject(err);
    }
    this.pending.clear();
    this.onDead(this);
  }

  private write(bytes: Buffer): void {
    if (!this.dead) this.out.write(bytes);
  }

  /**
   * SASL ended with qop auth-int or auth-conf: from here on, as Hadoop's SaslRpcClient does with its
   * WrappedOutputStream/WrappedInputStream, what we send (connection context, calls, pings) leaves
   * as SASL WRAP frames and everything the server sends must be a WRAP frame carrying ordinary ones.
   */
  private startWrapping(layer: SaslSecurityLayer): void {
    const maxResponse = this.maxResponseBytes();
    this.unwrapped = new UnwrappedFrames(layer, maxResponse, `response from ${this.where}`, 'ipc.maximum.response.length');
    this.decoder.setLimit(maxResponse + WRAP_FRAME_OVERHEAD_BYTES, 'ipc.maximum.response.length');
    this.out.transformFromNowOn((batch) => {
      try {
        return wrapRequestFrames(layer, batch);
      } catch (err) {
        this.fail(asIpcError(err, this.where));
        return Buffer.alloc(0);
      }
    });
  }

  private onData(chunk: Buffer): void {
    this.lastReceived = Date.now();
    try {
      for (const frame of this.decoder.push(chunk)) {
        if (this.dead) return;
        if (this.unwrapped) this.onWrappedFrame(frame, this.unwrapped);
        else this.onFrame(frame);
      }
    } catch (err) {
      this.fail(asIpcError(err, this.where));
    }
  }

  /** A frame from a server that wraps: a SASL WRAP whose token unwraps to zero or more ordinary frames. */
  private onWrappedFrame(frame: Buffer, unwrapped: UnwrappedFrames): void {
    const { header, rest } = parseResponseFrame(frame);
    if (header.callId !== CallId.SASL) {
      // Hadoop's WrappedInputStream fails with "Server sent non-wrapped response"; a FATAL still says why.
      if (header.status === 'FATAL') this.onFrame(frame);
      else
        throw new IpcProtocolError(`${this.where} sent a non-wrapped response (call id ${header.callId}) after SASL negotiated wrapping`);
      return;
    }
    for (const inner of unwrapped.push(parseSaslMessage(rest))) {
      if (this.dead) return;
      this.onFrame(inner);
    }
  }

  private onFrame(frame: Buffer): void {
    const { header, rest } = parseResponseFrame(frame);
    if (header.status === 'FATAL' || header.callId === CallId.AUTHORIZATION_FAILED) {
      const during = this.handshakeFrame ? 'authentication' : 'the connection';
      this.fail(RemoteException.fromHeader(header, `${this.where}, fatal for ${during}`));
      return;
    }
    if (this.handshakeFrame) {
      this.handshakeFrame(header, rest);
      return;
    }
    const call = this.pending.get(header.callId);
    if (!call) return; // timed out earlier: the late answer is dropped
    this.pending.delete(header.callId);
    clearTimeout(call.timer);
    if (header.status === 'SUCCESS') {
      try {
        call.resolve(decodeDelimitedBody(call.responseType, rest, `the ${call.method} response from ${this.where}`));
      } catch (err) {
        // The frame boundary is intact, so only this call is affected.
        call.reject(asIpcError(err, this.where));
      }
    } else {
      call.reject(RemoteException.fromHeader(header, `${this.where.replace(/\)$/, '')}.${call.method})`));
    }
    this.scheduleIdleClose();
  }

  private onPeerClosed(): void {
    if (this.dead) return;
    let detail = '';
    try {
      this.decoder.end();
      this.unwrapped?.end();
    } catch (err) {
      detail = ` (${(err as Error).message})`;
    }
    const pending = this.pending.size > 0 ? ` with ${this.pending.size} call(s) pending` : '';
    const phase = this.handshakeFrame ? ' during authentication' : '';
    this.fail(new IpcConnectionError(`connection to ${this.where} closed by the server${phase}${pending}${detail}`));
  }

  private maybePing(pingMs: number): void {
    if (this.dead || this.pending.size === 0) return;
    if (Date.now() - this.lastReceived >= pingMs) this.write(buildPingFrame(this.clientId));
  }

  private scheduleIdleClose(): void {
    const idleMs = this.options.idleCloseMs ?? DEFAULT_IPC_TUNING.idleCloseMs;
    if (this.pending.size > 0 || idleMs <= 0 || this.dead) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.pending.size > 0 || this.dead) return;
      this.dead = true;
      clearInterval(this.pingTimer);
      this.out.flush();
      this.socket.end();
      this.onDead(this);
    }, idleMs);
    this.idleTimer.unref();
  }
}

function asIpcError(err: unknown, where: string): Error {
  if (err instanceof IpcError || err instanceof RemoteException) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new IpcProtocolError(`bad data from ${where}: ${message}`, { cause: err });
}

export function shortProtocol(protocol: string): string {
  return protocol.slice(protocol.lastIndexOf('.') + 1);
}
