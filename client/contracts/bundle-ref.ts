/**
 * Where a job's code lives once uploaded: the same shape as appmaster/cluster-api.ts `BundleRef`
 * (client/ cannot import the AM's contract, so the shape is declared here and stays assignable).
 */
export interface UploadedBundleRef {
  /** `hdfs://...` / `webhdfs://...` URL, or an absolute path on the cluster's default file system. */
  url: string;
  /** `file`: one ES module; `archive`: a .tar.gz of a directory holding the module and its dependencies. */
  kind: 'file' | 'archive';
  /** Inside an archive: the module to import, relative to the archive root. */
  entry?: string;
  /** From GETFILESTATUS after the upload: a TaskExecutor refuses a bundle whose size or time differ. */
  size: number;
  modificationTime: number;
}

/** A packed bundle before it is uploaded: no URL and no modification time yet. */
export type BundleDescription = Omit<UploadedBundleRef, 'url' | 'modificationTime'>;
