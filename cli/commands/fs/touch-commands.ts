/**
 * `-touchz <path> ...` and `-touch [-a] [-m] [-t TIMESTAMP] [-c] <path> ...`, as Hadoop's
 * TouchCommands: touchz creates an empty file (or re-creates an empty one) and refuses a file
 * with data; touch creates a missing file (not with -c) and sets its times (SETTIMES): now, or
 * -t yyyyMMdd:HHmmss in local time; -a / -m only the access / modification time. The parent of a
 * new file must exist.
 */
import { Readable } from 'node:stream';
import { parseCommandFormat, UNLIMITED } from './command-format.js';
import { FsCommand } from './fs-command.js';
import type { PathData } from './path-data.js';
import { PathError, pathIsDirectory, pathNotFound, ShellUsageError } from './shell-errors.js';

export const TOUCHZ_USAGE = '<path> ...';
export const TOUCH_USAGE = '[-a] [-m] [-t TIMESTAMP (yyyyMMdd:HHmmss) ] [-c] <path> ...';

async function createEmpty(item: PathData): Promise<void> {
  await item.fs.write(item.path, Readable.from([]), { overwrite: true, contentLength: 0 });
}

export class TouchzCommand extends FsCommand {
  protected processOptions(args: string[]): void {
    parseCommandFormat(args, { command: '-touchz', min: 1, max: UNLIMITED });
  }

  protected async processPath(item: PathData): Promise<void> {
    if (item.isDirectory) throw pathIsDirectory(item.display);
    if (item.existingStatus.length !== 0) throw new PathError(item.display, 'Not a zero-length file');
    await createEmpty(item);
  }

  protected override async processNonexistentPath(item: PathData): Promise<void> {
    if (!(await item.parentExists())) throw pathNotFound(item.display, item.qualified());
    await createEmpty(item);
  }
}

export class TouchCommand extends FsCommand {
  private changeModTime = false;
  private changeAccessTime = false;
  private doNotCreate = false;
  private timestamp: string | undefined;

  protected processOptions(args: string[]): void {
    // StringUtils.popOptionWithArgument("-t", args): -t and its value, wherever they are before "--".
    for (let i = 0; i < args.length && args[i] !== '--'; i++) {
      if (args[i] !== '-t') continue;
      if (i + 1 >= args.length) throw new ShellUsageError('option -t requires 1 argument.');
      this.timestamp = args.splice(i, 2)[1];
      break;
    }
    const { flags } = parseCommandFormat(args, { command: '-touch', min: 1, max: UNLIMITED, flags: ['t', 'a', 'm', 'c'] });
    this.changeModTime = flags.has('m');
    this.changeAccessTime = flags.has('a');
    this.doNotCreate = flags.has('c');
  }

  protected async processPath(item: PathData): Promise<void> {
    if (item.isDirectory) throw pathIsDirectory(item.display);
    await this.touch(item);
  }

  protected override async processNonexistentPath(item: PathData): Promise<void> {
    if (!(await item.parentExists())) throw pathNotFound(item.display, item.qualified());
    await this.touch(item);
  }

  private async touch(item: PathData): Promise<void> {
    if (!(await item.refresh())) {
      if (this.doNotCreate) return;
      await createEmpty(item);
      if (this.timestamp !== undefined) await this.updateTime(item);
      return;
    }
    await this.updateTime(item);
  }

  private async updateTime(item: PathData): Promise<void> {
    const time = this.timestamp === undefined ? Date.now() : parseTouchTimestamp(this.timestamp);
    if (this.changeModTime !== this.changeAccessTime) {
      await item.fs.setTimes(item.path, this.changeAccessTime ? -1 : time, this.changeModTime ? -1 : time);
    } else {
      await item.fs.setTimes(item.path, time, time);
    }
  }
}

/**
 * `yyyyMMdd:HHmmss` in local time, read leniently like SimpleDateFormat (out-of-range fields
 * roll over; anything after the pattern is ignored).
 */
export function parseTouchTimestamp(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2}):(\d{2})(\d{2})(\d{2})/.exec(text);
  if (!m) throw new ShellUsageError(`Unable to parse the specified timestamp ${text}. The expected format is yyyyMMdd:HHmmss`);
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  return new Date(y, mo - 1, d, h, mi, s).getTime();
}
