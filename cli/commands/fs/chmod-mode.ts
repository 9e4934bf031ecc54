/**
 * The modes `-chmod` takes, read as Hadoop's ChmodParser / PermissionParser reads them: an octal
 * mode of 3 digits with an optional leading 0/1 for the sticky bit (`755`, `1777`), or symbolic
 * clauses `[ugoa]*[+=-]+[rwxXt]+` separated by commas (`u+x,g-w`, `a=r`, `+t`). As in Hadoop,
 * each of user / group / others keeps the last clause that names it (no umask), `X` adds execute
 * only to directories and to files some class may already execute, and `t` only counts in a
 * clause that covers others.
 */

interface Segment {
  type: '+' | '-' | '=';
  /** rwx bits; 8 stands for X. */
  mode: number;
}

export class ChmodMode {
  private readonly user: Segment = { type: '+', mode: 0 };
  private readonly group: Segment = { type: '+', mode: 0 };
  private readonly others: Segment = { type: '+', mode: 0 };
  private readonly sticky: Segment = { type: '+', mode: 0 };

  /** Throws when `text` is neither form. */
  constructor(readonly text: string) {
    if (!this.parseSymbolic(text) && !this.parseOctal(text)) throw new Error(text);
  }

  /** The new permission bits for an inode that has `existing` (and is a directory or not). */
  apply(existing: number, isDirectory: boolean): number {
    const exeOk = isDirectory || (existing & 0o111) !== 0;
    return (
      (combine(this.sticky, existing >>> 9, false) << 9) |
      (combine(this.user, (existing >>> 6) & 7, exeOk) << 6) |
      (combine(this.group, (existing >>> 3) & 7, exeOk) << 3) |
      combine(this.others, existing & 7, exeOk)
    );
  }

  private parseOctal(text: string): boolean {
    const m = /^\s*\+?([01]?)([0-7]{3})\s*$/.exec(text);
    if (!m) return false;
    const digits = m[2];
    this.sticky.type = this.user.type = this.group.type = this.others.type = '=';
    this.sticky.mode = m[1] ? Number(m[1]) : 0;
    this.user.mode = Number(digits[0]);
    this.group.mode = Number(digits[1]);
    this.others.mode = Number(digits[2]);
    return true;
  }

  /** Clauses must follow each other from the start, each but the last ending with a comma. */
  private parseSymbolic(text: string): boolean {
    const clause = /\s*([ugoa]*)([+=-]+)([rwxXt]+)([,\s]*)\s*/y;
    let pos = 0;
    let first = true;
    let commaSeparated = false;
    while (first || pos < text.length) {
      if (!first && !commaSeparated) throw new Error(text);
      clause.lastIndex = pos;
      const m = clause.exec(text);
      if (!m) {
        if (first) return false;
        throw new Error(text);
      }
      first = false;
      pos = clause.lastIndex;
      const ops = m[2];
      const type = ops[ops.length - 1] as Segment['type'];
      let u = false;
      let g = false;
      let o = false;
      for (const c of m[1]) {
        if (c === 'u') u = true;
        else if (c === 'g') g = true;
        else if (c === 'o') o = true;
      }
      if (!u && !g && !o) u = g = o = true; // none (or only 'a') means all
      let mode = 0;
      let stickyBit = false;
      for (const c of m[3]) {
        if (c === 'r') mode |= 4;
        else if (c === 'w') mode |= 2;
        else if (c === 'x') mode |= 1;
        else if (c === 'X') mode |= 8;
        else stickyBit = true;
      }
      if (u) Object.assign(this.user, { type, mode });
      if (g) Object.assign(this.group, { type, mode });
      if (o) {
        Object.assign(this.others, { type, mode });
        Object.assign(this.sticky, { type, mode: stickyBit ? 1 : 0 });
      }
      commaSeparated = m[4].includes(',');
    }
    return true;
  }
}

/** PermissionParser.combineModeSegments. */
function combine(segment: Segment, existing: number, exeOk: boolean): number {
  let mode = segment.mode;
  const capX = (mode & 8) !== 0;
  if (capX) mode = (mode & ~8) | 1;
  if (segment.type === '+') mode |= existing;
  else if (segment.type === '-') mode = ~mode & existing;
  if (capX && !exeOk && (mode & 1) !== 0 && (existing & 1) === 0) mode &= ~1;
  return mode;
}
