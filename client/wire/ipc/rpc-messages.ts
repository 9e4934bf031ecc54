import { CodecError } from '../codec/codec-error.js';
import {
  decodeDelimited,
  decodeMessage,
  encodeDelimited,
  encodeMessage,
  withVarintPrefix,
  type ProtoMessageName,
} from '../codec/protobuf-codec.js';
import type {
  IpcConnectionContextProto,
  RpcRequestHeaderProto,
  RpcSaslProto,
  RpcSaslProto_SaslAuth,
} from '../codec/generated/proto-messages.js';
import { OPAQUE_BYTES, type Body, type BodyName } from '../codec/hadoop-protocols.js';
import { encodeFrame } from './frame-decoder.js';
import { IpcProtocolError } from './ipc-errors.js';

/**
 * Builds and parses the frames of Hadoop IPC (no I/O here). A request frame is
 * RpcRequestHeaderProto + (RequestHeaderProto + request | IpcConnectionContextProto | RpcSaslProto);
 * a response frame is RpcResponseHeaderProto + the response on SUCCESS, the header alone otherwise.
 */
export const CallId = { AUTHORIZATION_FAILED: -1, INVALID: -2, CONNECTION_CONTEXT: -3, PING: -4, SASL: -33 } as const;

/** Hadoop's "retry count unknown" value, used for context, SASL and ping frames. */
export const INVALID_RETRY_COUNT = -1;
export const RPC_PROTOCOL_VERSION = 1;

export { OPAQUE_BYTES } from '../codec/hadoop-protocols.js';

const T = {
  requestHeader: 'hadoop.common.RpcRequestHeaderProto',
  responseHeader: 'hadoop.common.RpcResponseHeaderProto',
  callHeader: 'hadoop.common.RequestHeaderProto',
  context: 'hadoop.common.IpcConnectionContextProto',
  sasl: 'hadoop.common.RpcSaslProto',
} as const;

export type RpcStatus = 'SUCCESS' | 'ERROR' | 'FATAL';

export interface RpcRequestHeader {
  rpcKind?: string;
  rpcOp?: string;
  callId: number;
  clientId: Buffer;
  retryCount?: number;
}

export interface RpcResponseHeader {
  /** Already mapped back to a signed id (4294967263 -> -33). */
  callId: number;
  status: RpcStatus;
  serverIpcVersionNum?: number;
  exceptionClassName?: string;
  errorMsg?: string;
  errorDetail?: string;
  clientId?: Buffer;
  retryCount?: number;
}

/** The SASL and connection-context messages as generated from proto/ (RpcHeader.proto, IpcConnectionContext.proto). */
export type SaslAuth = RpcSaslProto_SaslAuth;
export type RpcSaslMessage = RpcSaslProto;
export type ConnectionContext = IpcConnectionContextProto;

function requestHeader(callId: number, clientId: Uint8Array, retryCount: number): Uint8Array {
  return encodeDelimited(T.requestHeader, { rpcKind: 'RPC_PROTOCOL_BUFFER', rpcOp: 'RPC_FINAL_PACKET', callId, clientId, retryCount });
}

/** Encodes a message body (no length prefix): a protobuf type name, or OPAQUE_BYTES with a Buffer already encoded. */
export function encodeBody<N extends BodyName>(typeName: N, value: Body<N>): Uint8Array {
  if (typeName === OPAQUE_BYTES) {
    if (!(value instanceof Uint8Array)) throw new TypeError(`a ${OPAQUE_BYTES} body must be a Buffer/Uint8Array`);
    return value;
  }
  // Not OPAQUE_BYTES, so a message name and its generated interface.
  return encodeMessage(typeName, value as Body<ProtoMessageName>);
}

export function decodeBody<N extends BodyName>(typeName: N, bytes: Uint8Array): Body<N> {
  if (typeName === OPAQUE_BYTES) return Buffer.from(bytes) as Uint8Array as Body<N>;
  return decodeMessage(typeName, bytes) as Body<N>;
}

export function buildCallFrame(call: {
  callId: number;
  clientId: Uint8Array;
  retryCount?: number;
  protocol: string;
  method: string;
  /** Request body without its varint prefix. */
  body: Uint8Array;
}): Buffer {
  return encodeFrame([
    requestHeader(call.callId, call.clientId, call.retryCount ?? 0),
    encodeDelimited(T.callHeader, {
      methodName: call.method,
      declaringClassProtocolName: call.protocol,
      clientProtocolVersion: RPC_PROTOCOL_VERSION,
    }),
    withVarintPrefix(call.body),
  ]);
}

/** SIMPLE connections name the user; token connections send an empty userInfo (the token names it). */
export function buildContextFrame(clientId: Uint8Array, protocol: string, effectiveUser?: string): Buffer {
  const context: ConnectionContext = { userInfo: effectiveUser === undefined ? {} : { effectiveUser }, protocol };
  return encodeFrame([requestHeader(CallId.CONNECTION_CONTEXT, clientId, INVALID_RETRY_COUNT), encodeDelimited(T.context, context)]);
}

/** SASL frames carry an empty client id and retry count -1, as Hadoop's client sends them. */
export function buildSaslFrame(message: RpcSaslMessage): Buffer {
  return encodeFrame([requestHeader(CallId.SASL, Buffer.alloc(0), INVALID_RETRY_COUNT), encodeDelimited(T.sasl, message)]);
}

export function buildPingFrame(clientId: Uint8Array): Buffer {
  return encodeFrame([requestHeader(CallId.PING, clientId, INVALID_RETRY_COUNT)]);
}

/** Converts the uint32 call id of a response header back to Hadoop's signed int. */
export function signedCallId(callId: number): number {
  return callId | 0;
}

export interface ParsedResponse {
  header: RpcResponseHeader;
  /** Bytes after the header (the varint-prefixed response on SUCCESS), possibly empty. */
  rest: Buffer;
}

export function parseResponseFrame(frame: Buffer): ParsedResponse {
  try {
    const { value, next } = decodeDelimited(T.responseHeader, frame, 0);
    const header = fromWire(value);
    if (header.callId === undefined || header.status === undefined) {
      throw new IpcProtocolError('response header lacks its required callId/status fields');
    }
    if (!isRpcStatus(header.status)) {
      throw new IpcProtocolError(`response header has an unknown status ${String(header.status)}`);
    }
    const { clientId } = header;
    return {
      header: {
        ...header,
        callId: signedCallId(header.callId),
        status: header.status,
        clientId: clientId && Buffer.from(clientId.buffer, clientId.byteOffset, clientId.byteLength),
      },
      rest: frame.subarray(next),
    };
  } catch (err) {
    throw asProtocolError(err, 'cannot parse the RPC response header');
  }
}

/**
 * A decoded header as a peer may really send it: RpcHeader.proto marks callId, status and clientId
 * `required`, but the decoder fills in no defaults, so a broken peer's header may lack them (and an
 * enum number Loom does not know stays a number, hence the status check below).
 */
function fromWire<T extends object>(decoded: T): Partial<T> {
  return decoded;
}

const RPC_STATUSES: readonly unknown[] = ['SUCCESS', 'ERROR', 'FATAL'] satisfies RpcStatus[];

function isRpcStatus(status: unknown): status is RpcStatus {
  return RPC_STATUSES.includes(status);
}

/** Decodes the varint-delimited message after a header. */
export function decodeDelimitedBody<N extends BodyName>(typeName: N, rest: Buffer, what: string): Body<N> {
  try {
    if (typeName === OPAQUE_BYTES) return Buffer.from(delimitedBytes(rest, what)) as Uint8Array as Body<N>;
    return decodeDelimited(typeName, rest, 0).value as Body<N>;
  } catch (err) {
    throw asProtocolError(err, `cannot parse ${what}`);
  }
}

/** Returns the bytes of the varint-delimited message at the start of `rest` (no protobuf parsing). */
export function delimitedBytes(rest: Buffer, what: string): Buffer {
  try {
    const { value: len, next } = readLength(rest);
    if (next + len > rest.length) throw new CodecError(`${what} claims ${len} bytes but only ${rest.length - next} remain`);
    return rest.subarray(next, next + len);
  } catch (err) {
    throw asProtocolError(err, `cannot read ${what}`);
  }
}

function readLength(buf: Buffer): { value: number; next: number } {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    if (i >= buf.length) throw new CodecError('truncated varint length prefix');
    const b = buf[i];
    value += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) return { value, next: i + 1 };
  }
  throw new CodecError('varint length prefix too long');
}

export function parseSaslMessage(rest: Buffer): RpcSaslMessage {
  return decodeDelimitedBody(T.sasl, rest, 'SASL message');
}

export function buildResponseFrame(header: RpcResponseHeader, body?: Uint8Array): Buffer {
  // The wire type is uint32: -33 travels as 4294967263.
  const parts: Uint8Array[] = [encodeDelimited(T.responseHeader, { ...header, callId: header.callId >>> 0 } as never)];
  if (body) parts.push(body);
  return encodeFrame(parts);
}

export type ParsedRequest =
  | { kind: 'context'; header: RpcRequestHeader; context: ConnectionContext }
  | { kind: 'sasl'; header: RpcRequestHeader; sasl: RpcSaslMessage }
  | { kind: 'ping'; header: RpcRequestHeader }
  | { kind: 'call'; header: RpcRequestHeader; method: string; protocol: string; body: Buffer };

/** Server side: splits a request frame. Throws IpcProtocolError for anything malformed. */
export function parseRequestFrame(frame: Buffer): ParsedRequest {
  let decoded: RpcRequestHeaderProto;
  let next: number;
  try {
    ({ value: decoded, next } = decodeDelimited(T.requestHeader, frame, 0));
  } catch (err) {
    throw asProtocolError(err, 'cannot parse the RPC request header');
  }
  const { callId, clientId, rpcKind, rpcOp, retryCount } = fromWire(decoded);
  if (callId === undefined) throw new IpcProtocolError('RPC request header lacks its callId');
  const header: RpcRequestHeader = { rpcKind, rpcOp, callId, clientId: Buffer.from(clientId ?? Buffer.alloc(0)), retryCount };
  const rest = frame.subarray(next);
  switch (header.callId) {
    case CallId.CONNECTION_CONTEXT:
      return { kind: 'context', header, context: decodeDelimitedBody(T.context, rest, 'connection context') };
    case CallId.SASL:
      return { kind: 'sasl', header, sasl: parseSaslMessage(rest) };
    case CallId.PING:
      return { kind: 'ping', header };
  }
  let callHeader: { methodName?: string; declaringClassProtocolName?: string };
  let bodyAt: number;
  try {
    ({ value: callHeader, next: bodyAt } = decodeDelimited(T.callHeader, rest, 0));
  } catch (err) {
    throw asProtocolError(err, `cannot parse the request header of call ${header.callId}`);
  }
  return {
    kind: 'call',
    header,
    method: callHeader.methodName ?? '',
    protocol: callHeader.declaringClassProtocolName ?? '',
    body: rest.subarray(bodyAt),
  };
}

function asProtocolError(err: unknown, what: string): Error {
  if (err instanceof IpcProtocolError) return err;
  if (err instanceof Error) return new IpcProtocolError(`${what}: ${err.message}`, { cause: err });
  return new IpcProtocolError(`${what}: ${String(err)}`);
}
