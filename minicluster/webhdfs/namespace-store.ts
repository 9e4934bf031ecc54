/**
 * Durable state of the mini cluster's namespace, kept the way a NameNode keeps it: an image
 * (`fsimage.json`, replaced atomically by write-temp-then-rename) plus an edit log
 * (`edits.log`, one JSON line per change, appended synchronously before the change is
 * acknowledged). Opening replays the log over the image and checkpoints, so a restarted server
 * sees exactly the acknowledged state. File bytes live in `blocks/<fileId>`: renames never move
 * data and an overwritten file's readers keep their bytes, as with HDFS block files.
 *
 * Everything here is the cluster's data (the HA store's records, the cluster secret's file): the
 * directory and `blocks/` are 700 like a NameNode's storage dir and a DataNode's data dir
 * (dfs.namenode.storage.dir.perm, dfs.datanode.data.dir.perm, both 700 by default, set again on
 * start as DiskChecker does), and every file is 600.
 */
import { appendFileSync, chmodSync, existsSync, readFileSync, renameSync, statSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import {
  makeDirWithModeSync,
  OWNER_ONLY_DIR,
  OWNER_ONLY_FILE,
  writeFileWithModeSync,
} from '../../client/wire/security/local-file-modes.js';

export interface Inode {
  id: number;
  /** 0 for the root. */
  parentId: number;
  name: string;
  type: 'FILE' | 'DIRECTORY';
  owner: string;
  group: string;
  permission: number;
  replication: number;
  blockSize: number;
  modificationTime: number;
  accessTime: number;
  length: number;
}

interface Image {
  version: 1;
  nextId: number;
  inodes: Inode[];
}

/** The format check of a read image: version 1 with a list of inodes (their fields are trusted, as this server wrote them). */
function isImage(value: unknown): value is Image {
  return (
    typeof value === 'object' &&
    value !== null &&
    'version' in value &&
    value.version === 1 &&
    'inodes' in value &&
    Array.isArray(value.inodes)
  );
}

type Edit = { put: Inode; nextId: number } | { remove: number[] };

export class NamespaceStore {
  private readonly imagePath: string;
  private readonly editsPath: string;
  readonly blocksDir: string;

  constructor(readonly dataDir: string) {
    this.imagePath = join(dataDir, 'fsimage.json');
    this.editsPath = join(dataDir, 'edits.log');
    this.blocksDir = join(dataDir, 'blocks');
  }

  blockPath(id: number): string {
    return join(this.blocksDir, String(id));
  }

  /** A block file open for writing from its start (CREATE) or its end (APPEND); a new one is 600. */
  openBlock(id: number, mode: 'create' | 'append'): Promise<FileHandle> {
    return open(this.blockPath(id), mode === 'create' ? 'w' : 'a', OWNER_ONLY_FILE);
  }

  /** Reads image + edits; undefined for a fresh directory. File lengths come from the block files. */
  load(): { nextId: number; inodes: Map<number, Inode> } | undefined {
    makeDirWithModeSync(this.dataDir, OWNER_ONLY_DIR);
    makeDirWithModeSync(this.blocksDir, OWNER_ONLY_DIR);
    if (!existsSync(this.imagePath)) return undefined;
    chmodSync(this.imagePath, OWNER_ONLY_FILE); // written by an older version with the umask's mode
    let image: unknown;
    try {
      image = JSON.parse(readFileSync(this.imagePath, 'utf8'));
    } catch (err) {
      throw new Error(
        `WebHDFS namespace image ${this.imagePath} is unreadable (${(err as Error).message}): restore it or start from an empty data directory`,
      );
    }
    if (!isImage(image)) {
      throw new Error(`WebHDFS namespace image ${this.imagePath} has an unknown format: start from an empty data directory`);
    }
    const inodes = new Map(image.inodes.map((i) => [i.id, i]));
    let nextId = image.nextId;
    if (existsSync(this.editsPath)) {
      for (const line of readFileSync(this.editsPath, 'utf8').split('\n')) {
        let edit: Edit;
        try {
          edit = JSON.parse(line) as Edit;
        } catch {
          continue; // a torn last line from a crash: that change was never acknowledged
        }
        if ('put' in edit) {
          inodes.set(edit.put.id, edit.put);
          nextId = Math.max(nextId, edit.nextId);
        } else {
          for (const id of edit.remove) inodes.delete(id);
        }
      }
    }
    for (const inode of inodes.values()) {
      if (inode.type === 'FILE') inode.length = this.blockLength(inode.id);
    }
    return { nextId, inodes };
  }

  private blockLength(id: number): number {
    try {
      return statSync(this.blockPath(id)).size;
    } catch {
      return 0;
    }
  }

  /** Writes a fresh image atomically and empties the edit log. */
  checkpoint(nextId: number, inodes: Iterable<Inode>): void {
    const image: Image = { version: 1, nextId, inodes: [...inodes] };
    const tmp = `${this.imagePath}.tmp`;
    writeFileWithModeSync(tmp, JSON.stringify(image), OWNER_ONLY_FILE);
    renameSync(tmp, this.imagePath);
    writeFileWithModeSync(this.editsPath, '', OWNER_ONLY_FILE);
  }

  logPut(inode: Inode, nextId: number): void {
    this.append({ put: inode, nextId });
  }

  logRemove(ids: number[]): void {
    if (ids.length > 0) this.append({ remove: ids });
  }

  private append(edit: Edit): void {
    appendFileSync(this.editsPath, `${JSON.stringify(edit)}\n`, { mode: OWNER_ONLY_FILE });
  }
}
