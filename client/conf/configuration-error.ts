import { LoomError } from '../errors/loom-error.js';

/** A configuration value or setup that Loom cannot use; the message names the key, the value and the fix. */
export class ConfigurationError extends LoomError {
  static override readonly code: string = 'CONFIGURATION_INVALID';
  constructor(
    message: string,
    readonly key?: string,
  ) {
    super(message);
    this.name = 'ConfigurationError';
  }
}
