/**
 * The TaskExecutor's bundle cache: each bundle is fetched from HDFS once and kept, keyed by
 * URL + modification time + size, so later tasks and later jobs with the same bundle start at
 * once. Like YARN's localizer, it refuses a bundle whose size or modification time on HDFS differ
 * from what the job was submitted with: the file was replaced, and half the tasks would run other
 * code. Entries appear atomically (fetched into a temporary directory, then renamed). A bundle is
 * the user's code and may hold data: the cache dir is 700 and every file fetched 600, whatever
 * the container's umask, so only the application's user reads it (the container dir above is 710).
 */
import { LoomError } from '../client/errors/loom-error.js';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile, rename, rm, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { archiveKind, unpackArchive } from '../client/hadoop/archive/archive-unpack.js';
import type { BundleRef } from '../client/contracts/bundle-ref.js';
import { parseHdfsPath } from '../client/hadoop/hdfs/hdfs-path.js';
import { makeDirWithMode, OWNER_ONLY_DIR, OWNER_ONLY_FILE, writeFileWithMode } from '../client/wire/security/local-file-modes.js';
import type { WebHdfsClient } from '../client/hadoop/hdfs/webhdfs-client.js';
import { FileNotFoundError, WebHdfsRemoteError } from '../client/hadoop/hdfs/webhdfs-errors.js';

export class BundleFetchError extends LoomError {
  static override readonly code: string = 'BUNDLE_FETCH_FAILED';
  override name = 'BundleFetchError';
  constructor(
    message: string,
    /** True when another attempt (elsewhere, later) may succeed: I/O trouble, not a wrong bundle. */
    retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, { ...options, retryable });
  }
}

export interface BundleCacheOptions {
  dir: string;
  /**
   * The cluster's file system (client/hadoop/hdfs/cluster-file-system.ts): a bundle elsewhere is refused
   * before any connection is made. The AM refuses such jobs at submission; this is the second wall.
   */
  fileSystem: { problemWith(url: string, what: string): string | undefined };
  /** A WebHDFS client for the file system of `url` (the default file system for a bare path). */
  clientFor(url: string): WebHdfsClient;
}

export class BundleCache {
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(private readonly opts: BundleCacheOptions) {}

  /** The absolute path of the module to import for `bundle`, fetching it on first use. */
  modulePath(bundle: BundleRef): Promise<string> {
    const key = cacheKey(bundle);
    let p = this.inFlight.get(key);
    if (!p) {
      p = this.fetch(bundle, key);
      this.inFlight.set(key, p);
      // A failed fetch is not remembered: the next task tries again.
      p.catch(() => this.inFlight.delete(key));
    }
    return p;
  }

  private async fetch(bundle: BundleRef, key: string): Promise<string> {
    const foreign = this.opts.fileSystem.problemWith(bundle.url, 'bundle');
    if (foreign) throw new BundleFetchError(`${foreign}; this TaskExecutor does not fetch it`, false);
    const dir = join(this.opts.dir, key);
    const moduleRel = moduleInBundle(bundle);
    const target = join(dir, moduleRel);
    if (await exists(target)) return target;

    const work = join(this.opts.dir, `.${key}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      await makeDirWithMode(this.opts.dir, OWNER_ONLY_DIR);
      await makeDirWithMode(work, OWNER_ONLY_DIR);
      const client = this.client(bundle.url);
      const path = parseHdfsPath(bundle.url).path;
      await this.checkUnchanged(client, path, bundle);
      const download = join(work, '.download');
      const stream = await client.open(path);
      await pipeline(stream, createWriteStream(download, { mode: OWNER_ONLY_FILE }));
      const got = (await stat(download)).size;
      if (got !== bundle.size) {
        throw new BundleFetchError(
          `bundle ${bundle.url}: read ${got} bytes but it has ${bundle.size}; it changed while it was fetched: resubmit the job`,
          false,
        );
      }
      const content = join(work, 'content');
      if (bundle.kind === 'archive') {
        const kind = archiveKind(bundle.url) ?? 'tar.gz';
        await unpackArchive(bundle.url, kind, await readFile(download), content);
        if (!(await exists(join(content, moduleRel)))) {
          throw new BundleFetchError(`bundle ${bundle.url} has no entry module ${bundle.entry}: check the entry given when packing`, false);
        }
      } else {
        await makeDirWithMode(content, OWNER_ONLY_DIR);
        await rename(download, join(content, moduleRel));
        // A plain .js file must load as an ES module, wherever the cache sits.
        if (moduleRel.endsWith('.js')) await writeFileWithMode(join(content, 'package.json'), '{"type":"module"}\n', OWNER_ONLY_FILE);
      }
      try {
        await rename(content, dir);
      } catch (err) {
        // Another fetch (another TaskExecutor sharing the dir) got there first: use its copy.
        if (!(await exists(target))) throw err;
      }
      return target;
    } catch (err) {
      throw classify(bundle, err);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  private client(url: string): WebHdfsClient {
    try {
      return this.opts.clientFor(url);
    } catch (err) {
      throw new BundleFetchError(`cannot reach the file system of bundle ${url}: ${(err as Error).message}`, false, { cause: err });
    }
  }

  private async checkUnchanged(client: WebHdfsClient, path: string, bundle: BundleRef): Promise<void> {
    const status = await client.getFileStatus(path);
    if (status.length !== bundle.size || status.modificationTime !== bundle.modificationTime) {
      throw new BundleFetchError(
        `bundle ${bundle.url} changed on HDFS since the job was submitted (size ${bundle.size} -> ${status.length}, ` +
          `modification time ${bundle.modificationTime} -> ${status.modificationTime}); resubmit the job, and never overwrite a bundle a job uses`,
        false,
      );
    }
  }
}

function cacheKey(b: BundleRef): string {
  return createHash('sha256').update(`${b.url}\n${b.modificationTime}\n${b.size}\n${b.kind}`).digest('hex').slice(0, 24);
}

/** Relative path of the module inside the cache entry. */
function moduleInBundle(b: BundleRef): string {
  if (b.kind === 'archive') {
    const entry = posix.normalize(b.entry ?? '');
    if (!b.entry || entry.startsWith('..') || entry.startsWith('/')) {
      throw new BundleFetchError(`bundle ${b.url} is an archive but names no entry module inside it`, false);
    }
    return entry;
  }
  const name = posix.basename(parseHdfsPath(b.url).path);
  return /\.(m?js|cjs)$/.test(name) ? name : `${name}.mjs`;
}

const PERMANENT_KINDS = new Set(['access-denied', 'parent-not-directory', 'illegal-argument', 'unsupported-operation', 'invalid-token']);

function classify(bundle: BundleRef, err: unknown): BundleFetchError {
  if (err instanceof BundleFetchError) return err;
  const message = (err as Error).message;
  if (err instanceof FileNotFoundError)
    return new BundleFetchError(`bundle ${bundle.url} does not exist on HDFS: ${message}`, false, { cause: err });
  // Permissions and bad paths will not change on another try; standby, safe mode or I/O may.
  if (err instanceof WebHdfsRemoteError && PERMANENT_KINDS.has(err.kind)) {
    return new BundleFetchError(`bundle ${bundle.url} cannot be read: ${message}`, false, { cause: err });
  }
  return new BundleFetchError(`bundle ${bundle.url} could not be fetched: ${message}`, true, { cause: err });
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
