import { Command, CommanderError } from 'commander';
import { oneLineCommanderErrors } from './commander-errors.js';
import { registerCommands } from './commands.js';
import { handleClientExit } from './client-exit.js';
import { dropDefaultsNotice, flushDefaultsNotice } from './defaults-notice.js';
import { describeError, setVerboseErrors, verboseFromEnv } from './describe-error.js';
import { errorLine, EXIT_STATUS, exitStatusFor } from './exit-statuses.js';
import { setQuiet } from './terminal/quiet-mode.js';
import { loomPackageVersion } from './loom-version.js';

/** The global flag; only before the command, so a program's own `--verbose` argument stays its own. */
export const VERBOSE_FLAG = '--verbose';
/**
 * No progress output (cli/terminal/quiet-mode.ts); global, beside --verbose, because FsShell's own
 * `-q` is a thread pool's queue size in Hadoop (`hdfs dfs -put -q`), not quiet.
 */
export const QUIET_FLAG = '--quiet';

/**
 * Entry point of the `loom` command. Returns the exit code instead of calling process.exit, so
 * tests can drive it in-process and pending output is flushed.
 */
export async function main(argv: string[]): Promise<number> {
  const { verbose, quiet, rest } = takeGlobalFlags(argv);
  setVerboseErrors(verbose || verboseFromEnv(process.env));
  setQuiet(quiet);
  const program = new Command('loom')
    .description('Run TypeScript jobs on Hadoop YARN')
    .version(loomPackageVersion(), '-V, --version', "Loom's version")
    .option(VERBOSE_FLAG, "errors with their stack traces, causes and the servers' own answers (also LOOM_VERBOSE=1)")
    .option(QUIET_FLAG, 'no progress output: no live line on a terminal, no progress lines in a log (errors and results stay)')
    .enablePositionalOptions()
    .exitOverride()
    .showHelpAfterError(false)
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  oneLineCommanderErrors(program, 'loom');
  registerCommands(program);
  if (argv.length === 0) {
    process.stderr.write(`loom: no command given: use one of ${program.commands.map((c) => c.name()).join(', ')} (see loom --help)\n`);
    return EXIT_STATUS.usage;
  }
  try {
    await program.parseAsync(rest, { from: 'user' });
    const code = typeof process.exitCode === 'number' ? process.exitCode : 0;
    // Said when the defaults served the command; a failure's one line already names HADOOP_CONF_DIR.
    if (code === 0) flushDefaultsNotice();
    else dropDefaultsNotice();
    return code;
  } catch (err) {
    dropDefaultsNotice();
    if (err instanceof CommanderError) {
      // Help and version are not errors.
      return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.help'
        ? EXIT_STATUS.success
        : EXIT_STATUS.usage;
    }
    process.stderr.write(`loom: ${errorLine(err)}\n`);
    return exitStatusFor(err);
  }
}

/** `--verbose` and `--quiet` before the command (any number of times, in any order), and the arguments without them. */
export function takeGlobalFlags(argv: readonly string[]): { verbose: boolean; quiet: boolean; rest: string[] } {
  let verbose = false;
  let quiet = false;
  let i = 0;
  for (; i < argv.length; i++) {
    if (argv[i] === VERBOSE_FLAG) verbose = true;
    else if (argv[i] === QUIET_FLAG) quiet = true;
    else break;
  }
  return { verbose, quiet, rest: argv.slice(i) };
}

/**
 * For the command-line shims only: an error nothing caught ends the command with one line (its
 * stack only with --verbose) and exit code 1, instead of Node's report of the crash.
 */
export function endWithOneLineOnUncaughtError(name: string): void {
  const end = (err: unknown) => {
    process.stderr.write(`${name}: ${describeError(err)}\n`);
    process.exit(1);
  };
  process.on('uncaughtException', end);
  process.on('unhandledRejection', end);
}

/**
 * For the command-line shims only (not for in-process callers): Ctrl+C, SIGTERM, SIGHUP and a
 * reader that stops early (`loom ... | head`) end the command by one rule: attached work is undone
 * (jobs cancelled, a per-job cluster stopped) and one line says so; with nothing attached a closed
 * pipe ends the command quietly, as Unix tools end, instead of with an EPIPE stack trace.
 */
export function endOnClientExit(name = 'loom'): void {
  handleClientExit({ name });
}
