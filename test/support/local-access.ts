// Who besides the owner can read what under a directory: a file is readable by the group (or by
// everyone) when every directory on the way down grants them x and the file grants them r; a
// directory's listing likewise needs r on it. The top directory's own mode is left out, so the
// answer does not rest on it (a named mini cluster dir may be 755). Symlinks are skipped.
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface LocalEntry {
  /** Path relative to the top, with `/`. */
  path: string;
  isDirectory: boolean;
  mode: number;
  /** The group / everyone else can read it (a directory: list it). */
  groupReads: boolean;
  othersRead: boolean;
  /** Everyone else can change it (write on a reachable file or directory). */
  othersWrite: boolean;
}

export function walkAccess(top: string): LocalEntry[] {
  const out: LocalEntry[] = [];
  const visit = (rel: string, groupPasses: boolean, othersPass: boolean): void => {
    for (const name of readdirSync(rel === '' ? top : join(top, rel)).sort()) {
      const path = rel === '' ? name : `${rel}/${name}`;
      let st;
      try {
        st = lstatSync(join(top, path));
      } catch {
        continue; // removed while walking (a container's tmp file)
      }
      if (st.isSymbolicLink()) continue;
      const mode = st.mode & 0o777;
      out.push({
        path,
        isDirectory: st.isDirectory(),
        mode,
        groupReads: groupPasses && (mode & 0o040) !== 0,
        othersRead: othersPass && (mode & 0o004) !== 0,
        othersWrite: othersPass && (mode & 0o002) !== 0,
      });
      if (st.isDirectory()) visit(path, groupPasses && (mode & 0o010) !== 0, othersPass && (mode & 0o001) !== 0);
    }
  };
  visit('', true, true);
  return out;
}

/** An entry others may reach although it is not exempt, with its mode, for an assertion message. */
export function exposed(entries: LocalEntry[], exempt: (e: LocalEntry) => string | undefined, who: 'group' | 'others'): string[] {
  return entries
    .filter((e) => (who === 'group' ? e.groupReads : e.othersRead || e.othersWrite) && exempt(e) === undefined)
    .map((e) => `${e.path} ${e.mode.toString(8)}`);
}

/** Runs `body` with the process umask set to `mask` (0 shows every mode that is left to chance). */
export async function withUmask<T>(mask: number, body: () => Promise<T>): Promise<T> {
  const before = process.umask(mask);
  try {
    return await body();
  } finally {
    process.umask(before);
  }
}
