/**
 * Loom's runtime for an application's containers, as local resources: what the deployers
 * (session, per-job, application) add to the AM's resources, and the node the containers run.
 *
 * The runtime archive is uploaded to the user's `.loom/runtime/` once per content hash and
 * reused by later applications (PRIVATE: localized once per user and node).
 */
import { LoomOptions } from '../conf/loom-config-options.js';
import { qualifiedUri, runtimeDir } from './staging-dir.js';
import type { LocalResourceSpec } from '../yarn/container-launch-context.js';
import { LocalResourceNames } from './am-container-contract.js';
import type { DeployContext } from './deploy-context.js';
import { containerNodePath } from './node-command.js';
import { runtimeArchive, type RuntimeArchiveOptions } from './runtime-archive.js';
import { placeContentAddressed } from './runtime-content-upload.js';

export type RuntimeResourceOptions = RuntimeArchiveOptions;

export interface UploadedFile {
  /** Fully qualified URI. */
  path: string;
  size: number;
}

export interface RuntimeResources {
  /** Link name -> resource: `loom-runtime` (and more), to merge into the AM's resources. */
  localResources: Record<string, LocalResourceSpec>;
  /** The node executable containers run. */
  nodeCommand: string;
  /** Bytes this call wrote to HDFS (0 when everything was reused). */
  uploadedBytes: number;
  uploadedFiles: UploadedFile[];
}

export async function resolveRuntime(ctx: DeployContext, opts: RuntimeResourceOptions = {}): Promise<RuntimeResources> {
  const archive = await runtimeArchive({ env: ctx.env, ...opts });
  const dir = runtimeDir(await ctx.stagingRoot());
  await ctx.fs.mkdirs(dir);
  const placed = await placeContentAddressed(ctx.fs, archive.path, dir, archive.fileName, { log: ctx.log });
  const uri = qualifiedUri(ctx.fsUri, placed.path);
  ctx.log(placed.bytesSent > 0 ? `uploaded Loom's runtime to ${uri}` : `reusing Loom's runtime ${uri}`);
  const localResources: Record<string, LocalResourceSpec> = {
    [LocalResourceNames.runtime]: { uri, size: placed.size, timestamp: placed.modificationTime, type: 'ARCHIVE', visibility: 'PRIVATE' },
  };
  return {
    localResources,
    nodeCommand: containerNodePath(ctx.conf.get(LoomOptions.nodePath), localResources),
    uploadedBytes: placed.bytesSent,
    uploadedFiles: placed.bytesSent > 0 ? [{ path: uri, size: placed.size }] : [],
  };
}
