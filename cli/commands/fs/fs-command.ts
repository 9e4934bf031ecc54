/**
 * The flow every `loom fs` command follows, as Hadoop's org.apache.hadoop.fs.shell.Command
 * defines it: parse the options, expand each argument (glob), then for each path that exists
 * process it (and, when recursive, its children, depth first), and for each that does not
 * report it. A failing path prints one line ("<command>: <message>") and the command goes on
 * with the next; the exit code is then 1. A bad command line (ShellUsageError) ends the command
 * at once; the caller prints it with the usage (exit code 255).
 */
import { FsShellContext } from './fs-shell-context.js';
import type { PathData } from './path-data.js';
import { pathNotFound, ShellUsageError } from './shell-errors.js';

export abstract class FsCommand {
  /** Exit code when no path failed (-test sets 1 for "false"). */
  protected exitCode = 0;
  private errors = 0;
  protected recursive = false;
  /** 0 for an argument, 1 for its children, ... */
  protected depth = 0;

  constructor(
    protected readonly shell: FsShellContext,
    /** Without the dash: "ls", "put". */
    readonly name: string,
  ) {}

  async run(args: string[]): Promise<number> {
    try {
      await this.processOptions(args);
      await this.processRawArguments(args);
    } catch (err) {
      if (err instanceof ShellUsageError) throw err;
      this.displayError(err);
    }
    return this.errors === 0 ? this.exitCode : 1;
  }

  /** Reads (and removes) the options from `args`; throws ShellUsageError for a bad command line. */
  protected abstract processOptions(args: string[]): Promise<void> | void;

  protected async processRawArguments(args: string[]): Promise<void> {
    await this.processArguments(await this.expandArguments(args));
  }

  protected async expandArguments(args: string[]): Promise<PathData[]> {
    const items: PathData[] = [];
    for (const arg of args) {
      try {
        items.push(...(await this.expandArgument(arg)));
      } catch (err) {
        if (err instanceof ShellUsageError) throw err;
        this.displayError(err);
      }
    }
    return items;
  }

  /** A glob that matches nothing is "No such file or directory" under the pattern as typed. */
  protected async expandArgument(arg: string): Promise<PathData[]> {
    const items = await this.shell.expand(arg);
    if (items.length === 0) throw pathNotFound(arg);
    return items;
  }

  protected async processArguments(items: PathData[]): Promise<void> {
    for (const item of items) {
      try {
        await this.processArgument(item);
      } catch (err) {
        if (err instanceof ShellUsageError) throw err;
        this.displayError(err);
      }
    }
  }

  protected async processArgument(item: PathData): Promise<void> {
    if (item.exists) await this.processPathArgument(item);
    else await this.processNonexistentPath(item);
  }

  protected async processPathArgument(item: PathData): Promise<void> {
    this.depth = 0;
    await this.processPaths(undefined, [item]);
  }

  /** Command.processNonexistentPath; a command that checks nothing remote may answer at once (void). */
  protected processNonexistentPath(item: PathData): Promise<void> | void {
    throw pathNotFound(item.display);
  }

  protected async processPaths(_parent: PathData | undefined, items: PathData[]): Promise<void> {
    for (const item of items) {
      try {
        await this.processPath(item);
        if (this.recursive && this.isPathRecursable(item)) await this.recursePath(item);
      } catch (err) {
        if (err instanceof ShellUsageError) throw err;
        this.displayError(err);
      }
    }
  }

  protected isPathRecursable(item: PathData): boolean {
    return item.isDirectory;
  }

  /** Command.processPath, awaited; a command that checks nothing remote may answer at once (void). */
  protected abstract processPath(item: PathData): Promise<void> | void;

  /** Whether children are listed whole and sorted by path before being processed (else streamed in listing order). */
  protected isSorted(): boolean {
    return false;
  }

  /** Streamed children are handed to processPaths in groups of this size (0: one by one). */
  protected listingGroupSize(): number {
    return 0;
  }

  protected async recursePath(item: PathData): Promise<void> {
    this.depth++;
    try {
      if (this.isSorted()) {
        await this.processPaths(item, await this.directoryContents(item));
        return;
      }
      const groupSize = this.listingGroupSize();
      let group: PathData[] = [];
      for await (const e of item.fs.list(item.path)) {
        const child = item.child(e.name, e.status);
        if (groupSize === 0) {
          await this.processPaths(item, [child]);
          continue;
        }
        group.push(child);
        if (group.length === groupSize) {
          await this.processPaths(item, group);
          group = [];
        }
      }
      if (group.length > 0) await this.processPaths(item, group);
    } finally {
      this.depth--;
    }
  }

  /** PathData.getDirectoryContents: all children, sorted by path. */
  protected async directoryContents(item: PathData): Promise<PathData[]> {
    const children: PathData[] = [];
    for await (const e of item.fs.list(item.path)) children.push(item.child(e.name, e.status));
    return children.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** "<command>: <message>" on stderr; the command will exit 1. */
  protected displayError(err: unknown): void {
    this.errors++;
    this.displayWarning(FsShellContext.messageOf(err));
  }

  protected displayWarning(message: string): void {
    this.shell.err(`${this.prefix()}${message}`);
  }

  /** Loom's prefix for a command's lines on stderr: "loom fs -ls: ". */
  protected prefix(): string {
    return `loom fs -${this.name}: `;
  }
}
