/**
 * Commands that print file contents or checksums, as Hadoop's Display.Cat, Head, Tail and
 * Display.Checksum: `-cat [-ignoreCrc] <src> ...`, `-head <file>`, `-tail [-f] [-s <ms>] <file>`,
 * `-checksum [-v] <src> ...`. A directory is "Is a directory".
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Readable } from 'node:stream';
import { parseCommandFormat, UNLIMITED } from './command-format.js';
import { FsCommand } from './fs-command.js';
import type { PathData } from './path-data.js';
import { pathIsDirectory, ShellUsageError } from './shell-errors.js';

export const CAT_USAGE = '[-ignoreCrc] <src> ...';
export const HEAD_USAGE = '<file>';
export const TAIL_USAGE = '[-f] [-s <sleep interval>] <file>';
export const CHECKSUM_USAGE = '[-v] <src> ...';

/** Copies a stream to stdout (respecting backpressure) and returns the bytes copied. */
async function copyToOut(cmd: { out(b: Buffer): Promise<void> }, stream: Readable): Promise<number> {
  let n = 0;
  for await (const chunk of stream) {
    n += (chunk as Buffer).length;
    await cmd.out(chunk as Buffer);
  }
  return n;
}

export class CatCommand extends FsCommand {
  protected processOptions(args: string[]): void {
    // -ignoreCrc is accepted: over WebHDFS the DataNode checks the checksums itself.
    parseCommandFormat(args, { command: '-cat', min: 1, max: UNLIMITED, flags: ['ignoreCrc'] });
  }

  protected async processPath(item: PathData): Promise<void> {
    if (item.isDirectory) throw pathIsDirectory(item.display);
    await copyToOut(this.shell, await this.shell.client.open(item.path));
  }
}

export class HeadCommand extends FsCommand {
  protected processOptions(args: string[]): void {
    parseCommandFormat(args, { command: '-head', min: 1, max: 1 });
  }

  /** No glob: the path as typed (Head.expandArgument). */
  protected override async expandArgument(arg: string): Promise<PathData[]> {
    return [await this.shell.pathData(arg)];
  }

  protected async processPath(item: PathData): Promise<void> {
    if (item.isDirectory) throw pathIsDirectory(item.display);
    // Head: the first 1 KB.
    await copyToOut(this.shell, await this.shell.client.open(item.path, { length: 1024 }));
  }
}

export class TailCommand extends FsCommand {
  private follow = false;
  private followDelayMs = 5000;

  protected processOptions(args: string[]): void {
    const { flags, values } = parseCommandFormat(args, { command: '-tail', min: 1, max: 1, flags: ['f'], valued: ['s'] });
    this.follow = flags.has('f');
    const sleepArg = values.get('s');
    if (this.follow && sleepArg) {
      if (!/^[+-]?\d+$/.test(sleepArg)) throw new ShellUsageError(`For input string: "${sleepArg}"`);
      const ms = Number(sleepArg);
      if (ms > 0) this.followDelayMs = ms;
    }
  }

  protected override async expandArgument(arg: string): Promise<PathData[]> {
    return [await this.shell.pathData(arg)];
  }

  protected async processPath(item: PathData): Promise<void> {
    if (item.isDirectory) throw pathIsDirectory(item.display);
    // Tail: the last 1 KB, then (-f) whatever was added, every followDelay ms.
    let offset = await this.dumpFromOffset(item, -1024);
    const signal = this.shell.io.signal;
    while (this.follow && !signal?.aborted) {
      try {
        await sleep(this.followDelayMs, undefined, signal ? { signal } : {});
      } catch {
        break; // aborted
      }
      offset = await this.dumpFromOffset(item, offset);
    }
  }

  private async dumpFromOffset(item: PathData, offset: number): Promise<number> {
    const size = (await item.refresh())?.length ?? 0;
    if (offset > size) return size;
    if (offset < 0) offset = Math.max(size + offset, 0);
    // Nothing new: no OPEN (a DataNode refuses an offset at the end of a file; Hadoop's input stream never asks).
    if (offset === size) return size;
    return offset + (await copyToOut(this.shell, await this.shell.client.open(item.path, { offset })));
  }
}

export class ChecksumCommand extends FsCommand {
  private showBlockSize = false;

  protected processOptions(args: string[]): void {
    const { flags } = parseCommandFormat(args, { command: '-checksum', min: 1, max: UNLIMITED, flags: ['v'] });
    this.showBlockSize = flags.has('v');
  }

  protected async processPath(item: PathData): Promise<void> {
    if (item.isDirectory) throw pathIsDirectory(item.display);
    const c = await this.shell.client.getFileChecksum(item.path);
    // The JSON's hex may run past the checksum; Hadoop prints `length` bytes (byteToHexString(bytes, 0, length)).
    const line = `${item.display}\t${c.algorithm}\t${c.bytes.slice(0, c.length * 2)}`;
    await this.shell.out(this.showBlockSize ? `${line}\tBlockSize=${item.existingStatus.blockSize}\n` : `${line}\n`);
  }
}
