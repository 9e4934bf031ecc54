/**
 * `-mkdir [-p] <path> ...` as Hadoop's Mkdir: an existing directory is "File exists" unless -p,
 * an existing file "Is not a directory"; without -p the parent must exist (reported with its
 * fully qualified path, as Hadoop does).
 */
import { parseCommandFormat, UNLIMITED } from './command-format.js';
import { FsCommand } from './fs-command.js';
import type { PathData } from './path-data.js';
import { pathExists, pathIoError, pathIsNotDirectory, pathNotFound } from './shell-errors.js';

export const MKDIR_USAGE = '[-p] <path> ...';

export class MkdirCommand extends FsCommand {
  private createParents = false;

  protected processOptions(args: string[]): void {
    const { flags } = parseCommandFormat(args, { command: '-mkdir', min: 1, max: UNLIMITED, flags: ['p'] });
    this.createParents = flags.has('p');
  }

  protected processPath(item: PathData): void {
    if (!item.isDirectory) throw pathIsNotDirectory(item.display);
    if (!this.createParents) throw pathExists(item.display);
  }

  protected override async processNonexistentPath(item: PathData): Promise<void> {
    if (!this.createParents) {
      const parent = item.fs.parent(item.path);
      if (!(await item.fs.stat(parent))) throw pathNotFound(item.fs.qualify(parent), undefined, 'use -p to create parent directories');
    }
    try {
      await item.fs.mkdirs(item.path);
    } catch (err) {
      if (err instanceof Error && err.name === 'WebHdfsOperationFailedError') throw pathIoError(item.display);
      throw err;
    }
  }
}
