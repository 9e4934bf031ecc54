/**
 * GETFILECHECKSUM as HDFS computes it for a replicated file (MD5MD5CRC32CastagnoliFileChecksum):
 * per block, MD5 over the big-endian CRC-32C of each 512-byte chunk; for the file, MD5 over the
 * block MD5s. Two Java quirks are part of the answer: the file MD5 is taken over the whole
 * backing array of a DataOutputBuffer (block MD5s then zero padding up to its capacity), and
 * `bytes` is the Writable form (bytesPerCRC, crcPerBlock, md5) likewise padded to 32 bytes.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { crc32c } from './crc32c.js';

export const BYTES_PER_CRC = 512;

export interface FileChecksumJson {
  algorithm: string;
  bytes: string;
  length: number;
}

/** Capacity of a Java DataOutputBuffer (initial 32 bytes, grows to max(2x, needed)) after writing `size` bytes. */
function dataOutputBufferCapacity(size: number): number {
  let capacity = 32;
  while (capacity < size) capacity = Math.max(capacity * 2, size);
  return capacity;
}

function padded(bytes: Buffer): Buffer {
  const out = Buffer.alloc(dataOutputBufferCapacity(bytes.length));
  bytes.copy(out);
  return out;
}

export async function computeFileChecksum(blockFile: string, fileLength: number, blockSize: number): Promise<FileChecksumJson> {
  const blockMd5s: Buffer[] = [];
  let blockCrcs: Buffer[] = [];
  let blockFill = 0;
  let chunk = Buffer.alloc(0);
  const flushChunk = () => {
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32c(chunk));
    blockCrcs.push(crc);
    chunk = Buffer.alloc(0);
  };
  const flushBlock = () => {
    if (chunk.length > 0) flushChunk();
    blockMd5s.push(createHash('md5').update(Buffer.concat(blockCrcs)).digest());
    blockCrcs = [];
    blockFill = 0;
  };
  if (fileLength > 0) {
    // Stream the file: never hold more than one chunk of it.
    for await (const piece of createReadStream(blockFile, { start: 0, end: fileLength - 1 }) as AsyncIterable<Buffer>) {
      let at = 0;
      while (at < piece.length) {
        const take = Math.min(piece.length - at, BYTES_PER_CRC - chunk.length, blockSize - blockFill);
        chunk = Buffer.concat([chunk, piece.subarray(at, at + take)]);
        at += take;
        blockFill += take;
        if (blockFill === blockSize) flushBlock();
        else if (chunk.length === BYTES_PER_CRC) flushChunk();
      }
    }
    if (blockFill > 0) flushBlock();
  }
  const crcPerBlock = blockMd5s.length > 1 ? Math.floor(blockSize / BYTES_PER_CRC) : 0;
  const fileMd5 = createHash('md5')
    .update(padded(Buffer.concat(blockMd5s)))
    .digest();
  const writable = Buffer.alloc(28);
  writable.writeInt32BE(BYTES_PER_CRC, 0);
  writable.writeBigInt64BE(BigInt(crcPerBlock), 4);
  fileMd5.copy(writable, 12);
  return {
    algorithm: `MD5-of-${crcPerBlock}MD5-of-${BYTES_PER_CRC}CRC32C`,
    bytes: padded(writable).toString('hex'),
    length: writable.length,
  };
}
