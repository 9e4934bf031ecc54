/**
 * Uploads a packed bundle to HDFS and describes it for a job: the URL plus the size and
 * modification time from GETFILESTATUS. The name carries the content hash, so an unchanged bundle
 * already on HDFS is reused as it is, and a changed one lands under a new name instead of
 * replacing a file that running tasks may still fetch.
 */
import { joinHdfsPath } from '../../hadoop/hdfs/hdfs-path.js';
import { uploadToStaging, type UploadProgress } from '../../hadoop/hdfs/staging-uploader.js';
import { type TransferProgressSink, withTransferProgress } from '../transfer-progress-sink.js';
import type { WebHdfsClient } from '../../hadoop/hdfs/webhdfs-client.js';
import { FileNotFoundError } from '../../hadoop/hdfs/webhdfs-errors.js';
import type { PackedBundle } from './bundle-pack.js';
import type { BundleRef } from '../../contracts/bundle-ref.js';

export interface UploadBundleOptions {
  client: WebHdfsClient;
  packed: PackedBundle;
  /** Absolute HDFS directory the bundle goes into (created when missing). */
  dir: string;
  /** Prefix for the URL, e.g. `hdfs://nn:8020` or `webhdfs://host:9870`; without it the URL is a path on the default file system. */
  fsUri?: string;
  /** Octal permission for the uploaded file (default: the cluster's umask). */
  permission?: string;
  /** Told of the upload, when there is one (progress output). */
  transfers?: TransferProgressSink;
}

export async function uploadBundle(opts: UploadBundleOptions): Promise<BundleRef> {
  const { client, packed } = opts;
  const path = joinHdfsPath(opts.dir, packed.uploadName);
  let status = await client.getFileStatus(path).catch((err: unknown) => {
    if (err instanceof FileNotFoundError) return undefined;
    throw err;
  });
  if (status?.type !== 'FILE' || status.length !== packed.description.size) {
    const [staged] = await withTransferProgress(opts.transfers, { name: packed.uploadName, direction: 'upload' }, (onProgress) =>
      uploadToStaging({
        client,
        localPath: packed.localFile,
        stagingDir: opts.dir,
        targetName: packed.uploadName,
        ...(opts.permission ? { permission: opts.permission } : {}),
        ...(onProgress ? { onProgress: (p: UploadProgress) => onProgress(p.bytesDone, p.bytesTotal) } : {}),
      }),
    );
    status = await client.getFileStatus(staged.hdfsPath);
  }
  const prefix = opts.fsUri ? opts.fsUri.replace(/\/+$/, '') : '';
  return {
    ...packed.description,
    url: `${prefix}${path}`,
    size: status.length,
    modificationTime: status.modificationTime,
  };
}
