/**
 * The root of the errors Loom raises for a person to read: `message` is one line in the user's
 * terms (the problem and the fix, naming CLI commands rather than REST routes or internal
 * classes); `detail` is what only `--verbose` shows (a server's own answer, a remote task's
 * stack). The CLI prints the message alone, and the detail, stack and causes with --verbose.
 */
export class LoomError extends Error {
  override name = 'LoomError';
  /** Lines for --verbose: what the message summarises (never needed to act on it). */
  readonly detail: string | undefined;

  constructor(message: string, options: { detail?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.detail = options.detail;
  }
}
