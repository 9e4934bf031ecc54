/**
 * `loom fs`: HDFS file commands in the shape of `hdfs dfs`, over WebHDFS.
 *
 *   loom fs [-D key=value]... [-fs <uri>] [--conf <dir>] -<command> [flags] <paths>
 *
 * Commander has no `-ls`-style long options, so the arguments after `fs` are parsed here.
 * Errors are one line on stderr and a non-zero exit code, as scripts expect.
 */
import type { Command } from 'commander';
import { createWriteStream } from 'node:fs';
import { rename as renameLocal, rm, stat as statLocal } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { hdfsBaseName, hdfsParent, joinHdfsPath, parseHdfsPath } from '../../hdfs/hdfs-path.js';
import { uploadToStaging, type UploadProgress } from '../../hdfs/staging-uploader.js';
import type { WebHdfsClient } from '../../hdfs/webhdfs-client.js';
import { webHdfsClientFromConf } from '../../hdfs/webhdfs-client-from-conf.js';
import { FileNotFoundError } from '../../hdfs/webhdfs-errors.js';
import type { HdfsFileStatus } from '../../hdfs/webhdfs-json.js';
import { describeError } from '../describe-error.js';
import { retryLinesTo } from '../retry-lines.js';
import { loadCommandConfiguration, parseToolLine, registerPassThroughCommand, usageError } from '../pass-through-command.js';

export interface FsIo {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
}

const USAGE = `Usage: loom fs [-D key=value]... [-fs <uri>] [--conf <dir>] <command>
  -ls [<path>...]              list directories (default: your home directory)
  -put [-f] <local>... <dst>   upload files or directory trees (atomically, with a progress bar on a terminal)
  -get <src> <localdst>        download a file
  -cat <path>...               print files
  -mkdir [-p] <path>...        create directories
  -rm [-r] [-f] <path>...      delete (-r: directories too, -f: missing paths are fine)
  -mv <src>... <dst>           rename or move into a directory
  -stat [format] <path>...     %b size, %F type, %g group, %n name, %o block size, %r replication, %u owner, %y mtime, %Y mtime ms, %a permission
  -checksum <path>...          print the HDFS file checksum
`;

export function registerFsCommand(program: Command): void {
  registerPassThroughCommand(program, 'fs', 'HDFS file commands in the shape of `hdfs dfs` (-ls, -put, -get, -cat, -mkdir, -rm, -mv, -stat, -checksum)', (args) =>
    runFs(args, { stdout: process.stdout, stderr: process.stderr }),
  );
}

class UsageError extends Error {}

/** Runs one `loom fs` invocation; returns the exit code (0 ok, 1 failure, 2 bad usage). */
export async function runFs(argv: string[], io: FsIo): Promise<number> {
  const line = parseToolLine('loom fs', USAGE, argv, io);
  if ('code' in line) return line.code;
  const { generic, command, args } = line;
  const handler = COMMANDS[command];
  if (!handler) return usage(io, `unknown command ${command}`);

  let client: WebHdfsClient | undefined;
  try {
    const env = io.env ?? process.env;
    const conf = loadCommandConfiguration(generic, env, io);
    // A fully qualified first path names the file system, as in `hdfs dfs -ls hdfs://nn:8020/`.
    const uri = generic.fsUri ?? args.find((a) => /^(hdfs|webhdfs|swebhdfs):\/\/[^/]/.test(a));
    client = webHdfsClientFromConf(conf, { env, ...(uri ? { uri } : {}), onRetry: retryLinesTo(io.stderr) });
    const ctx: FsContext = { client, io, home: undefined };
    return (await handler(ctx, args)) ?? 0;
  } catch (err) {
    if (err instanceof UsageError) return usage(io, err.message);
    io.stderr.write(`loom fs ${command}: ${describeError(err)}\n`);
    return 1;
  } finally {
    client?.close();
  }
}

function usage(io: FsIo, problem: string): number {
  return usageError('loom fs', USAGE, io, problem);
}

interface FsContext {
  client: WebHdfsClient;
  io: FsIo;
  home: string | undefined;
}

type Handler = (ctx: FsContext, args: string[]) => Promise<number | void>;

/** Absolute HDFS path; relative paths are under the home directory (GETHOMEDIRECTORY, asked once). */
async function resolve(ctx: FsContext, p: string): Promise<string> {
  if (!p.startsWith('/') && !/^[a-z]+:/i.test(p)) ctx.home ??= await ctx.client.getHomeDirectory();
  return parseHdfsPath(p, ctx.home ?? '/').path;
}

async function statOrUndefined(ctx: FsContext, path: string): Promise<HdfsFileStatus | undefined> {
  try {
    return await ctx.client.getFileStatus(path);
  } catch (err) {
    if (err instanceof FileNotFoundError) return undefined;
    throw err;
  }
}

function takeFlags(args: string[], allowed: string): Set<string> {
  const flags = new Set<string>();
  while (args.length > 0 && /^-[a-zA-Z]+$/.test(args[0]!)) {
    for (const f of args.shift()!.slice(1)) {
      if (!allowed.includes(f)) throw new UsageError(`unknown flag -${f}`);
      flags.add(f);
    }
  }
  return flags;
}

function need(args: string[], n: number, what: string): void {
  if (args.length < n) throw new UsageError(`missing ${what}`);
}

const COMMANDS: Record<string, Handler> = {
  async '-ls'(ctx, args) {
    const paths = args.length > 0 ? args : ['.'];
    let failed = false;
    for (const p of paths) {
      const path = await resolve(ctx, p);
      const status = await statOrUndefined(ctx, path);
      if (!status) {
        ctx.io.stderr.write(`loom fs -ls: \`${p}': No such file or directory\n`);
        failed = true;
        continue;
      }
      if (status.type !== 'DIRECTORY') {
        ctx.io.stdout.write(`${lsLine(status, path)}\n`);
        continue;
      }
      const entries: HdfsFileStatus[] = [];
      for await (const e of ctx.client.listStatusIterator(path)) entries.push(e);
      ctx.io.stdout.write(`Found ${entries.length} items\n`);
      for (const e of entries) ctx.io.stdout.write(`${lsLine(e, joinHdfsPath(path, e.pathSuffix))}\n`);
    }
    return failed ? 1 : 0;
  },

  async '-put'(ctx, args) {
    const flags = takeFlags(args, 'f');
    need(args, 2, 'local source and HDFS destination');
    const dstArg = args.pop()!;
    const dst = await resolve(ctx, dstArg);
    const dstStatus = await statOrUndefined(ctx, dst);
    if (args.length > 1 && dstStatus?.type !== 'DIRECTORY') throw new Error(`\`${dstArg}': Is not a directory (needed for several sources)`);
    const bar = ctx.io.stderr.isTTY ? progressBar(ctx.io.stderr) : undefined;
    for (const local of args) {
      const [stagingDir, targetName] = dstStatus?.type === 'DIRECTORY' ? [dst, basename(local)] : [hdfsParent(dst), hdfsBaseName(dst)];
      const target = joinHdfsPath(stagingDir, targetName);
      if (!flags.has('f') && (await statOrUndefined(ctx, target))) throw new Error(`\`${target}': File exists (use -f to overwrite)`);
      await uploadToStaging({ client: ctx.client, localPath: local, stagingDir, targetName, ...(bar ? { onProgress: bar.update } : {}) });
      bar?.done();
    }
  },

  async '-get'(ctx, args) {
    need(args, 2, 'HDFS source and local destination');
    const src = await resolve(ctx, args[0]!);
    let local = args[1]!;
    if ((await statLocal(local).catch(() => undefined))?.isDirectory()) local = join(local, hdfsBaseName(src));
    // Written beside the destination and renamed, like `hdfs dfs -get`, so a broken download never looks complete.
    const temp = join(dirname(local), `.${basename(local)}._COPYING_`);
    try {
      await pipeline(await ctx.client.open(src), createWriteStream(temp));
      await renameLocal(temp, local);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  },

  async '-cat'(ctx, args) {
    need(args, 1, 'path');
    for (const p of args) await pipeline(await ctx.client.open(await resolve(ctx, p)), ctx.io.stdout, { end: false });
  },

  async '-mkdir'(ctx, args) {
    const flags = takeFlags(args, 'p');
    need(args, 1, 'path');
    for (const p of args) {
      const path = await resolve(ctx, p);
      if (!flags.has('p')) {
        if (await statOrUndefined(ctx, path)) throw new Error(`\`${p}': File exists`);
        const parent = await statOrUndefined(ctx, hdfsParent(path));
        if (!parent) throw new Error(`\`${p}': No such file or directory (use -p to create parents)`);
      }
      await ctx.client.mkdirs(path);
    }
  },

  async '-rm'(ctx, args) {
    const flags = takeFlags(args, 'rRf');
    need(args, 1, 'path');
    for (const p of args) {
      const path = await resolve(ctx, p);
      const status = await statOrUndefined(ctx, path);
      if (!status) {
        if (flags.has('f')) continue;
        throw new Error(`\`${p}': No such file or directory`);
      }
      if (status.type === 'DIRECTORY' && !flags.has('r') && !flags.has('R')) throw new Error(`\`${p}': Is a directory (use -r)`);
      await ctx.client.delete(path, { recursive: status.type === 'DIRECTORY' });
      ctx.io.stdout.write(`Deleted ${p}\n`);
    }
  },

  async '-mv'(ctx, args) {
    need(args, 2, 'source and destination');
    const dst = await resolve(ctx, args.pop()!);
    const dstIsDir = (await statOrUndefined(ctx, dst))?.type === 'DIRECTORY';
    if (args.length > 1 && !dstIsDir) throw new Error(`\`${dst}': Is not a directory (needed for several sources)`);
    for (const p of args) {
      const src = await resolve(ctx, p);
      await ctx.client.rename(src, dstIsDir ? joinHdfsPath(dst, hdfsBaseName(src)) : dst);
    }
  },

  async '-stat'(ctx, args) {
    need(args, 1, 'path');
    const format = args.length > 1 && args[0]!.includes('%') ? args.shift()! : '%y';
    for (const p of args) {
      const path = await resolve(ctx, p);
      ctx.io.stdout.write(`${formatStat(format, await ctx.client.getFileStatus(path), path)}\n`);
    }
  },

  async '-checksum'(ctx, args) {
    need(args, 1, 'path');
    for (const p of args) {
      const c = await ctx.client.getFileChecksum(await resolve(ctx, p));
      ctx.io.stdout.write(`${p}\t${c.algorithm}\t${c.bytes}\n`);
    }
  },
};

/** `drwxr-xr-x   - root supergroup          0 2026-11-22 19:04 /fixtures/dir1`, as `hdfs dfs -ls` prints. */
function lsLine(s: HdfsFileStatus, path: string): string {
  const repl = s.type === 'DIRECTORY' ? '-' : String(s.replication);
  return `${modeString(s)} ${repl.padStart(3)} ${s.owner} ${s.group} ${String(s.length).padStart(10)} ${dateTime(s.modificationTime).slice(0, 16)} ${path}`;
}

function modeString(s: HdfsFileStatus): string {
  const bits = parseInt(s.permission, 8);
  const rwx = (v: number) => `${v & 4 ? 'r' : '-'}${v & 2 ? 'w' : '-'}${v & 1 ? 'x' : '-'}`;
  let others = rwx(bits & 7);
  if (bits & 0o1000) others = others.slice(0, 2) + (bits & 1 ? 't' : 'T');
  return `${s.type === 'DIRECTORY' ? 'd' : s.type === 'SYMLINK' ? 'l' : '-'}${rwx((bits >> 6) & 7)}${rwx((bits >> 3) & 7)}${others}`;
}

/** `yyyy-MM-dd HH:mm:ss` in UTC (hdfs dfs -stat uses UTC for %y). */
function dateTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

function formatStat(format: string, s: HdfsFileStatus, path: string): string {
  const values: Record<string, string> = {
    b: String(s.length),
    F: s.type === 'DIRECTORY' ? 'directory' : s.length === 0 ? 'regular empty file' : 'regular file',
    g: s.group,
    n: hdfsBaseName(path) || '/',
    o: String(s.blockSize),
    r: String(s.replication),
    u: s.owner,
    y: dateTime(s.modificationTime),
    Y: String(s.modificationTime),
    a: s.permission,
    A: modeString(s).slice(1),
  };
  return format.replace(/%(.)/g, (m, c: string) => values[c] ?? m);
}

/** One line redrawn in place on a terminal: percentage, bytes, current file. */
function progressBar(out: Writable): { update: (p: UploadProgress) => void; done: () => void } {
  let last = '';
  return {
    update(p) {
      const pct = p.bytesTotal === 0 ? 100 : Math.floor((p.bytesDone / p.bytesTotal) * 100);
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(pct).padStart(3)}% ${mib(p.bytesDone)}/${mib(p.bytesTotal)} ${basename(p.currentFile)}`;
      if (line !== last) out.write(`\r${line}\x1b[K`);
      last = line;
    },
    done() {
      if (last) out.write('\n');
      last = '';
    },
  };
}

function mib(n: number): string {
  return `${(n / (1 << 20)).toFixed(1)} MiB`;
}
