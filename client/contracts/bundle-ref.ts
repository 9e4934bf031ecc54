/**
 * Where a job's code lives: a bundle on the cluster's file system, so that any TaskExecutor on any
 * node can fetch it. The client uploads it and puts this in job submissions (REST, LOOM_PROGRAM,
 * loom-job.json); the AM checks it and hands it to TaskExecutors (DeployTask).
 */
export interface BundleRef {
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
export type BundleDescription = Omit<BundleRef, 'url' | 'modificationTime'>;
