/**
 * Issue 13, item 16: a destination that ends in "/" names a directory, as in `hdfs dfs`
 * (CommandWithDestination + PathData.representsDirectory): `-put big.bin /data/` without /data
 * fails with FsShell's message and creates nothing (it used to exit 0 and create a file /data).
 * The same rule for every command with a destination, and for Loom's own staging uploads.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StagingUploadError, uploadToStaging } from '../../../../client/hadoop/hdfs/staging-uploader.js';
import { makeRecordedTree, startFsShellKit, type FsShellKit } from './fs-shell-kit.js';

let kit: FsShellKit;
beforeEach(async () => {
  kit = await startFsShellKit();
  await makeRecordedTree(kit);
});
afterEach(async () => {
  await kit.stop();
});

const names = async (dir: string) => (await kit.client.listStatus(dir)).map((s) => s.pathSuffix);

describe('a destination ending in "/" is a directory', () => {
  it('-put file /data/ without /data: "No such file or directory", exit 1, nothing created', async () => {
    const big = join(kit.local, 'big.bin');
    await writeFile(big, Buffer.alloc(100_000, 1));
    const before = await names('/');
    const r = await kit.fs('-put', big, '/data/');
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    // Hadoop: put: `/data/': No such file or directory: `hdfs://127.0.0.1:9000/data'
    expect(r.err).toBe(
      `loom fs -put: \`/data/': No such file or directory: \`${kit.fsUri}/data' ` +
        '(a destination ending in / is a directory that must exist: create it with -mkdir -p, or drop the / to name a new file)\n',
    );
    expect(await names('/')).toEqual(before);
    expect((await kit.fs('-test', '-e', '/data')).code).toBe(1);
  });

  it('-put file /data/ into an existing directory keeps the file name; without the slash /data is the new file', async () => {
    await kit.client.mkdirs('/data');
    expect((await kit.fs('-put', join(kit.local, 'a.txt'), '/data/')).code).toBe(0);
    expect(await names('/data')).toEqual(['a.txt']);
    expect((await kit.fs('-put', join(kit.local, 'a.txt'), '/newname')).code).toBe(0);
    expect((await kit.client.getFileStatus('/newname')).type).toBe('FILE');
  });

  it('the parent of a new name must exist: nothing is created on the way', async () => {
    const r = await kit.fs('-put', join(kit.local, 'a.txt'), '/t/a/b/c/d');
    expect(r.err).toBe(
      `loom fs -put: \`/t/a/b/c/d': No such file or directory: \`${kit.fsUri}/t/a/b/c/d' (its parent directory must exist: create it with -mkdir -p)\n`,
    );
    expect((await kit.fs('-test', '-e', '/t/a/b/c')).code).toBe(1);
    const several = await kit.fs('-put', join(kit.local, 'a.txt'), join(kit.local, 'tree'), '/t/newdir');
    expect(several).toMatchObject({ code: 1, err: "loom fs -put: `/t/newdir': No such file or directory\n" });
    expect((await kit.fs('-put', join(kit.local, 'a.txt'), join(kit.local, 'tree'), '/t/a.txt')).err).toBe(
      "loom fs -put: `/t/a.txt': Is not a directory\n",
    );
  });

  it('-cp, -mv, -copyFromLocal, -touchz and -get follow the same rule', async () => {
    const q = (p: string) => `${kit.fsUri}${p}`;
    const hint = '(a destination ending in / is a directory that must exist: create it with -mkdir -p, or drop the / to name a new file)';
    expect((await kit.fs('-cp', '/t/a.txt', '/nodir/')).err).toBe(
      `loom fs -cp: \`/nodir/': No such file or directory: \`${q('/nodir')}' ${hint}\n`,
    );
    expect((await kit.fs('-mv', '/t/a.txt', '/nodir/')).err).toBe(
      `loom fs -mv: \`/nodir/': No such file or directory: \`${q('/nodir')}' ${hint}\n`,
    );
    expect((await kit.fs('-copyFromLocal', join(kit.local, 'a.txt'), '/nodir/')).code).toBe(1);
    expect((await kit.fs('-touchz', '/nodir/')).err).toBe(`loom fs -touchz: \`/nodir/': No such file or directory: \`${q('/nodir')}'\n`);
    expect((await kit.fs('-test', '-e', '/nodir')).code).toBe(1);
    expect((await kit.fs('-test', '-f', '/t/a.txt')).code).toBe(0);

    const localMissing = join(kit.local, 'got');
    const get = await kit.fs('-get', '/t/a.txt', `${localMissing}/`);
    expect(get.err).toBe(
      `loom fs -get: \`${localMissing}/': No such file or directory: \`file://${localMissing}' ` +
        '(a destination ending in / is a directory that must exist: create it first, or drop the / to name a new file)\n',
    );
    expect(await readdir(kit.local)).not.toContain('got');
    await mkdir(localMissing);
    expect((await kit.fs('-get', '/t/a.txt', `${localMissing}/`)).code).toBe(0);
    expect(await readdir(localMissing)).toEqual(['a.txt']);
  });

  it('-mv into an existing directory with or without the slash moves inside it', async () => {
    expect((await kit.fs('-mv', '/t/a.txt', '/t/a/b/')).code).toBe(0);
    expect((await kit.fs('-mv', '/t/tree', '/t/a')).code).toBe(0);
    expect(await names('/t/a')).toEqual(['b', 'tree']);
    expect(await names('/t/a/b')).toContain('a.txt');
    expect((await kit.fs('-mv', '/t/a/b/a.txt', '/t/a/b/empty')).err).toBe("loom fs -mv: `/t/a/b/empty': File exists\n");
  });
});

describe("Loom's staging uploads never put a file where a directory is", () => {
  it('a target name that is a directory on HDFS is refused before any byte is sent, and the directory is left as it was', async () => {
    await kit.client.mkdirs('/staging/bundle.mjs');
    const local = join(kit.local, 'bundle.mjs');
    await writeFile(local, 'export default 1;\n');
    const err = await uploadToStaging({ client: kit.client, localPath: local, stagingDir: '/staging', targetName: 'bundle.mjs' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StagingUploadError);
    expect((err as Error).message).toBe(
      `cannot upload ${local} to /staging/bundle.mjs: that is a directory on HDFS; upload into it under a file name, or remove it`,
    );
    expect((await kit.client.getFileStatus('/staging/bundle.mjs')).type).toBe('DIRECTORY');
    expect(await names('/staging/bundle.mjs')).toEqual([]);
    expect(await names('/staging')).toEqual(['bundle.mjs']);
  });

  it('a target name with a slash (a path, or a directory) is refused', async () => {
    const local = join(kit.local, 'a.txt');
    for (const targetName of ['dir/', 'a/b', '..']) {
      await expect(uploadToStaging({ client: kit.client, localPath: local, stagingDir: '/staging2', targetName })).rejects.toThrow(
        StagingUploadError,
      );
    }
    expect((await kit.fs('-test', '-e', '/staging2')).code).toBe(1);
  });
});
