/**
 * Local file streams for WebHDFS transfers. Node's defaults (64 KiB reads, 16 KiB of write
 * buffer) cost one thread-pool round trip per 64 KiB and pause the socket whenever a disk write
 * is in flight; 1 MiB reads and a 1 MiB write buffer (chunks that arrive during a write go out
 * together in one writev) keep the socket busy, as curl's and `hdfs dfs`'s own buffered copies do.
 */
import { createReadStream, createWriteStream, type ReadStream, type WriteStream } from 'node:fs';

export const TRANSFER_CHUNK_BYTES = 1 << 20;

/** A local file to upload (CREATE/APPEND body). */
export function localFileReader(path: string): ReadStream {
  return createReadStream(path, { highWaterMark: TRANSFER_CHUNK_BYTES });
}

/** A local file a download (OPEN) is written to; `flags` as fs.open's ('w', 'wx', ...). */
export function localFileWriter(path: string, flags = 'w'): WriteStream {
  return createWriteStream(path, { flags, highWaterMark: TRANSFER_CHUNK_BYTES });
}
