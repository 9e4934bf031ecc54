// Packs a directory into a .tar.gz with Node alone (ustar headers, pax records for long names),
// the counterpart of archive-unpack.ts. Symbolic links are followed and stored as what they point
// to, so an archive never depends on paths outside itself (npm's node_modules/.bin links, pnpm
// stores); links that point nowhere are skipped and reported, directory cycles are refused.

import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { ArchiveError } from './archive-unpack.js';

export interface PackDirectoryOptions {
  /** Keep an entry (path relative to the directory, `/`-separated)? Default: everything. */
  filter?: (relativePath: string, isDirectory: boolean) => boolean;
}

export interface PackedArchive {
  /** Files and directories written. */
  entries: number;
  /** Bytes of file content (before compression). */
  contentBytes: number;
  /** Links that point to nothing, left out. */
  skippedLinks: string[];
}

interface PackEntry {
  path: string;
  absolute: string;
  type: 'file' | 'dir';
  size: number;
  mode: number;
  mtimeSeconds: number;
}

const BLOCK = 512;
const MAX_OCTAL_SIZE = 0o77777777777; // 11 octal digits: 8 GiB - 1

/** Writes `dir`'s tree as a gzipped tar to `destFile` (entries relative to `dir`, sorted by name). */
export async function packDirectoryTarGz(dir: string, destFile: string, opts: PackDirectoryOptions = {}): Promise<PackedArchive> {
  const root = await stat(dir).catch(() => undefined);
  if (!root?.isDirectory()) throw new ArchiveError(`cannot pack ${dir}: it is not a directory`);
  const skippedLinks: string[] = [];
  const entries: PackEntry[] = [];
  await collect(dir, '', new Set([await realpath(dir)]), entries, skippedLinks, opts.filter);
  await pipeline(Readable.from(tarBlocks(entries)), createGzip(), createWriteStream(destFile));
  return {
    entries: entries.length,
    contentBytes: entries.reduce((n, e) => n + (e.type === 'file' ? e.size : 0), 0),
    skippedLinks,
  };
}

async function collect(
  absoluteDir: string,
  relativeDir: string,
  ancestors: Set<string>,
  out: PackEntry[],
  skippedLinks: string[],
  filter: PackDirectoryOptions['filter'],
): Promise<void> {
  const names = (await readdir(absoluteDir)).sort();
  for (const name of names) {
    const absolute = join(absoluteDir, name);
    const path = relativeDir ? `${relativeDir}/${name}` : name;
    // stat follows links; a dangling one has nothing to store.
    const st = await stat(absolute).catch(() => undefined);
    if (!st) {
      skippedLinks.push(path);
      continue;
    }
    if (st.isDirectory()) {
      if (filter && !filter(path, true)) continue;
      const real = await realpath(absolute);
      if (ancestors.has(real)) throw new ArchiveError(`cannot pack ${path}: a link makes a directory cycle (it leads back to ${real})`);
      out.push({ path, absolute, type: 'dir', size: 0, mode: 0o755, mtimeSeconds: Math.floor(st.mtimeMs / 1000) });
      await collect(absolute, path, new Set([...ancestors, real]), out, skippedLinks, filter);
    } else if (st.isFile()) {
      if (filter && !filter(path, false)) continue;
      if (st.size > MAX_OCTAL_SIZE) throw new ArchiveError(`cannot pack ${path}: ${st.size} bytes is more than a tar entry holds (8 GiB)`);
      out.push({ path, absolute, type: 'file', size: st.size, mode: st.mode & 0o777, mtimeSeconds: Math.floor(st.mtimeMs / 1000) });
    }
    // Sockets, FIFOs and devices have no content to ship.
  }
}

async function* tarBlocks(entries: PackEntry[]): AsyncGenerator<Buffer> {
  for (const e of entries) {
    const name = e.type === 'dir' ? `${e.path}/` : e.path;
    if (Buffer.byteLength(name) > 100) {
      const record = paxRecord('path', name);
      yield header({ name: 'PaxHeader', size: record.length, mode: 0o644, mtimeSeconds: e.mtimeSeconds, typeflag: 'x' });
      yield padded(record);
    }
    yield header({
      name: truncateUtf8(name, 100),
      size: e.size,
      mode: e.mode,
      mtimeSeconds: e.mtimeSeconds,
      typeflag: e.type === 'dir' ? '5' : '0',
    });
    if (e.type === 'file') {
      let written = 0;
      for await (const chunk of createReadStream(e.absolute)) {
        const buf = chunk as Buffer;
        written += buf.length;
        if (written > e.size) throw new ArchiveError(`cannot pack ${e.path}: the file grew while it was being packed`);
        yield buf;
      }
      if (written !== e.size) throw new ArchiveError(`cannot pack ${e.path}: the file shrank while it was being packed`);
      const rest = (BLOCK - (e.size % BLOCK)) % BLOCK;
      if (rest) yield Buffer.alloc(rest);
    }
  }
  // End of archive: two zero blocks.
  yield Buffer.alloc(BLOCK * 2);
}

/** A pax extended header record: "<length> <key>=<value>\n", where length counts the whole record. */
function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  const bodyBytes = Buffer.byteLength(body);
  let length = bodyBytes + String(bodyBytes).length;
  // Adding the digits may add a digit (e.g. 98 + 2 -> 100).
  if (String(length).length !== String(bodyBytes).length) length = bodyBytes + String(length).length;
  return Buffer.from(`${length}${body}`);
}

function padded(data: Buffer): Buffer {
  const rest = (BLOCK - (data.length % BLOCK)) % BLOCK;
  return rest ? Buffer.concat([data, Buffer.alloc(rest)]) : data;
}

function truncateUtf8(s: string, bytes: number): string {
  const buf = Buffer.from(s);
  return buf.length <= bytes
    ? s
    : buf
        .subarray(0, bytes)
        .toString('utf8')
        .replace(/\uFFFD$/, '');
}

function header(h: { name: string; size: number; mode: number; mtimeSeconds: number; typeflag: string }): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(h.name, 0, 100, 'utf8');
  writeOctal(b, 100, 8, h.mode);
  writeOctal(b, 108, 8, 0); // uid
  writeOctal(b, 116, 8, 0); // gid
  writeOctal(b, 124, 12, h.size);
  writeOctal(b, 136, 12, Math.max(0, h.mtimeSeconds));
  b.write(h.typeflag, 156, 1, 'latin1');
  b.write('ustar\u000000', 257, 8, 'latin1');
  // Checksum: byte sum with the checksum field counted as spaces.
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'latin1');
  return b;
}

function writeOctal(b: Buffer, offset: number, length: number, value: number): void {
  b.write(`${value.toString(8).padStart(length - 1, '0')}\u0000`, offset, length, 'latin1');
}
