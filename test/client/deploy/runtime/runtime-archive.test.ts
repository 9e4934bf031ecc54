import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unpackArchive } from '../../../../client/hadoop/archive/archive-unpack.js';
import { loomInstallRoot, productionPackages, runtimeArchive, runtimeFiles } from '../../../../client/deploy/runtime/runtime-archive.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-runtime-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function put(path: string, content: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, content);
}

/** Loom installed inside another project: some dependencies hoisted above Loom, one nested. */
async function fakeInstall(): Promise<string> {
  const proj = join(dir, 'proj');
  const loom = join(proj, 'node_modules', 'loom');
  await put(
    join(loom, 'package.json'),
    JSON.stringify({ name: 'loom', dependencies: { a: '1', '@s/c': '1', '@types/x': '1' }, devDependencies: { dev: '1' } }),
  );
  await put(join(loom, 'dist', 'appmaster', 'main.js'), 'console.log("am")');
  await put(join(loom, 'dist', 'appmaster', 'main.d.ts'), 'export {};');
  await put(join(loom, 'dist', 'test', 't.js'), 'test');
  await put(join(loom, 'dist', 'bench', 'b.js'), 'bench');
  await put(join(loom, 'proto', 'cluster', 'x.proto'), 'syntax = "proto3";');
  await put(join(loom, 'node_modules', '@s', 'c', 'package.json'), JSON.stringify({ name: '@s/c' }));
  await put(join(loom, 'node_modules', '@s', 'c', 'index.js'), 'c');
  await put(join(loom, 'node_modules', '@s', 'c', 'index.d.ts'), 'types');
  await put(join(proj, 'node_modules', 'a', 'package.json'), JSON.stringify({ name: 'a', dependencies: { b: '1' } }));
  await put(join(proj, 'node_modules', 'a', 'a.js'), 'a');
  await put(join(proj, 'node_modules', 'a', 'README.md'), 'docs');
  await put(join(proj, 'node_modules', 'a', 'node_modules', 'b', 'package.json'), JSON.stringify({ name: 'b' }));
  await put(join(proj, 'node_modules', 'b', 'package.json'), JSON.stringify({ name: 'b', version: 'other' }));
  await put(join(proj, 'node_modules', 'dev', 'package.json'), JSON.stringify({ name: 'dev' }));
  await put(join(proj, 'node_modules', '@types', 'x', 'package.json'), JSON.stringify({ name: '@types/x' }));
  return loom;
}

describe('runtime archive contents', () => {
  it('holds package.json, proto, dist without test/bench or declarations, and the production closure wherever npm put it', async () => {
    const loom = await fakeInstall();
    expect((await productionPackages(loom)).map((p) => p.archivePath).sort()).toEqual([
      'node_modules/@s/c',
      'node_modules/a',
      'node_modules/a/node_modules/b',
    ]);
    expect((await runtimeFiles(loom)).map((f) => f.archivePath)).toEqual([
      'dist/appmaster/main.js',
      'node_modules/@s/c/index.js',
      'node_modules/@s/c/package.json',
      'node_modules/a/a.js',
      'node_modules/a/node_modules/b/package.json',
      'node_modules/a/package.json',
      'package.json',
      'proto/cluster/x.proto',
    ]);
  });

  it('with the bundles of scripts/bundle-entry-points.mjs: package.json, the bundles without the CLI, and their entry modules under the launch paths', async () => {
    const loom = await fakeInstall();
    const bundle = join(loom, 'dist', 'bundle');
    await put(join(bundle, 'appmaster', 'main.js'), 'am bundle');
    await put(join(bundle, 'appmaster', 'program-worker.js'), 'program worker bundle');
    await put(join(bundle, 'taskexecutor', 'main.js'), 'te bundle');
    await put(join(bundle, 'runtime-chunks', 'chunk-X.js'), 'shared');
    await put(join(bundle, 'cli', 'loom.js'), 'cli bundle');
    await put(join(bundle, 'meta.json'), '{}');
    await put(join(bundle, 'archive-entry-points', 'appmaster', 'main.js'), "import '../bundle/appmaster/main.js';");
    await put(join(bundle, 'archive-entry-points', 'taskexecutor', 'main.js'), "import '../bundle/taskexecutor/main.js';");
    const files = await runtimeFiles(loom);
    expect(files.map((f) => f.archivePath)).toEqual([
      'dist/appmaster/main.js',
      'dist/bundle/appmaster/main.js',
      'dist/bundle/appmaster/program-worker.js',
      'dist/bundle/runtime-chunks/chunk-X.js',
      'dist/bundle/taskexecutor/main.js',
      'dist/taskexecutor/main.js',
      'package.json',
    ]);
    expect(files.find((f) => f.archivePath === 'dist/appmaster/main.js')?.localPath).toBe(
      join(bundle, 'archive-entry-points', 'appmaster', 'main.js'),
    );

    // tsc rebuilt dist/ after the bundles were made: they are stale, and the archive is dist/ and node_modules/ as without bundles.
    await utimes(join(bundle, 'appmaster', 'main.js'), new Date(2000, 0, 1), new Date(2000, 0, 1));
    expect((await runtimeFiles(loom)).map((f) => f.archivePath)).toContain('node_modules/a/a.js');
  });

  it('is built once into the cache, named by content, and unpacks to the same tree', async () => {
    const loom = await fakeInstall();
    const cacheDir = join(dir, 'cache');
    const first = await runtimeArchive({ loomRoot: loom, cacheDir });
    expect(first.fileName).toMatch(/^loom-runtime-[0-9a-f]{20}\.tar\.gz$/);
    expect(first.path).toBe(join(cacheDir, 'runtime', first.fileName));
    const builtAt = (await stat(first.path)).mtimeMs;
    const again = await runtimeArchive({ loomRoot: loom, cacheDir });
    expect(again).toEqual(first);
    expect((await stat(again.path)).mtimeMs).toBe(builtAt);

    const out = join(dir, 'out');
    await unpackArchive(first.fileName, 'tar.gz', await readFile(first.path), out);
    expect(await readFile(join(out, 'dist', 'appmaster', 'main.js'), 'utf8')).toBe('console.log("am")');
    expect(JSON.parse(await readFile(join(out, 'node_modules', 'a', 'node_modules', 'b', 'package.json'), 'utf8'))).toEqual({ name: 'b' });

    // A changed file makes a new archive with a new name; touching a file without changing it keeps the name.
    await writeFile(join(loom, 'dist', 'appmaster', 'main.js'), 'console.log("am2")');
    const changed = await runtimeArchive({ loomRoot: loom, cacheDir });
    expect(changed.fileName).not.toBe(first.fileName);
    await writeFile(join(loom, 'dist', 'appmaster', 'main.js'), 'console.log("am")');
    const restored = await runtimeArchive({ loomRoot: loom, cacheDir });
    expect(restored.fileName).toBe(first.fileName);
  });

  it('names a missing build or dependency and how to fix it', async () => {
    const loom = await fakeInstall();
    await rm(join(dir, 'proj', 'node_modules', 'a'), { recursive: true });
    await expect(runtimeFiles(loom)).rejects.toThrow(/dependency a of .* is not installed; run npm ci/);
    await rm(join(loom, 'dist'), { recursive: true });
    await expect(runtimeFiles(loom)).rejects.toThrow(/dist is missing: build Loom first/);
  });

  it("Loom's own install: runtime deps in, dev deps and types out", async () => {
    const names = (await productionPackages(loomInstallRoot())).map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['protobufjs', '@grpc/grpc-js', 'yaml', 'commander', 'undici', 'long']));
    expect(names).not.toContain('vitest');
    expect(names).not.toContain('typescript');
    expect(names.some((n) => n.startsWith('@types/'))).toBe(false);
  });
});
