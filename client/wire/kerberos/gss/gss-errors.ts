import { LoomError } from '../../../errors/loom-error.js';

/**
 * A GSS-API security context that cannot go on: a reply that does not answer our AP-REQ (mutual
 * authentication failed), a token out of sequence or replayed, a token sent in the wrong
 * direction, an authenticator outside the clock skew. MIT's GSS_S_* major statuses, in words.
 */
export class GssContextError extends LoomError {
  static override readonly code: string = 'GSS_CONTEXT_FAILED';
  override name = 'GssContextError';
}
