/**
 * `loom-runtime.json`: the marker and table of contents of a runtime directory written by
 * `loom upload-runtime` (`<dir>/loom-<version>-<hash>/`). It is uploaded last, so a directory
 * with a manifest is complete; it names the runtime archive and the Node.js binary next to it.
 * No times in it: the same Loom and node always give the same bytes, so racing uploads agree.
 */
import { LoomError } from '../../errors/loom-error.js';
export const MANIFEST_FILE_NAME = 'loom-runtime.json';
const FORMAT = 1;

export type RuntimeFileRole = 'runtime' | 'node';

export interface RuntimeManifestFile {
  /** File name in the runtime directory. */
  name: string;
  role: RuntimeFileRole;
  size: number;
  sha256: string;
}

export interface RuntimeManifest {
  format: number;
  /** Loom's package version. */
  loomVersion: string;
  /** Hex SHA-256 over the files' hashes: the directory is `loom-<version>-<first 12 hex>`. */
  hash: string;
  node: { platform: string; version?: string };
  files: RuntimeManifestFile[];
}

export class RuntimeManifestError extends LoomError {
  static override readonly code: string = 'RUNTIME_MANIFEST_INVALID';
  override name = 'RuntimeManifestError';
}

export function runtimeDirName(m: Pick<RuntimeManifest, 'loomVersion' | 'hash'>): string {
  return `loom-${m.loomVersion}-${m.hash.slice(0, 12)}`;
}

export function manifestFile(m: RuntimeManifest, role: RuntimeFileRole): RuntimeManifestFile | undefined {
  return m.files.find((f) => f.role === role);
}

export function formatManifest(m: RuntimeManifest): string {
  return `${JSON.stringify(m, null, 2)}\n`;
}

/** Parses and checks a manifest; `where` names it in errors. */
export function parseManifest(text: string, where: string): RuntimeManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new RuntimeManifestError(`${where} is not JSON (${(err as Error).message})`);
  }
  const m = (raw ?? {}) as Record<string, unknown>;
  const bad = (what: string) => new RuntimeManifestError(`${where} ${what}`);
  if (m.format !== FORMAT)
    throw bad(
      `has format ${JSON.stringify(m.format)}; this Loom reads format ${FORMAT} (upload the runtime again with this Loom's loom upload-runtime)`,
    );
  if (typeof m.loomVersion !== 'string' || m.loomVersion === '') throw bad('has no loomVersion');
  if (typeof m.hash !== 'string' || !/^[0-9a-f]{64}$/.test(m.hash)) throw bad('has no valid hash');
  const node = (m.node ?? {}) as Record<string, unknown>;
  if (typeof node.platform !== 'string') throw bad('has no node.platform');
  if (!Array.isArray(m.files)) throw bad('has no files list');
  const files: RuntimeManifestFile[] = m.files.map((f: unknown, i: number) => {
    const e = (f ?? {}) as Record<string, unknown>;
    if (typeof e.name !== 'string' || e.name === '' || e.name.includes('/')) throw bad(`files[${i}] has no plain file name`);
    if (e.role !== 'runtime' && e.role !== 'node') throw bad(`files[${i}] has role ${JSON.stringify(e.role)}, expected runtime or node`);
    if (!Number.isSafeInteger(e.size) || (e.size as number) < 0) throw bad(`files[${i}] has no valid size`);
    if (typeof e.sha256 !== 'string') throw bad(`files[${i}] has no sha256`);
    return { name: e.name, role: e.role, size: e.size as number, sha256: e.sha256 };
  });
  for (const role of ['runtime', 'node'] as const) {
    if (files.filter((f) => f.role === role).length !== 1) throw bad(`must list exactly one ${role} file`);
  }
  return {
    format: FORMAT,
    loomVersion: m.loomVersion,
    hash: m.hash,
    node: { platform: node.platform, ...(typeof node.version === 'string' ? { version: node.version } : {}) },
    files,
  };
}
