/**
 * Loom's own code as ONE tar.gz local resource (`loom-runtime`), so a container localizes one file
 * instead of thousands of modules.
 *
 * Contents, when dist/bundle/ holds the bundles of scripts/bundle-entry-points.mjs: `package.json`
 * and those bundles (see bundledRuntimeFiles). Otherwise: `package.json`, `proto/`, `dist/` without `dist/test`, `dist/bench`, `dist/cli` and the
 * declaration files (`.d.ts`, for the package's users; nothing loads them at run time), and the
 * production dependencies, found by walking `dependencies`/`optionalDependencies` from Loom's
 * package.json through the installed packages' own package.json files with Node's lookup rules
 * (so it works from a checkout and when Loom is installed, hoisted, inside another project).
 * Type-only packages (`@types/*`), declaration files, source maps and markdown under node_modules
 * are left out: nothing loads them at run time.
 *
 * Its name carries a hash of its content (each file's archive path, executable bit and bytes; not
 * times), and it is packed with fixed times and modes, so the same Loom on any machine yields the
 * same `loom-runtime-<hash>.tar.gz`, byte for byte (uploads rely on the name naming the bytes). It is
 * built once into the local cache dir (LOOM_CACHE_DIR, else ~/.cache/loom) and reused; a
 * fingerprint of the input files' paths, sizes and modification times finds the cached archive
 * without reading them.
 */
import { LoomError } from '../../errors/loom-error.js';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readFile, readdir, realpath, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packDirectoryTarGz } from '../../hadoop/archive/archive-pack.js';
import { RuntimeEntryPoints } from '../../contracts/am-container-contract.js';

export interface RuntimeArchive {
  /** Local path of the cached .tar.gz. */
  path: string;
  /** `loom-runtime-<hash>.tar.gz`: the name it gets on HDFS as well. */
  fileName: string;
  /** Hex SHA-256 of the content (first 20 characters are in the name). */
  hash: string;
  size: number;
}

export interface RuntimeArchiveOptions {
  /** Loom's install root (holds package.json, dist/, proto/); default: where this module was loaded from. */
  loomRoot?: string;
  /** Local cache directory; default LOOM_CACHE_DIR or ~/.cache/loom. */
  cacheDir?: string;
  env?: NodeJS.ProcessEnv;
}

export interface RuntimeFile {
  /** Slash-separated path inside the archive. */
  archivePath: string;
  localPath: string;
  size: number;
  mtimeMs: number;
  mode: number;
}

export class RuntimeArchiveError extends LoomError {
  static override readonly code: string = 'RUNTIME_ARCHIVE_FAILED';
  override name = 'RuntimeArchiveError';
}

/** Loom's root: the nearest directory above this module that holds Loom's package.json (from dist/ or the sources). */
export function loomInstallRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate) && existsSync(join(dir, 'proto'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new RuntimeArchiveError(`no Loom package.json above ${fileURLToPath(import.meta.url)}; reinstall Loom`);
    dir = parent;
  }
}

/** Loom's package version, from the package.json at its install root. */
export async function loomVersion(root: string = loomInstallRoot()): Promise<string> {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string' || pkg.version === '') throw new RuntimeArchiveError(`${join(root, 'package.json')} has no version`);
  return pkg.version;
}

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.LOOM_CACHE_DIR && env.LOOM_CACHE_DIR.trim() !== '' ? env.LOOM_CACHE_DIR : join(homedir(), '.cache', 'loom');
}

/** The runtime archive for the Loom at `loomRoot`, from the cache when its inputs did not change. */
export async function runtimeArchive(opts: RuntimeArchiveOptions = {}): Promise<RuntimeArchive> {
  const root = opts.loomRoot ?? loomInstallRoot();
  const dir = join(opts.cacheDir ?? defaultCacheDir(opts.env), 'runtime');
  const files = await runtimeFiles(root);
  const fingerprint = fingerprintOf(files);
  const indexFile = join(dir, `${fingerprint}.json`);
  const cached = await readCached(dir, indexFile);
  if (cached) return cached;

  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.building-${randomBytes(6).toString('hex')}.tar.gz`);
  const mirror = await mkdtemp(join(dir, '.mirror-'));
  try {
    // Hash the copies: what is packed, even if dist/ is rebuilt meanwhile.
    const copies = await copyMirror(mirror, files);
    const hash = await contentHash(copies);
    await packDirectoryTarGz(mirror, temp);
    const fileName = `loom-runtime-${hash.slice(0, 20)}.tar.gz`;
    const path = join(dir, fileName);
    // Concurrent builders pack the same bytes, so whichever rename lands last is as good.
    await rename(temp, path);
    const size = (await stat(path)).size;
    const archive: RuntimeArchive = { path, fileName, hash, size };
    await writeFile(indexFile, JSON.stringify({ fileName, hash, size }));
    return archive;
  } catch (err) {
    await rm(temp, { force: true });
    throw new RuntimeArchiveError(`cannot build Loom's runtime archive in ${dir}: ${(err as Error).message}`, { cause: err });
  } finally {
    await rm(mirror, { recursive: true, force: true });
  }
}

/** Times and modes every entry of the archive gets: the same content always packs to the same bytes. */
const FIXED_MTIME = new Date('2000-01-01T00:00:00Z');

/**
 * The archive's tree as copies of the files with fixed times and modes (0755 for executables,
 * else 0644): the packer stores both, and the archive's name promises its bytes, so two builds of
 * the same content (e.g. after a rebuild that only touched dist/'s times) must be identical.
 */
async function copyMirror(mirror: string, files: RuntimeFile[]): Promise<RuntimeFile[]> {
  const dirs = new Set<string>();
  const copies: RuntimeFile[] = [];
  for (const f of files) {
    const target = join(mirror, ...f.archivePath.split('/'));
    for (let d = dirname(target); d !== mirror && !dirs.has(d); d = dirname(d)) dirs.add(d);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(f.localPath, target);
    await chmod(target, f.mode & 0o111 ? 0o755 : 0o644);
    await utimes(target, FIXED_MTIME, FIXED_MTIME);
    copies.push({ ...f, localPath: target, size: (await stat(target)).size });
  }
  // Deepest first, after every file is in: adding entries changes a directory's time.
  for (const d of [...dirs].sort((a, b) => b.length - a.length)) await utimes(d, FIXED_MTIME, FIXED_MTIME);
  return copies;
}

async function readCached(dir: string, indexFile: string): Promise<RuntimeArchive | undefined> {
  try {
    const entry = JSON.parse(await readFile(indexFile, 'utf8')) as { fileName: string; hash: string; size: number };
    const path = join(dir, entry.fileName);
    if ((await stat(path)).size !== entry.size) return undefined;
    return { path, fileName: entry.fileName, hash: entry.hash, size: entry.size };
  } catch {
    return undefined;
  }
}

function fingerprintOf(files: RuntimeFile[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(`${f.archivePath}\0${f.size}\0${f.mtimeMs}\0${f.mode & 0o111 ? 1 : 0}\n`);
  return h.digest('hex').slice(0, 32);
}

async function contentHash(files: RuntimeFile[]): Promise<string> {
  const h = createHash('sha256');
  for (const f of files) {
    h.update(`${f.archivePath}\0${f.mode & 0o111 ? 1 : 0}\0${f.size}\0`);
    for await (const chunk of createReadStream(f.localPath)) h.update(chunk as Buffer);
  }
  return h.digest('hex');
}

/** Every file that goes into the archive, sorted by archive path. */
export async function runtimeFiles(root: string): Promise<RuntimeFile[]> {
  const pkgFile = join(root, 'package.json');
  const distDir = join(root, 'dist');
  if (!(await isDirectory(distDir))) {
    throw new RuntimeArchiveError(`${distDir} is missing: build Loom first (npm run build)`);
  }
  const files: RuntimeFile[] = [await fileAt(pkgFile, 'package.json')];
  if (await bundledRuntimeFiles(distDir, files)) return sortedUnique(files);
  const skipDist = new Set(['test', 'bench', 'cli'].map((d) => join(distDir, d)));
  await walk(distDir, 'dist', files, (p, isDir) => (isDir ? !skipDist.has(p) : !p.endsWith('.d.ts')));
  await walk(join(root, 'proto'), 'proto', files, () => true);
  for (const pkg of await productionPackages(root)) {
    await walk(pkg.dir, pkg.archivePath, files, (p, isDir) => (isDir ? !p.endsWith(`${sep}node_modules`) : keepInNodeModules(p)));
  }
  return sortedUnique(files);
}

/**
 * With the bundles of scripts/bundle-entry-points.mjs in dist/bundle/, the runtime is those and
 * package.json alone (dependencies are inside them, protocol descriptors too): the bundles without
 * the CLI's, and the one-line modules under the launch commands' paths
 * (RuntimeEntryPoints: dist/appmaster/main.js, dist/taskexecutor/main.js) that import them.
 * False, adding nothing, when dist/ has no bundles or they are older than tsc's output.
 */
async function bundledRuntimeFiles(distDir: string, files: RuntimeFile[]): Promise<boolean> {
  const bundleDir = join(distDir, 'bundle');
  const entryDir = join(bundleDir, 'archive-entry-points');
  const entries = [
    [join(entryDir, 'appmaster', 'main.js'), RuntimeEntryPoints.appMaster],
    [join(entryDir, 'taskexecutor', 'main.js'), RuntimeEntryPoints.taskExecutor],
  ] as const;
  for (const [local] of entries) if (!(await isFile(local))) return false;
  // A bundle older than tsc's output it was made from (a bare `tsc` rebuild since) is stale: not used.
  const bundleTime = (await stat(join(bundleDir, 'appmaster', 'main.js')).catch(() => undefined))?.mtimeMs ?? 0;
  const compiledTime = (await stat(join(distDir, 'appmaster', 'main.js')).catch(() => undefined))?.mtimeMs ?? 0;
  if (bundleTime < compiledTime) return false;
  for (const [local, archivePath] of entries) files.push(await fileAt(local, archivePath));
  const skip = new Set([join(bundleDir, 'cli'), entryDir, join(bundleDir, 'meta.json')]);
  await walk(bundleDir, 'dist/bundle', files, (p) => !skip.has(p));
  return true;
}

function sortedUnique(files: RuntimeFile[]): RuntimeFile[] {
  const seen = new Set<string>();
  return files
    .filter((f) => (seen.has(f.archivePath) ? false : (seen.add(f.archivePath), true)))
    .sort((a, b) => (a.archivePath < b.archivePath ? -1 : a.archivePath > b.archivePath ? 1 : 0));
}

function keepInNodeModules(path: string): boolean {
  return !/\.(d\.ts|d\.mts|d\.cts|map|md|markdown)$/i.test(path);
}

export interface ProductionPackage {
  name: string;
  /** Real directory on disk. */
  dir: string;
  /** Where it goes in the archive, e.g. `node_modules/@grpc/grpc-js` or `node_modules/a/node_modules/b`. */
  archivePath: string;
}

/** The installed production dependency closure of the package at `root`. */
export async function productionPackages(root: string): Promise<ProductionPackage[]> {
  const out = new Map<string, ProductionPackage>();
  const visitedDirs = new Set<string>();
  /** Package dir (as Node finds it) -> its archive path. */
  const placed = new Map<string, string>();
  const visit = async (fromDir: string): Promise<void> => {
    const manifest = JSON.parse(await readFile(join(fromDir, 'package.json'), 'utf8')) as Record<string, unknown>;
    const names = [...Object.keys(asRecord(manifest.dependencies)), ...Object.keys(asRecord(manifest.optionalDependencies))];
    for (const name of names) {
      if (name.startsWith('@types/')) continue;
      const found = await resolvePackage(fromDir, name);
      if (!found) {
        if (name in asRecord(manifest.optionalDependencies)) continue;
        throw new RuntimeArchiveError(`dependency ${name} of ${fromDir} is not installed; run npm ci`);
      }
      if (visitedDirs.has(found.real)) continue;
      visitedDirs.add(found.real);
      const archivePath = archivePathFor(root, found, placed);
      placed.set(found.dir, archivePath);
      if (!out.has(archivePath)) out.set(archivePath, { name, dir: found.dir, archivePath });
      await visit(found.dir);
    }
  };
  await visit(root);
  return [...out.values()];
}

interface ResolvedPackage {
  /** Where Node finds it (a symlink for linked packages). */
  dir: string;
  /** Its real path: one package reached twice is packed once. */
  real: string;
  /** The node_modules directory it was found in. */
  nodeModules: string;
}

/** Node's lookup: `<dir>/node_modules/<name>`, then the same in every parent directory. */
async function resolvePackage(fromDir: string, name: string): Promise<ResolvedPackage | undefined> {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const nodeModules = join(dir, 'node_modules');
    const candidate = join(nodeModules, ...name.split('/'));
    if (await isDirectory(candidate)) return { dir: candidate, real: await realpath(candidate), nodeModules };
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Inside Loom's root a package keeps its relative path. Outside (Loom installed, hoisted, in
 * another project), a package nested in an already placed package goes below that one's
 * node_modules, any other one to the archive's top-level node_modules.
 */
function archivePathFor(root: string, found: ResolvedPackage, placed: Map<string, string>): string {
  const rel = relative(root, found.dir);
  if (!rel.startsWith('..')) return rel.split(sep).join('/');
  const name = relative(found.nodeModules, found.dir).split(sep).join('/');
  const owner = placed.get(dirname(found.nodeModules));
  return owner !== undefined ? `${owner}/node_modules/${name}` : `node_modules/${name}`;
}

function asRecord(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
}

async function isFile(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isFile() ?? false;
}

async function isDirectory(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isDirectory() ?? false;
}

async function fileAt(localPath: string, archivePath: string): Promise<RuntimeFile> {
  const st = await stat(localPath).catch(() => {
    throw new RuntimeArchiveError(`${localPath} is missing from Loom's install`);
  });
  return { archivePath, localPath, size: st.size, mtimeMs: Math.trunc(st.mtimeMs), mode: st.mode };
}

async function walk(dir: string, archiveDir: string, out: RuntimeFile[], keep: (path: string, isDir: boolean) => boolean): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const full = join(dir, e.name);
    const archivePath = `${archiveDir}/${e.name}`;
    // Follow symlinks (npm link, workspaces) to what they point at.
    const isDir = e.isDirectory() || (e.isSymbolicLink() && (await isDirectory(full)));
    if (isDir) {
      if (keep(full, true)) await walk(full, archivePath, out, keep);
    } else if ((e.isFile() || e.isSymbolicLink()) && keep(full, false)) {
      out.push(await fileAt(full, archivePath));
    }
  }
}
