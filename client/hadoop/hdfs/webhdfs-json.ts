/**
 * The JSON bodies WebHDFS answers with, as typed values. Pure functions over parsed JSON: they
 * check every field they promise, so a malformed body becomes a WebHdfsProtocolError that names
 * the field instead of an `undefined` deep inside a caller.
 */
import { WebHdfsProtocolError, type RemoteExceptionBody } from './webhdfs-errors.js';

export interface HdfsFileStatus {
  pathSuffix: string;
  type: 'FILE' | 'DIRECTORY' | 'SYMLINK';
  length: number;
  owner: string;
  group: string;
  /** Octal string as Hadoop sends it, e.g. `"644"` (may carry a sticky bit: `"1777"`). */
  permission: string;
  accessTime: number;
  modificationTime: number;
  blockSize: number;
  replication: number;
  fileId?: number;
  childrenNum?: number;
  storagePolicy?: number;
  symlink?: string;
  /** Set (true) when the inode has an ACL beyond its permission bits (`ls` prints a `+`). */
  aclBit?: boolean;
}

/** The FsServerDefaults fields Loom reads (GETSERVERDEFAULTS). */
export interface HdfsServerDefaults {
  /** fs.trash.interval on the NameNode, in minutes (0: the server does not set one). */
  trashInterval: number;
  blockSize?: number;
  replication?: number;
}

export interface HdfsContentSummary {
  directoryCount: number;
  fileCount: number;
  length: number;
  quota: number;
  spaceConsumed: number;
  spaceQuota: number;
  ecPolicy?: string;
  snapshotDirectoryCount?: number;
  snapshotFileCount?: number;
  snapshotLength?: number;
  snapshotSpaceConsumed?: number;
  typeQuota?: Record<string, unknown>;
}

export interface HdfsFileChecksum {
  algorithm: string;
  /** Hex string. */
  bytes: string;
  length: number;
}

export interface DirectoryListingPage {
  entries: HdfsFileStatus[];
  remainingEntries: number;
}

type Json = Record<string, unknown>;

function fail(what: string, body: unknown): never {
  const text = body === undefined ? 'nothing' : JSON.stringify(body).slice(0, 200);
  throw new WebHdfsProtocolError(`unexpected WebHDFS answer: ${what} (got ${text})`);
}

function objectField(body: unknown, key: string): Json {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) fail(`expected a JSON object with "${key}"`, body);
  const v = (body as Json)[key];
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(`"${key}" is not an object`, body);
  return v as Json;
}

function num(o: Json, key: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(`"${key}" is not a number`, o);
  return v;
}

function optionalNum(o: Json, key: string): number | undefined {
  return o[key] === undefined ? undefined : num(o, key);
}

function str(o: Json, key: string): string {
  const v = o[key];
  if (typeof v !== 'string') fail(`"${key}" is not a string`, o);
  return v;
}

function optionalStr(o: Json, key: string): string | undefined {
  return o[key] === undefined ? undefined : str(o, key);
}

/** `{"RemoteException": {...}}` or undefined when the body is not one. */
export function parseRemoteException(body: unknown): RemoteExceptionBody | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const re = (body as Json).RemoteException;
  if (re === null || typeof re !== 'object') return undefined;
  const r = re as Json;
  const exception = typeof r.exception === 'string' ? r.exception : '';
  const javaClassName = typeof r.javaClassName === 'string' ? r.javaClassName : '';
  const message = typeof r.message === 'string' ? r.message : '';
  if (!exception && !javaClassName) return undefined;
  return { exception, javaClassName, message };
}

export function fileStatusFromJson(o: Json): HdfsFileStatus {
  const type = str(o, 'type');
  if (type !== 'FILE' && type !== 'DIRECTORY' && type !== 'SYMLINK') fail(`unknown file type "${type}"`, o);
  const status: HdfsFileStatus = {
    pathSuffix: str(o, 'pathSuffix'),
    type,
    length: num(o, 'length'),
    owner: str(o, 'owner'),
    group: str(o, 'group'),
    permission: str(o, 'permission'),
    accessTime: num(o, 'accessTime'),
    modificationTime: num(o, 'modificationTime'),
    blockSize: num(o, 'blockSize'),
    replication: num(o, 'replication'),
  };
  for (const key of ['fileId', 'childrenNum', 'storagePolicy'] as const) {
    const v = optionalNum(o, key);
    if (v !== undefined) status[key] = v;
  }
  const symlink = optionalStr(o, 'symlink');
  if (symlink !== undefined) status.symlink = symlink;
  if (o.aclBit === true) status.aclBit = true;
  return status;
}

export function parseFileStatus(body: unknown): HdfsFileStatus {
  return fileStatusFromJson(objectField(body, 'FileStatus'));
}

function statusArray(container: Json): HdfsFileStatus[] {
  const list = container.FileStatus;
  if (!Array.isArray(list)) fail('"FileStatus" is not a list', container);
  return list.map((e) => {
    if (e === null || typeof e !== 'object') fail('a FileStatus entry is not an object', e);
    return fileStatusFromJson(e as Json);
  });
}

export function parseFileStatuses(body: unknown): HdfsFileStatus[] {
  return statusArray(objectField(body, 'FileStatuses'));
}

export function parseDirectoryListing(body: unknown): DirectoryListingPage {
  const listing = objectField(body, 'DirectoryListing');
  const partial = objectField(listing, 'partialListing');
  return {
    entries: statusArray(objectField(partial, 'FileStatuses')),
    remainingEntries: num(listing, 'remainingEntries'),
  };
}

export function parseContentSummary(body: unknown): HdfsContentSummary {
  const o = objectField(body, 'ContentSummary');
  const summary: HdfsContentSummary = {
    directoryCount: num(o, 'directoryCount'),
    fileCount: num(o, 'fileCount'),
    length: num(o, 'length'),
    quota: num(o, 'quota'),
    spaceConsumed: num(o, 'spaceConsumed'),
    spaceQuota: num(o, 'spaceQuota'),
  };
  for (const key of ['snapshotDirectoryCount', 'snapshotFileCount', 'snapshotLength', 'snapshotSpaceConsumed'] as const) {
    const v = optionalNum(o, key);
    if (v !== undefined) summary[key] = v;
  }
  const ecPolicy = optionalStr(o, 'ecPolicy');
  if (ecPolicy !== undefined) summary.ecPolicy = ecPolicy;
  const typeQuota = o.typeQuota;
  if (typeQuota && typeof typeQuota === 'object') summary.typeQuota = typeQuota as Record<string, unknown>;
  return summary;
}

export function parseServerDefaults(body: unknown): HdfsServerDefaults {
  const o = objectField(body, 'FsServerDefaults');
  const defaults: HdfsServerDefaults = { trashInterval: num(o, 'trashInterval') };
  for (const key of ['blockSize', 'replication'] as const) {
    const v = optionalNum(o, key);
    if (v !== undefined) defaults[key] = v;
  }
  return defaults;
}

export function parseFileChecksum(body: unknown): HdfsFileChecksum {
  const o = objectField(body, 'FileChecksum');
  return { algorithm: str(o, 'algorithm'), bytes: str(o, 'bytes'), length: num(o, 'length') };
}

export function parseBoolean(body: unknown): boolean {
  if (body === null || typeof body !== 'object' || typeof (body as Json).boolean !== 'boolean') {
    fail('expected {"boolean": true|false}', body);
  }
  return (body as Json).boolean as boolean;
}

export function parsePathAnswer(body: unknown): string {
  if (body === null || typeof body !== 'object' || typeof (body as Json).Path !== 'string') fail('expected {"Path": ...}', body);
  return (body as Json).Path as string;
}

/** `{"Location": url}` from `noredirect=true`. */
export function parseLocationAnswer(body: unknown): string {
  if (body === null || typeof body !== 'object' || typeof (body as Json).Location !== 'string') fail('expected {"Location": ...}', body);
  return (body as Json).Location as string;
}

/** `{"long": n}` from RENEWDELEGATIONTOKEN (the new expiry time, ms since the epoch). */
export function parseLongAnswer(body: unknown): number {
  if (body === null || typeof body !== 'object' || typeof (body as Json).long !== 'number') fail('expected {"long": ...}', body);
  return (body as Json).long as number;
}

/**
 * `{"Token": {"urlString": "..."}}`, or `{"Token": null}` when the cluster runs SIMPLE auth and
 * hands out no tokens (recorded on Hadoop 3.3.6). The urlString stays opaque here.
 */
export function parseTokenAnswer(body: unknown): string | null {
  if (body === null || typeof body !== 'object' || !('Token' in (body as Json))) fail('expected {"Token": ...}', body);
  const token = (body as Json).Token;
  if (token === null) return null;
  return str(objectField(body, 'Token'), 'urlString');
}
