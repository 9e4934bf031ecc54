// Localizes a container's LocalResources from a source filesystem (HDFS in the mini cluster) with
// the checks Hadoop 3.3.6's FSDownload makes: the modification time must equal the resource's
// timestamp, and a PUBLIC resource must be world-readable under world-executable directories.
// The size is NOT checked (Hadoop accepts a wrong size: fixtures localization/size-plus1-accepted).

import { LoomError } from '../../client/errors/loom-error.js';
import { chmod, readdir, lstat } from 'node:fs/promises';
import { OWNER_ONLY_FILE, writeFileWithMode } from '../../client/wire/security/local-file-modes.js';
import { basename, join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { archiveKind, unpackArchive } from '../../client/hadoop/archive/archive-unpack.js';
import { checksumFileBytes } from './crc-file.js';
import type { LocalizationCounters } from './launch-script.js';
import { type CacheOwner, type CachedResource, type LocalResource, ResourceCache, resourceUrlString } from './resource-cache.js';

export interface SourceFileStatus {
  length: number;
  modificationTime: number;
  /** Octal permission, as WebHDFS gives it ("644") or as a number (0o644). */
  permission: string | number;
  owner: string;
  group: string;
  type: 'FILE' | 'DIRECTORY' | 'SYMLINK';
}

/** Where resources come from; the mini cluster adapts its WebHDFS namespace to this. */
export interface LocalizationSource {
  stat(path: string): Promise<SourceFileStatus>;
  open(path: string): Promise<Readable>;
}

export type LocalizationFailure = 'CHANGED_ON_SOURCE' | 'NOT_PUBLIC' | 'DOWNLOAD_FAILED';

/** A refused or failed resource; `diagnostics` is the container diagnostics entry's text. */
export class LocalizationError extends LoomError {
  static override readonly code: string = 'MINICLUSTER_LOCALIZATION_FAILED';
  override name = 'LocalizationError';
  constructor(
    readonly kind: LocalizationFailure,
    readonly resource: LocalResource,
    message: string,
    readonly diagnostics: string,
  ) {
    super(message);
  }
}

export interface LocalizationRequest {
  user: string;
  appId: string;
  containerId: string;
  /** Link name (the CLC map key) -> resource, in the order the links should be written. */
  resources: readonly (readonly [string, LocalResource])[];
}

export interface LocalizationResult {
  links: { path: string; link: string }[];
  counters: LocalizationCounters;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Hadoop's Times.formatISO8601 as recorded: `2026-11-23T19:11:58.733+0000` (UTC). */
export function formatIso8601(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}+0000`
  );
}

function permissionBits(p: string | number): number {
  return typeof p === 'number' ? p : Number.parseInt(p, 8);
}

/** Bytes of all regular files below `path` (Hadoop's FileUtil.getDU; symlinks not followed). */
async function diskUsage(path: string): Promise<number> {
  const st = await lstat(path);
  if (st.isSymbolicLink()) return 0;
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const name of await readdir(path)) total += await diskUsage(join(path, name));
  return total;
}

/** Modes after localization: r-x for the owner (and everyone for PUBLIC), dirs rwx. */
async function setLocalizedModes(path: string, isPublic: boolean): Promise<void> {
  const st = await lstat(path);
  if (st.isSymbolicLink()) return;
  if (st.isDirectory()) {
    for (const name of await readdir(path)) await setLocalizedModes(join(path, name), isPublic);
    await chmod(path, isPublic ? 0o755 : 0o700);
  } else {
    await chmod(path, isPublic ? 0o555 : 0o500);
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

export class Localizer {
  readonly cache: ResourceCache;

  constructor(
    localDir: string,
    private readonly source: LocalizationSource,
  ) {
    this.cache = new ResourceCache(localDir);
  }

  /** Localize every resource of a container; refuses (rejects) on the first failing one. */
  async localize(req: LocalizationRequest): Promise<LocalizationResult> {
    const started = Date.now();
    const owner: CacheOwner = { user: req.user, appId: req.appId };
    const counters: LocalizationCounters = { bytesMissed: 0, bytesCached: 0, filesMissed: 0, filesCached: 0, ms: 0 };
    // One after the other, in request order, so the cache dirs are numbered as the NM numbers them.
    const links: { path: string; link: string }[] = [];
    for (const [link, resource] of req.resources) {
      const hit = this.cache.has(resource, owner);
      const cached = await this.cache.get(resource, owner, () => this.download(resource, owner, req.containerId));
      if (hit) {
        counters.bytesCached += cached.sizeBytes;
        counters.filesCached++;
      } else {
        counters.bytesMissed += cached.sizeBytes;
        counters.filesMissed++;
      }
      links.push({ path: cached.path, link });
    }
    counters.ms = Date.now() - started;
    return { links, counters };
  }

  /** Remove an application's appcache (when the application finishes on this node). */
  cleanupApplication(user: string, appId: string): Promise<void> {
    return this.cache.removeApplication({ user, appId });
  }

  private async download(resource: LocalResource, owner: CacheOwner, containerId: string): Promise<CachedResource> {
    const url = resourceUrlString(resource);
    const path = resource.url.file;
    const status = await this.source.stat(path).catch((err: unknown) => {
      const reason = err instanceof Error ? err.message : String(err);
      throw this.failure('DOWNLOAD_FAILED', resource, containerId, `Resource ${url} could not be read: ${reason}`);
    });
    if (status.modificationTime !== resource.timestamp) {
      const message =
        `Resource ${url} changed on src filesystem - expected: "${formatIso8601(resource.timestamp)}", ` +
        `was: "${formatIso8601(status.modificationTime)}", current time: "${formatIso8601(Date.now())}"`;
      throw this.failure('CHANGED_ON_SOURCE', resource, containerId, message);
    }
    const isPublic = resource.visibility === 'PUBLIC';
    if (isPublic && !(await this.isPubliclyReadable(path, status))) {
      const message = `Resource ${url} is not publicly accessible and as such cannot be part of the public cache.`;
      throw this.failure('NOT_PUBLIC', resource, containerId, message);
    }
    const dir = await this.cache.newResourceDir(await this.cache.cacheRoot(resource.visibility, owner));
    const name = basename(path);
    const target = join(dir, name);
    const data = await readAll(await this.source.open(path));
    const kind = resource.type === 'FILE' ? undefined : archiveKind(name);
    if (kind) {
      await unpackArchive(url, kind, data, target);
    } else {
      // Owner-only from the first byte; setLocalizedModes then gives it FSDownload's 500 or 555.
      await writeFileWithMode(target, data, OWNER_ONLY_FILE);
      // The checksums only, 644 as the NM's local file system writes them (fixture nm-local-tree-after-app1.txt).
      await writeFileWithMode(join(dir, `.${name}.crc`), checksumFileBytes(data), 0o644);
    }
    await setLocalizedModes(target, isPublic);
    // What the NM counts: the public localizer measures the resource, the container localizer its dir.
    return { path: target, sizeBytes: await diskUsage(isPublic ? target : dir) };
  }

  /** World-readable file (world r-x for a dir) whose ancestors are all world-executable. */
  private async isPubliclyReadable(path: string, status: SourceFileStatus): Promise<boolean> {
    const own = permissionBits(status.permission);
    const needed = status.type === 'DIRECTORY' ? 0o005 : 0o004;
    if ((own & needed) !== needed) return false;
    for (let dir = posix.dirname(path); ; dir = posix.dirname(dir)) {
      const st = await this.source.stat(dir);
      if ((permissionBits(st.permission) & 0o001) === 0) return false;
      if (dir === '/') return true;
    }
  }

  private failure(kind: LocalizationFailure, r: LocalResource, containerId: string, message: string): LocalizationError {
    // Recorded texts: a public refusal names the pending download; a private/app one repeats the
    // message as the IOException (Hadoop then prints its Java stack trace, which we do not fake).
    const diagnostics =
      kind === 'NOT_PUBLIC'
        ? `Failed to download resource { { ${resourceUrlString(r)}, ${r.timestamp}, ${r.type}, ${r.pattern ?? 'null'} },pending,` +
          `[(${containerId})],${process.hrtime.bigint()},DOWNLOADING} java.io.IOException: ${message}`
        : `${message}\njava.io.IOException: ${message}\n`;
    return new LocalizationError(kind, r, message, diagnostics);
  }
}
