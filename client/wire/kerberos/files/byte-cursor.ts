import { KerberosFormatError } from '../kerberos-errors.js';

/** Big-endian reads over a file's bytes that throw KerberosFormatError (naming the file kind) when the bytes run out. */
export class ByteCursor {
  offset = 0;

  constructor(
    private readonly bytes: Buffer,
    private readonly what: string,
  ) {}

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  private take(n: number): Buffer {
    if (n < 0 || this.offset + n > this.bytes.length)
      throw new KerberosFormatError(`${this.what}: cut short at byte ${this.offset} (needed ${n} more, ${this.remaining} left)`);
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  u8(): number {
    return this.take(1)[0];
  }

  u16(): number {
    return this.take(2).readUInt16BE(0);
  }

  u32(): number {
    return this.take(4).readUInt32BE(0);
  }

  i32(): number {
    return this.take(4).readInt32BE(0);
  }

  bytesOf(n: number): Buffer {
    return Buffer.from(this.take(n));
  }

  /** Bytes preceded by a 16-bit length. */
  data16(): Buffer {
    return this.bytesOf(this.u16());
  }

  /** Bytes preceded by a 32-bit length. */
  data32(): Buffer {
    return this.bytesOf(this.u32());
  }
}

/** Big-endian writes collected into one buffer. */
export class ByteWriter {
  private readonly parts: Buffer[] = [];

  u8(v: number): this {
    this.parts.push(Buffer.from([v]));
    return this;
  }

  u16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(v, 0);
    this.parts.push(b);
    return this;
  }

  u32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v >>> 0, 0);
    this.parts.push(b);
    return this;
  }

  i32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v, 0);
    this.parts.push(b);
    return this;
  }

  raw(bytes: Buffer): this {
    this.parts.push(bytes);
    return this;
  }

  data16(bytes: Buffer): this {
    return this.u16(bytes.length).raw(bytes);
  }

  data32(bytes: Buffer): this {
    return this.u32(bytes.length).raw(bytes);
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}
