/**
 * The HA store's place and layout on HDFS, shared by the AM (which writes it), TaskExecutors
 * (which read the current AM's address there after losing their AM) and the client (which sweeps
 * the stores of ended applications). The AM's own reader and writer is appmaster/ha/ha-store.ts.
 *
 * `<store>/cluster.json`           secret and configuration (owner-only)
 * `<store>/jobs/<seq>-<id>.json`   every submitted job, in submission order
 * `<store>/ended/<id>.json`        each ended job's final status (results or error)
 * `<store>/masters/<attempt>.json` the addresses each AM attempt serves on
 *
 * Every file is written once, to a temporary name first and then renamed (never overwritten),
 * so a reader sees a record whole or not at all; leftover temporary files are skipped.
 */
import { ConfigurationError } from '../conf/configuration-error.js';
import { parseHadoopAddress, type HostPort } from '../conf/hadoop-address.js';
import { joinHdfsPath, parseHdfsPath } from '../hadoop/hdfs/hdfs-path.js';
import type { WebHdfsClient } from '../hadoop/hdfs/webhdfs-client.js';
import { FileNotFoundError } from '../hadoop/hdfs/webhdfs-errors.js';

export const HA_STORE_KEY = 'high-availability.storageDir';
/** Below the staging dir when high-availability.storageDir is not set. */
export const HA_DIR_IN_STAGING = 'ha';

export const HaStoreNames = {
  cluster: 'cluster.json',
  jobs: 'jobs',
  ended: 'ended',
  masters: 'masters',
} as const;

/** `<final name>.tmp-<random>`: a write that has not been renamed into place (yet, or ever). */
export const TEMP_MARK = '.tmp-';

export function isTempName(name: string): boolean {
  return name.includes(TEMP_MARK);
}

/** Where the AM of attempt `attempt` serves: what TaskExecutors and tools need to find it. */
export interface AmAddressRecord {
  attempt: number;
  attemptId: string;
  /** host:port of the REST API (the port registered with YARN as the AM's RPC port). */
  restAddress: string;
  /** host:port of the TaskExecutor gateway (gRPC). */
  gatewayAddress: string;
  writtenAt: number;
}

export function amAddressFileName(attempt: number): string {
  return `${String(attempt).padStart(6, '0')}.json`;
}

/**
 * The store's URL for an application: `<high-availability.storageDir>/<applicationId>` when the
 * option is set (a path on the staging file system or a full URI), else `<staging dir>/ha`.
 */
export function haStoreUrl(opts: { stagingDirUrl: string; storageDir: string | undefined; applicationId: string }): string {
  const configured = opts.storageDir?.trim();
  if (!configured) return `${opts.stagingDirUrl.replace(/\/+$/, '')}/${HA_DIR_IN_STAGING}`;
  let parsed;
  try {
    parsed = parseHdfsPath(configured);
  } catch (err) {
    throw new ConfigurationError(`${HA_STORE_KEY}=${JSON.stringify(configured)}: ${(err as Error).message}`, HA_STORE_KEY);
  }
  if (!parsed.scheme && !configured.startsWith('/')) {
    throw new ConfigurationError(
      `${HA_STORE_KEY}=${JSON.stringify(configured)} is a relative path; give an absolute path (e.g. /loom/ha) or an hdfs:// URI`,
      HA_STORE_KEY,
    );
  }
  const path = joinHdfsPath(parsed.path, opts.applicationId);
  if (parsed.scheme) return `${parsed.scheme}://${parsed.authority ?? ''}${path}`;
  const fs = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/]*)/.exec(opts.stagingDirUrl);
  return `${fs ? fs[1] : ''}${path}`;
}

/** The root the stores of all applications share when high-availability.storageDir is set (for the leftover sweep). */
export function haStorageRoot(storageDir: string | undefined): string | undefined {
  const configured = storageDir?.trim();
  if (!configured || (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(configured) && !configured.startsWith('/'))) return undefined;
  return parseHdfsPath(configured).path;
}

/** A whole small file as text. */
export async function readHdfsText(client: WebHdfsClient, path: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await client.open(path)) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

/** Checks a parsed masters/ record; throws naming the file when it is not one. */
export function parseAmAddressRecord(value: unknown, source: string): AmAddressRecord {
  const r = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  if (
    !r ||
    typeof r.attempt !== 'number' ||
    !Number.isInteger(r.attempt) ||
    typeof r.gatewayAddress !== 'string' ||
    typeof r.restAddress !== 'string'
  ) {
    throw new Error(`${source} is not an AM address record (attempt, restAddress, gatewayAddress)`);
  }
  return {
    attempt: r.attempt,
    attemptId: typeof r.attemptId === 'string' ? r.attemptId : '',
    restAddress: r.restAddress,
    gatewayAddress: r.gatewayAddress,
    writtenAt: typeof r.writtenAt === 'number' ? r.writtenAt : 0,
  };
}

/** The newest attempt's record in `<storePath>/masters`, or undefined when none was written yet. */
export async function readCurrentAmAddress(client: WebHdfsClient, storePath: string): Promise<AmAddressRecord | undefined> {
  const dir = joinHdfsPath(storePath, HaStoreNames.masters);
  let names: string[];
  try {
    names = (await client.listStatus(dir)).map((s) => s.pathSuffix).filter((n) => /^\d+\.json$/.test(n));
  } catch (err) {
    if (err instanceof FileNotFoundError) return undefined;
    throw err;
  }
  const latest = names.sort().at(-1);
  if (!latest) return undefined;
  const path = joinHdfsPath(dir, latest);
  return parseAmAddressRecord(JSON.parse(await readHdfsText(client, path)), path);
}

/** The gateway address of a record as host and port. */
export function gatewayHostPort(record: AmAddressRecord): HostPort {
  return parseHadoopAddress(record.gatewayAddress, 0, 'the AM address record');
}
