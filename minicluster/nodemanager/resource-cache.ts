// The NodeManager's local resource caches, laid out as a 3.3.6 NM lays them out:
//   PUBLIC       <local>/filecache/<n>/                         (all applications on the node)
//   PRIVATE      <local>/usercache/<user>/filecache/<n>/         (per user)
//   APPLICATION  <local>/usercache/<user>/appcache/<app>/filecache/<n>/  (per application)
// <n> counts from 10 in every cache dir. One download per resource even under concurrent requests.

import { EventEmitter } from 'node:events';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDirWithMode } from '../../client/wire/security/local-file-modes.js';
import { createAppDirs, createPublicFileCache, createUserDirs } from './nm-local-dirs.js';

export type LocalResourceType = 'FILE' | 'ARCHIVE' | 'PATTERN';
export type LocalResourceVisibility = 'PUBLIC' | 'PRIVATE' | 'APPLICATION';

/** LocalResourceProto's content (URL as YARN's URL record). */
export interface LocalResource {
  url: { scheme?: string; host?: string; port?: number; file: string };
  size: number;
  timestamp: number;
  type: LocalResourceType;
  visibility: LocalResourceVisibility;
  pattern?: string;
}

/** A resource in a cache: where it is and the bytes the NM counts for it. */
export interface CachedResource {
  path: string;
  sizeBytes: number;
}

export interface CacheOwner {
  user: string;
  appId: string;
}

/** Emitted as 'download' before a resource is fetched (a cache miss). */
export interface DownloadEvent {
  url: string;
  visibility: LocalResourceVisibility;
  owner: CacheOwner;
}

const FIRST_CACHE_DIR_NUMBER = 10;

export function resourceUrlString(r: LocalResource): string {
  const { scheme, host, port, file } = r.url;
  if (!scheme) return file;
  const authority = host ? `${host}${port !== undefined && port >= 0 ? `:${port}` : ''}` : '';
  return `${scheme}://${authority}${file}`;
}

export class ResourceCache extends EventEmitter {
  private readonly entries = new Map<string, Promise<CachedResource>>();
  private readonly completed = new Set<string>();
  private readonly nextNumber = new Map<string, number>();

  constructor(readonly localDir: string) {
    super();
  }

  /** The cache dir of a visibility for this owner, created with the NM's modes (nm-local-dirs.ts). */
  async cacheRoot(visibility: LocalResourceVisibility, owner: CacheOwner): Promise<string> {
    if (visibility === 'PUBLIC') return createPublicFileCache(this.localDir);
    if (visibility === 'PRIVATE') return (await createUserDirs(this.localDir, owner.user)).fileCache;
    return (await createAppDirs(this.localDir, owner.user, owner.appId)).fileCache;
  }

  /** A fresh numbered dir (10, 11, ...) under a cache root, drwxr-xr-x as FSDownload's cachePerms. */
  async newResourceDir(root: string): Promise<string> {
    const n = this.nextNumber.get(root) ?? FIRST_CACHE_DIR_NUMBER;
    this.nextNumber.set(root, n + 1);
    const dir = join(root, String(n));
    await makeDirWithMode(dir, 0o755);
    return dir;
  }

  private key(r: LocalResource, owner: CacheOwner): string {
    const scope =
      r.visibility === 'PUBLIC' ? 'public' : r.visibility === 'PRIVATE' ? `private:${owner.user}` : `app:${owner.user}:${owner.appId}`;
    return JSON.stringify([scope, resourceUrlString(r), r.timestamp, r.type, r.pattern ?? null]);
  }

  /** True when the resource is already localized for this owner (a cache hit). */
  has(r: LocalResource, owner: CacheOwner): boolean {
    return this.completed.has(this.key(r, owner));
  }

  /**
   * The cached resource, fetching it with `download` on a miss. Concurrent callers share one
   * download; a failed download is forgotten so that a later request tries again.
   */
  get(r: LocalResource, owner: CacheOwner, download: () => Promise<CachedResource>): Promise<CachedResource> {
    const key = this.key(r, owner);
    let entry = this.entries.get(key);
    if (!entry) {
      const event: DownloadEvent = { url: resourceUrlString(r), visibility: r.visibility, owner };
      this.emit('download', event);
      entry = download().then(
        (res) => {
          this.completed.add(key);
          return res;
        },
        (err: unknown) => {
          this.entries.delete(key);
          throw err;
        },
      );
      this.entries.set(key, entry);
    }
    return entry;
  }

  /** When an application finishes: its appcache goes, with its cache entries. */
  async removeApplication(owner: CacheOwner): Promise<void> {
    const scope = JSON.stringify(`app:${owner.user}:${owner.appId}`);
    for (const key of [...this.entries.keys()]) {
      if (key.startsWith(`[${scope},`)) {
        this.entries.delete(key);
        this.completed.delete(key);
      }
    }
    const appDir = join(this.localDir, 'usercache', owner.user, 'appcache', owner.appId);
    this.nextNumber.delete(join(appDir, 'filecache'));
    await rm(appDir, { recursive: true, force: true });
  }
}
