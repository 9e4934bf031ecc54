import { LoomError } from '../../client/errors/loom-error.js';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { BatchedWriter } from '../../client/wire/ipc/batched-writer.js';
import { DEFAULT_MAX_REQUEST_BYTES, FrameDecoder } from '../../client/wire/ipc/frame-decoder.js';
import { AuthProtocol, IPC_VERSION, parsePreamble, PREAMBLE_LENGTH } from '../../client/wire/ipc/preamble.js';
import type { Body } from '../../client/wire/codec/hadoop-protocols.js';
import type { MethodName, ProtocolDescriptor, ProtocolMethod, RequestOf, ResponseOf } from '../../client/wire/ipc/protocol-descriptor.js';
import {
  buildResponseFrame,
  CallId,
  decodeBody,
  delimitedBytes,
  encodeBody,
  INVALID_RETRY_COUNT,
  parseRequestFrame,
  type ParsedRequest,
  type RpcRequestHeader,
  type RpcResponseHeader,
  type RpcSaslMessage,
} from '../../client/wire/ipc/rpc-messages.js';
import { RpcServerException } from './rpc-server-exception.js';
import { UnwrappedFrames, WRAP_FRAME_OVERHEAD_BYTES, wrapPieces } from '../../client/wire/ipc/sasl-wrapped-frames.js';
import type { SaslSecurityLayer } from '../../client/wire/security/sasl-security-layer.js';
import { SaslRefusal, SaslServerSession, type SaslServerAuthOptions } from './sasl-server-session.js';
import { encodeDelimited, withVarintPrefix } from '../../client/wire/codec/protobuf-codec.js';

export interface RpcCallContext {
  /** SIMPLE: the effective user of the connection context; TOKEN: base64 of the token identifier. */
  user?: string;
  tokenIdentifier?: Buffer;
  remoteAddress: string;
  protocol: string;
  method: string;
}

/** Answers one call; the request is decoded, and the answer encoded, with the types the descriptor names. */
export type RpcHandler = (request: never, ctx: RpcCallContext) => Promise<unknown>;

/** One handler per method of P, each taking and returning that method's generated message types. */
export type TypedHandlers<P extends ProtocolDescriptor> = {
  readonly [M in MethodName<P>]?: (request: RequestOf<P, M>, ctx: RpcCallContext) => Promise<ResponseOf<P, M>>;
};

/** A protocol the server answers: its descriptor (types per method) and a handler per method. */
export interface ProtocolHandlers {
  protocol: ProtocolDescriptor;
  handlers: Readonly<Record<string, RpcHandler | undefined>>;
}

/** Pairs a descriptor with handlers whose request and response types the compiler checks against it. */
export function protocolHandlers<P extends ProtocolDescriptor>(protocol: P, handlers: TypedHandlers<P>): ProtocolHandlers {
  return { protocol, handlers };
}

export interface RpcServerOptions {
  host: string;
  port: number;
  protocols: ProtocolHandlers[];
  auth: SaslServerAuthOptions;
  /** ipc.maximum.data.length (default 128 MiB, as Hadoop 3.3.6): the largest call frame read. */
  maxRequestBytes?: number;
  /** How long a connection may take to finish its handshake (preamble, SASL, connection context). */
  handshakeTimeoutMs?: number;
}

/**
 * A connection that has not finished its handshake (preamble, SASL if any, connection context)
 * within this time is closed without an answer. Hadoop 3.3.6 has no such deadline: its
 * ConnectionManager closes connections idle for 2 x ipc.client.connection.maxidletime (10 s),
 * but only once ipc.client.idlethreshold (4000) connections are open (Server.ConnectionManager
 * .closeIdle), so a real RM kept a connection that had sent only "hrpc" open past 45 s. The mini
 * cluster closes half-open connections after that same idle time, 20 s, whatever their number.
 */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 20_000;

/**
 * The largest frame read before the handshake is done. Hadoop 3.3.6 reads any frame up to
 * ipc.maximum.data.length (a real RM allocated and waited for a 60 MB frame announced right after
 * the preamble); SASL messages and the connection context are a few hundred bytes (a Kerberos
 * ticket some KB), so the mini cluster refuses a bigger handshake frame at its length prefix and
 * closes the connection without an answer, as Hadoop does for a frame above its limit
 * (Server.Connection.checkDataLength throws; the listener closes the connection).
 */
export const MAX_HANDSHAKE_FRAME_BYTES = 1024 * 1024;

const EX = {
  versionMismatch: 'org.apache.hadoop.ipc.RPC$VersionMismatch',
  accessControl: 'org.apache.hadoop.security.AccessControlException',
  serverException: 'org.apache.hadoop.ipc.RpcServerException',
  ipcException: 'org.apache.hadoop.ipc.IpcException',
  noSuchMethod: 'org.apache.hadoop.ipc.RpcNoSuchMethodException',
  noSuchProtocol: 'org.apache.hadoop.ipc.RpcNoSuchProtocolException',
  invalidProtobuf: 'org.apache.hadoop.thirdparty.protobuf.InvalidProtocolBufferException',
  generic: 'java.io.IOException',
} as const;

/** protobuf-java's words for a truncated message, so clients see what a Hadoop server says. */
const TRUNCATED_MESSAGE =
  'While parsing a protocol message, the input ended unexpectedly in the middle of a field.  This could mean either that the input has been truncated or that an embedded message misreported its own length.';

/** A FATAL answer to send before closing the connection. */
class FatalAnswer extends LoomError {
  static override readonly code: string = 'MINICLUSTER_RPC_FATAL';
  constructor(
    readonly className: string,
    message: string,
    readonly errorDetail: string,
    readonly callId: number = CallId.AUTHORIZATION_FAILED,
    readonly retryCount: number = INVALID_RETRY_COUNT,
  ) {
    super(message);
  }
}

/**
 * The server half of Hadoop IPC, answering like a Hadoop 3.3.6 server does (see the fixtures'
 * errors/ recordings). Used by the mini cluster. Nothing a client sends can crash it: every
 * failure becomes an ERROR answer, a FATAL answer and close, or a plain close for garbage.
 */
export class RpcServer {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly protocols = new Map<string, ProtocolHandlers>();

  constructor(private readonly options: RpcServerOptions) {
    for (const p of options.protocols) this.protocols.set(p.protocol.name, p);
  }

  async listen(): Promise<{ host: string; port: number }> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', () => {
      // listener errors after start must not crash the process
    });
    const address = server.address() as AddressInfo;
    return { host: this.options.host, port: address.port };
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.setNoDelay(true);
    const connection = new ServerConnection(socket, this.options, this.protocols);
    socket.on('close', () => {
      this.sockets.delete(socket);
      connection.closed();
    });
  }
}

/** One client connection: preamble, optional SASL, connection context, then calls. */
class ServerConnection {
  private preamble: Buffer | undefined = Buffer.alloc(0);
  private readonly decoder: FrameDecoder;
  private sasl: SaslServerSession | undefined;
  private authenticated = false;
  private contextRead = false;
  private user: string | undefined;
  private tokenIdentifier: Buffer | undefined;
  private closing = false;
  /** Set once SASL negotiated integrity or privacy: every frame in and out is then wrapped. */
  private unwrapped: UnwrappedFrames | undefined;
  private readonly remoteAddress: string;
  private readonly out: BatchedWriter;
  /** Closes the connection if the handshake is not done in time; cleared once it is. */
  private handshakeTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly options: RpcServerOptions,
    private readonly protocols: Map<string, ProtocolHandlers>,
  ) {
    this.remoteAddress = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    this.decoder = new FrameDecoder(
      Math.min(MAX_HANDSHAKE_FRAME_BYTES, this.maxRequestBytes()),
      `handshake message from ${this.remoteAddress}`,
      'the handshake limit: SASL and connection-context messages are small',
    );
    this.out = new BatchedWriter(socket);
    this.handshakeTimer = setTimeout(() => this.drop(), options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS);
    this.handshakeTimer.unref();
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  private maxRequestBytes(): number {
    return this.options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  }

  /** The socket is gone. */
  closed(): void {
    clearTimeout(this.handshakeTimer);
  }

  /** Preamble, authentication and connection context are in: calls may come, up to ipc.maximum.data.length. */
  private handshakeDone(): void {
    clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
    this.decoder.setLimit(this.maxRequestBytes() + (this.unwrapped ? WRAP_FRAME_OVERHEAD_BYTES : 0), 'ipc.maximum.data.length');
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    try {
      let data = chunk;
      if (this.preamble) {
        const need = PREAMBLE_LENGTH - this.preamble.length;
        this.preamble = Buffer.concat([this.preamble, data.subarray(0, need)]);
        data = data.subarray(need);
        if (this.preamble.length < PREAMBLE_LENGTH) return;
        const bytes = this.preamble;
        this.preamble = undefined;
        this.onPreamble(bytes);
      }
      // One frame at a time: the connection context changes the limit for the frames after it.
      this.decoder.append(data);
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- onFrame may close the connection
      while (!this.closing) {
        const frame = this.decoder.next();
        if (!frame) break;
        this.onFrame(frame);
      }
    } catch (err) {
      if (err instanceof FatalAnswer) this.fatal(err);
      else if (err instanceof SaslRefusal) this.fatal(new FatalAnswer(err.className, err.message, 'FATAL_UNAUTHORIZED'));
      else this.drop(); // garbage: Hadoop closes without an answer
    }
  }

  private onPreamble(bytes: Buffer): void {
    const preamble = parsePreamble(bytes); // throws on garbage -> drop
    if (preamble.version !== IPC_VERSION) {
      throw new FatalAnswer(
        EX.versionMismatch,
        `Server IPC version ${IPC_VERSION} cannot communicate with client version ${preamble.version}`,
        'FATAL_VERSION_MISMATCH',
      );
    }
    if (preamble.authProtocol === AuthProtocol.NONE) {
      if (!this.options.auth.simple) {
        throw new FatalAnswer(
          EX.accessControl,
          `SIMPLE authentication is not enabled.  Available:[${this.available()}]`,
          'FATAL_UNAUTHORIZED',
        );
      }
      this.authenticated = true;
    } else if (preamble.authProtocol === AuthProtocol.SASL) {
      this.sasl = new SaslServerSession(this.options.auth);
    } else {
      throw new FatalAnswer(EX.ipcException, `Unknown auth protocol:${preamble.authProtocol}`, 'FATAL_UNAUTHORIZED');
    }
  }

  private available(): string {
    const methods: string[] = [];
    if (this.options.auth.token) methods.push('TOKEN');
    if (this.options.auth.simple) methods.push('SIMPLE');
    return methods.join(', ');
  }

  private onFrame(frame: Buffer): void {
    const request = parseRequestFrame(frame); // malformed headers -> drop, as Hadoop does
    if (this.unwrapped) {
      this.onWrapped(request, this.unwrapped);
      return;
    }
    this.onRequest(request);
  }

  /**
   * After SASL negotiated auth-int or auth-conf, as Hadoop's Server.saslReadAndProcess: a SASL WRAP
   * whose token unwraps to one or more frames (a frame may span tokens), processed as if they had
   * come bare. Hadoop 3.3.6 still processes a bare frame there; the mini cluster refuses it, since
   * accepting one would let anyone on the path inject calls into a protected connection.
   */
  private onWrapped(request: ParsedRequest, unwrapped: UnwrappedFrames): void {
    if (request.kind !== 'sasl' || request.sasl.state !== 'WRAP') {
      throw new FatalAnswer(
        EX.accessControl,
        `Unwrapped ${request.kind === 'sasl' ? `SASL ${request.sasl.state}` : request.kind} message on a connection that negotiated SASL ${unwrapped.qop}`,
        'FATAL_INVALID_RPC_HEADER',
      );
    }
    for (const inner of unwrapped.push(request.sasl)) {
      if (this.closing) return;
      const innerRequest = parseRequestFrame(inner);
      if (innerRequest.kind === 'sasl')
        throw new FatalAnswer(EX.accessControl, 'SASL message inside a SASL WRAP', 'FATAL_INVALID_RPC_HEADER');
      this.onRequest(innerRequest);
    }
  }

  private onRequest(request: ParsedRequest): void {
    switch (request.kind) {
      case 'ping':
        return;
      case 'sasl': {
        this.onSasl(request.sasl);
        return;
      }
      case 'context':
        if (!this.authenticated) {
          // A SASL client that picked SIMPLE from our NEGOTIATE goes straight to the context.
          if (!this.sasl || !this.options.auth.simple)
            throw new FatalAnswer(EX.accessControl, 'Connection context sent before authentication', 'FATAL_UNAUTHORIZED');
          this.authenticated = true;
        }
        this.user ??= request.context.userInfo?.effectiveUser;
        this.contextRead = true;
        this.handshakeDone();
        return;
      case 'call':
        if (!this.contextRead) {
          throw new FatalAnswer(
            EX.serverException,
            'Connection context not established',
            'FATAL_INVALID_RPC_HEADER',
            request.header.callId,
            request.header.retryCount ?? 0,
          );
        }
        void this.onCall(request);
    }
  }

  private onSasl(message: RpcSaslMessage): void {
    if (!this.sasl || this.authenticated) {
      throw new FatalAnswer(EX.accessControl, 'SASL message on a connection that is not negotiating SASL', 'FATAL_UNAUTHORIZED');
    }
    const step = this.sasl.receive(message);
    const reply = step.kind === 'reply' ? step.message : step.reply;
    if (step.kind === 'authenticated') {
      this.authenticated = true;
      this.user = step.user;
      this.tokenIdentifier = step.tokenIdentifier;
    }
    const header: RpcResponseHeader = {
      callId: CallId.SASL,
      status: 'SUCCESS',
      serverIpcVersionNum: IPC_VERSION,
      clientId: Buffer.alloc(0),
      retryCount: INVALID_RETRY_COUNT,
    };
    this.write(buildResponseFrame(header, encodeDelimited('hadoop.common.RpcSaslProto', reply)));
    // As Hadoop's Server: wrapping starts only after the last SASL answer went out unwrapped.
    if (step.kind === 'authenticated' && step.securityLayer) this.startWrapping(step.securityLayer);
  }

  private startWrapping(layer: SaslSecurityLayer): void {
    this.unwrapped = new UnwrappedFrames(layer, this.maxRequestBytes(), `request from ${this.remoteAddress}`, 'ipc.maximum.data.length');
    this.out.transformFromNowOn((batch) => {
      try {
        return Buffer.concat(wrapPieces(batch).map((piece) => wrappedResponseFrame(layer.wrap(piece))));
      } catch {
        this.drop();
        return Buffer.alloc(0);
      }
    });
  }

  private async onCall(request: Extract<ParsedRequest, { kind: 'call' }>): Promise<void> {
    const { header, method, protocol } = request;
    try {
      const handlers = this.protocols.get(protocol);
      if (!handlers) throw new RpcServerException(EX.noSuchProtocol, `Unknown protocol: ${protocol}`, 'ERROR_NO_SUCH_PROTOCOL');
      const descriptor = handlers.protocol.methods[method] as ProtocolMethod | undefined;
      const handler = handlers.handlers[method] as ((request: unknown, ctx: RpcCallContext) => Promise<unknown>) | undefined;
      if (!descriptor || !handler) {
        throw new RpcServerException(EX.noSuchMethod, `Unknown method ${method} called on ${protocol} protocol.`, 'ERROR_NO_SUCH_METHOD');
      }
      let decoded: unknown;
      try {
        decoded = decodeBody(descriptor.request, delimitedBytes(request.body, `the ${method} request`));
      } catch (err) {
        throw new RpcServerException(EX.invalidProtobuf, protobufMessage(err));
      }
      const ctx: RpcCallContext = {
        ...(this.user !== undefined ? { user: this.user } : {}),
        ...(this.tokenIdentifier ? { tokenIdentifier: this.tokenIdentifier } : {}),
        remoteAddress: this.remoteAddress,
        protocol,
        method,
      };
      const response = await handler(decoded, ctx);
      let body: Uint8Array;
      try {
        // The handler answers with the response type the descriptor names for this method.
        body = encodeBody(descriptor.response, response as Body<typeof descriptor.response>);
      } catch (err) {
        throw new RpcServerException(
          EX.generic,
          `cannot serialize the ${method} response: ${(err as Error).message}`,
          'ERROR_SERIALIZING_RESPONSE',
        );
      }
      this.write(buildResponseFrame(this.answerHeader(header, 'SUCCESS'), withVarintPrefix(body)));
    } catch (err) {
      const e =
        err instanceof RpcServerException ? err : new RpcServerException(EX.generic, err instanceof Error ? err.message : String(err));
      this.write(
        buildResponseFrame({
          ...this.answerHeader(header, 'ERROR'),
          exceptionClassName: e.className,
          errorMsg: e.message,
          errorDetail: e.errorDetail,
        }),
      );
    }
  }

  private answerHeader(request: RpcRequestHeader, status: 'SUCCESS' | 'ERROR'): RpcResponseHeader {
    return {
      callId: request.callId,
      status,
      serverIpcVersionNum: IPC_VERSION,
      clientId: request.clientId,
      retryCount: request.retryCount ?? 0,
    };
  }

  private fatal(answer: FatalAnswer): void {
    if (this.closing) return;
    this.write(
      buildResponseFrame({
        callId: answer.callId,
        status: 'FATAL',
        serverIpcVersionNum: IPC_VERSION,
        exceptionClassName: answer.className,
        errorMsg: answer.message,
        errorDetail: answer.errorDetail,
        clientId: Buffer.alloc(0),
        retryCount: answer.retryCount,
      }),
    );
    this.closing = true;
    this.out.flush();
    this.socket.end();
  }

  private drop(): void {
    this.closing = true;
    this.socket.destroy();
  }

  private write(bytes: Buffer): void {
    if (!this.closing && !this.socket.destroyed) this.out.write(bytes);
  }
}

/** Server.wrapWithSasl: a response header with only the SASL call id and SUCCESS, then RpcSaslProto {WRAP, token}. */
function wrappedResponseFrame(token: Buffer): Buffer {
  const header: RpcResponseHeader = { callId: CallId.SASL, status: 'SUCCESS' };
  return buildResponseFrame(header, encodeDelimited('hadoop.common.RpcSaslProto', { state: 'WRAP', token }));
}

function protobufMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return /index out of range|truncated|remain/i.test(text) ? TRUNCATED_MESSAGE : `Protocol message could not be parsed: ${text}`;
}
