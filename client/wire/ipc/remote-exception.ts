import { hadoopRetryOf, type HadoopRetry } from '../../errors/hadoop-retryable-exceptions.js';
import { LoomError } from '../../errors/loom-error.js';
import type { RpcResponseHeader } from './rpc-messages.js';

/**
 * An exception the Hadoop server sent back (ERROR or FATAL response). Keeps Hadoop's class name
 * so callers can react to specific failures (StandbyException, ApplicationNotFoundException...);
 * `retryable` comes from that class as Hadoop's RetryPolicies treat it
 * (client/errors/hadoop-retryable-exceptions.ts). Hadoop's errorMsg is the message followed by
 * the server's Java stack trace; the first line is the message, the rest is kept apart in
 * `javaStackTrace`.
 */
export class RemoteException extends LoomError {
  static override readonly code: string = 'HADOOP_REMOTE_EXCEPTION';
  override readonly name = 'RemoteException';
  readonly className: string;
  readonly remoteMessage: string;
  readonly errorDetail: string | undefined;
  readonly status: 'ERROR' | 'FATAL';
  readonly javaStackTrace: string | undefined;
  readonly callId: number;
  /** How Hadoop's clients retry this exception: on the next server of an HA pair, or on the same one; undefined: they do not. */
  readonly hadoopRetry: HadoopRetry | undefined;

  constructor(fields: {
    className: string;
    remoteMessage: string;
    errorDetail?: string;
    status: 'ERROR' | 'FATAL';
    javaStackTrace?: string;
    callId?: number;
    /** Where the call went, e.g. "127.0.0.1:8032 (ApplicationClientProtocolPB.getApplicationReport)". */
    context?: string;
  }) {
    const where = fields.context ? ` [${fields.context}]` : '';
    const hadoopRetry = hadoopRetryOf(fields.className);
    super(`${fields.className}: ${fields.remoteMessage}${where}`, { retryable: hadoopRetry !== undefined });
    this.hadoopRetry = hadoopRetry;
    this.className = fields.className;
    this.remoteMessage = fields.remoteMessage;
    this.errorDetail = fields.errorDetail;
    this.status = fields.status;
    this.javaStackTrace = fields.javaStackTrace;
    this.callId = fields.callId ?? -2;
  }

  /** Simple name of the Java class ("StandbyException"). */
  get simpleClassName(): string {
    const dot = this.className.lastIndexOf('.');
    return this.className.slice(dot + 1);
  }

  static fromHeader(header: RpcResponseHeader, context?: string): RemoteException {
    const { message, stackTrace } = splitErrorMsg(header.errorMsg ?? '');
    return new RemoteException({
      className: header.exceptionClassName ?? 'java.io.IOException',
      remoteMessage: message,
      ...(header.errorDetail !== undefined ? { errorDetail: header.errorDetail } : {}),
      status: header.status === 'FATAL' ? 'FATAL' : 'ERROR',
      ...(stackTrace !== undefined ? { javaStackTrace: stackTrace } : {}),
      callId: header.callId,
      ...(context !== undefined ? { context } : {}),
    });
  }
}

/** Splits "message\n\tat a.b(C.java:1)\n..." into the message and the trace (if any). */
export function splitErrorMsg(errorMsg: string): { message: string; stackTrace?: string } {
  const at = errorMsg.search(/\n\s*at /);
  if (at < 0) return { message: errorMsg };
  return { message: errorMsg.slice(0, at), stackTrace: errorMsg.slice(at + 1) };
}

export function isRemoteException(err: unknown, className?: string): err is RemoteException {
  if (!(err instanceof RemoteException)) return false;
  return className === undefined || err.className === className || err.simpleClassName === className;
}

export const STANDBY_EXCEPTION = 'org.apache.hadoop.ipc.StandbyException';
