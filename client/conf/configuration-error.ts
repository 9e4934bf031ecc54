/** A configuration value or setup that Loom cannot use; the message names the key, the value and the fix. */
export class ConfigurationError extends Error {
  constructor(
    message: string,
    readonly key?: string,
  ) {
    super(message);
    this.name = 'ConfigurationError';
  }
}
