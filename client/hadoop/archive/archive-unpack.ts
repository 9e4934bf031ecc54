// Unpacks localized ARCHIVE resources (.tar.gz, .tgz, .tar, .zip, .jar) with Node alone:
// a small ustar/GNU/pax tar reader and a zip central-directory reader (stored + deflate).
// Entries with absolute paths or `..` are refused: an archive must not write outside its dir.

import { LoomError } from '../../errors/loom-error.js';
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { gunzipSync, inflateRawSync } from 'node:zlib';

export class ArchiveError extends LoomError {
  static override readonly code: string = 'ARCHIVE_INVALID';
  override name = 'ArchiveError';
}

export type ArchiveKind = 'tar' | 'tar.gz' | 'zip';

/** The archive kind Hadoop infers from the file name, or undefined (then copied as a file). */
export function archiveKind(fileName: string): ArchiveKind | undefined {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.tar.gz') || lower.endsWith('.tgz')) return 'tar.gz';
  if (lower.endsWith('.tar')) return 'tar';
  if (lower.endsWith('.zip') || lower.endsWith('.jar')) return 'zip';
  return undefined;
}

/** One archive member: a file with its bytes, a directory, or a symlink with its target. */
type Entry =
  | {
      path: string;
      type: 'file';
      data: Buffer;
      /** Permission bits recorded in the archive, so executables stay executable. */
      mode?: number;
    }
  | { path: string; type: 'dir' }
  | { path: string; type: 'symlink'; linkTarget: string };

function safePath(archive: string, raw: string): string {
  const p = raw.replaceAll('\\', '/');
  const normalized = posix.normalize(p);
  if (p.startsWith('/') || normalized === '..' || normalized.startsWith('../') || p.split('/').includes('..')) {
    throw new ArchiveError(`archive ${archive} has an entry outside its directory: "${raw}"; rebuild it with relative paths`);
  }
  return normalized.replace(/\/$/, '');
}

function cString(buf: Buffer, start: number, length: number): string {
  const slice = buf.subarray(start, start + length);
  const nul = slice.indexOf(0);
  return slice.subarray(0, nul < 0 ? slice.length : nul).toString('utf8');
}

function octal(buf: Buffer, start: number, length: number): number {
  const text = cString(buf, start, length).trim();
  return text ? Number.parseInt(text, 8) : 0;
}

function tarEntries(name: string, buf: Buffer): Entry[] {
  const entries: Entry[] = [];
  let offset = 0;
  let longName: string | undefined;
  let paxPath: string | undefined;
  while (offset + 512 <= buf.length) {
    const header = buf.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const size = octal(header, 124, 12);
    const flag = String.fromCharCode(header[156] || 48);
    const dataStart = offset + 512;
    if (dataStart + size > buf.length) throw new ArchiveError(`archive ${name} is truncated (entry at byte ${offset})`);
    const data = buf.subarray(dataStart, dataStart + size);
    offset = dataStart + Math.ceil(size / 512) * 512;
    if (flag === 'L') {
      longName = cString(data, 0, data.length);
      continue;
    }
    if (flag === 'x') {
      const m = /\d+ path=([^\n]*)\n/.exec(data.toString('utf8'));
      paxPath = m?.[1];
      continue;
    }
    if (flag === 'g') continue;
    const prefix = header.subarray(257, 263).toString('latin1').startsWith('ustar') ? cString(header, 345, 155) : '';
    const raw = paxPath ?? longName ?? (prefix ? `${prefix}/${cString(header, 0, 100)}` : cString(header, 0, 100));
    longName = paxPath = undefined;
    const path = safePath(name, raw);
    if (flag === '5') entries.push({ path, type: 'dir' });
    else if (flag === '2') entries.push({ path, type: 'symlink', linkTarget: cString(header, 157, 100) });
    else if (flag === '0' || flag === '7') entries.push({ path, type: 'file', data, mode: octal(header, 100, 8) & 0o777 });
    else throw new ArchiveError(`archive ${name}: entry "${raw}" has unsupported tar type '${flag}'`);
  }
  return entries;
}

function zipEntries(name: string, buf: Buffer): Entry[] {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ArchiveError(`archive ${name} is not a zip file (no end of central directory)`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new ArchiveError(`archive ${name}: corrupt central directory`);
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const externalAttrs = buf.readUInt32LE(p + 38);
    const localOffset = buf.readUInt32LE(p + 42);
    const raw = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    p += 46 + nameLen + extraLen + commentLen;
    const path = safePath(name, raw);
    if (raw.endsWith('/')) {
      entries.push({ path, type: 'dir' });
      continue;
    }
    const dataStart = localOffset + 30 + buf.readUInt16LE(localOffset + 26) + buf.readUInt16LE(localOffset + 28);
    const stored = buf.subarray(dataStart, dataStart + compressedSize);
    let data: Buffer;
    if (method === 0) data = Buffer.from(stored);
    else if (method === 8) data = inflateRawSync(stored);
    else throw new ArchiveError(`archive ${name}: entry "${raw}" uses compression method ${method}; only stored and deflate are supported`);
    const isSymlink = ((externalAttrs >>> 16) & 0o170000) === 0o120000;
    const mode = (externalAttrs >>> 16) & 0o777;
    entries.push(
      isSymlink ? { path, type: 'symlink', linkTarget: data.toString('utf8') } : { path, type: 'file', data, ...(mode ? { mode } : {}) },
    );
  }
  return entries;
}

/** Unpack `data` (the archive's bytes) into `destDir`; returns the relative paths written. */
export async function unpackArchive(name: string, kind: ArchiveKind, data: Buffer, destDir: string): Promise<string[]> {
  const entries = kind === 'zip' ? zipEntries(name, data) : tarEntries(name, kind === 'tar.gz' ? gunzipSync(data) : data);
  await mkdir(destDir, { recursive: true });
  for (const e of entries) {
    const target = join(destDir, e.path);
    if (e.type === 'dir') {
      await mkdir(target, { recursive: true });
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    if (e.type === 'symlink') {
      const link = e.linkTarget;
      if (link.startsWith('/') || posix.normalize(posix.join(posix.dirname(e.path), link)).startsWith('..')) {
        throw new ArchiveError(`archive ${name}: symlink "${e.path}" points outside the archive ("${link}")`);
      }
      await symlink(link, target);
    } else {
      await writeFile(target, e.data);
      // Owner keeps read/write whatever the archive says, so the unpacked tree can be cleaned up.
      if (e.mode) await chmod(target, e.mode | 0o600);
    }
  }
  return entries.map((e) => e.path);
}
