/**
 * `-rm [-f] [-r|-R] [-skipTrash] <src> ...` and `-rmdir [--ignore-fail-on-non-empty] <dir> ...`,
 * as Hadoop's Delete.Rm and Delete.Rmdir. -rm moves to the trash when trash is on (see
 * trash.ts), else deletes and prints "Deleted <path>"; -f makes missing paths quiet.
 */
import { parseCommandFormat, UNLIMITED } from './command-format.js';
import { FsCommand } from './fs-command.js';
import { FsShellContext } from './fs-shell-context.js';
import type { PathData } from './path-data.js';
import { pathIoError, pathIsDirectory, pathIsNotDirectory, pathIsNotEmptyDirectory, PathError } from './shell-errors.js';
import { TrashMover } from './trash.js';
import { FileNotFoundError } from '../../../client/hadoop/hdfs/webhdfs-errors.js';

export const RM_USAGE = '[-f] [-r|-R] [-skipTrash] <src> ...';
export const RMDIR_USAGE = '[--ignore-fail-on-non-empty] <dir> ...';

export class RmCommand extends FsCommand {
  private ignoreMissing = false;
  private deleteDirs = false;
  private skipTrash = false;
  private trash!: TrashMover;

  protected processOptions(args: string[]): void {
    const { flags } = parseCommandFormat(args, {
      command: '-rm',
      min: 1,
      max: UNLIMITED,
      flags: ['f', 'r', 'R', 'skipTrash'],
      unsupported: { safely: 'it asks for a confirmation on the terminal' },
    });
    this.ignoreMissing = flags.has('f');
    this.deleteDirs = flags.has('r') || flags.has('R');
    this.skipTrash = flags.has('skipTrash');
    this.trash = new TrashMover(this.shell.hdfs, this.shell.conf);
  }

  protected override async expandArgument(arg: string): Promise<PathData[]> {
    try {
      return await super.expandArgument(arg);
    } catch (err) {
      if (this.ignoreMissing && err instanceof PathError && err.problem === 'No such file or directory') return [];
      throw err;
    }
  }

  protected override async processNonexistentPath(item: PathData): Promise<void> {
    if (!this.ignoreMissing) await super.processNonexistentPath(item);
  }

  protected async processPath(item: PathData): Promise<void> {
    if (item.isDirectory && !this.deleteDirs) throw pathIsDirectory(item.display, 'use -r to delete a directory and its contents');
    if (!this.skipTrash) {
      let moved: string | undefined;
      try {
        moved = await this.trash.moveToTrash(item.path);
      } catch (err) {
        if (err instanceof FileNotFoundError) throw err;
        // Delete.Rm.moveToTrash: the reason, its cause, and the way out.
        const cause = err instanceof Error && err.cause !== undefined ? `: ${FsShellContext.messageOf(err.cause)}` : '';
        throw new Error(`${FsShellContext.messageOf(err)}${cause}. Consider using -skipTrash option`);
      }
      if (moved !== undefined) {
        this.shell.err(moved);
        return;
      }
    }
    if (!(await this.shell.hdfs.delete(item.path, this.deleteDirs))) throw pathIoError(item.display);
    await this.shell.out(`Deleted ${item.display}\n`);
  }
}

export class RmdirCommand extends FsCommand {
  private ignoreNonEmpty = false;

  protected processOptions(args: string[]): void {
    const { flags } = parseCommandFormat(args, { command: '-rmdir', min: 1, max: UNLIMITED, flags: ['-ignore-fail-on-non-empty'] });
    this.ignoreNonEmpty = flags.has('-ignore-fail-on-non-empty');
  }

  protected async processPath(item: PathData): Promise<void> {
    if (!item.isDirectory) throw pathIsNotDirectory(item.display);
    // One entry is enough to know: the rest of the listing is never asked for.
    const entries = item.fs.list(item.path)[Symbol.asyncIterator]();
    const empty = (await entries.next()).done === true;
    await entries.return?.();
    if (!empty) {
      if (!this.ignoreNonEmpty) throw pathIsNotEmptyDirectory(item.display);
      return;
    }
    try {
      if (!(await item.fs.delete(item.path, false))) throw pathIoError(item.display);
    } catch (err) {
      if (err instanceof PathError) throw err;
      throw new Error(FsShellContext.messageOf(err));
    }
  }
}
