import { LoomError } from '../../errors/loom-error.js';

/**
 * A Hadoop web endpoint (WebHDFS, the ResourceManager's REST API, the web proxy) that asks for
 * Kerberos (`WWW-Authenticate: Negotiate`, RFC 4559) refused us, or asked while Loom has no
 * Kerberos identity. The message names the client and service principals and what to check.
 */
export class SpnegoAuthenticationError extends LoomError {
  static override readonly code: string = 'SPNEGO_AUTHENTICATION_FAILED';
  override name = 'SpnegoAuthenticationError';
}
