import { IpcProtocolError } from './ipc-errors.js';

/**
 * Hadoop 3.3.6's defaults (core-default.xml): ipc.maximum.data.length, the largest request a
 * server reads (Server.Connection.checkDataLength), and ipc.maximum.response.length, the largest
 * answer a client reads. Both 128 MiB.
 */
export const DEFAULT_MAX_REQUEST_BYTES = 128 * 1024 * 1024;
export const DEFAULT_MAX_RESPONSE_BYTES = 128 * 1024 * 1024;

/**
 * Splits a byte stream into 4-byte big-endian length-prefixed frames. Chunks are kept in a list
 * and joined only when a frame is complete, so a large frame arriving in many TCP segments is
 * copied once. A length above the limit is refused as soon as its prefix arrives: the body is
 * never buffered.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private failed: IpcProtocolError | undefined;

  constructor(
    private maxFrameBytes: number,
    /** Says where the bytes come from in error messages, e.g. "response from 127.0.0.1:8032". */
    private readonly what = 'frame',
    /** Names the setting that bounds the frames, for the error message. */
    private limitName = 'ipc.maximum.data.length / ipc.maximum.response.length',
  ) {}

  /** Bytes received but not yet returned as a frame (a partial frame at the end). */
  get pendingBytes(): number {
    return this.buffered;
  }

  /** A new limit for the frames not yet returned (a server's handshake limit, then its call limit). */
  setLimit(maxFrameBytes: number, limitName: string): void {
    this.maxFrameBytes = maxFrameBytes;
    this.limitName = limitName;
  }

  /** Feeds a chunk; returns every frame body it completed. Throws IpcProtocolError (and stays failed). */
  push(chunk: Uint8Array): Buffer[] {
    this.append(chunk);
    const frames: Buffer[] = [];
    for (let frame = this.next(); frame; frame = this.next()) frames.push(frame);
    return frames;
  }

  /** Feeds a chunk without taking frames out (take them one by one with next()). */
  append(chunk: Uint8Array): void {
    if (this.failed) throw this.failed;
    if (chunk.length > 0) {
      this.chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
      this.buffered += chunk.length;
    }
  }

  /** The next complete frame's body, or undefined until more bytes come. Throws IpcProtocolError on a length above the limit. */
  next(): Buffer | undefined {
    if (this.failed) throw this.failed;
    if (this.buffered < 4) return undefined;
    const length = this.peekLength();
    if (length > this.maxFrameBytes) {
      this.failed = new IpcProtocolError(
        `${this.what} announces ${length} bytes, above the maximum of ${this.maxFrameBytes} (raise ${this.limitName} if this is legitimate)`,
      );
      this.chunks = [];
      this.buffered = 0;
      throw this.failed;
    }
    if (this.buffered < 4 + length) return undefined;
    return this.take(4 + length).subarray(4);
  }

  /** Throws when the stream ended in the middle of a frame. */
  end(): void {
    if (this.buffered > 0 && !this.failed) {
      throw new IpcProtocolError(`${this.what} truncated: the stream ended with ${this.buffered} bytes of an unfinished frame`);
    }
  }

  private peekLength(): number {
    const first = this.chunks[0];
    if (first.length >= 4) return first.readUInt32BE(0);
    return this.take(4, true).readUInt32BE(0);
  }

  private take(n: number, peek = false): Buffer {
    const first = this.chunks[0];
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (peek) return out;
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      const joined = Buffer.concat(this.chunks, this.buffered);
      out = joined.subarray(0, n);
      if (peek) {
        this.chunks = [joined];
        return out;
      }
      this.chunks = joined.length > n ? [joined.subarray(n)] : [];
    }
    this.buffered -= n;
    return out;
  }
}

/** Length-prefixes the concatenation of `parts`. */
export function encodeFrame(parts: readonly Uint8Array[]): Buffer {
  let size = 0;
  for (const p of parts) size += p.length;
  const out = Buffer.allocUnsafe(4 + size);
  out.writeUInt32BE(size, 0);
  let at = 4;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
