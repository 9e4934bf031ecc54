/**
 * `-setrep [-R] <rep> <path> ...` as Hadoop's SetReplication: sets the replication of every file
 * under the paths (directories are always walked; -R is accepted for compatibility) and prints
 * "Replication <n> set: <path>" per file. -w (wait until the blocks have that many replicas)
 * needs block locations, which loom fs does not read: it is refused by name.
 */
import { parseCommandFormat, shiftArgument, UNLIMITED } from './command-format.js';
import { FsCommand } from './fs-command.js';
import type { PathData } from './path-data.js';
import { PathError, ShellUsageError } from './shell-errors.js';

export const SETREP_USAGE = '[-R] <rep> <path> ...';

export class SetrepCommand extends FsCommand {
  private replication = 0;

  protected processOptions(args: string[]): void {
    parseCommandFormat(args, {
      command: '-setrep',
      min: 2,
      max: UNLIMITED,
      flags: ['R'],
      unsupported: { w: 'waiting for the replicas needs block locations, which loom fs does not read' },
    });
    this.recursive = true;
    this.replication = parseShort(shiftArgument(args));
    if (this.replication < 1) throw new ShellUsageError('replication must be >= 1');
  }

  protected async processPath(item: PathData): Promise<void> {
    if (item.existingStatus.type === 'SYMLINK') throw new PathError(item.display, 'Symlinks unsupported');
    if (item.existingStatus.type !== 'FILE') return;
    try {
      await this.shell.client.setReplication(item.path, this.replication);
    } catch (err) {
      if (err instanceof Error && err.name === 'WebHdfsOperationFailedError')
        throw new Error(`Could not set replication for: ${item.display}`);
      throw err;
    }
    await this.shell.out(`Replication ${this.replication} set: ${item.display}\n`);
  }
}

/** Java's Short.parseShort, with its NumberFormatException messages. */
function parseShort(s: string): number {
  // FsShell prints its warning on a line of its own before the message; Loom on the same line.
  const warning = 'Illegal replication, a positive integer expected';
  if (!/^[+-]?\d+$/.test(s)) throw new ShellUsageError(`${warning}: For input string: "${s}"`);
  const n = Number(s);
  if (n < -32768 || n > 32767) throw new ShellUsageError(`${warning}: Value out of range. Value:"${s}" Radix:10`);
  return n;
}
