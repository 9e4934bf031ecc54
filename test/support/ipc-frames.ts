import { readVarint32 } from '../../client/wire/codec/protobuf-codec.js';

/**
 * Test-side splitting of recorded Hadoop IPC byte streams (the product's framing lives in
 * client/wire/ipc). Kept independent of it on purpose, so that fixture tests do not trust the code
 * they check.
 */

export const PREAMBLE_LENGTH = 7;

export interface IpcPreamble {
  magic: string;
  version: number;
  serviceClass: number;
  /** 0 = none (SIMPLE), -33 = SASL. */
  authProtocol: number;
}

export interface IpcFrame {
  /** Offset of the 4-byte length prefix in its direction's stream. */
  offset: number;
  /** The frame body (after the length prefix). */
  body: Buffer;
  /** The varint-delimited message bodies inside the frame, in order, without their prefixes. */
  messages: Buffer[];
}

export function parsePreamble(stream: Buffer): IpcPreamble {
  if (stream.length < PREAMBLE_LENGTH) throw new Error(`stream of ${stream.length} bytes is shorter than the preamble`);
  return {
    magic: stream.subarray(0, 4).toString('latin1'),
    version: stream[4],
    serviceClass: stream[5],
    authProtocol: stream.readInt8(6),
  };
}

/** Splits `stream` from `start` into length-prefixed frames; a truncated tail is an error. */
export function splitFrames(stream: Buffer, start = 0): IpcFrame[] {
  const frames: IpcFrame[] = [];
  let pos = start;
  while (pos < stream.length) {
    if (pos + 4 > stream.length) throw new Error(`truncated length prefix at offset ${pos}`);
    const len = stream.readUInt32BE(pos);
    if (pos + 4 + len > stream.length) throw new Error(`frame at offset ${pos} claims ${len} bytes, only ${stream.length - pos - 4} left`);
    const body = stream.subarray(pos + 4, pos + 4 + len);
    frames.push({ offset: pos, body, messages: splitDelimited(body) });
    pos += 4 + len;
  }
  return frames;
}

/** Splits a frame body into its varint-length-delimited messages. */
export function splitDelimited(body: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < body.length) {
    const { value: len, next } = readVarint32(body, pos);
    if (next + len > body.length) throw new Error(`message at frame offset ${pos} claims ${len} bytes, only ${body.length - next} left`);
    out.push(body.subarray(next, next + len));
    pos = next + len;
  }
  return out;
}
