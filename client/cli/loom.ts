import { Command, CommanderError } from 'commander';
import { oneLineCommanderErrors } from './commander-errors.js';
import { registerCommands } from './commands.js';
import { describeError } from './describe-error.js';

/**
 * Entry point of the `loom` command. Returns the exit code instead of calling process.exit, so
 * tests can drive it in-process and pending output is flushed.
 */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('loom')
    .description('Run TypeScript jobs on Hadoop YARN')
    .exitOverride()
    .showHelpAfterError(false)
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  oneLineCommanderErrors(program, 'loom');
  registerCommands(program);
  if (argv.length === 0) {
    process.stderr.write(`loom: no command given: use one of ${program.commands.map((c) => c.name()).join(', ')} (see loom --help)\n`);
    return 2;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are not errors.
      return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.help' ? 0 : 2;
    }
    process.stderr.write(`loom: ${describeError(err)}\n`);
    return 1;
  }
}

/**
 * For the command-line shims only (not for in-process callers): a reader that stops early
 * (`loom ... | head`) closes the pipe, and the command then ends quietly, as Unix tools do,
 * instead of dying with an EPIPE stack trace.
 */
export function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
      throw err;
    });
  }
}
