import { LoomError } from '../../client/errors/loom-error.js';

/**
 * Errors the mini cluster's WebHDFS answers, in the shape Hadoop puts on the wire:
 * `{"RemoteException":{"exception","javaClassName","message"}}` with the HTTP status Hadoop's
 * ExceptionHandler picks for that class (400 for argument errors, 404 for missing files,
 * 403 for every other IOException).
 */
export class HdfsError extends LoomError {
  static override readonly code: string = 'MINICLUSTER_HDFS_EXCEPTION';
  constructor(
    readonly status: number,
    readonly javaClassName: string,
    message: string,
  ) {
    super(message);
    this.name = 'HdfsError';
  }

  /** The simple class name, as Hadoop puts it in `exception`. */
  get exception(): string {
    return this.javaClassName.slice(this.javaClassName.lastIndexOf('.') + 1);
  }

  toJson(messageSuffix = ''): string {
    return JSON.stringify({
      RemoteException: { exception: this.exception, javaClassName: this.javaClassName, message: this.message + messageSuffix },
    });
  }
}

const make = (status: number, javaClassName: string) => (message: string) => new HdfsError(status, javaClassName, message);

export const fileNotFound = make(404, 'java.io.FileNotFoundException');
export const accessControl = make(403, 'org.apache.hadoop.security.AccessControlException');
export const authorization = make(403, 'org.apache.hadoop.security.authorize.AuthorizationException');
export const fileAlreadyExists = make(403, 'org.apache.hadoop.fs.FileAlreadyExistsException');
export const pathIsNotEmptyDirectory = make(403, 'org.apache.hadoop.fs.PathIsNotEmptyDirectoryException');
export const parentNotDirectory = make(403, 'org.apache.hadoop.fs.ParentNotDirectoryException');
export const alreadyBeingCreated = make(403, 'org.apache.hadoop.hdfs.protocol.AlreadyBeingCreatedException');
export const ioException = make(403, 'java.io.IOException');
export const eofException = make(403, 'java.io.EOFException');
export const standby = make(403, 'org.apache.hadoop.ipc.StandbyException');
export const safeMode = make(403, 'org.apache.hadoop.hdfs.server.namenode.SafeModeException');
export const illegalArgument = make(400, 'java.lang.IllegalArgumentException');
export const invalidPath = make(400, 'org.apache.hadoop.fs.InvalidPathException');
export const unsupportedOperation = make(400, 'java.lang.UnsupportedOperationException');
export const internalError = make(500, 'java.lang.RuntimeException');

/** Any thrown value as an HdfsError; unexpected ones become 500s instead of crashing the server. */
export function asHdfsError(err: unknown): HdfsError {
  if (err instanceof HdfsError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return internalError(`mini cluster WebHDFS internal error: ${message}`);
}
