/**
 * `loom fs` against the mini cluster's WebHDFS, in process: a server in a temp dir, a local
 * scratch dir, and `fs(...)` that runs one command line and returns its exit code and output.
 * The tree most tests start from is the one the real Hadoop 3.3.6 outputs in these tests were
 * recorded on (see fs-shell-hadoop-output.test.ts).
 */
import { PassThrough, Readable } from 'node:stream';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFs, type FsIo } from '../../../../cli/commands/fs.js';
import { WebHdfsClient } from '../../../../client/hadoop/hdfs/webhdfs-client.js';
import { startWebHdfs, type WebHdfsServer } from '../../../../minicluster/webhdfs/webhdfs-server.js';

export interface FsResult {
  code: number;
  out: string;
  err: string;
}

export interface FsShellKit {
  server: WebHdfsServer;
  client: WebHdfsClient;
  /** `webhdfs://127.0.0.1:<port>`: what qualified paths start with. */
  fsUri: string;
  local: string;
  fs(...args: string[]): Promise<FsResult>;
  /** Runs with extra io (stdin, signal, another user). */
  fsWith(io: Partial<FsIo> & { user?: string }, ...args: string[]): Promise<FsResult>;
  /** A file on HDFS with these bytes. */
  put(path: string, body: string | Buffer): Promise<void>;
  stop(): Promise<void>;
}

export async function startFsShellKit(): Promise<FsShellKit> {
  const dir = await mkdtemp(join(tmpdir(), 'loom-fs-shell-'));
  const local = join(dir, 'local');
  await mkdir(local);
  const server = await startWebHdfs({
    dataDir: join(dir, 'hdfs'),
    host: '127.0.0.1',
    superUser: 'root',
    staticUser: 'root',
    userGroups: { alice: ['users'] },
  });
  const fsUri = `webhdfs://127.0.0.1:${server.nameNodeAddress.port}`;
  const client = new WebHdfsClient({
    endpoints: [{ scheme: 'http', host: '127.0.0.1', port: server.nameNodeAddress.port }],
    user: 'root',
    retry: { maxAttempts: 1 },
  });
  const fsWith = async (io: Partial<FsIo> & { user?: string }, ...args: string[]): Promise<FsResult> => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    stdout.on('data', (c: Buffer) => out.push(c));
    stderr.on('data', (c: Buffer) => err.push(c));
    const { user, ...rest } = io;
    const code = await runFs(['-D', `fs.defaultFS=${fsUri}`, ...args], {
      stdout,
      stderr,
      env: { HADOOP_USER_NAME: user ?? 'root' },
      stdin: Readable.from([]),
      ...rest,
    });
    return { code, out: Buffer.concat(out).toString(), err: Buffer.concat(err).toString() };
  };
  return {
    server,
    client,
    fsUri,
    local,
    fs: (...args) => fsWith({}, ...args),
    fsWith,
    put: (path, body) => client.create(path, typeof body === 'string' ? Buffer.from(body) : body, { overwrite: true }),
    stop: async () => {
      client.close();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The tree of the recordings: /t/a/b/{big.bin (3145800 bytes), empty, tail.txt (1505 bytes)},
 * /t/a.txt ("hello"), /t/tree/sub/c.bin (2000 bytes); and the same files locally under
 * <local>/{a.txt, tree/sub/c.bin}.
 */
export async function makeRecordedTree(kit: FsShellKit): Promise<void> {
  await kit.client.mkdirs('/t/a/b');
  await kit.client.mkdirs('/t/tree/sub');
  await kit.put('/t/a.txt', 'hello');
  await kit.put('/t/a/b/big.bin', Buffer.alloc(3145800));
  await kit.put('/t/a/b/empty', '');
  await kit.put('/t/a/b/tail.txt', `${'x'.repeat(1500)}line\n`);
  await kit.put('/t/tree/sub/c.bin', Buffer.alloc(2000, 'z'));
  await writeFile(join(kit.local, 'a.txt'), 'hello');
  await mkdir(join(kit.local, 'tree', 'sub'), { recursive: true });
  await writeFile(join(kit.local, 'tree', 'sub', 'c.bin'), Buffer.alloc(2000, 'z'));
}

/** Listing times vary: `yyyy-MM-dd HH:mm` becomes DATE. */
export function withoutDates(s: string): string {
  return s.replace(/\d{4}-\d\d-\d\d \d\d:\d\d/g, 'DATE');
}
