import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands.js';
import { handleClientExit } from './client-exit.js';
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
  registerCommands(program);
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
 * For the command-line shims only (not for in-process callers): Ctrl+C, SIGTERM, SIGHUP and a
 * reader that stops early (`loom ... | head`) end the command by one rule: attached work is undone
 * (jobs cancelled, a per-job cluster stopped) and one line says so; with nothing attached a closed
 * pipe ends the command quietly, as Unix tools end, instead of with an EPIPE stack trace.
 */
export function endOnClientExit(name = 'loom'): void {
  handleClientExit({ name });
}
