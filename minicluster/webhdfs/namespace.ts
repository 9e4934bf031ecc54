/**
 * The mini cluster's HDFS namespace: an inode tree with HDFS metadata and HDFS's permission
 * rules (FSPermissionChecker: x on every ancestor, then the access the operation needs on the
 * nearest ancestor / parent / inode / subtree, or ownership). Every method takes the effective
 * user; the superuser (the server's own user, or any member of `supergroup`) skips checks.
 * Errors are HdfsErrors with Hadoop's exception classes and messages.
 */
import { createReadStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { Readable, Writable } from 'node:stream';
import {
  accessControl,
  alreadyBeingCreated,
  eofException,
  fileAlreadyExists,
  fileNotFound,
  internalError,
  invalidPath,
  ioException,
  parentNotDirectory,
  pathIsNotEmptyDirectory,
} from './hdfs-errors.js';
import {
  actionName,
  DEFAULT_DIR_PERMISSION,
  DEFAULT_FILE_PERMISSION,
  EXECUTE,
  grantedBits,
  READ,
  symbolic,
  withImplicitOwnerWriteExecute,
  WRITE,
} from './fs-permission.js';
import { NamespaceStore, type Inode } from './namespace-store.js';

export type { Inode } from './namespace-store.js';

/** HDFS allocates inode ids from here; the root is 16385. */
const ROOT_ID = 16385;
const FIRST_ID = 16386;
export const DEFAULT_BLOCK_SIZE = 134217728;
export const DEFAULT_REPLICATION = 1;
const MIN_BLOCK_SIZE = 1048576; // dfs.namenode.fs-limits.min-block-size
const MAX_REPLICATION = 512; // dfs.replication.max

export interface NamespaceOptions {
  dataDir: string;
  superUser: string;
  superGroup?: string;
  /** Group membership per user (HDFS asks the OS; the mini cluster is told). */
  userGroups?: Record<string, string[]>;
}

export interface CreateOptions {
  overwrite: boolean;
  createParent: boolean;
  permission?: number;
  replication?: number;
  blockSize?: number;
  /** Client address, for the "already exists" message. */
  clientAddress?: string;
}

/** A path walked from the root: chain[i] is the inode of the first i components, undefined once missing. */
interface Resolved {
  path: string;
  components: string[];
  chain: (Inode | undefined)[];
}

interface AccessCheck {
  ancestor?: number;
  parent?: number;
  access?: number;
  subtree?: number;
  /** FSPermissionChecker's ignoreEmptyDir: the subtree check skips empty directories (rename to trash). */
  subtreeSkipsEmptyDirs?: boolean;
  owner?: boolean;
}

export class Namespace {
  private readonly inodes: Map<number, Inode>;
  private readonly children = new Map<number, Map<string, number>>();
  /** Files with an open writer (HDFS: under construction, lease held). */
  private readonly writing = new Set<number>();
  /** Block files being unlinked (removal is asynchronous; close() waits for it). */
  private readonly pendingRemovals = new Set<Promise<void>>();
  private nextId: number;
  readonly superUser: string;
  readonly superGroup: string;

  private constructor(
    private readonly store: NamespaceStore,
    private readonly options: NamespaceOptions,
    state: { nextId: number; inodes: Map<number, Inode> },
  ) {
    this.superUser = options.superUser;
    this.superGroup = options.superGroup ?? 'supergroup';
    this.inodes = state.inodes;
    this.nextId = state.nextId;
    for (const inode of this.inodes.values()) {
      if (inode.type === 'DIRECTORY') this.childMap(inode.id);
    }
    for (const inode of this.inodes.values()) {
      if (inode.id !== ROOT_ID) this.childMap(inode.parentId).set(inode.name, inode.id);
    }
  }

  static open(options: NamespaceOptions): Namespace {
    const store = new NamespaceStore(options.dataDir);
    const loaded = store.load();
    const state = loaded ?? { nextId: FIRST_ID, inodes: new Map<number, Inode>() };
    if (!state.inodes.has(ROOT_ID)) {
      state.inodes.set(ROOT_ID, {
        id: ROOT_ID,
        parentId: 0,
        name: '',
        type: 'DIRECTORY',
        owner: options.superUser,
        group: options.superGroup ?? 'supergroup',
        permission: DEFAULT_DIR_PERMISSION,
        replication: 0,
        blockSize: 0,
        modificationTime: Date.now(),
        accessTime: 0,
        length: 0,
      });
    }
    const ns = new Namespace(store, options, state);
    ns.checkpoint();
    return ns;
  }

  /** Folds the edit log into a fresh image (also done on open). */
  checkpoint(): void {
    this.store.checkpoint(this.nextId, this.inodes.values());
  }

  // ---- queries -------------------------------------------------------------------------

  getFileStatus(user: string, path: string): Inode {
    const r = this.resolve(path);
    this.checkPermission(user, r, {});
    const inode = last(r);
    if (!inode) throw fileNotFound(`File does not exist: ${r.path}`);
    return inode;
  }

  /** Children sorted as HDFS sorts names (bytewise), or the file itself. */
  listStatus(user: string, path: string): { inode: Inode; name: string }[] {
    const r = this.resolve(path);
    this.checkPermission(user, r, {});
    const inode = last(r);
    if (!inode) throw fileNotFound(`File ${r.path} does not exist.`);
    if (inode.type === 'FILE') return [{ inode, name: '' }];
    this.checkPermission(user, r, { access: READ | EXECUTE });
    return this.sortedChildren(inode).map((c) => ({ inode: c, name: c.name }));
  }

  childrenNum(inode: Inode): number {
    return inode.type === 'DIRECTORY' ? this.childMap(inode.id).size : 0;
  }

  contentSummary(user: string, path: string): { directoryCount: number; fileCount: number; length: number; spaceConsumed: number } {
    const r = this.resolve(path);
    this.checkPermission(user, r, {});
    const inode = last(r);
    if (!inode) throw fileNotFound(`File does not exist: ${r.path}`);
    this.checkPermission(user, r, { subtree: READ | EXECUTE });
    const sum = { directoryCount: 0, fileCount: 0, length: 0, spaceConsumed: 0 };
    for (const node of this.subtree(inode)) {
      if (node.type === 'DIRECTORY') sum.directoryCount++;
      else {
        sum.fileCount++;
        sum.length += node.length;
        sum.spaceConsumed += node.length * node.replication;
      }
    }
    return sum;
  }

  /** The file to read, after HDFS's OPEN checks (READ on the file). */
  fileForRead(user: string, path: string): Inode {
    const { r, inode } = this.located(user, path);
    if (inode.type !== 'FILE') throw fileNotFound(`Path is not a file: ${r.path}`);
    this.checkPermission(user, r, { access: READ });
    return inode;
  }

  /** The NameNode's check before redirecting OPEN/APPEND/GETFILECHECKSUM: the path exists. */
  requireExisting(user: string, path: string): Inode {
    return this.located(user, path).inode;
  }

  private located(user: string, path: string): { r: Resolved; inode: Inode } {
    const r = this.resolve(path);
    this.checkPermission(user, r, {});
    const inode = last(r);
    if (!inode) throw fileNotFound(`File ${r.path} not found.`);
    return { r, inode };
  }

  blockFile(inode: Inode): string {
    return this.store.blockPath(inode.id);
  }

  /** Streams bytes [offset, offset+length) of a file (length clipped to the end of the file). */
  readStream(inode: Inode, offset = 0, length?: number): { stream: Readable; length: number } {
    if (offset > inode.length) throw eofException('Cannot seek after EOF');
    const count = Math.min(length ?? Infinity, inode.length - offset);
    const stream =
      count === 0
        ? Readable.from([])
        : createReadStream(this.store.blockPath(inode.id), { start: offset, end: offset + count - 1, highWaterMark: READ_CHUNK_BYTES });
    return { stream, length: count };
  }

  // ---- in-process access for the rest of the mini cluster (no permission checks) -------

  /** Status of a path as the superuser sees it, or undefined when missing. */
  statusOf(path: string): Inode | undefined {
    return last(this.resolve(path));
  }

  /** A file's bytes, as the NodeManager's localizer reads them. */
  openFile(path: string, offset = 0, length?: number): { stream: Readable; length: number } {
    return this.readStream(this.fileForRead(this.superUser, path), offset, length);
  }

  // ---- mutations -----------------------------------------------------------------------

  mkdirs(user: string, path: string, permission = DEFAULT_DIR_PERMISSION): boolean {
    const r = this.resolve(path, { writing: true });
    const existing = last(r);
    if (existing) {
      if (existing.type !== 'DIRECTORY') throw fileAlreadyExists(`Path is not a directory: ${r.path}`);
      this.checkPermission(user, r, {});
      return true;
    }
    this.checkPermission(user, r, { ancestor: WRITE });
    this.makeDirectories(user, r, withImplicitOwnerWriteExecute(permission), permission);
    return true;
  }

  /** Starts a new file (HDFS startFile); the caller streams its bytes with `writeFrom`, then calls `completeFile`. */
  createFile(user: string, path: string, o: CreateOptions): Inode {
    const r = this.resolve(path, { writing: true });
    if (r.components.length === 0) throw fileAlreadyExists('/ already exists as a directory');
    const existing = last(r);
    if (existing?.type === 'DIRECTORY') throw fileAlreadyExists(`${r.path} already exists as a directory`);
    this.checkPermission(user, r, { ancestor: WRITE });
    if (existing && !o.overwrite) {
      throw fileAlreadyExists(`${r.path} for client ${o.clientAddress ?? '127.0.0.1'} already exists`);
    }
    if (existing) this.checkPermission(user, r, { access: WRITE });
    const replication = o.replication ?? DEFAULT_REPLICATION;
    if (replication < 1)
      throw ioException(`Requested replication factor of ${replication} is less than the required minimum of 1 for ${r.path}`);
    if (replication > MAX_REPLICATION)
      throw ioException(`Requested replication factor of ${replication} exceeds maximum of ${MAX_REPLICATION} for ${r.path}`);
    const blockSize = o.blockSize ?? DEFAULT_BLOCK_SIZE;
    if (blockSize < MIN_BLOCK_SIZE) {
      throw ioException(
        `Specified block size is less than configured minimum value (dfs.namenode.fs-limits.min-block-size): ${blockSize} < ${MIN_BLOCK_SIZE}`,
      );
    }
    const permission = o.permission ?? DEFAULT_FILE_PERMISSION;
    const parentIndex = r.components.length - 1;
    if (!r.chain[parentIndex]) {
      if (!o.createParent) throw fileNotFound(`Parent directory doesn't exist: ${prefix(r, parentIndex)}`);
      this.makeDirectories(
        user,
        { ...r, components: r.components.slice(0, parentIndex), chain: r.chain.slice(0, parentIndex + 1) },
        withImplicitOwnerWriteExecute(permission),
        withImplicitOwnerWriteExecute(permission),
      );
    }
    if (existing) void this.removeSubtree(existing);
    const parent = this.inode(this.idAt(r, parentIndex));
    const now = Date.now();
    const inode = this.addChild(parent, r.components[parentIndex], {
      type: 'FILE',
      owner: user,
      permission,
      replication,
      blockSize,
      modificationTime: now,
      accessTime: now,
    });
    this.writing.add(inode.id);
    return inode;
  }

  /** HDFS append: WRITE on the file, and no other writer (lease). */
  fileForAppend(user: string, path: string): Inode {
    const r = this.resolve(path);
    this.checkPermission(user, r, {});
    const inode = last(r);
    if (!inode) throw fileNotFound(`Failed to append to non-existent file ${r.path} for client 127.0.0.1`);
    if (inode.type !== 'FILE') throw fileNotFound(`Failed to append to non-existent file ${r.path} for client 127.0.0.1`);
    this.checkPermission(user, r, { access: WRITE });
    if (this.writing.has(inode.id)) {
      throw alreadyBeingCreated(
        `Failed to APPEND_FILE ${r.path} for ${user} on 127.0.0.1 because this file lease is currently owned by another writer`,
      );
    }
    this.writing.add(inode.id);
    return inode;
  }

  /**
   * Streams `source` to the end of the file's block, growing its visible length chunk by chunk
   * (HDFS shows a file being written). Resolves once the body has ended; rejects when the source
   * fails or closes before its end (a client that went away, a body short of its Content-Length)
   * or the disk write fails. The file stays under construction either way: the caller then
   * completes it (`completeFile`) with what arrived. The block file's handle
   * is closed before this returns, whatever happened.
   */
  async writeFrom(inode: Inode, source: Readable, mode: 'create' | 'append'): Promise<void> {
    // A client that left before its bytes were read (while the write pipeline was being set up).
    if (clientGone(source)) throw ioException('the client went away before the upload');
    const handle = await this.store.openBlock(inode.id, mode);
    try {
      await new Promise<void>((resolve, reject) => {
        // Chunks that arrive while a write is in flight go to the disk together in one writev
        // (a DataNode writes whole packets, not one file operation per socket read).
        const sink = new Writable({
          highWaterMark: WRITE_BUFFER_BYTES,
          writev: (chunks, done) => {
            writeAll(
              handle,
              chunks.map((c) => c.chunk as Buffer),
            ).then((written) => {
              inode.length += written;
              done();
            }, done);
          },
        });
        const fail = (err: Error) => {
          source.unpipe(sink);
          reject(err);
        };
        source.once('error', fail);
        // 'close' without 'end': the connection ended before the body did.
        source.once('close', () => {
          if (!source.readableEnded) fail(ioException('the client went away during the upload: the body ended short of its length'));
        });
        sink.once('error', fail);
        sink.once('finish', resolve);
        if (clientGone(source)) {
          fail(ioException('the client went away before the upload'));
          return;
        }
        source.pipe(sink);
      });
    } finally {
      // FileHandle.close waits for a write still in progress.
      await handle.close();
    }
  }

  /** HDFS completeFile: the writer's lease is released and the modification time set. */
  completeFile(inode: Inode): void {
    this.writing.delete(inode.id);
    if (this.inodes.get(inode.id) === inode) {
      inode.modificationTime = Date.now();
      this.persist(inode);
    }
  }

  isBeingWritten(inode: Inode): boolean {
    return this.writing.has(inode.id);
  }

  /** HDFS's original rename: false (not an error) for a missing source or an unusable destination. */
  rename(user: string, src: string, dst: string): boolean {
    const s = this.resolve(src);
    const d = this.resolve(dst);
    this.checkPermission(user, s, {});
    const source = last(s);
    if (!source || s.components.length === 0) return false;
    const target = last(d);
    let destParent: Inode | undefined;
    let destName: string;
    if (target?.type === 'DIRECTORY') {
      destParent = target;
      destName = source.name;
      const existingId = this.childMap(target.id).get(destName);
      if (existingId !== undefined) return source === this.inodes.get(existingId);
    } else {
      if (target) return false; // an existing file is never replaced by the old rename
      destParent = d.chain[d.components.length - 1];
      const name = d.components.at(-1);
      if (name === undefined || destParent?.type !== 'DIRECTORY') return false;
      destName = name;
    }
    for (let n: Inode | undefined = destParent; n; n = this.inodes.get(n.parentId)) {
      if (n === source) throw ioException(`Rename destination ${d.path} is a directory or file under source ${s.path}`);
    }
    this.checkPermission(user, s, { parent: WRITE });
    this.checkPermission(user, d, target ? { access: WRITE } : { parent: WRITE });
    const oldParent = this.inode(source.parentId);
    const now = Date.now();
    this.childMap(oldParent.id).delete(source.name);
    oldParent.modificationTime = now;
    source.parentId = destParent.id;
    source.name = destName;
    this.childMap(destParent.id).set(destName, source.id);
    destParent.modificationTime = now;
    this.persist(oldParent);
    this.persist(destParent);
    this.persist(source);
    return true;
  }

  /**
   * HDFS rename2 (FSDirRenameOp.renameTo with Options.Rename): every failure is an exception.
   * OVERWRITE replaces an existing destination of the same kind (a file, or an empty directory);
   * without it an existing destination is refused. TO_TRASH also needs ALL on the source subtree.
   */
  renameWithOptions(user: string, src: string, dst: string, options: { overwrite: boolean; toTrash: boolean }): void {
    const s = this.resolve(src);
    const d = this.resolve(dst, { writing: true });
    this.checkPermission(
      user,
      s,
      options.toTrash ? { parent: WRITE, subtree: READ | WRITE | EXECUTE, subtreeSkipsEmptyDirs: true } : { parent: WRITE },
    );
    this.checkPermission(user, d, { ancestor: WRITE });
    const source = last(s);
    if (!source || s.components.length === 0) throw fileNotFound(`rename source ${s.path} is not found.`);
    if (d.path === s.path) throw fileAlreadyExists(`The source ${s.path} and destination ${d.path} are the same`);
    if (d.path.startsWith(`${s.path}/`)) throw ioException(`Rename destination ${d.path} is a directory or file under source ${s.path}`);
    if (d.components.length === 0) throw ioException('rename destination cannot be the root');
    const target = last(d);
    if (target) {
      if ((target.type === 'DIRECTORY') !== (source.type === 'DIRECTORY')) {
        throw ioException(`Source ${s.path} and destination ${d.path} must both be directories`);
      }
      if (!options.overwrite) throw fileAlreadyExists(`rename destination ${d.path} already exists`);
      if (this.childrenNum(target) > 0) throw ioException(`rename destination directory is not empty: ${d.path}`);
    }
    const destParent = d.chain[d.components.length - 1];
    if (!destParent) throw fileNotFound(`rename destination parent ${d.path} not found.`);
    if (destParent.type !== 'DIRECTORY') throw parentNotDirectory(`rename destination parent ${d.path} is a file.`);
    if (target) void this.removeSubtree(target);
    const oldParent = this.inode(source.parentId);
    const now = Date.now();
    this.childMap(oldParent.id).delete(source.name);
    oldParent.modificationTime = now;
    source.parentId = destParent.id;
    source.name = this.lastName(d);
    this.childMap(destParent.id).set(source.name, source.id);
    destParent.modificationTime = now;
    this.persist(oldParent);
    this.persist(destParent);
    this.persist(source);
  }

  /** FSNamesystem.checkAccess (WebHDFS CHECKACCESS): the path exists and `user` has `action` on it. */
  checkAccess(user: string, path: string, action: number): void {
    const r = this.resolve(path);
    this.checkPermission(user, r, {});
    if (!last(r)) throw fileNotFound('Path not found');
    this.checkPermission(user, r, { access: action });
  }

  delete(user: string, path: string, recursive: boolean): boolean {
    const r = this.resolve(path);
    this.checkPermission(user, r, {});
    const inode = last(r);
    if (!inode || r.components.length === 0) return false;
    const nonEmpty = this.childrenNum(inode) > 0;
    if (nonEmpty && !recursive) throw pathIsNotEmptyDirectory(`\`${r.path} is non empty': Directory is not empty`);
    this.checkPermission(user, r, nonEmpty ? { parent: WRITE, subtree: READ | WRITE | EXECUTE } : { parent: WRITE });
    const parent = this.inode(inode.parentId);
    parent.modificationTime = Date.now();
    void this.removeSubtree(inode);
    this.persist(parent);
    return true;
  }

  setPermission(user: string, path: string, permission: number): void {
    const inode = this.existingForAttr(user, path, { owner: true });
    inode.permission = permission;
    this.persist(inode);
  }

  setOwner(user: string, path: string, owner: string | undefined, group: string | undefined): void {
    const inode = this.existingForAttr(user, path, { owner: true });
    if (!this.isSuperUser(user)) {
      if (owner !== undefined && owner !== inode.owner) {
        throw accessControl(`User ${user} is not a super user (non-super user cannot change owner).`);
      }
      if (group !== undefined && !this.groupsOf(user).includes(group)) {
        throw accessControl(`User ${user} does not belong to ${group}`);
      }
    }
    if (owner !== undefined) inode.owner = owner;
    if (group !== undefined) inode.group = group;
    this.persist(inode);
  }

  setReplication(user: string, path: string, replication: number): boolean {
    const r = this.resolve(path);
    this.checkPermission(user, r, {});
    const inode = last(r);
    if (inode?.type !== 'FILE') return false;
    this.checkPermission(user, r, { access: WRITE });
    if (replication < 1 || replication > MAX_REPLICATION) {
      throw ioException(
        `Requested replication factor of ${replication} is outside the allowed range [1, ${MAX_REPLICATION}] for ${r.path}`,
      );
    }
    inode.replication = replication;
    this.persist(inode);
    return true;
  }

  /** -1 leaves a time unchanged, as in HDFS. */
  setTimes(user: string, path: string, modificationTime: number, accessTime: number): void {
    const r = this.resolve(path);
    this.checkPermission(user, r, {});
    const inode = last(r);
    if (!inode) throw fileNotFound(`File/Directory ${r.path} does not exist.`);
    this.checkPermission(user, r, { access: WRITE });
    if (modificationTime !== -1) inode.modificationTime = modificationTime;
    if (accessTime !== -1) inode.accessTime = accessTime;
    this.persist(inode);
  }

  // ---- internals -----------------------------------------------------------------------

  isSuperUser(user: string): boolean {
    return user === this.superUser || this.groupsOf(user).includes(this.superGroup);
  }

  private groupsOf(user: string): string[] {
    const groups = this.options.userGroups?.[user] ?? [];
    return user === this.superUser && !groups.includes(this.superGroup) ? [...groups, this.superGroup] : groups;
  }

  private existingForAttr(user: string, path: string, check: AccessCheck): Inode {
    const r = this.resolve(path);
    this.checkPermission(user, r, {});
    const inode = last(r);
    if (!inode) throw fileNotFound(`File does not exist: ${r.path}`);
    this.checkPermission(user, r, check);
    return inode;
  }

  /**
   * Splits and walks `path`. HDFS refuses `.`, `..` and `:` in names. A file met before the
   * end stops the walk: reads then see a missing path, writes get ParentNotDirectoryException.
   */
  private resolve(path: string, opts: { writing?: boolean } = {}): Resolved {
    if (!path.startsWith('/')) throw invalidPath(`Invalid path name Path is not absolute: ${path}`);
    const components = path.split('/').filter((c) => c !== '');
    const normal = `/${components.join('/')}`;
    if (components.some((c) => c === '.' || c === '..' || c.includes(':'))) {
      throw invalidPath(`Invalid path name Invalid file name: ${normal}`);
    }
    const chain: (Inode | undefined)[] = [this.inodes.get(ROOT_ID)];
    for (let i = 0; i < components.length; i++) {
      const parent = chain[i];
      if (parent && parent.type !== 'DIRECTORY') {
        if (opts.writing) throw parentNotDirectory(`${prefix({ components } as Resolved, i)} (is not a directory)`); // FSPermissionChecker.checkSimpleTraverse
        chain.length = i;
        while (chain.length <= components.length) chain.push(undefined);
        break;
      }
      const id = parent ? this.childMap(parent.id).get(components[i]) : undefined;
      chain.push(id === undefined ? undefined : this.inodes.get(id));
    }
    return { path: normal, components, chain };
  }

  /** FSPermissionChecker.checkPermission, for the checks this server needs. */
  private checkPermission(user: string, r: Resolved, c: AccessCheck): void {
    if (this.isSuperUser(user)) return;
    const groups = this.groupsOf(user);
    const n = r.components.length;
    let ancestorIndex = Math.max(0, n - 1);
    while (ancestorIndex > 0 && !r.chain[ancestorIndex]) ancestorIndex--;
    const require = (index: number, inode: Inode, action: number, pathOf = () => prefix(r, index)) => {
      if ((grantedBits(inode.permission, inode.owner, inode.group, user, groups) & action) !== action) {
        throw accessControl(
          `Permission denied: user=${user}, access=${actionName(action)}, inode="${pathOf()}":${inode.owner}:${inode.group}:${symbolic(inode.type === 'DIRECTORY', inode.permission)}`,
        );
      }
    };
    for (let i = 0; i <= ancestorIndex && i < n; i++) {
      const dir = r.chain[i];
      if (dir) require(i, dir, EXECUTE);
    }
    const ancestor = r.chain[ancestorIndex];
    if (c.ancestor !== undefined && ancestor) require(ancestorIndex, ancestor, c.ancestor);
    const parent = n > 0 ? r.chain[n - 1] : undefined;
    if (c.parent !== undefined && parent) require(n - 1, parent, c.parent);
    const inode = r.chain[n];
    if (c.access !== undefined && inode) require(n, inode, c.access);
    if (c.subtree !== undefined && inode) {
      for (const node of this.subtree(inode)) {
        if (node.type === 'DIRECTORY' && !(c.subtreeSkipsEmptyDirs && this.childrenNum(node) === 0))
          require(n, node, c.subtree, () => this.pathOf(node));
      }
    }
    if (c.owner && inode && inode.owner !== user) {
      throw accessControl(`Permission denied. user=${user} is not the owner of inode=${r.path}`);
    }
  }

  /** The absolute path of an inode in the tree. */
  private pathOf(inode: Inode): string {
    const names: string[] = [];
    for (let n: Inode | undefined = inode; n && n.id !== ROOT_ID; n = this.inodes.get(n.parentId)) names.unshift(n.name);
    return `/${names.join('/')}`;
  }

  private makeDirectories(user: string, r: Resolved, parentsPermission: number, lastPermission: number): void {
    let parent = this.inode(ROOT_ID);
    const now = Date.now();
    for (let i = 0; i < r.components.length; i++) {
      const existing = r.chain[i + 1];
      if (existing) {
        parent = existing;
        continue;
      }
      const isLast = i === r.components.length - 1;
      parent = this.addChild(parent, r.components[i], {
        type: 'DIRECTORY',
        owner: user,
        permission: isLast ? lastPermission : parentsPermission,
        replication: 0,
        blockSize: 0,
        modificationTime: now,
        accessTime: 0,
      });
    }
  }

  private addChild(parent: Inode, name: string, attrs: Omit<Inode, 'id' | 'parentId' | 'name' | 'group' | 'length'>): Inode {
    // BSD rule, as HDFS: a new inode takes its parent directory's group.
    const inode: Inode = { id: this.nextId++, parentId: parent.id, name, group: parent.group, length: 0, ...attrs };
    this.inodes.set(inode.id, inode);
    if (inode.type === 'DIRECTORY') this.childMap(inode.id);
    this.childMap(parent.id).set(name, inode.id);
    parent.modificationTime = attrs.modificationTime;
    this.persist(inode);
    this.persist(parent);
    return inode;
  }

  private removeSubtree(top: Inode): Promise<void> {
    const removed = [...this.subtree(top)];
    this.childMap(top.parentId).delete(top.name);
    for (const node of removed) {
      this.inodes.delete(node.id);
      this.children.delete(node.id);
      this.writing.delete(node.id);
    }
    this.store.logRemove(removed.map((n) => n.id));
    // Readers that already opened the block keep it (unlink semantics), like HDFS readers.
    const unlinks = removed.filter((n) => n.type === 'FILE').map((n) => unlink(this.store.blockPath(n.id)).catch(() => undefined));
    const done = Promise.all(unlinks).then(() => undefined);
    this.pendingRemovals.add(done);
    void done.finally(() => this.pendingRemovals.delete(done));
    return done;
  }

  /** Resolves once every block file removed so far is gone from the disk. */
  async settled(): Promise<void> {
    await Promise.all([...this.pendingRemovals]);
  }

  private *subtree(top: Inode): Generator<Inode> {
    const stack = [top];
    for (let node = stack.pop(); node; node = stack.pop()) {
      yield node;
      if (node.type === 'DIRECTORY') {
        for (const id of this.childMap(node.id).values()) stack.push(this.inode(id));
      }
    }
  }

  private sortedChildren(dir: Inode): Inode[] {
    return [...this.childMap(dir.id).entries()]
      .sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
      .map(([, id]) => this.inode(id));
  }

  /** The inode `id`: every parent link and child entry names one, so a missing one is a bug (a 500), not a 404. */
  private inode(id: number): Inode {
    const inode = this.inodes.get(id);
    if (!inode) throw internalError(`mini cluster WebHDFS internal error: inode ${id} is missing`);
    return inode;
  }

  /** The name `r` gives its last inode; callers have checked it is not the root. */
  private lastName(r: Resolved): string {
    const name = r.components.at(-1);
    if (name === undefined) throw internalError(`mini cluster WebHDFS internal error: ${r.path} has no last component`);
    return name;
  }

  private childMap(id: number): Map<string, number> {
    let map = this.children.get(id);
    if (!map) this.children.set(id, (map = new Map<string, number>()));
    return map;
  }

  private idAt(r: Resolved, index: number): number {
    if (r.chain[index]) return r.chain[index].id;
    // created just now by makeDirectories: walk again
    let id = ROOT_ID;
    for (let i = 0; i < index; i++) {
      const child = this.childMap(id).get(r.components[i]);
      if (child === undefined) throw internalError(`mini cluster WebHDFS internal error: ${r.path} lost component ${i}`);
      id = child;
    }
    return id;
  }

  private persist(inode: Inode): void {
    this.store.logPut(inode, this.nextId);
  }
}

/** The request body's connection is gone before its end. */
/** Bytes an upload may hold in memory between the socket and the block file. */
const WRITE_BUFFER_BYTES = 1 << 20;

/** Read size of OPEN and the localizer: large reads, few socket writes (the DataNode sends 64 KiB packets back to back). */
const READ_CHUNK_BYTES = 1 << 20;

/** One writev, and the rest again if the kernel took only part of it. */
async function writeAll(handle: FileHandle, buffers: Buffer[]): Promise<number> {
  const total = buffers.reduce((n, b) => n + b.length, 0);
  let { bytesWritten } = await handle.writev(buffers);
  if (bytesWritten < total) {
    const rest = Buffer.concat(buffers).subarray(bytesWritten);
    for (let at = 0; at < rest.length;) at += (await handle.write(rest, at)).bytesWritten;
    bytesWritten = total;
  }
  return bytesWritten;
}

function clientGone(source: Readable): boolean {
  return source.destroyed && !source.readableEnded;
}

function last(r: Resolved): Inode | undefined {
  return r.chain[r.components.length];
}

/** The path of the first `count` components. */
function prefix(r: Resolved, count: number): string {
  return `/${r.components.slice(0, count).join('/')}`;
}
