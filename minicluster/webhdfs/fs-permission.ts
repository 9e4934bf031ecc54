/** HDFS permission bits (rwx for user/group/other plus the sticky bit) and how Hadoop prints them. */

export const READ = 4;
export const WRITE = 2;
export const EXECUTE = 1;

/** Hadoop's FsAction names, used in "access=..." of AccessControlException messages. */
const ACTION_NAMES = ['NONE', 'EXECUTE', 'WRITE', 'WRITE_EXECUTE', 'READ', 'READ_EXECUTE', 'READ_WRITE', 'ALL'];

export function actionName(action: number): string {
  return ACTION_NAMES[action & 7];
}

export const DEFAULT_FILE_PERMISSION = 0o644; // 666 minus the default umask 022
export const DEFAULT_DIR_PERMISSION = 0o755; // 777 minus the default umask 022
export const MAX_PERMISSION = 0o1777;

/** `rwxr-xr-x` form with the leading type letter, as FsPermission + INode print them. */
export function symbolic(isDirectory: boolean, permission: number): string {
  const triple = (bits: number) => (bits & 4 ? 'r' : '-') + (bits & 2 ? 'w' : '-') + (bits & 1 ? 'x' : '-');
  let other = triple(permission & 7);
  if (permission & 0o1000) other = other.slice(0, 2) + (permission & 1 ? 't' : 'T');
  return (isDirectory ? 'd' : '-') + triple((permission >> 6) & 7) + triple((permission >> 3) & 7) + other;
}

/** JSON `permission` field: the octal digits without leading zeros ("644", "1777"). */
export function octalString(permission: number): string {
  return (permission & MAX_PERMISSION).toString(8);
}

/** Which rwx bits of `permission` apply to `user` with `groups` for an inode owned by owner:group. */
export function grantedBits(permission: number, owner: string, group: string, user: string, groups: readonly string[]): number {
  if (user === owner) return (permission >> 6) & 7;
  if (groups.includes(group)) return (permission >> 3) & 7;
  return permission & 7;
}

/** Implicit owner write+execute that HDFS adds to directories it creates on the way to a path. */
export function withImplicitOwnerWriteExecute(permission: number): number {
  return permission | 0o300;
}
