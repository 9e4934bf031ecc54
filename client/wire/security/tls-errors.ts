import { LoomError } from '../../errors/loom-error.js';

/**
 * The peer of an internal TLS connection (the AM's REST endpoint or TaskExecutor gateway) showed
 * another certificate than the one the cluster was started with: a different process listens
 * there, or someone is in between. Never retried: the same peer would show the same certificate.
 */
export class TlsCertificateMismatchError extends LoomError {
  static override readonly code: string = 'TLS_CERTIFICATE_MISMATCH';
  override name = 'TlsCertificateMismatchError';
}

/** A certificate or key file for security.ssl.internal.* that cannot be used; the message names the file and the fix. */
export class TlsCertificateInvalidError extends LoomError {
  static override readonly code: string = 'TLS_CERTIFICATE_INVALID';
  override name = 'TlsCertificateInvalidError';
}
