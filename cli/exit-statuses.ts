/**
 * How the CLIs end for an error, in one table keyed by the error's code (LoomError.code): the exit
 * status, and the lines a person reads where they are not the message's first line. An error whose
 * class has no row takes its nearest ancestor's row; anything else (a LoomError without a row, a
 * plain Error) ends with status 1 and describeError's one line (everything with --verbose).
 *
 * The statuses follow the tools Loom copies: 2 for a command line Loom cannot run or a
 * configuration it cannot use (commander's and Flink's CLI's usage errors); 255 for `loom fs`'s
 * usage errors, as Hadoop's FsShell exits -1; 1 for everything else. Signals and a closed pipe end
 * with 128 + the signal (client-exit.ts).
 */
import { ConfigurationError } from '../client/conf/configuration-error.js';
import { ApplicationEndedError } from '../client/deploy/running/application-waiter.js';
import { LoomError } from '../client/errors/loom-error.js';
import { KerberosConfigurationError } from '../client/wire/kerberos/kerberos-errors.js';
import { ShellUsageError } from './commands/fs/shell-errors.js';
import { describeError, withoutStackFrames } from './describe-error.js';
import { UsageError } from './usage-error.js';

export const EXIT_STATUS = {
  success: 0,
  /** The command ran and failed: a cluster, a job, a file. */
  failure: 1,
  /** The command line or the configuration cannot be used: nothing was done. */
  usage: 2,
  /** `loom fs`'s usage errors, as Hadoop's FsShell exits -1. */
  fsUsage: 255,
} as const;

interface ErrorExit {
  status: number;
  /** The line(s) for a person, when not describeError's. */
  line?: (err: LoomError) => string;
}

type LoomErrorClass<E extends LoomError> = (abstract new (...args: never[]) => E) & { readonly code: string };

function row<E extends LoomError>(errorClass: LoomErrorClass<E>, status: number, line?: (err: E) => string): [string, ErrorExit] {
  return [errorClass.code, line ? { status, line: (err) => line(err as E) } : { status }];
}

/** Code -> how the CLI ends. */
export const ERROR_EXITS: ReadonlyMap<string, ErrorExit> = new Map([
  row(UsageError, EXIT_STATUS.usage),
  row(ConfigurationError, EXIT_STATUS.usage),
  // On a Kerberized cluster: no krb5.conf, no ticket cache, an expired TGT, an unusable keytab.
  row(KerberosConfigurationError, EXIT_STATUS.usage),
  row(ShellUsageError, EXIT_STATUS.fsUsage),
  // The application's end keeps YARN's diagnostics (several lines), indented.
  row(ApplicationEndedError, EXIT_STATUS.failure, (err) => withoutStackFrames(err.message).split('\n').join('\n  ')),
]);

/** The row of `err`'s class, or of its nearest ancestor that has one. */
function errorExit(err: unknown): ErrorExit | undefined {
  if (!(err instanceof LoomError)) return undefined;
  for (let c = err.constructor as object | null; c !== null && c !== LoomError; c = Object.getPrototypeOf(c) as object | null) {
    const code = (c as { code?: unknown }).code;
    const found = typeof code === 'string' ? ERROR_EXITS.get(code) : undefined;
    if (found) return found;
  }
  return undefined;
}

/** The exit status a command ends with for `err`. */
export function exitStatusFor(err: unknown): number {
  return errorExit(err)?.status ?? EXIT_STATUS.failure;
}

/** What a command prints for `err` after its name: one line (an application's end keeps YARN's diagnostics). */
export function errorLine(err: unknown): string {
  const line = errorExit(err)?.line;
  return line && err instanceof LoomError ? line(err) : describeError(err);
}
