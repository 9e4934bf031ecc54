// The NodeManager's local and log directories, created with the modes a Hadoop 3.3.6 NM gives
// them whatever the umask (and set again when they already exist, as createDir does):
//   <local>, <log>                          755  LocalDirsHandlerService (createNonExistentDirs)
//   <local>/filecache                       755  ResourceLocalizationService PUBLIC_FILECACHE_FOLDER_PERMS
//   <local>/usercache                       755  ContainerLocalizer USERCACHE_FOLDER_PERMS
//   <local>/usercache/<user>                750  DefaultContainerExecutor USER_PERM
//   .../<user>/filecache, .../<user>/appcache   710  FILECACHE_PERM, APPCACHE_PERM
//   .../appcache/<app>, its filecache       710  APPDIR_PERM, ContainerLocalizer FILECACHE_PERMS
//   .../appcache/<app>/<container>, its tmp 710  DefaultContainerExecutor.launchContainer (APPDIR_PERM)
//   <local>/nmPrivate and below             700  ResourceLocalizationService NM_PRIVATE_PERM
//   <log>/<app>, <log>/<app>/<container>    710  yarn.nodemanager.default-container-executor.log-dirs.permissions
import { join } from 'node:path';
import { makeDirWithMode, OWNER_ONLY_DIR } from '../../client/wire/security/local-file-modes.js';

export const NM_ROOT_DIR_MODE = 0o755;
export const PUBLIC_FILECACHE_MODE = 0o755;
export const USERCACHE_MODE = 0o755;
export const USER_DIR_MODE = 0o750;
export const USER_CACHE_DIR_MODE = 0o710;
export const APP_DIR_MODE = 0o710;
export const CONTAINER_DIR_MODE = 0o710;
export const NM_PRIVATE_MODE = OWNER_ONLY_DIR;
export const LOG_DIR_MODE = 0o710;

/** Creates each directory in order, every one with its own mode. */
async function chain(dirs: readonly (readonly [string, number])[]): Promise<void> {
  for (const [dir, mode] of dirs) await makeDirWithMode(dir, mode);
}

/** The NM's two roots, at start. */
export function createNodeManagerRoots(localDir: string, logDir: string): Promise<void> {
  return chain([
    [localDir, NM_ROOT_DIR_MODE],
    [logDir, NM_ROOT_DIR_MODE],
    [join(localDir, 'nmPrivate'), NM_PRIVATE_MODE],
  ]);
}

export async function createPublicFileCache(localDir: string): Promise<string> {
  const dir = join(localDir, 'filecache');
  await chain([
    [localDir, NM_ROOT_DIR_MODE],
    [dir, PUBLIC_FILECACHE_MODE],
  ]);
  return dir;
}

/** usercache/<user> with its filecache and appcache. */
export async function createUserDirs(localDir: string, user: string): Promise<{ userDir: string; fileCache: string; appCache: string }> {
  const userDir = join(localDir, 'usercache', user);
  const fileCache = join(userDir, 'filecache');
  const appCache = join(userDir, 'appcache');
  await chain([
    [localDir, NM_ROOT_DIR_MODE],
    [join(localDir, 'usercache'), USERCACHE_MODE],
    [userDir, USER_DIR_MODE],
    [fileCache, USER_CACHE_DIR_MODE],
    [appCache, USER_CACHE_DIR_MODE],
  ]);
  return { userDir, fileCache, appCache };
}

/** usercache/<user>/appcache/<app> and its filecache. */
export async function createAppDirs(localDir: string, user: string, appId: string): Promise<{ appDir: string; fileCache: string }> {
  const { appCache } = await createUserDirs(localDir, user);
  const appDir = join(appCache, appId);
  const fileCache = join(appDir, 'filecache');
  await chain([
    [appDir, APP_DIR_MODE],
    [fileCache, USER_CACHE_DIR_MODE],
  ]);
  return { appDir, fileCache };
}

/**
 * A container's work dir (and its tmp), its log dir (and the app's log dir above it), and its
 * nmPrivate dir (nmPrivate/<app>/<container>). The work dir's parents come from createAppDirs.
 */
export async function createContainerDirs(dirs: { workDir: string; logDir: string; nmPrivateDir: string }): Promise<void> {
  await chain([
    [dirs.workDir, CONTAINER_DIR_MODE],
    [join(dirs.workDir, 'tmp'), CONTAINER_DIR_MODE],
    [join(dirs.logDir, '..'), LOG_DIR_MODE],
    [dirs.logDir, LOG_DIR_MODE],
    [join(dirs.nmPrivateDir, '..', '..'), NM_PRIVATE_MODE],
    [join(dirs.nmPrivateDir, '..'), NM_PRIVATE_MODE],
    [dirs.nmPrivateDir, NM_PRIVATE_MODE],
  ]);
}
