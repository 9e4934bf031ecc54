// Writes Java DataOutput values and TFile's variable-length integers into a growing byte array.
import { encodeModifiedUtf8 } from './modified-utf8.js';

export class DataSink {
  private buf = new Uint8Array(1024);
  private len = 0;

  get length(): number {
    return this.len;
  }

  private room(n: number): number {
    if (this.len + n > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    const at = this.len;
    this.len += n;
    return at;
  }

  writeByte(v: number): void {
    const at = this.room(1);
    this.buf[at] = v & 0xff;
  }

  writeShort(v: number): void {
    const at = this.room(2);
    this.buf[at] = (v >> 8) & 0xff;
    this.buf[at + 1] = v & 0xff;
  }

  writeInt(v: number): void {
    const at = this.room(4);
    for (let i = 0; i < 4; i++) this.buf[at + i] = (v >>> (24 - 8 * i)) & 0xff;
  }

  writeLong(v: number): void {
    this.writeInt(Math.floor(v / 2 ** 32));
    this.writeInt(v >>> 0);
  }

  writeBytes(bytes: Uint8Array): void {
    // room() may replace the buffer: take the offset first.
    const at = this.room(bytes.length);
    this.buf.set(bytes, at);
  }

  /** DataOutput.writeUTF. */
  writeUtf(text: string): void {
    const bytes = encodeModifiedUtf8(text);
    if (bytes.length > 0xffff) throw new RangeError(`writeUTF takes at most 65535 bytes, got ${bytes.length}`);
    this.writeShort(bytes.length);
    this.writeBytes(bytes);
  }

  /** TFile's Utils.writeVLong (the inverse of DataCursor.readVLong); values within ±2^53. */
  writeVLong(n: number): void {
    if (n < 128 && n >= -32) {
      this.writeByte(n);
      return;
    }
    // Bytes needed with the sign bit, as (Long.SIZE - numberOfLeadingZeros(un)) / 8 + 1.
    const un = n < 0 ? -n - 1 : n;
    const len = Math.floor(un.toString(2).length / 8) + 1;
    // Java's switch falls through from len to 4, shifting the first byte each time.
    const shifted = (stage: number) => Math.floor(n / 2 ** ((stage - 1) * 8));
    if (len <= 2 && shifted(2) < 20 && shifted(2) >= -20) {
      this.writeByte(shifted(2) - 52);
      this.writeByte(n);
    } else if (len <= 3 && shifted(3) < 16 && shifted(3) >= -16) {
      this.writeByte(shifted(3) - 88);
      this.writeShort(n);
    } else if (len <= 4 && shifted(4) < 8 && shifted(4) >= -8) {
      this.writeByte(shifted(4) - 112);
      this.writeShort(Math.floor(n / 2 ** 8));
      this.writeByte(n);
    } else {
      const bytes = Math.max(4, len);
      this.writeByte(bytes - 129);
      for (let i = bytes - 1; i >= 0; i--) this.writeByte(Math.floor(n / 2 ** (8 * i)));
    }
  }

  /** Utils.writeString: VInt byte length, then UTF-8. */
  writeTFileString(text: string): void {
    const bytes = new TextEncoder().encode(text);
    this.writeVLong(bytes.length);
    this.writeBytes(bytes);
  }

  toBytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}
