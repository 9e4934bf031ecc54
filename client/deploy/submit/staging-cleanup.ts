/**
 * Leftover staging dirs: a session whose AM crashed, or whose client died before removing the
 * files of a killed application, leaves `.loom/<applicationId>/` behind. The next yarn-session or
 * loom command removes every such dir whose application has ended. A dir whose application the
 * ResourceManager does not know is removed only when it is older than a grace period: a
 * concurrent yarn-session uploads before it submits, so its application is unknown for a moment.
 */
import { joinHdfsPath } from '../../hadoop/hdfs/hdfs-path.js';
import type { WebHdfsClient } from '../../hadoop/hdfs/webhdfs-client.js';
import { FileNotFoundError } from '../../hadoop/hdfs/webhdfs-errors.js';
import { isApplicationDirName } from './staging-dir.js';

export type ApplicationLiveness = 'running' | 'ended' | 'unknown';

export interface StagingCleanupOptions {
  client: WebHdfsClient;
  /** `<base>/.loom` */
  root: string;
  /** Asks the ResourceManager; `unknown` when it has no record of the application. */
  liveness: (applicationId: string) => Promise<ApplicationLiveness>;
  /** Leave this application's dir alone (the one being deployed or attached to). */
  keep?: string;
  graceMs?: number;
  now?: () => number;
  onWarning?: (message: string) => void;
}

export const DEFAULT_UNKNOWN_APPLICATION_GRACE_MS = 60 * 60 * 1000;

/** Removes the leftovers; returns the dirs removed. Never throws: cleanup must not fail a command. */
export async function removeLeftoverStagingDirs(opts: StagingCleanupOptions): Promise<string[]> {
  const graceMs = opts.graceMs ?? DEFAULT_UNKNOWN_APPLICATION_GRACE_MS;
  const now = (opts.now ?? Date.now)();
  const removed: string[] = [];
  let entries;
  try {
    entries = await opts.client.listStatus(opts.root);
  } catch (err) {
    if (!(err instanceof FileNotFoundError))
      opts.onWarning?.(`could not list ${opts.root} for leftover staging dirs: ${(err as Error).message}`);
    return removed;
  }
  for (const entry of entries) {
    const appId = entry.pathSuffix;
    if (entry.type !== 'DIRECTORY' || !isApplicationDirName(appId) || appId === opts.keep) continue;
    const dir = joinHdfsPath(opts.root, appId);
    try {
      const liveness = await opts.liveness(appId);
      const stale = liveness === 'ended' || (liveness === 'unknown' && now - entry.modificationTime > graceMs);
      if (!stale) continue;
      await opts.client.delete(dir, { recursive: true, ignoreMissing: true });
      removed.push(dir);
    } catch (err) {
      opts.onWarning?.(`could not remove the leftover staging dir ${dir}: ${(err as Error).message}`);
    }
  }
  return removed;
}
