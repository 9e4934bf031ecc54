/**
 * Packs a user bundle for upload: an ES module file travels as it is; a directory (its module and
 * its node_modules) becomes one .tar.gz, so a TaskExecutor fetches one file and unpacks it once.
 * The content hash goes into the upload name, so a new version never overwrites a file that a
 * running job still reads (TaskExecutors refuse a bundle whose size or time changed).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { packDirectoryTarGz } from '../../hadoop/archive/archive-pack.js';
import { LoomError } from '../../errors/loom-error.js';
import type { BundleDescription } from '../../contracts/bundle-ref.js';

export class BundleError extends LoomError {
  static override readonly code: string = 'BUNDLE_INVALID';
  override name = 'BundleError';
}

export interface PackedBundle {
  description: BundleDescription;
  /** The local file to upload: the module itself, or the temporary .tar.gz. */
  localFile: string;
  /** Name to upload under: `<name>-<first 12 hex digits of its sha256>.<ext>`. */
  uploadName: string;
  sha256: string;
  /** Removes the temporary archive (nothing to do for a single file). */
  cleanup(): Promise<void>;
}

export interface PackBundleOptions {
  /**
   * Directory bundles: the module to import, relative to the directory. Default: package.json `exports`/`main`, then index.mjs, index.js.
   */
  entry?: string;
  /** Where the temporary archive goes (default: the OS temp dir). */
  tmpDir?: string;
}

const MODULE_EXTENSIONS = new Set(['.mjs', '.js', '.cjs']);
/** Never part of a bundle: version control data. */
const EXCLUDED_NAMES = new Set(['.git', '.hg', '.svn']);

export async function packBundle(path: string, opts: PackBundleOptions = {}): Promise<PackedBundle> {
  const st = await stat(path).catch(() => undefined);
  if (!st) throw new BundleError(`bundle ${path} does not exist: give an .mjs/.js file or a directory holding one`);
  if (st.isFile()) return packFile(path, st.size, opts);
  if (st.isDirectory()) return packDirectory(path, opts);
  throw new BundleError(`bundle ${path} is neither a file nor a directory`);
}

async function packFile(path: string, size: number, opts: PackBundleOptions): Promise<PackedBundle> {
  if (opts.entry) throw new BundleError(`bundle ${path} is a single file; an entry (${opts.entry}) only applies to a directory bundle`);
  const ext = extname(path);
  if (!MODULE_EXTENSIONS.has(ext)) {
    throw new BundleError(`bundle ${path} is not a JavaScript module (.mjs or .js); compile TypeScript first, or give a directory`);
  }
  const sha256 = await hashFile(path);
  return {
    description: { kind: 'file', size },
    localFile: path,
    uploadName: `${basename(path, ext)}-${sha256.slice(0, 12)}${ext}`,
    sha256,
    // The user's own file: nothing to remove.
    cleanup: () => Promise.resolve(),
  };
}

async function packDirectory(dir: string, opts: PackBundleOptions): Promise<PackedBundle> {
  const entry = await resolveEntry(dir, opts.entry);
  const work = await mkdtemp(join(opts.tmpDir ?? tmpdir(), 'loom-bundle-'));
  const cleanup = () => rm(work, { recursive: true, force: true });
  try {
    const archive = join(work, 'bundle.tar.gz');
    await packDirectoryTarGz(dir, archive, { filter: (p) => !p.split('/').some((s) => EXCLUDED_NAMES.has(s)) });
    const size = (await stat(archive)).size;
    const sha256 = await hashFile(archive);
    const name = basename(resolve(dir)).replace(/[^A-Za-z0-9._-]/g, '_') || 'bundle';
    return {
      description: { kind: 'archive', entry, size },
      localFile: archive,
      uploadName: `${name}-${sha256.slice(0, 12)}.tar.gz`,
      sha256,
      cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** The module a directory bundle starts from, as a `/`-separated path relative to the directory. */
async function resolveEntry(dir: string, given: string | undefined): Promise<string> {
  const candidates: string[] = [];
  if (given) candidates.push(given);
  else {
    const fromPackage = await packageEntry(dir);
    if (fromPackage) candidates.push(fromPackage);
    candidates.push('index.mjs', 'index.js');
  }
  for (const candidate of candidates) {
    const full = resolve(dir, candidate);
    const rel = relative(resolve(dir), full);
    if (isAbsolute(candidate) || rel.startsWith('..') || rel === '') {
      throw new BundleError(`bundle entry ${candidate} must be a file inside ${dir}, given relative to it`);
    }
    const st = await stat(full).catch(() => undefined);
    if (st?.isFile()) {
      if (!MODULE_EXTENSIONS.has(extname(full)))
        throw new BundleError(`bundle entry ${candidate} in ${dir} is not a JavaScript module (.mjs, .js or .cjs)`);
      return rel.split(sep).join('/');
    }
    if (given) throw new BundleError(`bundle entry ${given} does not exist in ${dir}`);
  }
  throw new BundleError(
    `bundle directory ${dir} has no entry module: add index.mjs, set "main" in its package.json, or name the entry explicitly`,
  );
}

async function packageEntry(dir: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, 'package.json'), 'utf8');
  } catch {
    return undefined;
  }
  let pkg: { exports?: unknown; main?: unknown };
  try {
    pkg = JSON.parse(text) as typeof pkg;
  } catch (err) {
    throw new BundleError(`bundle directory ${dir}: package.json is not valid JSON (${(err as Error).message})`);
  }
  const exp = pkg.exports;
  const dot = typeof exp === 'object' && exp !== null && '.' in exp ? (exp as Record<string, unknown>)['.'] : exp;
  if (typeof dot === 'string') return dot;
  if (typeof dot === 'object' && dot !== null) {
    const conditions = dot as Record<string, unknown>;
    for (const c of ['import', 'node', 'default']) if (typeof conditions[c] === 'string') return conditions[c];
  }
  return typeof pkg.main === 'string' ? pkg.main : undefined;
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
