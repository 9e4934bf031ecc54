import { CodecError } from './codec-error.js';

/**
 * Hadoop's `Writable` primitives as used by token and credentials files:
 * `WritableUtils` variable-length integers and `Text`.
 *
 * VLong layout: values in -112..127 are one byte. Otherwise a first byte tells sign and length
 * (-113..-120: positive, 1..8 bytes follow; -121..-128: negative, 1..8 bytes follow holding the
 * one's complement), then the magnitude big-endian. A VInt is the same encoding limited to int32.
 */

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export function encodeVLong(value: bigint | number): Buffer {
  let v = BigInt(value);
  if (v < INT64_MIN || v > INT64_MAX) throw new RangeError(`vlong ${v} does not fit in 64 bits`);
  if (v >= -112n && v <= 127n) return Buffer.from([Number(v) & 0xff]);
  let lenByte = -112;
  if (v < 0n) {
    v = ~v; // one's complement keeps the magnitude positive
    lenByte = -120;
  }
  const bytes: number[] = [];
  for (let tmp = v; tmp !== 0n; tmp >>= 8n) {
    bytes.unshift(Number(tmp & 0xffn));
    lenByte--;
  }
  return Buffer.from([lenByte & 0xff, ...bytes]);
}

export function encodeVInt(value: number): Buffer {
  if (!Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
    throw new RangeError(`vint ${value} is not a 32-bit integer`);
  }
  return encodeVLong(value);
}

/** `Text`: vint byte length, then UTF-8. */
export function encodeText(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([encodeVInt(bytes.length), bytes]);
}

/** A byte array as Hadoop writes token identifiers, passwords and secrets: vint length, bytes. */
export function encodeVIntBytes(bytes: Uint8Array): Buffer {
  return Buffer.concat([encodeVInt(bytes.length), bytes]);
}

/**
 * Sequential reader over Writable-encoded bytes. `what` names the data (a file path, "token")
 * so that truncation errors tell the user which input is broken.
 */
export class WritableReader {
  private pos: number;

  constructor(
    private readonly buf: Uint8Array,
    offset = 0,
    private readonly what = 'Writable data',
  ) {
    this.pos = offset;
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  readByte(field: string): number {
    if (this.pos >= this.buf.length) throw this.truncated(field, 1);
    return this.buf[this.pos++];
  }

  readVLong(field: string): bigint {
    const first = (this.readByte(field) << 24) >> 24; // as a signed Java byte
    if (first >= -112) return BigInt(first);
    const negative = first < -120;
    const size = negative ? -120 - first : -112 - first;
    if (this.remaining < size) throw this.truncated(field, size);
    let v = 0n;
    for (let i = 0; i < size; i++) v = (v << 8n) | BigInt(this.buf[this.pos++]);
    // An 8-byte magnitude can exceed 63 bits only in corrupt data; Java would silently wrap.
    if (v > INT64_MAX)
      throw new CodecError(`${this.what}: ${field} is not a valid vlong (magnitude over 63 bits) at offset ${this.pos - size - 1}`);
    return negative ? ~v : v;
  }

  readVInt(field: string): number {
    const start = this.pos;
    const v = this.readVLong(field);
    if (v < BigInt(INT32_MIN) || v > BigInt(INT32_MAX)) {
      throw new CodecError(`${this.what}: ${field} at offset ${start} is ${v}, which does not fit in a 32-bit vint`);
    }
    return Number(v);
  }

  /** A vint length that must be >= 0 and not longer than what is left. */
  readLength(field: string): number {
    const start = this.pos;
    const len = this.readVInt(`${field} length`);
    if (len < 0) throw new CodecError(`${this.what}: ${field} length at offset ${start} is negative (${len}); the data is corrupt`);
    if (len > this.remaining) {
      throw new CodecError(
        `${this.what}: truncated ${field}: length at offset ${start} says ${len} bytes but only ${this.remaining} remain`,
      );
    }
    return len;
  }

  readBytes(len: number, field: string): Buffer {
    if (len > this.remaining) throw this.truncated(field, len);
    const out = Buffer.from(this.buf.subarray(this.pos, this.pos + len));
    this.pos += len;
    return out;
  }

  readVIntBytes(field: string): Buffer {
    return this.readBytes(this.readLength(field), field);
  }

  /** Hadoop decodes Text leniently (malformed UTF-8 becomes U+FFFD); so do we. */
  readText(field: string): string {
    return this.readVIntBytes(field).toString('utf8');
  }

  private truncated(field: string, wanted: number): CodecError {
    return new CodecError(
      `${this.what}: truncated ${field}: needs ${wanted} byte(s) at offset ${this.pos} but only ${this.remaining} remain`,
    );
  }
}
