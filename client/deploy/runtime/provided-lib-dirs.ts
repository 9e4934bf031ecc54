/**
 * `yarn.provided.lib.dirs`: files already on HDFS, registered as PUBLIC local resources so that
 * each node localizes them once for all applications, and the client uploads none of Loom.
 *
 * Entries (`;`-separated URIs or paths) may be files, directories (every file below, nested dirs
 * included, linked under its path relative to the entry) and archives (`.tar.gz`, `.tgz`, `.tar`,
 * `.zip`, `.jar` given as an entry: an ARCHIVE linked under its name without the extension).
 * Names starting with `.` are skipped (uploads in flight, checksums). Together the entries must
 * hold exactly one Loom runtime, found by its manifest (loom-runtime.json, as `loom upload-runtime`
 * writes it): its archive is linked as `loom-runtime`, its Node.js binary as `loom-node`.
 *
 * Everything is checked before the application exists: each entry exists, each file is readable
 * by all users under directories all users may traverse (what YARN's FSDownload.isPublic demands
 * of a PUBLIC resource, else the container fails to localize), the runtime is there and whole.
 * All problems are reported at once, each naming the path and what to run.
 */
import { LoomError } from '../../errors/loom-error.js';
import { hdfsBaseName, hdfsParent, joinHdfsPath, parseHdfsPath } from '../../hadoop/hdfs/hdfs-path.js';
import type { WebHdfsClient } from '../../hadoop/hdfs/webhdfs-client.js';
import { AccessControlError, FileNotFoundError } from '../../hadoop/hdfs/webhdfs-errors.js';
import type { HdfsFileStatus } from '../../hadoop/hdfs/webhdfs-json.js';
import type { LocalResourceSpec } from '../../hadoop/yarn/container-launch-context.js';
import { LocalResourceNames } from '../../contracts/am-container-contract.js';
import type { DeployContext } from '../submit/deploy-context.js';
import { NODE_LINK_NAME } from '../../contracts/node-command.js';
import { MANIFEST_FILE_NAME, parseManifest, type RuntimeManifest } from './runtime-manifest.js';
import { qualifiedUri } from '../submit/staging-dir.js';

export const PROVIDED_LIB_DIRS_KEY = 'yarn.provided.lib.dirs';
const ARCHIVE_EXTENSIONS = ['.tar.gz', '.tgz', '.tar', '.zip', '.jar'];

export class ProvidedLibDirError extends LoomError {
  static override readonly code: string = 'PROVIDED_LIB_DIR_INVALID';
  override name = 'ProvidedLibDirError';
}

export interface ProvidedRuntime {
  /** Link name -> PUBLIC resource, for every file of every entry (the node binary only when shipped). */
  localResources: Record<string, LocalResourceSpec>;
  manifest: RuntimeManifest;
  /** Qualified URI of the directory holding the manifest. */
  runtimeDir: string;
}

export interface ProvidedLibDirsOptions {
  /** Register the runtime's Node.js binary as `loom-node` (false when loom.node.path picks an installed node). */
  shipNode: boolean;
}

interface FoundFile {
  link: string;
  path: string;
  uri: string;
  status: HdfsFileStatus;
  type: 'FILE' | 'ARCHIVE';
}

/** One entry's file system: the deploy context's own, or a client for another NameNode (closed after). */
interface EntryFs {
  fs: WebHdfsClient;
  fsUri: string;
  owned: boolean;
}

export async function resolveProvidedLibDirs(
  ctx: DeployContext,
  entries: readonly string[],
  opts: ProvidedLibDirsOptions,
): Promise<ProvidedRuntime> {
  const problems: string[] = [];
  const files: FoundFile[] = [];
  const manifests: { entry: string; file: FoundFile; fs: EntryFs }[] = [];
  const opened: EntryFs[] = [];
  try {
    const home = await ctx.fs.getHomeDirectory();
    for (const entry of entries) {
      let parsed;
      try {
        parsed = parseHdfsPath(entry, home);
      } catch (err) {
        problems.push(`provided lib dir ${entry} (${PROVIDED_LIB_DIRS_KEY}): ${(err as Error).message}`);
        continue;
      }
      const efs = entryFs(ctx, parsed.scheme, parsed.authority);
      if (efs.owned) opened.push(efs);
      const found = await scanEntry(efs, entry, parsed.path, problems);
      for (const f of found) {
        files.push(f);
        if (hdfsBaseName(f.path) === MANIFEST_FILE_NAME) manifests.push({ entry, file: f, fs: efs });
      }
    }
    if (problems.length === 0 && manifests.length === 0) {
      problems.push(
        `none of the provided lib dirs (${entries.join(';')}) holds Loom's runtime (a ${MANIFEST_FILE_NAME} next to loom-runtime-<hash>.tar.gz and loom-node-<hash>): ` +
          `put it on HDFS with "loom upload-runtime hdfs://<dir>" and pass the -D${PROVIDED_LIB_DIRS_KEY}=... it prints`,
      );
    }
    if (manifests.length > 1) {
      problems.push(
        `the provided lib dirs hold ${manifests.length} Loom runtimes (${manifests.map((m) => m.file.uri).join(', ')}): ` +
          `name one versioned directory (loom-<version>-<hash>) in ${PROVIDED_LIB_DIRS_KEY}`,
      );
    }
    const manifest = problems.length === 0 ? await runtimeOf(manifests[0], files, problems) : undefined;
    const localResources = manifest && problems.length === 0 ? linkAll(files, manifest, manifests[0].file.path, opts, problems) : {};
    if (problems.length > 0 || !manifest) {
      throw new ProvidedLibDirError(
        // One line (the CLI prints the first line of an error), each problem numbered.
        problems.length === 1
          ? problems[0]
          : `${problems.length} problems with the provided lib dirs (${PROVIDED_LIB_DIRS_KEY}): ${problems.map((p, i) => `(${i + 1}) ${p}`).join(' ')}`,
      );
    }
    return { localResources, manifest, runtimeDir: qualifiedUri(manifests[0].fs.fsUri, hdfsParent(manifests[0].file.path)) };
  } finally {
    for (const o of opened) o.fs.close();
  }
}

function entryFs(ctx: DeployContext, scheme: string | undefined, authority: string | undefined): EntryFs {
  if (!scheme || !authority) return { fs: ctx.fs, fsUri: ctx.fsUri, owned: false };
  const fsUri = `${scheme}://${authority}`;
  if (fsUri === ctx.fsUri) return { fs: ctx.fs, fsUri, owned: false };
  return { fs: ctx.webHdfs(fsUri), fsUri, owned: true };
}

/** Every file of one entry (problems recorded, not thrown), with the public-readability checks. */
async function scanEntry(efs: EntryFs, entry: string, path: string, problems: string[]): Promise<FoundFile[]> {
  const dirs = new Map<string, HdfsFileStatus>();
  const out: FoundFile[] = [];
  const add = (p: string, status: HdfsFileStatus, link: string, type: 'FILE' | 'ARCHIVE') =>
    out.push({ link, path: p, uri: uriOf(efs, p), status, type });
  let top: HdfsFileStatus;
  try {
    top = await efs.fs.getFileStatus(path);
    if (top.type === 'DIRECTORY') {
      dirs.set(path, top);
      await walk(efs.fs, path, '', dirs, (p, status, rel) => add(p, status, rel, 'FILE'));
    }
  } catch (err) {
    if (err instanceof FileNotFoundError) {
      problems.push(
        `provided lib dir ${entry} (${PROVIDED_LIB_DIRS_KEY}) does not exist: check the path, or put Loom's runtime there with "loom upload-runtime ${uriOf(efs, hdfsParent(path))}"`,
      );
      return [];
    }
    if (err instanceof AccessControlError) {
      problems.push(
        `provided lib dir ${entry} (${PROVIDED_LIB_DIRS_KEY}) cannot be read (${err.message}); YARN localizes provided lib dirs as PUBLIC resources, which every user must be able to read: ` +
          `run "hdfs dfs -chmod o+x" on each parent directory and "hdfs dfs -chmod -R o+rX ${path}"`,
      );
      return [];
    }
    throw err;
  }
  if (top.type === 'DIRECTORY') {
    if (out.length === 0)
      problems.push(
        `provided lib dir ${entry} (${PROVIDED_LIB_DIRS_KEY}) holds no files: put Loom's runtime there with "loom upload-runtime ${uriOf(efs, path)}"`,
      );
  } else {
    const name = hdfsBaseName(path);
    const ext = ARCHIVE_EXTENSIONS.find((e) => name.toLowerCase().endsWith(e) && name.length > e.length);
    add(path, top, ext ? name.slice(0, -ext.length) : name, ext ? 'ARCHIVE' : 'FILE');
  }

  const unreadable = out.filter((f) => (permissionBits(f.status) & 0o004) === 0);
  if (unreadable.length > 0) {
    const list = unreadable
      .slice(0, 3)
      .map((f) => `${f.path} (${f.status.permission})`)
      .join(', ');
    problems.push(
      `provided lib dir ${entry} is not readable by all users: ${list}${unreadable.length > 3 ? ` and ${unreadable.length - 3} more` : ''}; ` +
        `YARN localizes provided lib dirs as PUBLIC resources, which every user must be able to read: run "hdfs dfs -chmod -R o+rX ${path}"`,
    );
  }
  const closed = await closedAncestors(
    efs.fs,
    out.map((f) => hdfsParent(f.path)),
    dirs,
  );
  for (const d of closed) {
    problems.push(
      `directory ${d.path} (permission ${d.permission}) is not executable by all users, so NodeManagers cannot reach the provided lib dir ${entry} through it ` +
        `(PUBLIC resources need world-executable parent directories): run "hdfs dfs -chmod o+x ${d.path}", or use a directory all users can traverse`,
    );
  }
  return out;
}

async function walk(
  fs: WebHdfsClient,
  dir: string,
  rel: string,
  dirs: Map<string, HdfsFileStatus>,
  onFile: (path: string, status: HdfsFileStatus, rel: string) => void,
): Promise<void> {
  for (const st of await fs.listStatus(dir)) {
    if (st.pathSuffix.startsWith('.')) continue;
    const path = joinHdfsPath(dir, st.pathSuffix);
    const childRel = rel ? `${rel}/${st.pathSuffix}` : st.pathSuffix;
    if (st.type === 'DIRECTORY') {
      dirs.set(path, st);
      await walk(fs, path, childRel, dirs, onFile);
    } else if (st.type === 'FILE') {
      onFile(path, st, childRel);
    }
  }
}

/** Directories on the way from `/` to each of `leaves` (inclusive) that others may not traverse. */
async function closedAncestors(
  fs: WebHdfsClient,
  leaves: string[],
  known: Map<string, HdfsFileStatus>,
): Promise<{ path: string; permission: string }[]> {
  const closed = new Map<string, string>();
  const seen = new Set<string>();
  for (const leaf of leaves) {
    for (let d = leaf; !seen.has(d); d = hdfsParent(d)) {
      seen.add(d);
      let st = known.get(d);
      if (!st) {
        st = await fs.getFileStatus(d);
        known.set(d, st);
      }
      if ((permissionBits(st) & 0o001) === 0) closed.set(d, st.permission);
      if (d === '/') break;
    }
  }
  return [...closed].map(([path, permission]) => ({ path, permission }));
}

/** The manifest's runtime: listed files present next to it with the listed sizes. */
async function runtimeOf(
  m: { entry: string; file: FoundFile; fs: EntryFs },
  files: FoundFile[],
  problems: string[],
): Promise<RuntimeManifest | undefined> {
  const dir = hdfsParent(m.file.path);
  const reupload = `upload it again with "loom upload-runtime ${uriOf(m.fs, hdfsParent(dir))}"`;
  let manifest: RuntimeManifest;
  try {
    const stream = await m.fs.fs.open(m.file.path);
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    manifest = parseManifest(Buffer.concat(chunks).toString('utf8'), m.file.uri);
  } catch (err) {
    problems.push(`the Loom runtime in ${m.entry} is unusable: ${(err as Error).message}; ${reupload}`);
    return undefined;
  }
  for (const listed of manifest.files) {
    const f = files.find((x) => x.path === joinHdfsPath(dir, listed.name));
    if (!f) problems.push(`the Loom runtime in ${m.entry} is incomplete: ${joinHdfsPath(dir, listed.name)} is missing; ${reupload}`);
    else if (f.status.length !== listed.size) {
      problems.push(
        `the Loom runtime in ${m.entry} is damaged: ${f.path} has ${f.status.length} bytes, its manifest says ${listed.size}; ${reupload}`,
      );
    }
  }
  return manifest;
}

/** Link names: the runtime's files by role, the rest by their path; two files may not share one. */
function linkAll(
  files: FoundFile[],
  manifest: RuntimeManifest,
  manifestPath: string,
  opts: ProvidedLibDirsOptions,
  problems: string[],
): Record<string, LocalResourceSpec> {
  const dir = hdfsParent(manifestPath);
  const roleOf = new Map(manifest.files.map((f) => [joinHdfsPath(dir, f.name), f.role]));
  const reserved = new Set<string>([LocalResourceNames.config, LocalResourceNames.secret]);
  const from = new Map<string, string>();
  const out: Record<string, LocalResourceSpec> = {};
  for (const f of files) {
    const role = roleOf.get(f.path);
    if (role === 'node' && !opts.shipNode) continue;
    const link =
      f.path === manifestPath
        ? MANIFEST_FILE_NAME
        : role === 'runtime'
          ? LocalResourceNames.runtime
          : role === 'node'
            ? NODE_LINK_NAME
            : f.link;
    const type = role === 'runtime' ? 'ARCHIVE' : role === 'node' ? 'FILE' : f.type;
    if (reserved.has(link)) {
      problems.push(`provided lib file ${f.uri} would be linked as ${link}, the name of a file Loom writes for each cluster: rename it`);
      continue;
    }
    const other = from.get(link);
    if (other !== undefined) {
      problems.push(
        `provided lib files ${other} and ${f.uri} would both be linked as ${link} in the containers' working dirs: rename one, or leave one out of ${PROVIDED_LIB_DIRS_KEY}`,
      );
      continue;
    }
    from.set(link, f.uri);
    out[link] = { uri: f.uri, size: f.status.length, timestamp: f.status.modificationTime, type, visibility: 'PUBLIC' };
  }
  return out;
}

function uriOf(efs: EntryFs, path: string): string {
  return qualifiedUri(efs.fsUri, path);
}

function permissionBits(st: HdfsFileStatus): number {
  return Number.parseInt(st.permission, 8);
}
