import { LoomError } from '../../errors/loom-error.js';

/**
 * Hadoop's file patterns (org.apache.hadoop.fs.GlobPattern, GlobExpander): `*` any run of
 * characters within a path component, `?` one character, `[abc]` / `[a-z]` a class (`[^a]` or
 * `[!a]` negated), `{a,b}` alternatives (nested, and across slashes), `\` quotes the next
 * character. Only the pattern language lives here; matching names against a listing is the
 * caller's.
 */

export class GlobSyntaxError extends LoomError {
  static override readonly code: string = 'HDFS_GLOB_INVALID';
  override name = 'GlobSyntaxError';
}

/** True when the pattern has an unquoted `*`, `?`, `[` or `{` (GlobPattern.hasWildcard). */
export function hasWildcard(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?' || c === '[' || c === '{') return true;
  }
  return false;
}

/** Removes the quoting backslashes ("a\*b" -> "a*b"). */
export function unescapeGlob(s: string): string {
  return s.replace(/\\(.)/gs, '$1');
}

/**
 * Every pattern the `{...}` alternatives spell (GlobExpander.expand), left to right:
 * "/a/{b,c/d}" -> ["/a/b", "/a/c/d"]. Quoted braces and commas stay as they are.
 */
export function expandBraces(pattern: string): string[] {
  const open = findUnquoted(pattern, '{', 0);
  if (open < 0) return [pattern];
  let depth = 0;
  const commas: number[] = [];
  let close = -1;
  for (let i = open; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) {
        close = i;
        break;
      }
    } else if (c === ',' && depth === 1) commas.push(i);
  }
  if (close < 0) throw new GlobSyntaxError(`Illegal file pattern: Unclosed group near index ${pattern.length}`);
  const head = pattern.slice(0, open);
  const tail = pattern.slice(close + 1);
  const bounds = [open, ...commas, close];
  const out: string[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    for (const expanded of expandBraces(`${head}${pattern.slice(bounds[k] + 1, bounds[k + 1])}${tail}`)) out.push(expanded);
  }
  return out;
}

function findUnquoted(s: string, ch: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === ch) return i;
  }
  return -1;
}

/** A RegExp that matches a whole path component against one component of a pattern (no `/`, no `{}` left). */
export function componentMatcher(component: string): RegExp {
  let re = '';
  for (let i = 0; i < component.length; i++) {
    const c = component[i];
    if (c === '\\') {
      if (i + 1 >= component.length) throw new GlobSyntaxError(`Illegal file pattern: Missing escaped character at ${i}`);
      re += escapeRegExp(component[++i]);
    } else if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = classEnd(component, i);
      if (end < 0) throw new GlobSyntaxError(`Illegal file pattern: Unclosed character class at pos ${i}`);
      let body = component.slice(i + 1, end);
      let negate = false;
      if (body.startsWith('!') || body.startsWith('^')) {
        negate = true;
        body = body.slice(1);
      }
      let cls = '';
      for (let j = 0; j < body.length; j++) {
        const ch = body[j];
        if (ch === '\\' && j + 1 < body.length) cls += escapeInClass(body[++j]);
        else cls += ch === '-' ? '-' : escapeInClass(ch);
      }
      re += `[${negate ? '^' : ''}${cls}]`;
      i = end;
    } else re += escapeRegExp(c);
  }
  return new RegExp(`^${re}$`, 's');
}

function classEnd(s: string, open: number): number {
  for (let i = open + 1; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === ']' && i > open + 1) return i;
  }
  return -1;
}

function escapeInClass(c: string): string {
  return /[\]\\^\-[]/.test(c) ? `\\${c}` : c;
}

function escapeRegExp(c: string): string {
  return /[.*+?^${}()|[\]\\/-]/.test(c) ? `\\${c}` : c;
}
