import { Command, CommanderError } from 'commander';
import { oneLineCommanderErrors } from './commander-errors.js';
import { registerCommands } from './commands.js';
import { handleClientExit } from './client-exit.js';
import { dropDefaultsNotice, flushDefaultsNotice } from './defaults-notice.js';
import { describeError, setVerboseErrors, verboseFromEnv } from './describe-error.js';
import { errorLine, EXIT_STATUS, exitStatusFor } from './exit-statuses.js';

/** The global flag; only before the command, so a program's own `--verbose` argument stays its own. */
export const VERBOSE_FLAG = '--verbose';

/**
 * Entry point of the `loom` command. Returns the exit code instead of calling process.exit, so
 * tests can drive it in-process and pending output is flushed.
 */
export async function main(argv: string[]): Promise<number> {
  const { verbose, rest } = takeVerboseFlag(argv);
  setVerboseErrors(verbose || verboseFromEnv(process.env));
  const program = new Command('loom')
    .description('Run TypeScript jobs on Hadoop YARN')
    .option(VERBOSE_FLAG, "errors with their stack traces, causes and the servers' own answers (also LOOM_VERBOSE=1)")
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

/** `--verbose` before the command (any number of times), and the arguments without it. */
export function takeVerboseFlag(argv: readonly string[]): { verbose: boolean; rest: string[] } {
  let i = 0;
  while (argv[i] === VERBOSE_FLAG) i++;
  return { verbose: i > 0, rest: argv.slice(i) };
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
