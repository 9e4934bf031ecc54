/**
 * `-put`/`-copyFromLocal`, `-get`/`-copyToLocal`, `-cp`, `-mv` and `-appendToFile`, as Hadoop's
 * CopyCommands and MoveCommands, on the destination rules of command-with-destination.ts.
 * Directories are copied whole (-put, -get, -cp); -mv renames on the NameNode.
 */
import type { Readable } from 'node:stream';
import { parseCommandFormat, UNLIMITED } from './command-format.js';
import { CommandWithDestination, type PreservedAttribute } from './command-with-destination.js';
import type { PathData } from './path-data.js';
import { PathError, pathExists, pathIoError, pathNotFound, ShellUsageError, unsupportedFlag } from './shell-errors.js';

export const PUT_USAGE = '[-f] [-p] [-d] <localsrc> ... <dst>';
export const GET_USAGE = '[-f] [-p] [-ignoreCrc] <src> ... <localdst>';
export const CP_USAGE = '[-f] [-p | -p[top]] [-d] <src> ... <dst>';
export const MV_USAGE = '<src> ... <dst>';
export const APPEND_USAGE = '<localsrc> ... <dst>';

const THREADS = 'loom fs copies one file at a time';

export class PutCommand extends CommandWithDestination {
  protected async processOptions(args: string[]): Promise<void> {
    const { flags } = parseCommandFormat(args, {
      command: `-${this.name}`,
      min: 1,
      max: UNLIMITED,
      flags: ['f', 'p', 'd'],
      unsupported: { l: 'lazy persist needs a RAM disk storage policy', t: THREADS, q: THREADS },
    });
    this.overwrite = flags.has('f');
    this.setPreserve(flags.has('p'));
    this.direct = flags.has('d');
    await this.remoteDestination(args);
    this.recursive = true;
  }

  /** Sources are local paths as typed; the shell has expanded any pattern already. */
  protected override async expandArgument(arg: string): Promise<PathData[]> {
    return [await this.shell.localPathData(arg)];
  }

  protected override async processArguments(items: PathData[]): Promise<void> {
    if (items.length === 1 && items[0].display === '-') {
      // Put.processArguments: "-" is standard input, written to the target without the destination checks.
      await this.copyStreamToTarget(this.shell.io.stdin ?? process.stdin, await this.targetPath(items[0]), undefined, '-', 'local');
      return;
    }
    await super.processArguments(items);
  }
}

export class GetCommand extends CommandWithDestination {
  protected async processOptions(args: string[]): Promise<void> {
    const { flags } = parseCommandFormat(args, {
      command: `-${this.name}`,
      min: 1,
      max: UNLIMITED,
      // -ignoreCrc is accepted: the DataNode checks the checksums of what WebHDFS sends.
      flags: ['ignoreCrc', 'p', 'f'],
      unsupported: { crc: 'WebHDFS gives no .crc data to write', t: THREADS, q: THREADS },
    });
    this.setPreserve(flags.has('p'));
    this.overwrite = flags.has('f');
    this.recursive = true;
    await this.localDestination(args);
  }
}

export class CpCommand extends CommandWithDestination {
  protected async processOptions(args: string[]): Promise<void> {
    this.popPreserveOption(args);
    const { flags } = parseCommandFormat(args, {
      command: '-cp',
      min: 2,
      max: UNLIMITED,
      flags: ['f', 'd'],
      unsupported: { t: THREADS, q: THREADS },
    });
    this.direct = flags.has('d');
    this.overwrite = flags.has('f');
    this.recursive = true;
    await this.remoteDestination(args);
  }

  /** Cp.popPreserveOption: the first `-p[topax]` anywhere before "--". */
  private popPreserveOption(args: string[]): void {
    for (let i = 0; i < args.length && args[i] !== '--'; i++) {
      const arg = args[i];
      if (!arg.startsWith('-p')) continue;
      args.splice(i, 1);
      if (arg.length === 2) {
        this.setPreserve(true);
        return;
      }
      const byLetter: Partial<Record<string, PreservedAttribute>> = { t: 'TIMESTAMPS', o: 'OWNERSHIP', p: 'PERMISSION' };
      for (const letter of arg.slice(2)) {
        const attribute = byLetter[letter.toLowerCase()];
        if (attribute) this.preserve.add(attribute);
        else if ('ax'.includes(letter.toLowerCase()))
          throw unsupportedFlag('-cp', `-p${letter}`, 'ACLs and extended attributes are not copied');
        else throw new ShellUsageError(`No attribute for ${letter}`);
      }
      return;
    }
  }
}

export class MvCommand extends CommandWithDestination {
  protected async processOptions(args: string[]): Promise<void> {
    parseCommandFormat(args, { command: '-mv', min: 2, max: UNLIMITED });
    await this.remoteDestination(args);
  }

  protected override overwriteHint(): string | undefined {
    return undefined;
  }

  /** MoveCommands.Rename: one RENAME on the NameNode, never onto an existing path. */
  protected override async processPathTo(src: PathData, target: PathData): Promise<void> {
    if (target.exists) throw pathExists(target.display);
    if (!(await this.shell.hdfs.rename(src.path, target.path))) throw pathIoError(src.display);
  }
}

export class AppendToFileCommand extends CommandWithDestination {
  private readStdin = false;

  protected async processOptions(args: string[]): Promise<void> {
    if (args.length < 2) throw new Error('missing destination argument');
    parseCommandFormat(args, { command: '-appendToFile', min: 2, max: UNLIMITED, unsupported: { n: 'WebHDFS appends to the last block' } });
    await this.remoteDestination(args);
  }

  protected override async expandArgument(arg: string): Promise<PathData[]> {
    if (arg === '-') {
      this.readStdin = true;
      return [];
    }
    return [await this.shell.localPathData(arg)];
  }

  protected override async processArguments(items: PathData[]): Promise<void> {
    const dst = this.dst;
    if (!dst.exists) await this.shell.client.create(dst.path, Buffer.alloc(0), { overwrite: false });
    if (this.readStdin) {
      if (items.length > 0) throw new Error('stdin (-) must be the only source.');
      await this.append(this.shell.io.stdin ?? process.stdin);
      return;
    }
    for (const src of items) {
      if (!src.exists) throw pathNotFound(src.display);
      if (src.isDirectory) throw new PathError(src.display, 'Is a directory');
      await this.append(await src.fs.openRead(src.path));
    }
  }

  private async append(body: Readable): Promise<void> {
    await this.shell.client.append(this.dst.path, body);
  }
}
