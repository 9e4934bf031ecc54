/**
 * When a NameNode request may be sent again, and where. Decided by the error's `retryable` (for a
 * NameNode's RemoteException, by Hadoop's exception class: the NameNode sends StandbyException,
 * RetriableException and SafeModeException as HTTP 403, so the status alone says nothing; see
 * client/errors/hadoop-retryable-exceptions.ts) and by whether the request could have had an effect:
 *
 * - StandbyException (or ObserverRetryOnActiveException), or a connection that was never
 *   established: the NameNode did nothing, so fail over to the next NameNode for every operation
 *   (Hadoop's own failover policy does the same).
 * - RetriableException / SafeModeException: retry the same NameNode after a backoff, only for
 *   idempotent operations.
 * - A connection that broke after the request was sent: fail over, only for idempotent operations.
 * - Anything else: fail.
 */
import { WebHdfsConnectionError, WebHdfsRemoteError } from './webhdfs-errors.js';

export interface RetryPolicy {
  /** Total attempts including the first (default 10). */
  maxAttempts: number;
  /** First backoff (default 500 ms), doubled per attempt up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 10, baseDelayMs: 500, maxDelayMs: 15_000 };

export type RetryDecision = { action: 'fail' } | { action: 'retry' | 'failover'; delayMs: number };

export function decideRetry(err: unknown, idempotent: boolean, attempt: number, policy: RetryPolicy, endpointCount: number): RetryDecision {
  if (attempt + 1 >= policy.maxAttempts) return { action: 'fail' };
  // Half the backoff is fixed, half random, so clients that failed together do not retry together.
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  const delayMs = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  // Moving to another NameNode needs no wait the first time round the list.
  const failoverDelay = attempt + 1 < endpointCount ? 0 : delayMs;
  if (err instanceof WebHdfsRemoteError && err.retryable) {
    if (err.hadoopRetry === 'failover') return { action: 'failover', delayMs: failoverDelay };
    return idempotent ? { action: 'retry', delayMs } : { action: 'fail' };
  }
  if (err instanceof WebHdfsConnectionError) {
    if (err.retryable || idempotent) return { action: 'failover', delayMs: failoverDelay };
    return { action: 'fail' };
  }
  return { action: 'fail' };
}
