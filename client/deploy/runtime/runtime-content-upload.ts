/**
 * Uploads of files named by a hash of their content (the runtime archive, the Node.js binary,
 * the runtime manifest): each is uploaded once and then shared by every application.
 *
 * The bytes go to a hidden temporary name first and are renamed into place WITHOUT overwrite
 * (HDFS's original rename refuses an existing destination). A file already under the final name
 * — an earlier upload, or a client that won a race — has the same content by its name, so it is
 * kept and our copy deleted: a file that a running application uses is never replaced, which
 * would change its modification time and make the NodeManager refuse it ("changed on src
 * filesystem").
 */
import { LoomError } from '../../errors/loom-error.js';
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { joinHdfsPath } from '../../hadoop/hdfs/hdfs-path.js';
import { localFileReader } from '../../hadoop/hdfs/local-file-streams.js';
import type { WebHdfsClient } from '../../hadoop/hdfs/webhdfs-client.js';
import { FileNotFoundError } from '../../hadoop/hdfs/webhdfs-errors.js';
import type { HdfsFileStatus } from '../../hadoop/hdfs/webhdfs-json.js';
import { type TransferProgressSink, withTransferProgress } from '../transfer-progress-sink.js';

export interface PlacedFile {
  /** Absolute HDFS path under its final name. */
  path: string;
  size: number;
  /** From GETFILESTATUS: the LocalResource timestamp. */
  modificationTime: number;
  permission: string;
  /** Bytes this call sent (0 when the file was already there; the full size when a racing upload won). */
  bytesSent: number;
}

export class RuntimeUploadError extends LoomError {
  static override readonly code: string = 'RUNTIME_UPLOAD_FAILED';
  override name = 'RuntimeUploadError';
}

export interface PlaceOptions {
  /** Octal permission for the file (e.g. `644`); directories are not created here. */
  permission?: string;
  log?: (line: string) => void;
  /** Told of the upload, when there is one (progress output). */
  transfers?: TransferProgressSink;
}

/** The status of `path`, or undefined when it does not exist. */
export async function statOrUndefined(fs: WebHdfsClient, path: string): Promise<HdfsFileStatus | undefined> {
  try {
    return await fs.getFileStatus(path);
  } catch (err) {
    if (err instanceof FileNotFoundError) return undefined;
    throw err;
  }
}

/** `localPath` as `<dir>/<fileName>`, uploaded only when no file of that name is there yet. `dir` must exist. */
export async function placeContentAddressed(
  fs: WebHdfsClient,
  localPath: string,
  dir: string,
  fileName: string,
  opts: PlaceOptions = {},
): Promise<PlacedFile> {
  const finalPath = joinHdfsPath(dir, fileName);
  const size = (await stat(localPath)).size;
  const existing = await statOrUndefined(fs, finalPath);
  if (existing) return kept(finalPath, existing, size, 0);

  const tempPath = joinHdfsPath(dir, `.${fileName}.${randomBytes(6).toString('hex')}._COPYING_`);
  try {
    await withTransferProgress(opts.transfers, { name: fileName, direction: 'upload', totalBytes: size }, (onProgress) =>
      fs.create(tempPath, localFileReader(localPath), {
        overwrite: false,
        contentLength: size,
        ...(opts.permission ? { permission: opts.permission } : {}),
        ...(onProgress ? { onProgress: (sent: number) => onProgress(sent, size) } : {}),
      }),
    );
  } catch (err) {
    await fs.delete(tempPath, { ignoreMissing: true }).catch(() => false);
    throw new RuntimeUploadError(
      `upload of ${localPath} to ${finalPath} failed, nothing was left under that name: ${(err as Error).message}`,
      { cause: err },
    );
  }
  try {
    await fs.rename(tempPath, finalPath);
  } catch (err) {
    await fs.delete(tempPath, { ignoreMissing: true }).catch(() => false);
    // Lost the race to another upload of the same content: use the file that is there.
    const winner = await statOrUndefined(fs, finalPath);
    if (winner) {
      opts.log?.(`${finalPath} appeared during the upload (another client uploaded the same content); using it`);
      return kept(finalPath, winner, size, size);
    }
    throw new RuntimeUploadError(`cannot move the uploaded ${localPath} to ${finalPath}: ${(err as Error).message}`, { cause: err });
  }
  const placed = await fs.getFileStatus(finalPath);
  if (placed.length !== size) {
    throw new RuntimeUploadError(
      `upload of ${localPath} to ${finalPath}: HDFS reports ${placed.length} bytes but the local file has ${size} (was it changed during the upload?)`,
    );
  }
  return {
    path: finalPath,
    size: placed.length,
    modificationTime: placed.modificationTime,
    permission: placed.permission,
    bytesSent: size,
  };
}

/** An existing file of the right name must also have the right size, else it is not what its name says. */
function kept(path: string, status: HdfsFileStatus, expectedSize: number, bytesSent: number): PlacedFile {
  if (status.type !== 'FILE') {
    throw new RuntimeUploadError(
      `${path} exists but is a ${status.type.toLowerCase()}, not the file Loom put there: remove it (hdfs dfs -rm -r ${path})`,
    );
  }
  if (status.length !== expectedSize) {
    throw new RuntimeUploadError(
      `${path} has ${status.length} bytes but its name says it holds content of ${expectedSize} bytes: it is damaged or not Loom's; ` +
        `remove it (hdfs dfs -rm ${path}) so that the next command uploads it again`,
    );
  }
  return { path, size: status.length, modificationTime: status.modificationTime, permission: status.permission, bytesSent };
}
