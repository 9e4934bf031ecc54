/**
 * The bundle of a program or per-job submission, checked before anything is uploaded or asked of
 * YARN: a local module file or directory (packed for upload), or a file already on HDFS
 * (`hdfs://`, `webhdfs://`, `swebhdfs://`), described from its GETFILESTATUS so nothing is
 * uploaded for it. A missing bundle fails here with a message that says what to give instead.
 */
import { posix } from 'node:path';
import { archiveKind } from '../../hadoop/archive/archive-unpack.js';
import { checkBundle } from '../bundle/bundle-check.js';
import { packBundle, type PackedBundle } from '../bundle/bundle-pack.js';
import type { BundleRef } from '../../contracts/bundle-ref.js';
import { LoomError } from '../../errors/loom-error.js';
import { parseHdfsPath } from '../../hadoop/hdfs/hdfs-path.js';
import { FileNotFoundError } from '../../hadoop/hdfs/webhdfs-errors.js';
import type { DeployContext } from './deploy-context.js';
import { qualifiedUri, stagingFileSystemUri } from './staging-dir.js';

export class ProgramBundleError extends LoomError {
  static override readonly code: string = 'PROGRAM_BUNDLE_INVALID';
  override name = 'ProgramBundleError';
}

export type ProgramBundle = { where: 'local'; path: string; packed: PackedBundle } | { where: 'hdfs'; ref: BundleRef };

/** The entry of an archive on HDFS when --entry is not given (it cannot be looked into without fetching it). */
export const DEFAULT_ARCHIVE_ENTRY = 'index.mjs';

const MODULE_FILE = /\.(mjs|js|cjs)$/i;

export function isRemoteBundle(bundle: string): boolean {
  return /^(hdfs|webhdfs|swebhdfs):/i.test(bundle);
}

export interface LocalBundleOptions {
  /** Directory bundles: the module to import, relative to the directory. */
  entry?: string;
  /** The export the entry must have: `-c` of a session job (`task`), or the program's main (`main`, default `default`). */
  exportName?: string;
  exportRole?: 'task' | 'main';
  log?: (line: string) => void;
}

/**
 * A local bundle packed for upload and checked as a TaskExecutor will load it (client/deploy/bundle/
 * bundle-check.ts): a bundle that does not parse, imports what it does not carry, or lacks the
 * export fails here, before anything is uploaded or submitted.
 */
export async function packCheckedBundle(path: string, opts: LocalBundleOptions = {}): Promise<PackedBundle> {
  const packed = await packBundle(path, opts.entry ? { entry: opts.entry } : {});
  try {
    await checkBundle(packed, path, {
      ...(opts.exportName !== undefined ? { exportName: opts.exportName } : {}),
      ...(opts.exportRole ? { exportRole: opts.exportRole } : {}),
      ...(opts.log ? { log: opts.log } : {}),
    });
    return packed;
  } catch (err) {
    await packed.cleanup();
    throw err;
  }
}

/** A local bundle is packed and checked (packCheckedBundle); one on HDFS is described from its status, not fetched. */
export async function resolveProgramBundle(ctx: DeployContext, bundle: string, opts: LocalBundleOptions = {}): Promise<ProgramBundle> {
  if (!isRemoteBundle(bundle)) return { where: 'local', path: bundle, packed: await packCheckedBundle(bundle, opts) };
  return { where: 'hdfs', ref: await describeRemoteBundle(ctx, bundle, opts.entry) };
}

async function describeRemoteBundle(ctx: DeployContext, bundle: string, entry: string | undefined): Promise<BundleRef> {
  const parsed = parseHdfsPath(bundle);
  const name = posix.basename(parsed.path);
  const archive = archiveKind(name) !== undefined;
  if (!archive && !MODULE_FILE.test(name)) {
    throw new ProgramBundleError(
      `bundle ${bundle} is neither a JavaScript module (.mjs, .js, .cjs) nor an archive (.tar.gz, .tgz, .zip) of a bundle directory`,
    );
  }
  if (!archive && entry) throw new ProgramBundleError(`bundle ${bundle} is a single module; --entry (${entry}) only applies to an archive`);
  const fsUri = parsed.authority ? `${parsed.scheme}://${parsed.authority}` : stagingFileSystemUri(ctx.hadoopConf, undefined);
  const client = ctx.webHdfs(fsUri);
  try {
    const status = await client.getFileStatus(parsed.path).catch((err: unknown) => {
      if (err instanceof FileNotFoundError) {
        throw new ProgramBundleError(
          `bundle ${bundle} does not exist on HDFS: upload it first (loom fs -put <file> ${parsed.path}), or give the local file`,
        );
      }
      throw new ProgramBundleError(`cannot look at bundle ${bundle} on HDFS: ${(err as Error).message}`, { cause: err });
    });
    if (status.type !== 'FILE') {
      throw new ProgramBundleError(
        `bundle ${bundle} is a ${status.type.toLowerCase()} on HDFS; give a module file, or a .tar.gz of the bundle directory with --entry`,
      );
    }
    return {
      url: qualifiedUri(fsUri, parsed.path),
      kind: archive ? 'archive' : 'file',
      ...(archive ? { entry: entry ?? DEFAULT_ARCHIVE_ENTRY } : {}),
      size: status.length,
      modificationTime: status.modificationTime,
    };
  } finally {
    client.close();
  }
}
