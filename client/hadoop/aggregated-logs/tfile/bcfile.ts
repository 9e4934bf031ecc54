// BCFile, the block container under TFile (hadoop-common io/file/tfile/BCFile.java):
//   magic (16 bytes) | data blocks | meta blocks | meta index | offset of the meta index (long) |
//   version (short major, short minor) | magic.
// The meta index is a VInt count of entries, each "data:<name>" and its compression name
// (Utils strings), then its region (VLong offset, compressed size, raw size). The meta block
// "BCFile.index" holds the data blocks' compression name and their regions.
import { AggregatedLogFormatError } from '../aggregated-log-errors.js';
import { DataCursor } from './data-cursor.js';
import { decompressBlock } from './tfile-compression.js';

export const BCFILE_MAGIC = Uint8Array.from([
  0xd1, 0x11, 0xd3, 0x68, 0x91, 0xb5, 0xd7, 0xb6, 0x39, 0xdf, 0x41, 0x40, 0x92, 0xba, 0xe1, 0x50,
]);
/** BCFile.API_VERSION: readers accept files of the same major version. */
export const BCFILE_VERSION = { major: 1, minor: 0 } as const;
export const DATA_INDEX_BLOCK = 'BCFile.index';
export const META_NAME_PREFIX = 'data:';

export interface BlockRegion {
  offset: number;
  compressedSize: number;
  rawSize: number;
}

export interface BcFile {
  version: { major: number; minor: number };
  /** The compression of every data block (and of meta blocks written without their own). */
  dataCompression: string;
  /** Uncompressed data blocks, in file order. */
  dataBlocks: Uint8Array[];
  /** Uncompressed meta blocks by name (without the "data:" prefix). */
  metaBlocks: Map<string, Uint8Array>;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function readRegion(cursor: DataCursor): BlockRegion {
  return { offset: cursor.readVLong(), compressedSize: cursor.readVLong(), rawSize: cursor.readVLong() };
}

function blockBytes(file: Uint8Array, region: BlockRegion, compression: string, what: string): Uint8Array {
  const end = region.offset + region.compressedSize;
  if (region.offset < 0 || region.compressedSize < 0 || end > file.length)
    throw new AggregatedLogFormatError(
      `${what} lies outside the file (offset ${region.offset}, size ${region.compressedSize}, file ${file.length} bytes)`,
    );
  return decompressBlock(compression, file.subarray(region.offset, end), region.rawSize);
}

export function parseBcFile(file: Uint8Array): BcFile {
  const tailSize = BCFILE_MAGIC.length + 4 + 8;
  if (file.length < BCFILE_MAGIC.length + tailSize || !sameBytes(file.subarray(0, 16), BCFILE_MAGIC))
    throw new AggregatedLogFormatError('not a TFile: the BCFile magic is missing (is this an aggregated log of the TFile format?)');
  const tail = new DataCursor(file, 'the BCFile tail', file.length - tailSize);
  const metaIndexOffset = tail.readLong();
  const version = { major: tail.readUnsignedShort(), minor: tail.readUnsignedShort() };
  if (!sameBytes(tail.readBytes(16), BCFILE_MAGIC))
    throw new AggregatedLogFormatError('not a complete TFile: the trailing BCFile magic is missing');
  if (version.major !== BCFILE_VERSION.major)
    throw new AggregatedLogFormatError(
      `BCFile version ${version.major}.${version.minor} is not readable (Loom reads ${BCFILE_VERSION.major}.x)`,
    );
  const index = new DataCursor(file, 'the BCFile meta index', metaIndexOffset, file.length - tailSize);
  const count = index.readVInt();
  const metaBlocks = new Map<string, Uint8Array>();
  for (let i = 0; i < count; i++) {
    const fullName = index.readTFileString();
    if (!fullName.startsWith(META_NAME_PREFIX)) throw new AggregatedLogFormatError(`corrupt BCFile meta index: entry "${fullName}"`);
    const name = fullName.slice(META_NAME_PREFIX.length);
    const compression = index.readTFileString();
    metaBlocks.set(name, blockBytes(file, readRegion(index), compression, `meta block ${name}`));
  }
  const dataIndexBytes = metaBlocks.get(DATA_INDEX_BLOCK);
  if (!dataIndexBytes) throw new AggregatedLogFormatError(`corrupt BCFile: no ${DATA_INDEX_BLOCK} meta block`);
  const dataIndex = new DataCursor(dataIndexBytes, `the ${DATA_INDEX_BLOCK} block`);
  const dataCompression = dataIndex.readTFileString();
  const blocks = dataIndex.readVInt();
  const dataBlocks: Uint8Array[] = [];
  for (let i = 0; i < blocks; i++) dataBlocks.push(blockBytes(file, readRegion(dataIndex), dataCompression, `data block ${i}`));
  return { version, dataCompression, dataBlocks, metaBlocks };
}
