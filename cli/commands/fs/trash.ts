/**
 * Moving deleted paths to the trash, as Hadoop's Trash.moveToAppropriateTrash and
 * TrashPolicyDefault.moveToTrash do for `-rm` without -skipTrash: only when trash is on
 * (the NameNode's fs.trash.interval from GETSERVERDEFAULTS, else the client's; minutes, 0 = off,
 * which is Hadoop's default); the path goes to `<trash root>/Current/<its absolute path>`
 * (GETTRASHROOT, normally /user/<name>/.Trash), the directories on the way created 700, a
 * timestamp appended when that name is taken; then it is renamed there with TO_TRASH.
 */
import type { Configuration } from '../../../client/conf/configuration.js';
import type { HdfsShellFs } from './shell-fs.js';

const TRASH_DIR_PERMISSION = 0o700;

export class TrashMover {
  private enabled: Promise<boolean> | undefined;

  constructor(
    private readonly fs: HdfsShellFs,
    private readonly conf: Configuration,
  ) {}

  isEnabled(): Promise<boolean> {
    this.enabled ??= (async () => {
      let interval = 0;
      try {
        interval = (await this.fs.client.getServerDefaults()).trashInterval;
      } catch {
        interval = 0; // a server without GETSERVERDEFAULTS: the client's setting decides
      }
      if (interval === 0) interval = Number(this.conf.get('fs.trash.interval') ?? '0');
      return Number.isFinite(interval) && interval > 0;
    })();
    return this.enabled;
  }

  /**
   * Moves `path` to the trash and returns the line Hadoop logs for it, or undefined when the
   * path must be deleted outright (trash off, or the path is already in the trash). Failures
   * throw with Hadoop's wording ("Failed to move to trash: <path>", the cause attached).
   */
  async moveToTrash(path: string): Promise<string | undefined> {
    if (!(await this.isEnabled())) return undefined;
    await this.fs.client.getFileStatus(path); // a missing path fails here, as in Hadoop
    const qualified = this.fs.qualify(path);
    const trashRootPath = await this.fs.client.getTrashRoot(path);
    if (qualified.startsWith(this.fs.qualify(trashRootPath))) return undefined; // already in the trash
    if (this.fs.qualify(this.fs.parent(trashRootPath)).startsWith(qualified)) {
      throw new Error(`Cannot move "${qualified}" to the trash, as it contains the trash`);
    }
    const current = `${trashRootPath}/Current`;
    const parent = this.fs.parent(path);
    const base = parent === '/' ? current : `${current}${parent}`;
    let target = `${current}${path}`;
    let cause: unknown;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await this.fs.mkdirs(base, TRASH_DIR_PERMISSION);
      } catch (err) {
        cause = err;
        break;
      }
      try {
        const original = target;
        while (await this.fs.stat(target)) target = `${original}${Date.now()}`;
        await this.fs.client.rename(path, target, { toTrash: true });
        return `Moved: '${qualified}' to trash at: ${this.fs.qualify(target)}`;
      } catch (err) {
        cause = err;
      }
    }
    throw new Error(`Failed to move to trash: ${qualified}`, { cause });
  }
}
