import protobuf from 'protobufjs';
import { CodecError } from './codec-error.js';
import type { ProtoMessageName, ProtoMessages } from './generated/proto-messages.js';
import { protoRootWith } from './proto-root.js';

/**
 * Plain-object encode/decode of Hadoop protobuf messages by fully qualified name
 * (e.g. `hadoop.yarn.ApplicationIdProto`), typed by the interfaces generated from proto/
 * (scripts/generate-protocol-types.mjs writes generated/proto-messages.ts in this exact shape).
 *
 * Decoded objects keep proto2 presence: absent fields are absent (no defaults filled in),
 * 64-bit integers become numbers, enums become their names, bytes stay Buffers.
 */
export type { ProtoMessageName, ProtoMessages } from './generated/proto-messages.js';

const typeCache = new Map<string, protobuf.Type>();

export function messageType(name: ProtoMessageName): protobuf.Type {
  let t = typeCache.get(name);
  if (!t) {
    try {
      t = protoRootWith(name).lookupType(name);
    } catch (err) {
      throw new CodecError(`unknown protobuf message type ${name}`, { cause: err });
    }
    typeCache.set(name, t);
  }
  return t;
}

const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: String, defaults: false, arrays: false };

export function encodeMessage<N extends ProtoMessageName>(name: N, value: ProtoMessages[N]): Uint8Array {
  const t = messageType(name);
  // fromObject accepts enum names and Buffers/Uint8Arrays for bytes; unknown keys are ignored.
  const msg = t.fromObject(value);
  return t.encode(msg).finish();
}

export function decodeMessage<N extends ProtoMessageName>(name: N, bytes: Uint8Array): ProtoMessages[N] {
  const t = messageType(name);
  let msg: protobuf.Message;
  try {
    msg = t.decode(bytes);
  } catch (err) {
    throw new CodecError(`cannot decode ${shortName(name)}: ${(err as Error).message}`, { cause: err });
  }
  // The generated interfaces describe exactly what toObject builds with TO_OBJECT.
  return t.toObject(msg, TO_OBJECT) as ProtoMessages[N];
}

/** Reads one varint-length-delimited message at `offset`; returns it and the offset after it. */
export function decodeDelimited<N extends ProtoMessageName>(
  name: N,
  buf: Uint8Array,
  offset: number,
): { value: ProtoMessages[N]; next: number } {
  const { value: len, next } = readVarint32(buf, offset);
  if (next + len > buf.length) {
    throw new CodecError(`${shortName(name)} claims ${len} bytes but only ${buf.length - next} remain in the frame`);
  }
  return { value: decodeMessage(name, buf.subarray(next, next + len)), next: next + len };
}

export function encodeDelimited<N extends ProtoMessageName>(name: N, value: ProtoMessages[N]): Uint8Array {
  return withVarintPrefix(encodeMessage(name, value));
}

export function withVarintPrefix(body: Uint8Array): Uint8Array {
  const prefix = encodeVarint32(body.length);
  const out = new Uint8Array(prefix.length + body.length);
  out.set(prefix, 0);
  out.set(body, prefix.length);
  return out;
}

export function encodeVarint32(value: number): Uint8Array {
  const bytes: number[] = [];
  let v = value >>> 0;
  while (v > 0x7f) {
    bytes.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  bytes.push(v);
  return Uint8Array.from(bytes);
}

export function readVarint32(buf: Uint8Array, offset: number): { value: number; next: number } {
  let result = 0;
  let shift = 0;
  let pos = offset;
  for (;;) {
    if (pos >= buf.length) throw new CodecError('truncated varint length prefix');
    const b = buf[pos++];
    if (shift < 28) result |= (b & 0x7f) << shift;
    else if (shift === 28) result += (b & 0x0f) * 2 ** 28;
    else if (shift > 63) throw new CodecError('varint length prefix longer than 10 bytes');
    if ((b & 0x80) === 0) break;
    shift += 7;
  }
  if (result < 0 || result > 0x7fffffff) throw new CodecError(`varint length ${result} out of range`);
  return { value: result >>> 0, next: pos };
}

function shortName(name: ProtoMessageName): string {
  return name.slice(name.lastIndexOf('.') + 1);
}
