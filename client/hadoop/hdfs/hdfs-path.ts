import { LoomError } from '../../errors/loom-error.js';

/**
 * HDFS path handling for the WebHDFS client: parse `hdfs://`, `webhdfs://`, `swebhdfs://`,
 * absolute and relative paths, normalise them to an absolute slash-separated path, and encode
 * them into the `/webhdfs/v1/...` URL path the way Hadoop's client does (each segment
 * percent-encoded, slashes kept).
 */

export class HdfsPathError extends LoomError {
  static override readonly code: string = 'HDFS_PATH_INVALID';
  override name = 'HdfsPathError';
}

const SCHEMES = new Set(['hdfs', 'webhdfs', 'swebhdfs', 'viewfs']);

export interface ParsedHdfsPath {
  /** `hdfs`, `webhdfs`, `swebhdfs`, or undefined for a bare path. */
  scheme?: string;
  /** `host:port` or a nameservice id; undefined when the URI has none (`hdfs:///x`) or the path is bare. */
  authority?: string;
  /** Absolute, normalised: starts with `/`, no `.`/`..`/empty segments, no trailing slash (except `/`). */
  path: string;
}

/**
 * Parses and normalises `input`. Relative paths resolve against `homeDirectory` (the answer of
 * GETHOMEDIRECTORY, `/user/<name>`), as `hdfs dfs` does.
 */
export function parseHdfsPath(input: string, homeDirectory = '/'): ParsedHdfsPath {
  if (typeof input !== 'string' || input.length === 0) {
    throw new HdfsPathError('empty HDFS path: give an absolute path such as /user/me/file or an hdfs:// URI');
  }
  if (input.includes('\0')) throw new HdfsPathError(`HDFS path ${JSON.stringify(input)} contains a NUL character`);
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$/.exec(input);
  if (m && m[1].length > 1) {
    const scheme = m[1].toLowerCase();
    if (!SCHEMES.has(scheme)) {
      throw new HdfsPathError(
        `unsupported file system scheme "${scheme}:" in ${input}: use hdfs://, webhdfs://, swebhdfs:// or a plain path`,
      );
    }
    const rest = m[2];
    if (!rest.startsWith('//')) {
      return { scheme, path: normalise(rest.startsWith('/') ? rest : `/${rest}`, input) };
    }
    const slash = rest.indexOf('/', 2);
    const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    const path = slash < 0 ? '/' : rest.slice(slash);
    return { scheme, ...(authority ? { authority } : {}), path: normalise(decodePercent(path, input), input) };
  }
  const absolute = input.startsWith('/') ? input : `${homeDirectory.replace(/\/+$/, '')}/${input}`;
  return { path: normalise(absolute, input) };
}

/** Shortcut: the normalised absolute path only. */
export function resolveHdfsPath(input: string, homeDirectory = '/'): string {
  return parseHdfsPath(input, homeDirectory).path;
}

function normalise(absolute: string, original: string): string {
  const out: string[] = [];
  for (const segment of absolute.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length === 0) {
        throw new HdfsPathError(`HDFS path ${JSON.stringify(original)} climbs above the root with "..": remove the extra ".."`);
      }
      out.pop();
      continue;
    }
    out.push(segment);
  }
  return `/${out.join('/')}`;
}

function decodePercent(s: string, original: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new HdfsPathError(`HDFS URI ${JSON.stringify(original)} has a broken percent-escape`);
  }
}

/**
 * Characters kept verbatim in a URL path segment. Like java.net.URI (which Hadoop uses to build
 * the URL) this keeps RFC 3986 unreserved characters and the sub-delims that are legal in a
 * path; `;` is escaped because Jetty would treat it as a path parameter.
 */
const KEEP_IN_SEGMENT = /[A-Za-z0-9\-._~!$&'()*+,=:@]/;

export function encodePathSegment(segment: string): string {
  let out = '';
  for (const ch of segment) {
    if (KEEP_IN_SEGMENT.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `/fixtures/dir 1` -> `/webhdfs/v1/fixtures/dir%201`; `/` -> `/webhdfs/v1/`. */
export function webHdfsUrlPath(absolutePath: string): string {
  const segments = absolutePath.split('/').filter((s) => s.length > 0);
  return `/webhdfs/v1/${segments.map(encodePathSegment).join('/')}`;
}

export function joinHdfsPath(dir: string, ...names: string[]): string {
  return normalise([dir, ...names].join('/'), [dir, ...names].join('/'));
}

export function hdfsBaseName(path: string): string {
  const i = path.lastIndexOf('/');
  return path.slice(i + 1);
}

export function hdfsParent(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}
