// TFile's Compression.Algorithm names and codecs. "gz" is Hadoop's DefaultCodec: a zlib stream
// (RFC 1950), not a gzip file; each BCFile block is compressed on its own. "lzo" needs a native
// codec Hadoop does not ship, so Loom neither reads nor writes it.
import { deflateSync, inflateSync } from 'node:zlib';
import { AggregatedLogFormatError } from '../aggregated-log-errors.js';

export type TFileCompression = 'none' | 'gz';

export function isTFileCompression(name: string): name is TFileCompression {
  return name === 'none' || name === 'gz';
}

export function decompressBlock(algorithm: string, bytes: Uint8Array, rawSize: number): Uint8Array {
  if (algorithm === 'none') return bytes;
  if (algorithm === 'gz') {
    const raw = inflateSync(bytes);
    if (raw.length !== rawSize) throw new AggregatedLogFormatError(`a gz block inflated to ${raw.length} bytes, its index says ${rawSize}`);
    return new Uint8Array(raw.buffer, raw.byteOffset, raw.length);
  }
  throw new AggregatedLogFormatError(
    `TFile block compressed with "${algorithm}", which Loom cannot read (it reads none and gz); set yarn.nodemanager.log-aggregation.compression-type to none or gz`,
  );
}

export function compressBlock(algorithm: TFileCompression, bytes: Uint8Array): Uint8Array {
  if (algorithm === 'none') return bytes;
  const out = deflateSync(bytes);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}
