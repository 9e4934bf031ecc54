/**
 * The root of every error Loom raises (KafkaJS's `KafkaJSError` shape): `message` is one line in
 * the user's terms (the problem and the fix, naming CLI commands rather than REST routes or
 * internal classes); `detail` is what only `--verbose` shows (a server's own answer, a remote
 * task's stack); `code` names the kind of failure for programs; `retryable` says whether the same
 * request may simply be made again. The CLI prints the message alone, and the detail, stack and
 * causes with --verbose; it picks its exit status by `code` (cli/exit-statuses.ts).
 *
 * `code`, the naming rule:
 * - One code per class, declared on the class as `static override readonly code = '...'`; a
 *   subclass declares its own (the error-root test checks every exported class has one, unique).
 * - UPPER_SNAKE_CASE, `<SUBJECT>_<PROBLEM>`: first what the failure is about, in the user's words
 *   (CONFIGURATION, HDFS_FILE, IPC_CONNECTION, JOB, TASKEXECUTOR...), then what is wrong with it
 *   (INVALID, NOT_FOUND, FAILED, TIMED_OUT, REFUSED, CLOSED...): CONFIGURATION_INVALID,
 *   HDFS_FILE_NOT_FOUND, IPC_CONNECT_FAILED.
 * - Stable: scripts and the CLI's exit-status table key on it, so a code is never renamed or
 *   reused once released, even when its class is renamed. Hadoop's own exceptions keep their
 *   Java class name apart (`className` / `javaClassName`); their code says which Loom class
 *   carries them (HADOOP_REMOTE_EXCEPTION).
 *
 * `retryable`: true when making the same request again may succeed and the failed attempt had no
 * effect: nothing reached the server, or the server said so (Hadoop's StandbyException and
 * RetriableException, see hadoop-retryable-exceptions.ts). A connection that broke after the
 * request was sent is not retryable by itself: retry code may still resend an idempotent request,
 * as Hadoop's RetryPolicies.FailoverOnNetworkExceptionRetry does.
 */
export class LoomError extends Error {
  /** The code of errors raised as plain LoomError (every subclass declares its own). */
  static readonly code: string = 'LOOM_ERROR';

  override name = 'LoomError';
  /** Lines for --verbose: what the message summarises (never needed to act on it). */
  readonly detail: string | undefined;
  /** The same request may be made again, and may succeed (see above). */
  readonly retryable: boolean;

  constructor(message: string, options: LoomErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.detail = options.detail;
    this.retryable = options.retryable ?? false;
  }

  /** The stable code of this error's class (see above). */
  get code(): string {
    return (this.constructor as typeof LoomError).code;
  }
}

export interface LoomErrorOptions {
  detail?: string | undefined;
  cause?: unknown;
  /** Default false. */
  retryable?: boolean | undefined;
}

/** Whether `err` says the same request may be made again (LoomError.retryable); false for anything else. */
export function isRetryable(err: unknown): boolean {
  return err instanceof LoomError && err.retryable;
}
