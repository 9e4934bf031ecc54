import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFs } from '../../../../cli/commands/fs.js';
import { main } from '../../../../cli/loom.js';
import { FakeWebHdfsServer } from '../../../client/hadoop/hdfs/fake-webhdfs-server.mjs';

let server: FakeWebHdfsServer;
let localDir: string;

beforeEach(async () => {
  server = await new FakeWebHdfsServer().start();
  localDir = await mkdtemp(join(tmpdir(), 'loom-fs-'));
});
afterEach(async () => {
  await server.stop();
  await rm(localDir, { recursive: true, force: true });
});

async function fs(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c) => out.push(c));
  stderr.on('data', (c) => err.push(c));
  const code = await runFs(['-D', `fs.defaultFS=webhdfs://127.0.0.1:${server.port}`, ...args], {
    stdout,
    stderr,
    env: { HADOOP_USER_NAME: 'loom' },
  });
  return { code, out: Buffer.concat(out).toString(), err: Buffer.concat(err).toString() };
}

describe('loom fs', () => {
  it('-mkdir -p, -put, -ls, -stat, -cat, -get, -mv, -rm -r', async () => {
    expect((await fs('-mkdir', '-p', '/apps/x')).code).toBe(0);
    const local = join(localDir, 'a.txt');
    await writeFile(local, 'hello');
    expect(await fs('-put', local, '/apps/x')).toMatchObject({ code: 0, err: '' });
    expect(server.files.get('/apps/x/a.txt')?.length).toBe(5);

    const ls = await fs('-ls', '/apps/x');
    expect(ls.code).toBe(0);
    expect(ls.out).toMatch(/^Found 1 items\n-rw-r--r-- {3}1 root supergroup {10}5 \d{4}-\d\d-\d\d \d\d:\d\d \/apps\/x\/a\.txt\n$/);
    expect((await fs('-stat', '%b %n %F', '/apps/x/a.txt')).out).toBe('5 a.txt regular file\n');
    expect((await fs('-stat', '/apps/x/a.txt')).out).toBe(
      `${new Date(server.files.get('/apps/x/a.txt')!.modificationTime).toISOString().replace('T', ' ').slice(0, 19)}\n`,
    );

    server.addFile('/apps/x/gen.bin', 300);
    const cat = await fs('-cat', '/apps/x/gen.bin');
    expect(Buffer.from(cat.out, 'latin1').length).toBeGreaterThan(0);
    expect(await fs('-get', '/apps/x/gen.bin', localDir)).toMatchObject({ code: 0 });
    const got = await readFile(join(localDir, 'gen.bin'));
    expect(got.length).toBe(300);
    expect([...got.subarray(0, 300)].every((b, i) => b === (i & 0xff))).toBe(true);

    expect((await fs('-mv', '/apps/x/a.txt', '/apps/b.txt')).code).toBe(0);
    expect(server.files.has('/apps/b.txt')).toBe(true);
    expect(await fs('-rm', '-r', '/apps')).toMatchObject({ code: 0, out: 'Deleted /apps\n' });
    expect(server.files.has('/apps')).toBe(false);
  });

  it('-ls pages through a large directory with LISTSTATUS_BATCH', async () => {
    for (let i = 0; i < 5; i++) server.addFile(`/many/f${i}`, i);
    const ls = await fs('-ls', '/many');
    expect(ls.out.split('\n')[0]).toBe('Found 5 items');
    expect(
      ls.out
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(' ').at(-1)),
    ).toEqual(['/many/f0', '/many/f1', '/many/f2', '/many/f3', '/many/f4']);
    expect(server.requests.filter((r) => r.op === 'LISTSTATUS_BATCH').map((r) => new URLSearchParams(r.query).get('startAfter'))).toEqual([
      null,
      'f1',
      'f3',
    ]);
  });

  it('relative paths resolve against the home directory of the user', async () => {
    expect((await fs('-mkdir', '-p', 'jobs')).code).toBe(0);
    expect(server.files.has('/user/loom/jobs')).toBe(true);
  });

  it('errors are one line and a non-zero exit', async () => {
    const missing = await fs('-rm', '/nope');
    expect(missing.code).toBe(1);
    expect(missing.err).toBe("loom fs -rm: `/nope': No such file or directory\n");
    const stat = await fs('-stat', '/nope');
    expect(stat.code).toBe(1);
    expect(stat.err).toBe("loom fs -stat: `/nope': No such file or directory\n");
    // Hadoop names the missing parent, fully qualified; Loom adds the flag that gets past it.
    expect((await fs('-mkdir', '/a/b')).err).toBe(
      `loom fs -mkdir: \`webhdfs://127.0.0.1:${server.port}/a': No such file or directory (use -p to create parent directories)\n`,
    );
    const bad = await fs('-frobnicate');
    expect(bad.code).toBe(255);
    expect(bad.err).toBe('loom fs: -frobnicate: Unknown command (loom fs -help lists the commands)\n');
    const esc = await fs('-ls', '/../x');
    expect(esc.code).toBe(1);
    expect(esc.err).toMatch(/climbs above the root/);
  });

  it('-put refuses to overwrite without -f', async () => {
    const local = join(localDir, 'a.txt');
    await writeFile(local, 'x');
    server.addFile('/d/a.txt', 1);
    const r = await fs('-put', local, '/d/a.txt');
    expect(r.code).toBe(1);
    expect(r.err).toBe("loom fs -put: `/d/a.txt': File exists (use -f to overwrite)\n");
    expect((await fs('-put', '-f', local, '/d/a.txt')).code).toBe(0);
  });

  it('is reachable as `loom fs` through the CLI entry point', async () => {
    try {
      const code = await main(['fs', '-D', `fs.defaultFS=webhdfs://127.0.0.1:${server.port}`, '-mkdir', '-p', '/via/main']);
      expect(code).toBe(0);
      expect(server.files.has('/via/main')).toBe(true);
    } finally {
      process.exitCode = undefined;
    }
  });
});
