/**
 * The two file systems `loom fs` copies between, behind one small interface (Hadoop's shell does
 * the same over FileSystem): HDFS through the WebHDFS client, and the local disk (for -put's
 * sources and -get's destination).
 */
import { chmod, chown, mkdir, readdir, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { resolve as resolveLocal } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { hdfsParent } from '../../../client/hadoop/hdfs/hdfs-path.js';
import { localFileReader, localFileWriter } from '../../../client/hadoop/hdfs/local-file-streams.js';
import type { WebHdfsClient } from '../../../client/hadoop/hdfs/webhdfs-client.js';
import { FileNotFoundError, WebHdfsOperationFailedError } from '../../../client/hadoop/hdfs/webhdfs-errors.js';
import type { HdfsFileStatus } from '../../../client/hadoop/hdfs/webhdfs-json.js';

export interface ShellStatus {
  type: 'FILE' | 'DIRECTORY' | 'SYMLINK';
  length: number;
  owner: string;
  group: string;
  /** Permission bits with the sticky bit (0o1777 at most). */
  permission: number;
  accessTime: number;
  modificationTime: number;
  replication: number;
  blockSize: number;
  aclBit?: boolean;
}

export interface ShellEntry {
  name: string;
  status: ShellStatus;
}

export interface WriteOptions {
  overwrite: boolean;
  contentLength?: number;
  /** Running total of the bytes written. */
  onProgress?: (bytesWritten: number) => void;
}

export interface ShellFs {
  readonly kind: 'hdfs' | 'local';
  /** Undefined when the path does not exist. */
  stat(path: string): Promise<ShellStatus | undefined>;
  /** A directory's entries, in the order the file system gives them. */
  list(path: string): AsyncIterable<ShellEntry>;
  /** `hdfs://nn:8020/x`, `file:///x`: the path as FileSystem.makeQualified prints it. */
  qualify(path: string): string;
  /** Absolute path of a path as typed (relative ones against the working directory). */
  absolute(typed: string): Promise<string>;
  parent(path: string): string;
  mkdirs(path: string, permission?: number): Promise<void>;
  openRead(path: string): Promise<Readable>;
  write(path: string, body: Readable, opts: WriteOptions): Promise<void>;
  /** Old-style rename: false (no exception) when it could not be done. */
  rename(src: string, dst: string): Promise<boolean>;
  delete(path: string, recursive: boolean): Promise<boolean>;
  /** -1 leaves a time as it is. */
  setTimes(path: string, modificationTime: number, accessTime: number): Promise<void>;
  setPermission(path: string, permission: number): Promise<void>;
  setOwner(path: string, owner: string | undefined, group: string | undefined): Promise<void>;
}

export function statusFromHdfs(s: HdfsFileStatus): ShellStatus {
  return {
    type: s.type,
    length: s.length,
    owner: s.owner,
    group: s.group,
    permission: parseInt(s.permission, 8) & 0o1777,
    accessTime: s.accessTime,
    modificationTime: s.modificationTime,
    replication: s.replication,
    blockSize: s.blockSize,
    ...(s.aclBit ? { aclBit: true } : {}),
  };
}

export class HdfsShellFs implements ShellFs {
  readonly kind = 'hdfs';
  private home: string | undefined;

  constructor(
    readonly client: WebHdfsClient,
    /** `scheme://authority` of the file system, for qualified paths in messages. */
    readonly uriPrefix: string,
  ) {}

  /** The working directory: the user's home (GETHOMEDIRECTORY), asked once. */
  async workingDirectory(): Promise<string> {
    this.home ??= await this.client.getHomeDirectory();
    return this.home;
  }

  async stat(path: string): Promise<ShellStatus | undefined> {
    try {
      return statusFromHdfs(await this.client.getFileStatus(path));
    } catch (err) {
      if (err instanceof FileNotFoundError) return undefined;
      throw err;
    }
  }

  async *list(path: string): AsyncIterable<ShellEntry> {
    for await (const s of this.client.listStatusIterator(path)) yield { name: s.pathSuffix, status: statusFromHdfs(s) };
  }

  qualify(path: string): string {
    return `${this.uriPrefix}${path}`;
  }

  async absolute(typed: string): Promise<string> {
    return typed.startsWith('/') ? typed : `${(await this.workingDirectory()).replace(/\/+$/, '')}/${typed}`;
  }

  parent(path: string): string {
    return hdfsParent(path);
  }

  async mkdirs(path: string, permission?: number): Promise<void> {
    await this.client.mkdirs(path, permission === undefined ? {} : { permission: permission.toString(8) });
  }

  openRead(path: string): Promise<Readable> {
    return this.client.open(path);
  }

  async write(path: string, body: Readable, opts: WriteOptions): Promise<void> {
    await this.client.create(path, body, {
      overwrite: opts.overwrite,
      ...(opts.contentLength !== undefined ? { contentLength: opts.contentLength } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
  }

  async rename(src: string, dst: string): Promise<boolean> {
    try {
      await this.client.rename(src, dst);
      return true;
    } catch (err) {
      if (err instanceof WebHdfsOperationFailedError) return false;
      throw err;
    }
  }

  delete(path: string, recursive: boolean): Promise<boolean> {
    return this.client.delete(path, { recursive, ignoreMissing: true });
  }

  setTimes(path: string, modificationTime: number, accessTime: number): Promise<void> {
    return this.client.setTimes(path, { modificationTime, accessTime });
  }

  setPermission(path: string, permission: number): Promise<void> {
    return this.client.setPermission(path, permission.toString(8));
  }

  setOwner(path: string, owner: string | undefined, group: string | undefined): Promise<void> {
    return this.client.setOwner(path, { ...(owner ? { owner } : {}), ...(group ? { group } : {}) });
  }
}

/** The local disk, as Hadoop's RawLocalFileSystem shows it (owners by name, like `ls -l`). */
export class LocalShellFs implements ShellFs {
  readonly kind = 'local';
  private names: Promise<{ users: Map<number, string>; groups: Map<number, string> }> | undefined;

  async stat(path: string): Promise<ShellStatus | undefined> {
    let st;
    try {
      st = await stat(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw err;
    }
    const { users, groups } = await this.ownerNames();
    return {
      type: st.isDirectory() ? 'DIRECTORY' : 'FILE',
      length: st.isDirectory() ? 0 : st.size,
      owner: users.get(st.uid) ?? String(st.uid),
      group: groups.get(st.gid) ?? String(st.gid),
      permission: st.mode & 0o1777,
      accessTime: Math.floor(st.atimeMs),
      modificationTime: Math.floor(st.mtimeMs),
      replication: 1,
      blockSize: 33554432, // fs.local.block.size
    };
  }

  async *list(path: string): AsyncIterable<ShellEntry> {
    const names = (await readdir(path)).sort();
    for (const name of names) {
      const status = await this.stat(`${path.replace(/\/+$/, '')}/${name}`);
      if (status) yield { name, status };
    }
  }

  qualify(path: string): string {
    return `file://${path}`;
  }

  absolute(typed: string): Promise<string> {
    return Promise.resolve(resolveLocal(typed));
  }

  parent(path: string): string {
    const i = path.replace(/\/+$/, '').lastIndexOf('/');
    return i <= 0 ? '/' : path.slice(0, i);
  }

  async mkdirs(path: string, permission?: number): Promise<void> {
    await mkdir(path, { recursive: true, ...(permission !== undefined ? { mode: permission } : {}) });
  }

  async openRead(path: string): Promise<Readable> {
    const stream = localFileReader(path);
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    return stream;
  }

  async write(path: string, body: Readable, opts: WriteOptions): Promise<void> {
    const file = localFileWriter(path, opts.overwrite ? 'w' : 'wx');
    const onProgress = opts.onProgress;
    if (!onProgress) {
      await pipeline(body, file);
      return;
    }
    let written = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        written += chunk.length;
        onProgress(written);
        done(null, chunk);
      },
    });
    await pipeline(body, counted, file);
  }

  async rename(src: string, dst: string): Promise<boolean> {
    try {
      await rename(src, dst);
      return true;
    } catch {
      return false;
    }
  }

  async delete(path: string, recursive: boolean): Promise<boolean> {
    if (!(await this.stat(path))) return false;
    await rm(path, { recursive, force: false });
    return true;
  }

  async setTimes(path: string, modificationTime: number, accessTime: number): Promise<void> {
    const current = await stat(path);
    await utimes(
      path,
      (accessTime === -1 ? current.atimeMs : accessTime) / 1000,
      (modificationTime === -1 ? current.mtimeMs : modificationTime) / 1000,
    );
  }

  async setPermission(path: string, permission: number): Promise<void> {
    await chmod(path, permission);
  }

  async setOwner(path: string, owner: string | undefined, group: string | undefined): Promise<void> {
    const { users, groups } = await this.ownerNames();
    const idOf = (names: Map<number, string>, name: string | undefined, what: string): number => {
      if (name === undefined) return -1;
      for (const [id, n] of names) if (n === name) return id;
      if (/^\d+$/.test(name)) return Number(name);
      throw new Error(`chown: invalid ${what}: '${name}'`);
    };
    await chown(path, idOf(users, owner, 'user'), idOf(groups, group, 'group'));
  }

  /** uid/gid -> name from /etc/passwd and /etc/group (numbers when a file is unreadable). */
  private ownerNames(): Promise<{ users: Map<number, string>; groups: Map<number, string> }> {
    const table = async (file: string) => {
      const map = new Map<number, string>();
      const text = await readFile(file, 'utf8').catch(() => '');
      for (const line of text.split('\n')) {
        const [name, , id] = line.split(':');
        if (name && id && /^\d+$/.test(id) && !map.has(Number(id))) map.set(Number(id), name);
      }
      return map;
    };
    this.names ??= Promise.all([table('/etc/passwd'), table('/etc/group')]).then(([users, groups]) => ({ users, groups }));
    return this.names;
  }
}
