/**
 * The Node.js binary Loom ships to the nodes, so that NodeManagers need no Node.js of their own.
 *
 * Default: this process's own binary, when the client runs on a platform YARN nodes run
 * (linux-x64 or linux-arm64; the cluster is taken to be the same). Otherwise, or to ship another
 * build (e.g. one for an older glibc), `--node <path>` / `loom.node.binary` names one; its ELF
 * header says whether it is a Linux executable for x86-64 or AArch64 before anything is uploaded.
 *
 * It travels as its own FILE local resource rather than inside the runtime archive: it is 100 MB
 * that changes far less often than Loom's code, so an upgrade of Loom uploads and localizes only
 * the small archive; and YARN localizes FILEs with mode r-x (FSDownload: 0500 private, 0555
 * public), so it runs as it lands. Its name carries a hash of its bytes: uploaded once.
 */
import { LoomError } from '../../errors/loom-error.js';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, realpath, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LoomOptions } from '../../conf/loom-config-options.js';
import { defaultCacheDir } from './runtime-archive.js';

export type NodePlatform = 'linux-x64' | 'linux-arm64';

/** Where a binary from another machine can come from, for the messages. */
const NODE_DOWNLOADS = 'https://nodejs.org/dist/ (node-<version>-linux-x64.tar.xz or -linux-arm64)';
/** Loom option naming the binary to ship (the CLI's --node sets the same thing). */
export const NODE_BINARY_KEY = LoomOptions.nodeBinary.key;

export interface NodeBinary {
  /** Local path of the binary (resolved through symlinks). */
  path: string;
  /** `loom-node-<first 20 hex of the hash>`: its name on HDFS. */
  fileName: string;
  /** Hex SHA-256 of the bytes. */
  hash: string;
  size: number;
  platform: NodePlatform;
  /** `v20.11.1`; undefined when it cannot be run here (another CPU) to ask. */
  version?: string;
}

export class NodeBinaryError extends LoomError {
  static override readonly code: string = 'NODE_BINARY_INVALID';
  override name = 'NodeBinaryError';
}

const ELF_MACHINES: Readonly<Record<number, { platform?: NodePlatform; name: string }>> = {
  62: { platform: 'linux-x64', name: 'x86-64' },
  183: { platform: 'linux-arm64', name: 'AArch64' },
  3: { name: 'x86 (32-bit)' },
  40: { name: 'ARM (32-bit)' },
  243: { name: 'RISC-V' },
  21: { name: 'PowerPC 64' },
  22: { name: 's390' },
};

export interface BinaryKind {
  /** Set when it is a Linux executable YARN nodes can run. */
  platform?: NodePlatform;
  /** What it is, for a message: `Linux ELF executable for x86-64`, `macOS Mach-O binary`, ... */
  description: string;
}

/** What the first bytes of a file say it is: ELF class, byte order, OS ABI, type and machine fields. */
export function binaryKind(header: Buffer): BinaryKind {
  if (header.length >= 4 && header.readUInt32BE(0) === 0x7f454c46) {
    if (header.length < 20) return { description: 'a truncated ELF file' };
    const is64 = header[4] === 2;
    const little = header[5] === 1;
    const abi = header[7];
    const type = little ? header.readUInt16LE(16) : header.readUInt16BE(16);
    const machine = little ? header.readUInt16LE(18) : header.readUInt16BE(18);
    const m = ELF_MACHINES[machine] ?? { name: `machine ${machine}` };
    // OS ABI 0 (System V) is what Linux toolchains write; 3 is GNU/Linux.
    const linux = abi === 0 || abi === 3;
    if (type !== 2 && type !== 3) return { description: `an ELF file that is not an executable (type ${type})` };
    const description = `${linux ? 'a Linux' : `an (OS ABI ${abi})`} ELF ${is64 ? '64' : '32'}-bit executable for ${m.name}`;
    return m.platform && is64 && little && linux ? { platform: m.platform, description } : { description };
  }
  if (header.length >= 4) {
    const magic = header.readUInt32BE(0);
    if ([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe].includes(magic)) return { description: 'a macOS Mach-O binary' };
  }
  if (header.length >= 2 && header[0] === 0x4d && header[1] === 0x5a) return { description: 'a Windows executable' };
  if (header.length >= 2 && header[0] === 0x23 && header[1] === 0x21) return { description: 'a script (#!), not a Node.js binary' };
  return { description: 'not an executable' };
}

/** `Node.js v20.11.1 (linux-x64)`, or without the version when it is unknown. */
export function describeNodeBinary(n: { version?: string; platform: string }): string {
  return `Node.js ${n.version ? `${n.version} ` : ''}(${n.platform})`;
}

/** The platform of this process when YARN nodes could run its binary. */
export function ownPlatform(): NodePlatform | undefined {
  if (process.platform !== 'linux') return undefined;
  return process.arch === 'x64' ? 'linux-x64' : process.arch === 'arm64' ? 'linux-arm64' : undefined;
}

export interface NodeBinaryOptions {
  /** A binary to ship (--node / loom.node.binary); default: this process's own. */
  given?: string;
  /** Local cache dir for the hash (default LOOM_CACHE_DIR or ~/.cache/loom). */
  cacheDir?: string;
  env?: NodeJS.ProcessEnv;
}

/** The binary to ship, checked, hashed (the hash is cached by path, size and modification time). */
export async function nodeBinaryForCluster(opts: NodeBinaryOptions = {}): Promise<NodeBinary> {
  const own = ownPlatform();
  if (opts.given === undefined && !own) {
    throw new NodeBinaryError(
      `this client runs on ${process.platform}-${process.arch}, but YARN's NodeManagers run Linux, so Loom cannot ship its own Node.js: ` +
        `give a Linux Node.js binary with --node <path> (or -D${NODE_BINARY_KEY}=<path>), from ${NODE_DOWNLOADS}, ` +
        `or set loom.node.path to a node installed on every NodeManager`,
    );
  }
  const given = opts.given ?? process.execPath;
  const what = opts.given === undefined ? "this client's own Node.js" : `the Node.js binary ${given} (--node / ${NODE_BINARY_KEY})`;
  let path: string;
  let size: number;
  let mtimeMs: number;
  try {
    path = await realpath(given);
    const st = await stat(path);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
    mtimeMs = Math.trunc(st.mtimeMs);
  } catch (err) {
    throw new NodeBinaryError(`${what} cannot be read: ${(err as Error).message}; give the path of a Linux node executable`, {
      cause: err,
    });
  }
  const kind = binaryKind(await readHeader(path));
  if (!kind.platform) {
    throw new NodeBinaryError(
      `${what} is ${kind.description}; YARN nodes need a Linux ELF 64-bit executable for x86-64 or AArch64, from ${NODE_DOWNLOADS}`,
    );
  }
  const hash = await cachedHash(path, size, mtimeMs, join(opts.cacheDir ?? defaultCacheDir(opts.env), 'node'));
  const version = opts.given === undefined ? process.version : kind.platform === own ? await versionOf(path) : undefined;
  return { path, fileName: `loom-node-${hash.slice(0, 20)}`, hash, size, platform: kind.platform, ...(version ? { version } : {}) };
}

async function readHeader(path: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(64);
    const { bytesRead } = await fh.read(buf, 0, 64, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

async function cachedHash(path: string, size: number, mtimeMs: number, dir: string): Promise<string> {
  const key = createHash('sha256').update(`${path}\0${size}\0${mtimeMs}`).digest('hex').slice(0, 32);
  const indexFile = join(dir, `${key}.json`);
  try {
    const entry = JSON.parse(await readFile(indexFile, 'utf8')) as { hash?: unknown };
    if (typeof entry.hash === 'string' && /^[0-9a-f]{64}$/.test(entry.hash)) return entry.hash;
  } catch {
    // not cached yet
  }
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  const hash = h.digest('hex');
  // A cache that cannot be written only costs the next run a re-hash.
  await mkdir(dir, { recursive: true })
    .then(() => writeFile(indexFile, JSON.stringify({ path, size, mtimeMs, hash })))
    .catch(() => undefined);
  return hash;
}

/** `node --version` of a binary this machine can run; undefined when it does not answer like node. */
async function versionOf(path: string): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)(path, ['--version'], { timeout: 10_000, env: {} });
    const v = stdout.trim();
    return /^v\d+\.\d+\.\d+/.test(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
