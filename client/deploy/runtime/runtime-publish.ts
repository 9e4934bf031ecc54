/**
 * `loom upload-runtime`: puts Loom's runtime (the runtime archive and a Linux Node.js binary) on
 * HDFS for `yarn.provided.lib.dirs`, in a new versioned directory `<dir>/loom-<version>-<hash>/`.
 *
 * A versioned directory is never modified once complete: running applications localize its
 * files, and a rewritten file would get a new modification time that makes NodeManagers refuse
 * it. Its name carries the content hash, so unchanged content finds its directory and uploads
 * nothing. Files are world-readable and directories world-executable, as YARN's PUBLIC cache
 * requires; a parent directory that others cannot traverse fails the command before any upload.
 * The manifest goes in last (by rename without overwrite): a directory with one is complete.
 */
import { LoomError } from '../../errors/loom-error.js';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hdfsParent, joinHdfsPath } from '../../hadoop/hdfs/hdfs-path.js';
import type { WebHdfsClient } from '../../hadoop/hdfs/webhdfs-client.js';
import { describeNodeBinary, nodeBinaryForCluster } from './node-binary.js';
import { PROVIDED_LIB_DIRS_KEY } from './provided-lib-dirs.js';
import { loomInstallRoot, loomVersion, runtimeArchive, type RuntimeArchiveOptions } from './runtime-archive.js';
import { placeContentAddressed, statOrUndefined } from './runtime-content-upload.js';
import { formatManifest, MANIFEST_FILE_NAME, parseManifest, runtimeDirName, type RuntimeManifest } from './runtime-manifest.js';
import type { UploadedFile } from './runtime-resources.js';
import { qualifiedUri } from '../submit/staging-dir.js';
import { noLog } from '../no-log.js';
import type { TransferProgressSink } from '../transfer-progress-sink.js';

const FILE_PERMISSION = '644';
const DIR_PERMISSION = '755';

export interface PublishRuntimeOptions extends RuntimeArchiveOptions {
  fs: WebHdfsClient;
  /** `scheme://authority` of `fs`, for the URIs printed and recorded. */
  fsUri: string;
  /** Absolute HDFS path of the parent directory of the versioned directories. */
  dir: string;
  /** A Linux Node.js binary to ship (--node); default: this process's own. */
  nodeBinary?: string;
  log?: (line: string) => void;
  /** Told of each file uploaded (progress output). */
  transfers?: TransferProgressSink;
}

export interface PublishedRuntime {
  /** Qualified URI of the versioned directory: the value for yarn.provided.lib.dirs. */
  uri: string;
  path: string;
  /** False when the directory was already there, complete, with this content (nothing uploaded). */
  created: boolean;
  uploadedBytes: number;
  uploadedFiles: UploadedFile[];
  manifest: RuntimeManifest;
}

export class RuntimePublishError extends LoomError {
  static override readonly code: string = 'RUNTIME_PUBLISH_FAILED';
  override name = 'RuntimePublishError';
}

/** The `-D...` a submission uses to run on a published runtime. */
export function providedLibDirsOption(published: Pick<PublishedRuntime, 'uri'>): string {
  return `-D${PROVIDED_LIB_DIRS_KEY}=${published.uri}`;
}

export async function publishRuntime(opts: PublishRuntimeOptions): Promise<PublishedRuntime> {
  const { fs, dir } = opts;
  const log = opts.log ?? noLog;
  const root = opts.loomRoot ?? loomInstallRoot();
  // Everything local first, the quick checks before the archive is built: a bad --node fails at once and before HDFS is touched.
  const node = await nodeBinaryForCluster({
    ...(opts.nodeBinary ? { given: opts.nodeBinary } : {}),
    ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}),
    ...(opts.env ? { env: opts.env } : {}),
  });
  const archive = await runtimeArchive({ ...opts, loomRoot: root });
  const manifest: RuntimeManifest = {
    format: 1,
    loomVersion: await loomVersion(root),
    hash: createHash('sha256').update(`${archive.hash}\n${node.hash}\n`).digest('hex'),
    node: { platform: node.platform, ...(node.version ? { version: node.version } : {}) },
    files: [
      { name: archive.fileName, role: 'runtime', size: archive.size, sha256: archive.hash },
      { name: node.fileName, role: 'node', size: node.size, sha256: node.hash },
    ],
  };
  const path = joinHdfsPath(dir, runtimeDirName(manifest));
  const uri = qualifiedUri(opts.fsUri, path);

  await checkParents(fs, dir);
  const existing = await existingManifest(fs, path, uri);
  if (existing) {
    if (existing.hash !== manifest.hash) {
      throw new RuntimePublishError(
        `${uri} already holds another runtime (hash ${existing.hash.slice(0, 12)}); it is never changed in place: remove it if no application uses it, or choose another directory`,
      );
    }
    await checkComplete(fs, path, uri, existing);
    return { uri, path, created: false, uploadedBytes: 0, uploadedFiles: [], manifest };
  }

  await fs.mkdirs(path, { permission: DIR_PERMISSION });
  await makePublic(fs, path, DIR_PERMISSION, 0o005);
  const uploadedFiles: UploadedFile[] = [];
  const local = await mkdtemp(join(tmpdir(), 'loom-upload-runtime-'));
  try {
    const manifestFile = join(local, MANIFEST_FILE_NAME);
    await writeFile(manifestFile, formatManifest(manifest));
    // The manifest last: it marks the directory complete.
    for (const [localPath, name, what] of [
      [archive.path, archive.fileName, "Loom's runtime archive"],
      [node.path, node.fileName, describeNodeBinary(node)],
      [manifestFile, MANIFEST_FILE_NAME, 'the manifest'],
    ] as const) {
      const placed = await placeContentAddressed(fs, localPath, path, name, {
        permission: FILE_PERMISSION,
        log,
        ...(opts.transfers ? { transfers: opts.transfers } : {}),
      });
      await makePublic(fs, placed.path, FILE_PERMISSION, 0o004, placed.permission);
      if (placed.bytesSent > 0) {
        uploadedFiles.push({ path: qualifiedUri(opts.fsUri, placed.path), size: placed.bytesSent });
        log(`uploaded ${what}: ${qualifiedUri(opts.fsUri, placed.path)} (${placed.size} bytes)`);
      }
    }
  } finally {
    await rm(local, { recursive: true, force: true });
  }
  return { uri, path, created: true, uploadedBytes: uploadedFiles.reduce((n, f) => n + f.size, 0), uploadedFiles, manifest };
}

/** Every existing directory from `/` down to `dir` must let all users through. */
async function checkParents(fs: WebHdfsClient, dir: string): Promise<void> {
  const chain: string[] = [];
  for (let d = dir; ; d = hdfsParent(d)) {
    chain.unshift(d);
    if (d === '/') break;
  }
  const closed: string[] = [];
  for (const d of chain) {
    const st = await statOrUndefined(fs, d);
    if (!st) break;
    if (st.type !== 'DIRECTORY')
      throw new RuntimePublishError(`${d} is a ${st.type.toLowerCase()}, not a directory: choose a directory for the runtime`);
    if ((Number.parseInt(st.permission, 8) & 0o001) === 0) closed.push(`${d} (${st.permission})`);
  }
  if (closed.length > 0) {
    throw new RuntimePublishError(
      `${closed.join(', ')} ${closed.length === 1 ? 'is' : 'are'} not executable by all users, so NodeManagers could not localize the runtime below as a PUBLIC resource; ` +
        `nothing was uploaded. Run "hdfs dfs -chmod o+x ${closed.map((c) => c.split(' ')[0]).join(' ')}", or choose a directory all users can traverse`,
    );
  }
}

async function existingManifest(fs: WebHdfsClient, path: string, uri: string): Promise<RuntimeManifest | undefined> {
  const file = joinHdfsPath(path, MANIFEST_FILE_NAME);
  if (!(await statOrUndefined(fs, file))) return undefined;
  const chunks: Buffer[] = [];
  for await (const c of await fs.open(file)) chunks.push(c as Buffer);
  return parseManifest(Buffer.concat(chunks).toString('utf8'), `${uri}/${MANIFEST_FILE_NAME}`);
}

async function checkComplete(fs: WebHdfsClient, path: string, uri: string, m: RuntimeManifest): Promise<void> {
  for (const f of m.files) {
    const st = await statOrUndefined(fs, joinHdfsPath(path, f.name));
    if (st?.length !== f.size) {
      throw new RuntimePublishError(
        `${uri} is damaged: ${f.name} is ${st ? `${st.length} bytes, not ${f.size}` : 'missing'}; remove the directory if no application uses it, and run upload-runtime again`,
      );
    }
  }
}

/** The cluster's umask may have taken bits away: put back what YARN's PUBLIC check needs. */
async function makePublic(fs: WebHdfsClient, path: string, permission: string, otherBits: number, current?: string): Promise<void> {
  const now = current ?? (await fs.getFileStatus(path)).permission;
  if ((Number.parseInt(now, 8) & otherBits) !== otherBits) await fs.setPermission(path, permission);
}
