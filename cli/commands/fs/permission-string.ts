/**
 * FsPermission.toString: `rwxr-xr-x`, the sticky bit shown in the others' execute place
 * (`t` when others may execute, else `T`).
 */
export function permissionString(permission: number): string {
  const triple = (bits: number) => `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${bits & 1 ? 'x' : '-'}`;
  let others = triple(permission & 7);
  if (permission & 0o1000) others = others.slice(0, 2) + (permission & 1 ? 't' : 'T');
  return `${triple((permission >> 6) & 7)}${triple((permission >> 3) & 7)}${others}`;
}

/** FsPermission.toOctal as `-stat %a` prints it: the octal digits without leading zeros ("644", "1777", "0"). */
export function octalDigits(permission: number): string {
  return (permission & 0o1777).toString(8);
}
