/**
 * Errors of the WebHDFS client. A NameNode/DataNode `RemoteException` body becomes a
 * `WebHdfsRemoteError` (or a subclass picked by the exception's simple name) that keeps Hadoop's
 * class name, short name, message and the HTTP status, so callers can branch with `instanceof`
 * or on `kind` and people still see Hadoop's own words.
 */

import { hadoopRetryOf, type HadoopRetry } from '../../errors/hadoop-retryable-exceptions.js';
import { LoomError } from '../../errors/loom-error.js';
/** What went wrong, independent of which Java class said so. */
export type WebHdfsErrorKind =
  | 'file-not-found'
  | 'access-denied'
  | 'file-already-exists'
  | 'parent-not-directory'
  | 'directory-not-empty'
  | 'standby'
  | 'retry-later'
  | 'safe-mode'
  | 'invalid-token'
  | 'quota-exceeded'
  | 'illegal-argument'
  | 'unsupported-operation'
  | 'remote';

export interface RemoteExceptionBody {
  exception: string;
  javaClassName: string;
  message: string;
}

export class WebHdfsRemoteError extends LoomError {
  static override readonly code: string = 'HDFS_REMOTE_EXCEPTION';
  override name = 'WebHdfsRemoteError';
  readonly kind: WebHdfsErrorKind = 'remote';

  constructor(
    readonly remote: RemoteExceptionBody,
    readonly httpStatus: number,
    /** `OP path` of the request that failed, for the message. */
    readonly operation: string,
  ) {
    // Only the first line: DataNode messages carry the server's stack trace after it.
    const hadoopRetry = hadoopRetryOf(remote.exception || simpleClassName(remote.javaClassName));
    super(`${operation}: ${remote.exception}: ${firstLine(remote.message)}`, { retryable: hadoopRetry !== undefined });
    this.hadoopRetry = hadoopRetry;
  }

  /** How Hadoop's clients retry this exception (client/errors/hadoop-retryable-exceptions.ts); undefined: they do not. */
  readonly hadoopRetry: HadoopRetry | undefined;

  /** Hadoop's short class name, e.g. `FileNotFoundException`. */
  get exception(): string {
    return this.remote.exception;
  }

  /** Hadoop's fully qualified class name, e.g. `java.io.FileNotFoundException`. */
  get javaClassName(): string {
    return this.remote.javaClassName;
  }

  /** Hadoop's full message (with the stack trace when the DataNode sent one). */
  get remoteMessage(): string {
    return this.remote.message;
  }
}

function remoteErrorClass(errorName: string, errorKind: WebHdfsErrorKind, errorCode: string) {
  return class extends WebHdfsRemoteError {
    static override readonly code: string = errorCode;
    override name = errorName;
    override readonly kind = errorKind;
  };
}

export class FileNotFoundError extends remoteErrorClass('FileNotFoundError', 'file-not-found', 'HDFS_FILE_NOT_FOUND') {}
export class AccessControlError extends remoteErrorClass('AccessControlError', 'access-denied', 'HDFS_ACCESS_DENIED') {}
export class FileAlreadyExistsError extends remoteErrorClass('FileAlreadyExistsError', 'file-already-exists', 'HDFS_FILE_ALREADY_EXISTS') {}
export class ParentNotDirectoryError extends remoteErrorClass(
  'ParentNotDirectoryError',
  'parent-not-directory',
  'HDFS_PARENT_NOT_DIRECTORY',
) {}
export class DirectoryNotEmptyError extends remoteErrorClass('DirectoryNotEmptyError', 'directory-not-empty', 'HDFS_DIRECTORY_NOT_EMPTY') {}
export class StandbyError extends remoteErrorClass('StandbyError', 'standby', 'HDFS_NAMENODE_STANDBY') {}
export class RetriableError extends remoteErrorClass('RetriableError', 'retry-later', 'HDFS_NAMENODE_RETRY_LATER') {}
export class SafeModeError extends remoteErrorClass('SafeModeError', 'safe-mode', 'HDFS_NAMENODE_IN_SAFE_MODE') {}
export class InvalidTokenError extends remoteErrorClass('InvalidTokenError', 'invalid-token', 'HDFS_TOKEN_INVALID') {}
export class QuotaExceededError extends remoteErrorClass('QuotaExceededError', 'quota-exceeded', 'HDFS_QUOTA_EXCEEDED') {}
export class IllegalArgumentError extends remoteErrorClass('IllegalArgumentError', 'illegal-argument', 'HDFS_ARGUMENT_ILLEGAL') {}
export class UnsupportedOperationError extends remoteErrorClass(
  'UnsupportedOperationError',
  'unsupported-operation',
  'HDFS_OPERATION_UNSUPPORTED',
) {}

type RemoteErrorClass = new (remote: RemoteExceptionBody, httpStatus: number, operation: string) => WebHdfsRemoteError;

/** Keyed by Hadoop's short exception name (the `exception` field). */
const BY_EXCEPTION: Record<string, RemoteErrorClass> = {
  FileNotFoundException: FileNotFoundError,
  AccessControlException: AccessControlError,
  FileAlreadyExistsException: FileAlreadyExistsError,
  ParentNotDirectoryException: ParentNotDirectoryError,
  PathIsNotEmptyDirectoryException: DirectoryNotEmptyError,
  StandbyException: StandbyError,
  RetriableException: RetriableError,
  SafeModeException: SafeModeError,
  InvalidToken: InvalidTokenError,
  DSQuotaExceededException: QuotaExceededError,
  NSQuotaExceededException: QuotaExceededError,
  QuotaExceededException: QuotaExceededError,
  IllegalArgumentException: IllegalArgumentError,
  UnsupportedOperationException: UnsupportedOperationError,
};

/** Builds the typed error for a parsed RemoteException. */
export function remoteErrorFor(remote: RemoteExceptionBody, httpStatus: number, operation: string): WebHdfsRemoteError {
  // `SecretManager$InvalidToken` arrives with exception "InvalidToken"; older servers may send the
  // qualified name, so fall back to the last segment of javaClassName.
  const simple = remote.exception || remote.javaClassName.split(/[.$]/).pop() || '';
  const ErrorClass = BY_EXCEPTION[simple] ?? WebHdfsRemoteError;
  return new ErrorClass(remote, httpStatus, operation);
}

/** The server answered something this client cannot interpret (bad JSON, missing fields, odd status). */
export class WebHdfsProtocolError extends LoomError {
  static override readonly code: string = 'WEBHDFS_PROTOCOL_VIOLATED';
  override name = 'WebHdfsProtocolError';
  constructor(
    message: string,
    readonly httpStatus?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** RENAME / DELETE / SETREPLICATION answered 200 `{"boolean": false}`: nothing happened. */
export class WebHdfsOperationFailedError extends LoomError {
  static override readonly code: string = 'HDFS_OPERATION_FAILED';
  override name = 'WebHdfsOperationFailedError';
  constructor(
    message: string,
    readonly operation: string,
  ) {
    super(message);
  }
}

/** The TCP connection failed or broke (refused, reset, closed mid-body). */
export class WebHdfsConnectionError extends LoomError {
  static override readonly code: string = 'WEBHDFS_CONNECTION_FAILED';
  override name = 'WebHdfsConnectionError';
  constructor(
    message: string,
    /** True when the request never reached the server (safe to send elsewhere): such an error is `retryable`. */
    readonly beforeRequestSent: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, { ...options, retryable: beforeRequestSent });
  }
}

function simpleClassName(javaClassName: string): string {
  return javaClassName.split(/[.$]/).pop() ?? javaClassName;
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}
