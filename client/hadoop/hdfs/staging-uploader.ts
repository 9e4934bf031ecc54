/**
 * Uploads for deployment: a local file or directory tree into an HDFS staging directory.
 *
 * Each file is written under a temporary hidden name and renamed into place only when the
 * DataNode confirmed every byte, so a failed or interrupted upload never leaves a file that looks
 * complete under its final name (YARN would localize a truncated bundle). The size and
 * modification time that YARN local resources need come from GETFILESTATUS after the rename:
 * the NodeManager refuses a resource whose timestamp differs from the file on HDFS.
 */
import { LoomError } from '../../errors/loom-error.js';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { hdfsBaseName, hdfsParent, joinHdfsPath } from './hdfs-path.js';
import { localFileReader } from './local-file-streams.js';
import type { WebHdfsClient } from './webhdfs-client.js';
import { FileNotFoundError } from './webhdfs-errors.js';

export interface StagedFile {
  localPath: string;
  /** Absolute HDFS path under the staging directory. */
  hdfsPath: string;
  /** Bytes, from GETFILESTATUS. */
  size: number;
  /** ms since the epoch, from GETFILESTATUS: the LocalResource timestamp. */
  modificationTime: number;
  permission: string;
}

export interface UploadProgress {
  bytesDone: number;
  bytesTotal: number;
  /** Local file being sent. */
  currentFile: string;
}

export interface UploadToStagingOptions {
  client: WebHdfsClient;
  /** A file, or a directory whose tree is mirrored under stagingDir/<its name>. */
  localPath: string;
  /** Absolute HDFS directory; created when missing. */
  stagingDir: string;
  /** Name under stagingDir for a single file (default: the local base name). */
  targetName?: string;
  onProgress?: (p: UploadProgress) => void;
  /** Octal permission for created files and directories (default: the cluster's umask applies). */
  permission?: string;
  replication?: number;
  signal?: AbortSignal;
}

export class StagingUploadError extends LoomError {
  static override readonly code: string = 'STAGING_UPLOAD_FAILED';
  override name = 'StagingUploadError';
}

/** Marks in-flight files; `hdfs dfs -put` uses the same suffix, and the leading dot hides them from input listings. */
const TEMP_SUFFIX = '._COPYING_';

export async function uploadToStaging(opts: UploadToStagingOptions): Promise<StagedFile[]> {
  const { client, stagingDir } = opts;
  if (opts.targetName !== undefined && !/^[^/]+$/.test(opts.targetName)) {
    throw new StagingUploadError(
      `cannot upload ${opts.localPath} as "${opts.targetName}": the target name must be a file name, without "/"`,
    );
  }
  if (opts.targetName === '.' || opts.targetName === '..') {
    throw new StagingUploadError(`cannot upload ${opts.localPath} as "${opts.targetName}": "." and ".." name directories, not files`);
  }
  const files = await localFiles(opts.localPath, opts.targetName);
  const bytesTotal = files.reduce((n, f) => n + f.size, 0);
  let bytesBefore = 0;
  const dirs = new Set([stagingDir, ...files.map((f) => hdfsParent(joinHdfsPath(stagingDir, f.relative)))]);
  for (const dir of dirs) await client.mkdirs(dir, opts.permission ? { permission: opts.permission } : {});

  const staged: StagedFile[] = [];
  for (const file of files) {
    const finalPath = joinHdfsPath(stagingDir, file.relative);
    const report = (sent: number) => opts.onProgress?.({ bytesDone: bytesBefore + sent, bytesTotal, currentFile: file.localPath });
    report(0);
    staged.push(await uploadOneFile(opts, file.localPath, file.size, finalPath, report));
    bytesBefore += file.size;
  }
  return staged;
}

async function uploadOneFile(
  opts: UploadToStagingOptions,
  localPath: string,
  size: number,
  finalPath: string,
  report: (sent: number) => void,
): Promise<StagedFile> {
  const { client } = opts;
  // A file never takes the place of a directory (rename2 would refuse it only after the upload).
  const existing = await client.getFileStatus(finalPath).catch((err: unknown) => {
    if (err instanceof FileNotFoundError) return undefined;
    throw err;
  });
  if (existing?.type === 'DIRECTORY') {
    throw new StagingUploadError(
      `cannot upload ${localPath} to ${finalPath}: that is a directory on HDFS; upload into it under a file name, or remove it`,
    );
  }
  const tempPath = joinHdfsPath(hdfsParent(finalPath), `.${hdfsBaseName(finalPath)}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
  try {
    await client.create(tempPath, localFileReader(localPath), {
      overwrite: true,
      contentLength: size,
      onProgress: report,
      ...(opts.permission ? { permission: opts.permission } : {}),
      ...(opts.replication ? { replication: opts.replication } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    // rename2 with OVERWRITE replaces an older copy atomically; readers see the old or the new file, never a partial one.
    await client.rename(tempPath, finalPath, { overwrite: true });
  } catch (err) {
    await client.delete(tempPath, { ignoreMissing: true }).catch(() => false);
    throw new StagingUploadError(
      `upload of ${localPath} to ${finalPath} failed, nothing was left under that name: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  const status = await client.getFileStatus(finalPath);
  if (status.length !== size) {
    throw new StagingUploadError(
      `upload of ${localPath} to ${finalPath}: HDFS reports ${status.length} bytes but the local file has ${size} (was it changed during the upload?)`,
    );
  }
  return { localPath, hdfsPath: finalPath, size: status.length, modificationTime: status.modificationTime, permission: status.permission };
}

interface LocalFile {
  localPath: string;
  /** Slash-separated path under the staging directory. */
  relative: string;
  size: number;
}

async function localFiles(localPath: string, targetName?: string): Promise<LocalFile[]> {
  let st;
  try {
    st = await stat(localPath);
  } catch (err) {
    throw new StagingUploadError(
      `cannot upload ${localPath}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`,
    );
  }
  const top = targetName ?? basename(localPath);
  if (st.isFile()) return [{ localPath, relative: top, size: st.size }];
  if (!st.isDirectory()) throw new StagingUploadError(`cannot upload ${localPath}: not a regular file or directory`);
  const out: LocalFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const full = join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile()) {
        out.push({ localPath: full, relative: `${top}/${relative(localPath, full).split(sep).join('/')}`, size: (await stat(full)).size });
      }
    }
  };
  await walk(localPath);
  return out;
}
