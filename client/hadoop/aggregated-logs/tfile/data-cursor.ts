// Reads Java DataInput values and Hadoop TFile's variable-length integers from a byte array.
import { AggregatedLogFormatError } from '../aggregated-log-errors.js';
import { decodeModifiedUtf8 } from './modified-utf8.js';

/** A read position over bytes; every read past the end is an AggregatedLogFormatError naming `what`. */
export class DataCursor {
  private pos: number;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly what: string,
    start = 0,
    private readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  get position(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private take(n: number): number {
    if (n < 0 || this.pos + n > this.end)
      throw new AggregatedLogFormatError(`${this.what} is truncated: needed ${n} bytes at offset ${this.pos}, ${this.end - this.pos} left`);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  readByte(): number {
    const v = this.bytes[this.take(1)];
    return v >= 128 ? v - 256 : v;
  }

  readUnsignedByte(): number {
    return this.bytes[this.take(1)];
  }

  readUnsignedShort(): number {
    const at = this.take(2);
    return (this.bytes[at] << 8) | this.bytes[at + 1];
  }

  readInt(): number {
    const at = this.take(4);
    return (this.bytes[at] << 24) | (this.bytes[at + 1] << 16) | (this.bytes[at + 2] << 8) | this.bytes[at + 3] | 0;
  }

  /** A Java long; offsets in files we can hold in memory fit a double exactly. */
  readLong(): number {
    const hi = this.readInt();
    const lo = this.readInt() >>> 0;
    return hi * 2 ** 32 + lo;
  }

  readBytes(n: number): Uint8Array {
    const at = this.take(n);
    return this.bytes.subarray(at, at + n);
  }

  /** DataInput.readUTF: an unsigned short length, then Java's modified UTF-8. */
  readUtf(): string {
    return decodeModifiedUtf8(this.readBytes(this.readUnsignedShort()));
  }

  /**
   * TFile's Utils.readVLong: one byte for -32..127; otherwise the first byte says how many bytes
   * follow (2 to 4 with some of the value in the first byte, or 4 to 8 whole bytes).
   */
  readVLong(): number {
    const first = this.readByte();
    if (first >= -32) return first;
    switch (Math.trunc((first + 128) / 8)) {
      case 11:
      case 10:
      case 9:
      case 8:
      case 7:
        return (first + 52) * 2 ** 8 + this.readUnsignedByte();
      case 6:
      case 5:
      case 4:
      case 3:
        return (first + 88) * 2 ** 16 + this.readUnsignedShort();
      case 2:
      case 1:
        return (first + 112) * 2 ** 24 + this.readUnsignedShort() * 2 ** 8 + this.readUnsignedByte();
      default: {
        const len = first + 129;
        let value = this.readByte();
        for (let i = 1; i < len; i++) value = value * 256 + this.readUnsignedByte();
        return value;
      }
    }
  }

  /** Utils.readVInt: a VLong that must fit an int. */
  readVInt(): number {
    const v = this.readVLong();
    if (v > 0x7fffffff || v < -0x80000000)
      throw new AggregatedLogFormatError(`${this.what}: ${v} does not fit an int at offset ${this.pos}`);
    return v;
  }

  /** Utils.readString: a VInt byte length (-1 for null), then UTF-8. */
  readTFileString(): string {
    const len = this.readVInt();
    if (len < 0) return '';
    return new TextDecoder().decode(this.readBytes(len));
  }
}
