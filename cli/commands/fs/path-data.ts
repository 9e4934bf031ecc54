/**
 * A path as a `loom fs` command handles it (Hadoop's org.apache.hadoop.fs.shell.PathData): the
 * string printed for it, the absolute path on its file system, and its status when it exists.
 *
 * What is printed follows Hadoop: a path that exists is printed as the glob expansion made it
 * (normalised, relative to the working directory when typed relative, with the scheme and
 * authority when typed with them); a missing path as typed; children as the parent's string
 * plus "/" and their name (only the name under ".").
 */
import { pathNotFound } from './shell-errors.js';
import type { ShellFs, ShellStatus } from './shell-fs.js';

export class PathData {
  constructor(
    readonly fs: ShellFs,
    /** PathData.toString: what messages and listings print. */
    readonly display: string,
    /** Absolute, normalised path on `fs`. */
    readonly path: string,
    public status: ShellStatus | undefined,
  ) {}

  /** The status of a path the command found to exist (Hadoop's PathData.stat); a missing one is "No such file or directory". */
  get existingStatus(): ShellStatus {
    if (this.status === undefined) throw pathNotFound(this.display);
    return this.status;
  }

  get exists(): boolean {
    return this.status !== undefined;
  }

  get isDirectory(): boolean {
    return this.status?.type === 'DIRECTORY';
  }

  get isFile(): boolean {
    return this.status?.type === 'FILE';
  }

  /** Path.getName(): the last component ("" for the root). */
  get name(): string {
    return this.path.slice(this.path.lastIndexOf('/') + 1);
  }

  /**
   * PathData.representsDirectory: the path as typed names a directory: it ends with "/" or its
   * last component is "." or "..". Such a destination is never created as a file.
   */
  representsDirectory(): boolean {
    const uriPath = this.display.replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/]*/, '');
    const name = uriPath.slice(uriPath.lastIndexOf('/') + 1);
    return name === '' || name === '.' || name === '..';
  }

  /** The child `name`, with a status when known (undefined: missing, or ask with `refresh`). */
  child(name: string, status?: ShellStatus): PathData {
    return new PathData(this.fs, childDisplay(this.display, name), joinPath(this.path, name), status);
  }

  /** PathData.getPathDataForChild: the child named like `src`, with its current status. */
  async childFor(src: PathData): Promise<PathData> {
    const child = this.child(src.name);
    await child.refresh();
    return child;
  }

  async refresh(): Promise<ShellStatus | undefined> {
    this.status = await this.fs.stat(this.path);
    return this.status;
  }

  /** The same path with a suffix (`x._COPYING_`). */
  suffix(extension: string): PathData {
    return new PathData(this.fs, this.display + extension, this.path + extension, undefined);
  }

  /** PathData.parentExists: for a path typed as a directory the directory itself must exist, else its parent. */
  async parentExists(): Promise<boolean> {
    const which = this.representsDirectory() ? this.path : this.fs.parent(this.path);
    return (await this.fs.stat(which)) !== undefined;
  }

  qualified(): string {
    return this.fs.qualify(this.path);
  }

  toString(): string {
    return this.display;
  }
}

/** PathData.getStringForChildPath. */
export function childDisplay(parent: string, name: string): string {
  if (parent === '.') return name;
  return parent.endsWith('/') ? `${parent}${name}` : `${parent}/${name}`;
}

export function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`;
}

/**
 * PathData.relativize: `path` relative to the working directory `cwd`, with ".." where needed
 * ("." for the working directory itself), as Hadoop prints matches of relative globs.
 */
export function relativize(cwd: string, path: string, isDir: boolean): string {
  if (cwd === path) return '.';
  const lastSep = longestDirPrefix(cwd, path, isDir);
  let rel = lastSep < path.length ? path.slice(lastSep + 1) : '';
  if (lastSep < cwd.length) {
    let sep = lastSep;
    while (sep !== -1) {
      rel = rel.length > 0 ? `../${rel}` : '..';
      sep = cwd.indexOf('/', sep + 1);
    }
  }
  return rel;
}

function longestDirPrefix(cwd: string, path: string, isDir: boolean): number {
  const c = cwd.endsWith('/') ? cwd : `${cwd}/`;
  const p = isDir && !path.endsWith('/') ? `${path}/` : path;
  const len = Math.min(c.length, p.length);
  let lastSep = -1;
  for (let i = 0; i < len; i++) {
    if (c[i] !== p[i]) break;
    if (c[i] === '/') lastSep = i;
  }
  return lastSep;
}

/**
 * Order of PathData.compareTo (Path.compareTo): by path, comparing UTF-16 code units as Java's
 * String.compareTo does.
 */
export function comparePaths(a: PathData, b: PathData): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}
