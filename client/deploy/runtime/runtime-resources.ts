/**
 * Loom's runtime for an application's containers, as local resources: what the deployers
 * (session, per-job, application) add to the AM's resources, and the node the containers run.
 *
 * (a) `yarn.provided.lib.dirs` set: the runtime is already on HDFS (`loom upload-runtime`); its
 *     files become PUBLIC resources after the checks in provided-lib-dirs.ts; nothing is uploaded.
 * (b) otherwise: the runtime archive and the Node.js binary are uploaded to the user's
 *     `.loom/runtime/` once per content hash and reused by later applications (PRIVATE: once
 *     per user and node).
 * (c) `loom.node.path` set: containers run that node, already installed on the nodes; no binary
 *     is shipped (in (a) the provided one is not registered). Unset (the default), containers run
 *     the shipped binary as `./loom-node`.
 *
 * Everything local (archive, binary, hash) is ready and checked before the first byte goes to
 * HDFS, so a bad `--node` fails with nothing uploaded.
 */
import { LoomOptions } from '../../conf/loom-config-options.js';
import type { LocalResourceSpec } from '../../hadoop/yarn/container-launch-context.js';
import { LocalResourceNames } from '../../contracts/am-container-contract.js';
import type { DeployContext } from '../submit/deploy-context.js';
import { describeNodeBinary, nodeBinaryForCluster } from './node-binary.js';
import { containerNodePath, NODE_LINK_NAME } from '../../contracts/node-command.js';
import { resolveProvidedLibDirs } from './provided-lib-dirs.js';
import { runtimeArchive, type RuntimeArchiveOptions } from './runtime-archive.js';
import { placeContentAddressed } from './runtime-content-upload.js';
import { qualifiedUri, runtimeDir } from '../submit/staging-dir.js';

export interface RuntimeResourceOptions extends RuntimeArchiveOptions {
  /** A Linux Node.js binary to ship (`--node`); default loom.node.binary, else this process's own. */
  nodeBinary?: string;
}

export interface UploadedFile {
  /** Fully qualified URI. */
  path: string;
  size: number;
}

export interface RuntimeResources {
  /** Link name -> resource (`loom-runtime`, `loom-node`, provided files), to merge into the AM's resources. */
  localResources: Record<string, LocalResourceSpec>;
  /** The node executable containers run: `./loom-node`, or loom.node.path. */
  nodeCommand: string;
  /** Bytes this call wrote to HDFS (0 when everything was provided or reused). */
  uploadedBytes: number;
  uploadedFiles: UploadedFile[];
}

export async function resolveRuntime(ctx: DeployContext, opts: RuntimeResourceOptions = {}): Promise<RuntimeResources> {
  const configuredNode = ctx.conf.has(LoomOptions.nodePath.key) ? ctx.conf.get(LoomOptions.nodePath) : undefined;
  const shipNode = configuredNode === undefined;
  const provided = ctx.conf.get(LoomOptions.providedLibDirs);
  let localResources: Record<string, LocalResourceSpec>;
  let uploadedFiles: UploadedFile[] = [];
  if (provided.length > 0) {
    const runtime = await resolveProvidedLibDirs(ctx, provided, { shipNode });
    ctx.log(`using the Loom ${runtime.manifest.loomVersion} runtime provided in ${runtime.runtimeDir}`);
    localResources = runtime.localResources;
  } else {
    ({ localResources, uploadedFiles } = await uploadRuntime(ctx, opts, shipNode));
  }
  return {
    localResources,
    nodeCommand: containerNodePath(configuredNode ?? ctx.conf.get(LoomOptions.nodePath), localResources),
    uploadedBytes: uploadedFiles.reduce((n, f) => n + f.size, 0),
    uploadedFiles,
  };
}

/** Case (b): archive and node binary in `.loom/runtime/`, each uploaded only when its hash is new. */
async function uploadRuntime(ctx: DeployContext, opts: RuntimeResourceOptions, shipNode: boolean) {
  const { nodeBinary, ...archiveOptions } = opts;
  const archive = await runtimeArchive({ env: ctx.env, ...archiveOptions });
  const given = nodeBinary ?? ctx.conf.get(LoomOptions.nodeBinary);
  const node = shipNode
    ? await nodeBinaryForCluster({ ...(given ? { given } : {}), env: ctx.env, ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}) })
    : undefined;

  const dir = runtimeDir(await ctx.stagingRoot());
  // Owner-only like the staging dirs next to it, and so is `.loom` when this creates it (HDFS gives
  // missing parents the same permission), as Flink's `.flink` is 700.
  await ctx.fs.mkdirs(dir, { permission: '700' });
  const localResources: Record<string, LocalResourceSpec> = {};
  const uploadedFiles: UploadedFile[] = [];
  const place = async (link: string, what: string, localPath: string, fileName: string, type: 'ARCHIVE' | 'FILE') => {
    const placed = await placeContentAddressed(ctx.fs, localPath, dir, fileName, {
      log: ctx.log,
      ...(ctx.transfers ? { transfers: ctx.transfers } : {}),
    });
    const uri = qualifiedUri(ctx.fsUri, placed.path);
    ctx.log(placed.bytesSent > 0 ? `uploaded ${what} to ${uri}` : `reusing ${what} ${uri}`);
    if (placed.bytesSent > 0) uploadedFiles.push({ path: uri, size: placed.bytesSent });
    localResources[link] = { uri, size: placed.size, timestamp: placed.modificationTime, type, visibility: 'PRIVATE' };
  };
  await place(LocalResourceNames.runtime, "Loom's runtime", archive.path, archive.fileName, 'ARCHIVE');
  if (node) await place(NODE_LINK_NAME, describeNodeBinary(node), node.path, node.fileName, 'FILE');
  return { localResources, uploadedFiles };
}
