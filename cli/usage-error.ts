import { LoomError } from '../client/errors/loom-error.js';

/**
 * A command line Loom cannot run: a missing, malformed or out-of-range argument, an unknown
 * option. Its message names the argument and what a good one looks like; the commands print it
 * as one line and exit with 2, as commander does for its own usage errors (cli/exit-statuses.ts).
 * The one usage error of every command; `loom fs` throws its subclass ShellUsageError, which
 * differs only in its code (FsShell's exit status 255).
 */
export class UsageError extends LoomError {
  static override readonly code: string = 'COMMAND_LINE_INVALID';
  override name = 'UsageError';
}
