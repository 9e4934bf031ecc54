import { LoomError } from '../../../client/errors/loom-error.js';
import { UsageError } from '../../usage-error.js';

/**
 * The errors `loom fs` reports, worded as Hadoop's FsShell words them.
 *
 * - ShellUsageError: a bad command line (Hadoop's IllegalArgumentException out of CommandFormat
 *   or a command's processOptions). A UsageError that differs only in its code: FsShell prints it
 *   with the command's usage and exits -1 (255), not 2 (cli/exit-statuses.ts).
 * - PathError: Hadoop's PathIOException family: "`<path>': <problem>", optionally
 *   "`<src>' to `<target>'" and the fully qualified path after it
 *   (PathIOException.getMessage). One per path; the command goes on and exits 1.
 */

export class ShellUsageError extends UsageError {
  static override readonly code: string = 'FS_COMMAND_LINE_INVALID';
  override name = 'ShellUsageError';
}

/** A flag Hadoop's command has but `loom fs` does not implement: refused by name, as a usage error. */
export function unsupportedFlag(command: string, flag: string, why: string): ShellUsageError {
  return new ShellUsageError(`${flag} is not supported by loom fs ${command} (${why})`);
}

export interface PathErrorOptions {
  /** `hdfs://nn:8020/x`, printed after the message when it differs from the path. */
  qualified?: string;
  /** Second path: "`src' to `target'". */
  target?: string;
  /** Verb before the path ("mkdir", "rename", "delete"). */
  operation?: string;
  /** Loom's addition after Hadoop's message: the flag that gets past this error, e.g. "use -f to overwrite". */
  hint?: string;
}

export class PathError extends LoomError {
  static override readonly code: string = 'FS_PATH_FAILED';
  override name = 'PathError';
  constructor(
    readonly path: string,
    readonly problem: string,
    opts: PathErrorOptions = {},
  ) {
    let message = opts.operation ? `${opts.operation} ` : '';
    message += `\`${path}'`;
    if (opts.target !== undefined) message += ` to \`${opts.target}'`;
    message += `: ${problem}`;
    if (opts.qualified !== undefined && opts.qualified !== path) message += `: \`${opts.qualified}'`;
    if (opts.hint !== undefined) message += ` (${opts.hint})`;
    super(message);
  }
}

export const pathNotFound = (path: string, qualified?: string, hint?: string) =>
  new PathError(path, 'No such file or directory', { ...(qualified ? { qualified } : {}), ...(hint ? { hint } : {}) });
export const pathExists = (path: string, hint?: string) => new PathError(path, 'File exists', hint ? { hint } : {});
export const pathIsDirectory = (path: string, hint?: string) => new PathError(path, 'Is a directory', hint ? { hint } : {});
export const pathIsNotDirectory = (path: string) => new PathError(path, 'Is not a directory');
export const pathIsNotEmptyDirectory = (path: string) => new PathError(path, 'Directory is not empty');
/** PathIOException(path) without a message: EIO. */
export const pathIoError = (path: string, opts: PathErrorOptions = {}) => new PathError(path, 'Input/output error', opts);
