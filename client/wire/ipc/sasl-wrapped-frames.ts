import type { SaslSecurityLayer } from '../security/sasl-security-layer.js';
import { FrameDecoder } from './frame-decoder.js';
import { IpcProtocolError } from './ipc-errors.js';
import { buildSaslFrame, type RpcSaslMessage } from './rpc-messages.js';

/**
 * After SASL negotiated auth-int or auth-conf, Hadoop moves every RPC frame inside SASL WRAP
 * messages (SaslRpcClient.WrappedOutputStream / WrappedInputStream, Server.unwrapPacketAndProcessRpcs
 * / wrapWithSasl): the bytes of one or more complete frames, 4-byte length prefixes included, are
 * wrapped as one token and sent as an RpcSaslProto {state: WRAP, token} in an ordinary frame under
 * the SASL call id (-33). The unwrapped bytes of successive tokens form a stream of ordinary frames:
 * a frame may span tokens and one token may hold several frames.
 */

/**
 * The most plaintext one token carries. Java's client buffers up to the layer's RAW_SEND_SIZE (the
 * peer's maxbuf, 65536 by default, less the layer's overhead) per token; Loom cuts below every
 * layer's limit so no peer sees a token above its maxbuf. Frames larger than this span tokens.
 */
export const MAX_WRAP_PLAIN_BYTES = 63 * 1024;

/** Splits `plain` into the pieces that become one token each. */
export function wrapPieces(plain: Buffer): Buffer[] {
  if (plain.length <= MAX_WRAP_PLAIN_BYTES) return [plain];
  const pieces: Buffer[] = [];
  for (let at = 0; at < plain.length; at += MAX_WRAP_PLAIN_BYTES) pieces.push(plain.subarray(at, at + MAX_WRAP_PLAIN_BYTES));
  return pieces;
}

/** Client side: the request frames `plain` as WRAP frames (RpcRequestHeader with call id -33). */
export function wrapRequestFrames(layer: SaslSecurityLayer, plain: Buffer): Buffer {
  const frames = wrapPieces(plain).map((piece) => buildSaslFrame({ state: 'WRAP', token: layer.wrap(piece) }));
  return frames.length === 1 ? frames[0] : Buffer.concat(frames);
}

/** Both sides: the frames carried by successive WRAP tokens, reassembled across token boundaries. */
export class UnwrappedFrames {
  private readonly inner: FrameDecoder;
  readonly qop: SaslSecurityLayer['qop'];

  constructor(
    private readonly layer: SaslSecurityLayer,
    /** The limit for one inner frame (ipc.maximum.response.length or ipc.maximum.data.length). */
    maxFrameBytes: number,
    /** Where the bytes come from, for error messages. */
    private readonly what: string,
    limitName?: string,
  ) {
    this.inner = new FrameDecoder(maxFrameBytes, `wrapped ${what}`, limitName);
    this.qop = layer.qop;
  }

  /** The inner frames completed by one SASL message, which must be a WRAP; throws IpcProtocolError otherwise. */
  push(message: RpcSaslMessage): Buffer[] {
    if (message.state !== 'WRAP') {
      throw new IpcProtocolError(`${this.what}: expected a SASL WRAP message after ${this.layer.qop} was negotiated, got ${message.state}`);
    }
    const token = message.token ?? new Uint8Array(0);
    // An empty token is an empty message (the JDK's wrap of zero bytes); the layers see only real ones.
    if (token.length === 0) return [];
    return this.inner.push(this.layer.unwrap(Buffer.from(token.buffer, token.byteOffset, token.byteLength)));
  }

  /** Throws when the stream ended in the middle of a wrapped frame. */
  end(): void {
    this.inner.end();
  }
}

/**
 * The outer WRAP frame is larger than the frames it carries by the SASL header and the layer's
 * overhead (MAC, padding, sequence number; GSS token header). The outer limit is the inner one plus this.
 */
export const WRAP_FRAME_OVERHEAD_BYTES = 64 * 1024;
