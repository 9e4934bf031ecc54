/**
 * `-test -[defswrz] <path>` as Hadoop's Test: no output, exit code 0 when the test holds and 1
 * when it does not (or the path is missing). -w and -r ask the NameNode (CHECKACCESS), as
 * FileSystem.access does.
 */
import { parseCommandFormat, shiftArgument } from './command-format.js';
import { FsCommand } from './fs-command.js';
import type { PathData } from './path-data.js';
import { ShellUsageError } from './shell-errors.js';
import { AccessControlError, FileNotFoundError } from '../../../client/hadoop/hdfs/webhdfs-errors.js';

export const TEST_USAGE = '-[defswrz] <path>';

export class TestCommand extends FsCommand {
  private flag = '';

  protected processOptions(args: string[]): void {
    const { flags } = parseCommandFormat(args, { command: '-test', min: 1, max: 1, flags: ['e', 'd', 'f', 's', 'z', 'w', 'r'] });
    if (flags.size === 0) throw new ShellUsageError('No test flag given');
    if (flags.size > 1) throw new ShellUsageError('Only one test flag is allowed');
    this.flag = shiftArgument([...flags]);
  }

  protected async processPath(item: PathData): Promise<void> {
    const s = item.existingStatus;
    let holds: boolean;
    switch (this.flag) {
      case 'd':
        holds = s.type === 'DIRECTORY';
        break;
      case 'f':
        holds = s.type === 'FILE';
        break;
      case 's':
        holds = s.length > 0;
        break;
      case 'z':
        holds = s.length === 0;
        break;
      case 'w':
        holds = await this.canAccess(item, '-w-');
        break;
      case 'r':
        holds = await this.canAccess(item, 'r--');
        break;
      default:
        holds = true; // -e
    }
    if (!holds) this.exitCode = 1;
  }

  protected override processNonexistentPath(): void {
    this.exitCode = 1;
  }

  private async canAccess(item: PathData, fsAction: string): Promise<boolean> {
    try {
      await this.shell.client.checkAccess(item.path, fsAction);
      return true;
    } catch (err) {
      if (err instanceof AccessControlError || err instanceof FileNotFoundError) return false;
      throw err;
    }
  }
}
