import { LoomError } from '../../errors/loom-error.js';

/** A SASL exchange or a SASL security layer failed (bad challenge, wrong password, altered message). */
export class SaslError extends LoomError {
  static override readonly code: string = 'SASL_FAILED';
  override readonly name = 'SaslError';
}
