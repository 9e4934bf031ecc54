// Writes a TFile (unsorted keys, as AggregatedLogFormat.LogWriter makes it) into memory: records
// go into data blocks that close once they reach the minimum block size, then come the meta
// blocks TFile.meta (never compressed) and TFile.index, BCFile's data index, its meta index and
// the tail, in the order TFile.Writer.close and BCFile.Writer.close write them.
import { BCFILE_MAGIC, BCFILE_VERSION, DATA_INDEX_BLOCK, META_NAME_PREFIX, type BlockRegion } from './bcfile.js';
import { DataSink } from './data-sink.js';
import { compressBlock, type TFileCompression } from './tfile-compression.js';
import { TFILE_INDEX_BLOCK, TFILE_META_BLOCK, TFILE_VERSION } from './tfile-reader.js';

/** TFile's tfile.io.chunk.size default: a value longer than this is written in several chunks. */
const CHUNK_SIZE = 1024 * 1024;
/** LogWriter's minBlockSize: "256KB ... Expected log size for each container too". */
export const AGGREGATED_LOG_MIN_BLOCK_SIZE = 256 * 1024;

interface IndexEntry {
  lastKey: Uint8Array;
  records: number;
}

export class TFileWriter {
  private readonly out = new DataSink();
  private block = new DataSink();
  private blockRecords = 0;
  private lastKey: Uint8Array | undefined;
  private firstKey: Uint8Array | undefined;
  private recordCount = 0;
  private readonly dataRegions: BlockRegion[] = [];
  private readonly index: IndexEntry[] = [];

  constructor(
    private readonly compression: TFileCompression,
    /** A block closes once its raw size reaches this (Java measures the compressed bytes flushed so far; for gz Loom's blocks come out larger). */
    private readonly minBlockSize = AGGREGATED_LOG_MIN_BLOCK_SIZE,
  ) {
    this.out.writeBytes(BCFILE_MAGIC);
  }

  append(key: Uint8Array, value: Uint8Array): void {
    if (key.length > 64 * 1024) throw new RangeError(`TFile keys are at most 64 KiB, got ${key.length} bytes`);
    this.firstKey ??= key;
    this.block.writeVLong(key.length);
    this.block.writeBytes(key);
    for (let at = 0; value.length - at >= CHUNK_SIZE; at += CHUNK_SIZE) {
      this.block.writeVLong(-CHUNK_SIZE);
      this.block.writeBytes(value.subarray(at, at + CHUNK_SIZE));
    }
    const tail = value.subarray(value.length - (value.length % CHUNK_SIZE));
    this.block.writeVLong(tail.length);
    this.block.writeBytes(tail);
    this.lastKey = key;
    this.blockRecords++;
    this.recordCount++;
    if (this.block.length >= this.minBlockSize) this.finishDataBlock();
  }

  private writeBlock(raw: Uint8Array, compression: TFileCompression): BlockRegion {
    const stored = compressBlock(compression, raw);
    const region = { offset: this.out.length, compressedSize: stored.length, rawSize: raw.length };
    this.out.writeBytes(stored);
    return region;
  }

  private finishDataBlock(): void {
    if (this.blockRecords === 0 || !this.lastKey) return;
    this.dataRegions.push(this.writeBlock(this.block.toBytes(), this.compression));
    this.index.push({ lastKey: this.lastKey, records: this.blockRecords });
    this.block = new DataSink();
    this.blockRecords = 0;
  }

  /** The whole file. */
  finish(): Uint8Array {
    this.finishDataBlock();
    const metaRegions = new Map<string, { compression: TFileCompression; region: BlockRegion }>();

    const meta = new DataSink();
    meta.writeShort(TFILE_VERSION.major);
    meta.writeShort(TFILE_VERSION.minor);
    meta.writeVLong(this.recordCount);
    meta.writeTFileString('');
    metaRegions.set(TFILE_META_BLOCK, { compression: 'none', region: this.writeBlock(meta.toBytes(), 'none') });

    const index = new DataSink();
    if (!this.firstKey) index.writeVLong(0);
    else {
      const first = new DataSink();
      first.writeVLong(this.firstKey.length);
      first.writeBytes(this.firstKey);
      index.writeVLong(first.length);
      index.writeBytes(first.toBytes());
      for (const e of this.index) {
        const entry = new DataSink();
        entry.writeVLong(e.lastKey.length);
        entry.writeBytes(e.lastKey);
        entry.writeVLong(e.records);
        index.writeVLong(entry.length);
        index.writeBytes(entry.toBytes());
      }
    }
    metaRegions.set(TFILE_INDEX_BLOCK, { compression: this.compression, region: this.writeBlock(index.toBytes(), this.compression) });

    const dataIndex = new DataSink();
    dataIndex.writeTFileString(this.compression);
    dataIndex.writeVLong(this.dataRegions.length);
    for (const r of this.dataRegions) writeRegion(dataIndex, r);
    metaRegions.set(DATA_INDEX_BLOCK, { compression: this.compression, region: this.writeBlock(dataIndex.toBytes(), this.compression) });

    const metaIndexOffset = this.out.length;
    // BCFile's MetaIndex is a TreeMap: entries sorted by name.
    const names = [...metaRegions.keys()].sort();
    this.out.writeVLong(names.length);
    for (const name of names) {
      const { compression, region } = metaRegions.get(name) as { compression: TFileCompression; region: BlockRegion };
      this.out.writeTFileString(META_NAME_PREFIX + name);
      this.out.writeTFileString(compression);
      writeRegion(this.out, region);
    }
    this.out.writeLong(metaIndexOffset);
    this.out.writeShort(BCFILE_VERSION.major);
    this.out.writeShort(BCFILE_VERSION.minor);
    this.out.writeBytes(BCFILE_MAGIC);
    return this.out.toBytes();
  }
}

function writeRegion(sink: DataSink, r: BlockRegion): void {
  sink.writeVLong(r.offset);
  sink.writeVLong(r.compressedSize);
  sink.writeVLong(r.rawSize);
}
