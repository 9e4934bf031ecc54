/**
 * Commands that take sources and one destination (-put, -get, -cp, -mv, -appendToFile), with
 * Hadoop's rules for the destination (org.apache.hadoop.fs.shell.CommandWithDestination):
 *
 * - several sources: the destination must be an existing directory;
 * - an existing directory: each source goes inside it, under its own name;
 * - a destination typed as a directory (ending in "/", ".", ".."): it must exist, and the source
 *   goes inside it: `-put big.bin /data/` without /data is "`/data/': No such file or
 *   directory", never a file named /data;
 * - otherwise the destination is the new name, and its parent must exist (nothing is created
 *   on the way);
 * - an existing file is "File exists" unless -f.
 *
 * A file is written next to its target as `<target>._COPYING_` and renamed into place when all
 * its bytes are in (-d writes the target directly), so a broken copy never looks complete.
 */
import type { Readable } from 'node:stream';
import { FsCommand } from './fs-command.js';
import type { PathData } from './path-data.js';
import { PathError, pathExists, pathIoError, pathIsDirectory, pathIsNotDirectory, pathNotFound } from './shell-errors.js';
import type { ShellFs } from './shell-fs.js';
import { withTransferProgress, type TransferDirection } from '../../../client/deploy/transfer-progress-sink.js';

/** Attributes -p keeps (CommandWithDestination.FileAttribute; ACL and XATTR are not supported). */
export type PreservedAttribute = 'TIMESTAMPS' | 'OWNERSHIP' | 'PERMISSION';

export abstract class CommandWithDestination extends FsCommand {
  protected dst!: PathData;
  protected overwrite = false;
  protected direct = false;
  protected readonly preserve = new Set<PreservedAttribute>();

  protected setPreserve(all: boolean): void {
    if (all) for (const a of ['TIMESTAMPS', 'OWNERSHIP', 'PERMISSION'] as const) this.preserve.add(a);
    else this.preserve.clear();
  }

  /** CommandWithDestination.getRemoteDestination: the last argument, glob-expanded to one HDFS path (default "."). */
  protected async remoteDestination(args: string[]): Promise<void> {
    const typed = (args.length < 2 ? undefined : args.pop()) ?? '.';
    const items = await this.shell.expand(typed);
    const dst = items.at(0);
    if (dst === undefined) throw pathNotFound(typed);
    if (items.length > 1) throw new PathError(typed, 'Too many matches');
    this.dst = dst;
  }

  /** CommandWithDestination.getLocalDestination: the last argument as a local path (default "."). */
  protected async localDestination(args: string[]): Promise<void> {
    this.dst = await this.shell.localPathData((args.length < 2 ? undefined : args.pop()) ?? '.');
  }

  protected override async processArguments(items: PathData[]): Promise<void> {
    const dst = this.dst;
    if (items.length > 1) {
      if (!dst.exists) throw pathNotFound(dst.display);
      if (!dst.isDirectory) throw pathIsNotDirectory(dst.display);
    } else if (dst.exists) {
      if (!dst.isDirectory && !this.overwrite) throw pathExists(dst.display, this.overwriteHint());
    } else if (!(await dst.parentExists())) {
      const create = dst.fs.kind === 'hdfs' ? 'create it with -mkdir -p' : 'create it first';
      throw pathNotFound(
        dst.display,
        dst.fs.qualify(dst.path),
        dst.representsDirectory()
          ? `a destination ending in / is a directory that must exist: ${create}, or drop the / to name a new file`
          : `its parent directory must exist: ${create}`,
      );
    }
    await super.processArguments(items);
  }

  /** A directory is never copied into itself. */
  protected override async processPathArgument(src: PathData): Promise<void> {
    if (src.isDirectory && src.fs === this.dst.fs) {
      const target = await this.targetPath(src);
      const srcPath = src.fs.qualify(src.path);
      const dstPath = target.fs.qualify(target.path);
      if (dstPath === srcPath) throw new PathError(src.display, 'are identical', { target: dstPath });
      if (dstPath.startsWith(srcPath.endsWith('/') ? srcPath : `${srcPath}/`)) {
        throw new PathError(src.display, 'is a subdirectory of itself', { target: target.display });
      }
    }
    await super.processPathArgument(src);
  }

  protected async processPath(src: PathData): Promise<void> {
    await this.processPathTo(src, await this.targetPath(src));
  }

  protected async processPathTo(src: PathData, target: PathData): Promise<void> {
    if (src.existingStatus.type === 'SYMLINK') throw new PathError(src.display, 'Operation not supported');
    if (src.isFile) await this.copyFileToTarget(src, target);
    else if (src.isDirectory && !this.recursive) throw pathIsDirectory(src.display);
  }

  /** Into a directory: the directory is made (or must be one) at the target, then its children follow. */
  protected override async recursePath(src: PathData): Promise<void> {
    const saved = this.dst;
    try {
      this.dst = await this.targetPath(src);
      if (this.dst.exists) {
        if (!this.dst.isDirectory) throw pathIsNotDirectory(this.dst.display);
      } else {
        await this.dst.fs.mkdirs(this.dst.path);
        await this.dst.refresh();
      }
      await super.recursePath(src);
      if (this.dst.isDirectory) await this.preserveAttributes(src, this.dst);
    } finally {
      this.dst = saved;
    }
  }

  /** What gets past "File exists" (-mv has no -f). */
  protected overwriteHint(): string | undefined {
    return 'use -f to overwrite';
  }

  /** CommandWithDestination.getTargetPath. */
  protected async targetPath(src: PathData): Promise<PathData> {
    if (this.depth > 0 || (this.dst.exists && this.dst.isDirectory) || this.dst.representsDirectory()) return this.dst.childFor(src);
    return this.dst;
  }

  protected async copyFileToTarget(src: PathData, target: PathData): Promise<void> {
    await this.copyStreamToTarget(await src.fs.openRead(src.path), target, src.existingStatus.length, src.name, src.fs.kind);
    await this.preserveAttributes(src, target);
  }

  /** Writes `body` (from a file system of `sourceKind`) to the target; its bytes are reported to the shell's transfer progress. */
  protected async copyStreamToTarget(
    body: Readable,
    target: PathData,
    length: number | undefined,
    name: string,
    sourceKind: ShellFs['kind'],
  ): Promise<void> {
    if (target.exists && (target.isDirectory || !this.overwrite)) {
      body.destroy();
      throw pathExists(target.display, target.isDirectory ? undefined : this.overwriteHint());
    }
    const temp = this.direct ? target : target.suffix('._COPYING_');
    try {
      await withTransferProgress(
        this.shell.transfers,
        { name, direction: transferDirection(sourceKind, target.fs.kind), ...(length !== undefined ? { totalBytes: length } : {}) },
        (onProgress) =>
          target.fs.write(temp.path, body, {
            overwrite: true,
            ...(length !== undefined ? { contentLength: length } : {}),
            ...(onProgress ? { onProgress: (sent: number) => onProgress(sent, length) } : {}),
          }),
      );
      if (!this.direct) await this.renameIntoPlace(temp, target);
    } catch (err) {
      body.destroy();
      if (!this.direct) await target.fs.delete(temp.path, false).catch(() => false);
      throw err;
    }
  }

  /** TargetFileSystem.rename: an existing target is deleted first, then the temporary file renamed. */
  private async renameIntoPlace(temp: PathData, target: PathData): Promise<void> {
    if (target.exists && !(await target.fs.delete(target.path, false))) throw pathIoError(target.display, { operation: 'delete' });
    if (!(await target.fs.rename(temp.path, target.path))) throw pathIoError(temp.display, { operation: 'rename', target: target.display });
  }

  protected async preserveAttributes(src: PathData, target: PathData): Promise<void> {
    const s = src.existingStatus;
    const fs: ShellFs = target.fs;
    if (this.preserve.has('TIMESTAMPS')) await fs.setTimes(target.path, s.modificationTime, s.accessTime);
    if (this.preserve.has('OWNERSHIP')) await fs.setOwner(target.path, s.owner, s.group);
    if (this.preserve.has('PERMISSION')) await fs.setPermission(target.path, s.permission);
  }
}

/** -put uploads, -get downloads, -cp copies (through this client, from HDFS to HDFS). */
function transferDirection(from: ShellFs['kind'], to: ShellFs['kind']): TransferDirection {
  if (from === 'local' && to === 'hdfs') return 'upload';
  if (from === 'hdfs' && to === 'local') return 'download';
  return 'copy';
}
