// TFile's records (hadoop-common io/file/tfile/TFile.java) read from a whole file in memory.
// A data block is a run of records: the key as a VInt length and its bytes, then the value as
// chunks (Chunk.ChunkEncoder): a VInt length and that many bytes, negative for a chunk that more
// chunks follow, zero or positive for the last one. The meta block "TFile.meta" holds TFile's
// version, the record count and the comparator ("" for unsorted files, as YARN writes them).
import { AggregatedLogFormatError } from '../aggregated-log-errors.js';
import { parseBcFile } from './bcfile.js';
import { DataCursor } from './data-cursor.js';

export const TFILE_META_BLOCK = 'TFile.meta';
export const TFILE_INDEX_BLOCK = 'TFile.index';
/** TFile.API_VERSION. */
export const TFILE_VERSION = { major: 1, minor: 0 } as const;

export interface TFileRecord {
  key: Uint8Array;
  value: Uint8Array;
}

function readValue(cursor: DataCursor): Uint8Array {
  const parts: Uint8Array[] = [];
  for (;;) {
    const len = cursor.readVInt();
    parts.push(cursor.readBytes(Math.abs(len)));
    if (len >= 0) break;
  }
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Every key/value record of a TFile, in file order. */
export function readTFileRecords(file: Uint8Array): TFileRecord[] {
  const bc = parseBcFile(file);
  const metaBytes = bc.metaBlocks.get(TFILE_META_BLOCK);
  if (!metaBytes) throw new AggregatedLogFormatError(`not a TFile: no ${TFILE_META_BLOCK} meta block`);
  const meta = new DataCursor(metaBytes, `the ${TFILE_META_BLOCK} block`);
  const major = meta.readUnsignedShort();
  meta.readUnsignedShort();
  if (major !== TFILE_VERSION.major)
    throw new AggregatedLogFormatError(`TFile version ${major} is not readable (Loom reads ${TFILE_VERSION.major}.x)`);
  const recordCount = meta.readVLong();
  const records: TFileRecord[] = [];
  bc.dataBlocks.forEach((block, i) => {
    const cursor = new DataCursor(block, `TFile data block ${i}`);
    while (cursor.remaining > 0) {
      const key = cursor.readBytes(cursor.readVInt());
      records.push({ key, value: readValue(cursor) });
    }
  });
  if (records.length !== recordCount)
    throw new AggregatedLogFormatError(`TFile holds ${records.length} records, its ${TFILE_META_BLOCK} says ${recordCount}`);
  return records;
}
