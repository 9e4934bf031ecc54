/**
 * `-stat [-R] [format] <path> ...` as Hadoop's Stat: one line per path, `%y` (modification time,
 * UTC `yyyy-MM-dd HH:mm:ss`) by default; %a octal and %A symbolic permission, %b size, %F type,
 * %g group, %n name, %o block size, %r replication, %u owner, %x / %X access time, %y / %Y
 * modification time (date / ms). Any other `%c` prints `c`.
 */
import { checkArgumentCount, parseCommandFormat, shiftArgument, UNLIMITED } from './command-format.js';
import { FsCommand } from './fs-command.js';
import type { PathData } from './path-data.js';
import { octalDigits, permissionString } from './permission-string.js';

export const STAT_USAGE = '[format] <path> ...';

export class StatCommand extends FsCommand {
  private format = '%y';

  protected processOptions(args: string[]): void {
    const { flags } = parseCommandFormat(args, { command: '-stat', min: 1, max: UNLIMITED, flags: ['R'] });
    this.recursive = flags.has('R');
    if (args[0].includes('%')) this.format = shiftArgument(args);
    checkArgumentCount(args, 1, UNLIMITED);
  }

  protected async processPath(item: PathData): Promise<void> {
    const s = item.existingStatus;
    let line = '';
    for (let i = 0; i < this.format.length; i++) {
      const c = this.format[i];
      if (c !== '%') {
        line += c;
        continue;
      }
      if (i + 1 === this.format.length) break;
      const spec = this.format[++i];
      switch (spec) {
        case 'a':
          line += octalDigits(s.permission);
          break;
        case 'A':
          line += permissionString(s.permission);
          break;
        case 'b':
          line += String(s.length);
          break;
        case 'F':
          line += s.type === 'DIRECTORY' ? 'directory' : s.type === 'FILE' ? 'regular file' : 'symlink';
          break;
        case 'g':
          line += s.group;
          break;
        case 'n':
          line += item.name;
          break;
        case 'o':
          line += String(s.blockSize);
          break;
        case 'r':
          line += String(s.replication);
          break;
        case 'u':
          line += s.owner;
          break;
        case 'x':
          line += utcSecond(s.accessTime);
          break;
        case 'X':
          line += String(s.accessTime);
          break;
        case 'y':
          line += utcSecond(s.modificationTime);
          break;
        case 'Y':
          line += String(s.modificationTime);
          break;
        default:
          line += spec;
      }
    }
    await this.shell.out(`${line}\n`);
  }
}

/** `yyyy-MM-dd HH:mm:ss` in UTC. */
function utcSecond(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}
