/**
 * Durable state of the mini cluster's namespace, kept the way a NameNode keeps it: an image
 * (`fsimage.json`, replaced atomically by write-temp-then-rename) plus an edit log
 * (`edits.log`, one JSON line per change, appended synchronously before the change is
 * acknowledged). Opening replays the log over the image and checkpoints, so a restarted server
 * sees exactly the acknowledged state. File bytes live in `blocks/<fileId>`: renames never move
 * data and an overwritten file's readers keep their bytes, as with HDFS block files.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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

  /** Reads image + edits; undefined for a fresh directory. File lengths come from the block files. */
  load(): { nextId: number; inodes: Map<number, Inode> } | undefined {
    mkdirSync(this.blocksDir, { recursive: true });
    if (!existsSync(this.imagePath)) return undefined;
    let image: Image;
    try {
      image = JSON.parse(readFileSync(this.imagePath, 'utf8')) as Image;
    } catch (err) {
      throw new Error(`WebHDFS namespace image ${this.imagePath} is unreadable (${(err as Error).message}): restore it or start from an empty data directory`);
    }
    if (image.version !== 1 || !Array.isArray(image.inodes)) {
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
    writeFileSync(tmp, JSON.stringify(image));
    renameSync(tmp, this.imagePath);
    writeFileSync(this.editsPath, '');
  }

  logPut(inode: Inode, nextId: number): void {
    this.append({ put: inode, nextId });
  }

  logRemove(ids: number[]): void {
    if (ids.length > 0) this.append({ remove: ids });
  }

  private append(edit: Edit): void {
    appendFileSync(this.editsPath, `${JSON.stringify(edit)}\n`);
  }
}
