/**
 * Local files and directories created with the mode they need, whatever the process umask is.
 * Hadoop does the same: DefaultContainerExecutor.createDir and DiskChecker.mkdirsWithExistsAndPermissionCheck
 * create with the wanted permission and set it again when the umask (or an older run) changed it.
 * `open(..., mode)` and `mkdir(..., { mode })` only apply the mode to a new entry and only after
 * the umask took bits away, so each helper sets the mode explicitly as well.
 */
import { chmodSync, closeSync, fchmodSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { chmod, mkdir, open } from 'node:fs/promises';

/** Only the owner: data, secrets, state (dfs.datanode.data.dir.perm, dfs.namenode.storage.dir.perm). */
export const OWNER_ONLY_DIR = 0o700;
export const OWNER_ONLY_FILE = 0o600;

/** Creates `path` (and missing parents) and gives `path` exactly `mode`, also when it existed. */
export async function makeDirWithMode(path: string, mode: number): Promise<void> {
  await mkdir(path, { recursive: true, mode });
  await chmod(path, mode);
}

export function makeDirWithModeSync(path: string, mode: number): void {
  mkdirSync(path, { recursive: true, mode });
  chmodSync(path, mode);
}

/** Writes `data` to `path` (replacing its content) with exactly `mode`, set before the first byte is written. */
export async function writeFileWithMode(path: string, data: string | Uint8Array, mode: number): Promise<void> {
  const handle = await open(path, 'w', mode);
  try {
    await handle.chmod(mode);
    await handle.writeFile(data);
  } finally {
    await handle.close();
  }
}

export function writeFileWithModeSync(path: string, data: string | Uint8Array, mode: number): void {
  const fd = openSync(path, 'w', mode);
  try {
    fchmodSync(fd, mode);
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
  } finally {
    closeSync(fd);
  }
}
