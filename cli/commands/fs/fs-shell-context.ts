/**
 * What every `loom fs` command works with: the HDFS and local file systems, the output streams,
 * the configuration, and the expansion of path arguments (Hadoop's PathData.expandAsGlob).
 */
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import type { Configuration } from '../../../client/conf/configuration.js';
import { componentMatcher, expandBraces, GlobSyntaxError, hasWildcard, unescapeGlob } from '../../../client/hadoop/hdfs/hdfs-glob.js';
import { parseHdfsPath } from '../../../client/hadoop/hdfs/hdfs-path.js';
import type { WebHdfsClient } from '../../../client/hadoop/hdfs/webhdfs-client.js';
import type { TransferProgressSink } from '../../../client/deploy/transfer-progress-sink.js';
import { comparePaths, joinPath, PathData, relativize } from './path-data.js';
import { ShellUsageError } from './shell-errors.js';
import type { HdfsShellFs, LocalShellFs, ShellStatus } from './shell-fs.js';

export interface FsIo {
  stdout: Writable & { isTTY?: boolean };
  /** Errors, and transfer progress (a live line when it is a TTY, see cli/terminal/transfer-progress-output.ts). */
  stderr: Writable & { isTTY?: boolean; columns?: number };
  env?: NodeJS.ProcessEnv;
  /** Read by `-put -` and `-appendToFile -` (default: process.stdin). */
  stdin?: Readable;
  /** Ends `-tail -f` (which otherwise follows the file until the process is stopped). */
  signal?: AbortSignal;
  /** The clock of transfer rates (tests; default Date.now). */
  now?: () => number;
}

export class FsShellContext {
  constructor(
    readonly io: FsIo,
    readonly conf: Configuration,
    readonly hdfs: HdfsShellFs,
    readonly local: LocalShellFs,
    /** Told of each file -put, -get and -cp move. */
    readonly transfers: TransferProgressSink,
  ) {}

  get client(): WebHdfsClient {
    return this.hdfs.client;
  }

  /** Writes to stdout, waiting while the reader is behind. */
  async out(text: string | Buffer): Promise<void> {
    if (!this.io.stdout.write(text)) await once(this.io.stdout, 'drain');
  }

  err(line: string): void {
    this.io.stderr.write(`${line}\n`);
  }

  /**
   * PathData.expandAsGlob on HDFS. A pattern with wildcards gives its matches sorted by path
   * (none: an empty list); a plain path gives one item, existing or not. Existing items print
   * as Hadoop prints glob matches: normalised, relative to the home directory when typed
   * relative, with scheme and authority when typed with them; a missing one prints as typed.
   */
  async expand(arg: string): Promise<PathData[]> {
    const home = arg.startsWith('/') || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(arg) ? '/' : await this.hdfs.workingDirectory();
    const typed = parseHdfsPath(arg, home);
    const display = (path: string, status: ShellStatus): string => {
      if (typed.scheme) return `${typed.scheme}://${typed.authority ?? ''}${path}`;
      if (arg.startsWith('/')) return path;
      return relativize(home, path, status.type === 'DIRECTORY');
    };
    if (!hasWildcard(arg)) {
      const path = parseHdfsPath(unescapeGlob(arg), home).path;
      const status = await this.hdfs.stat(path);
      return [new PathData(this.hdfs, status ? display(path, status) : unescapeGlob(arg), path, status)];
    }
    const matches = new Map<string, ShellStatus>();
    try {
      for (const pattern of expandBraces(typed.path)) {
        for (const [path, status] of await this.globMatches(pattern)) matches.set(path, status);
      }
    } catch (err) {
      if (err instanceof GlobSyntaxError) throw new ShellUsageError(err.message);
      throw err;
    }
    return [...matches].map(([path, status]) => new PathData(this.hdfs, display(path, status), path, status)).sort(comparePaths);
  }

  /** Globber: literal components are appended, wildcard ones matched against the listing of each candidate directory. */
  private async globMatches(pattern: string): Promise<[string, ShellStatus][]> {
    let candidates: { path: string; status: ShellStatus | undefined }[] = [{ path: '/', status: undefined }];
    for (const component of pattern.split('/').filter((c) => c !== '' && c !== '.')) {
      if (!hasWildcard(component)) {
        const name = unescapeGlob(component);
        candidates = candidates.map((c) => ({
          path: name === '..' ? this.hdfs.parent(c.path) : joinPath(c.path, name),
          status: undefined,
        }));
        continue;
      }
      const matcher = componentMatcher(component);
      const next: typeof candidates = [];
      for (const c of candidates) {
        const status = c.status ?? (await this.hdfs.stat(c.path));
        if (status?.type !== 'DIRECTORY') continue;
        for await (const e of this.hdfs.list(c.path)) {
          if (matcher.test(e.name)) next.push({ path: joinPath(c.path, e.name), status: e.status });
        }
      }
      candidates = next;
    }
    const found: [string, ShellStatus][] = [];
    for (const c of candidates) {
      const status = c.status ?? (await this.hdfs.stat(c.path));
      if (status) found.push([c.path, status]);
    }
    return found;
  }

  /** An HDFS path without glob expansion (Hadoop's `new PathData(arg, conf)`: -tail, -head). */
  async pathData(arg: string): Promise<PathData> {
    const home = arg.startsWith('/') || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(arg) ? '/' : await this.hdfs.workingDirectory();
    const path = parseHdfsPath(arg, home).path;
    return new PathData(this.hdfs, arg, path, await this.hdfs.stat(path));
  }

  /** A local path as typed (the sources of -put, the destination of -get). */
  async localPathData(arg: string): Promise<PathData> {
    const path = await this.local.absolute(arg);
    return new PathData(this.local, arg, path, await this.local.stat(path));
  }

  /** The first line of what the file system said (FsShell prints a remote exception's message, not its class). */
  static messageOf(err: unknown): string {
    if (err && typeof err === 'object' && 'remoteMessage' in err && typeof err.remoteMessage === 'string') {
      return err.remoteMessage.split('\n')[0];
    }
    return err instanceof Error ? (err.message.split('\n')[0] ?? String(err)) : String(err);
  }
}
