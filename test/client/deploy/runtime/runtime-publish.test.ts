import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { providedLibDirsOption, publishRuntime } from '../../../../client/deploy/runtime/runtime-publish.js';
import { resolveRuntime } from '../../../../client/deploy/runtime/runtime-resources.js';
import { runtimeArchive } from '../../../../client/deploy/runtime/runtime-archive.js';
import { startRuntimeTestKit, type RuntimeTestKit } from './runtime-test-kit.js';

/** The runtime archive is built from dist/ once for every test file of a run (as the e2e kit does). */
const CACHE = join(tmpdir(), 'loom-e2e-runtime-cache');

let kit: RuntimeTestKit;
let fakeNode: string;
beforeEach(async () => {
  kit = await startRuntimeTestKit();
  // A stand-in Linux x86-64 node: the tests here never run it, and it keeps uploads small.
  const header = Buffer.alloc(64);
  header.writeUInt32BE(0x7f454c46, 0);
  header[4] = 2;
  header[5] = 1;
  header.writeUInt16LE(2, 16);
  header.writeUInt16LE(62, 18);
  fakeNode = join(kit.dir, 'node');
  await writeFile(fakeNode, Buffer.concat([header, Buffer.from('stand-in')]));
});
afterEach(async () => {
  await kit.stop();
});

describe('publishRuntime (loom upload-runtime)', () => {
  it('writes a new public versioned directory with a manifest, and finds it unchanged the second time', async () => {
    await kit.admin.mkdirs('/apps', { permission: '755' });
    const archive = await runtimeArchive({ cacheDir: CACHE });
    const first = await publishRuntime({ fs: kit.admin, fsUri: kit.fsUri, dir: '/apps/loom', nodeBinary: fakeNode, cacheDir: CACHE });
    expect(first.created).toBe(true);
    expect(first.path).toMatch(/^\/apps\/loom\/loom-0\.1\.0-[0-9a-f]{12}$/);
    expect(first.uri).toBe(`${kit.fsUri}${first.path}`);
    expect(providedLibDirsOption(first)).toBe(`-Dyarn.provided.lib.dirs=${first.uri}`);
    const listing = await kit.admin.listStatus(first.path);
    expect(listing.map((s) => [s.pathSuffix, s.permission, s.length]).sort()).toEqual(
      [
        [archive.fileName, '644', archive.size],
        [first.manifest.files[1].name, '644', 72],
        ['loom-runtime.json', '644', listing.find((s) => s.pathSuffix === 'loom-runtime.json')!.length],
      ].sort(),
    );
    expect((await kit.admin.getFileStatus('/apps/loom')).permission).toBe('755');
    expect((await kit.admin.getFileStatus(first.path)).permission).toBe('755');
    expect(first.manifest).toMatchObject({ format: 1, loomVersion: '0.1.0', node: { platform: 'linux-x64' } });
    expect(first.uploadedBytes).toBe(first.uploadedFiles.reduce((n, f) => n + f.size, 0));
    expect(first.uploadedFiles).toHaveLength(3);

    const before = await kit.snapshot();
    const second = await publishRuntime({ fs: kit.admin, fsUri: kit.fsUri, dir: '/apps/loom', nodeBinary: fakeNode, cacheDir: CACHE });
    expect(second).toMatchObject({ created: false, uploadedBytes: 0, uploadedFiles: [], uri: first.uri });
    expect(await kit.snapshot()).toEqual(before);

    // What it wrote is what a submission accepts as provided lib dirs.
    const runtime = await resolveRuntime(kit.context({ 'yarn.provided.lib.dirs': first.uri }));
    expect(Object.keys(runtime.localResources).sort()).toEqual(['loom-node', 'loom-runtime', 'loom-runtime.json']);
  });

  it('refuses, before uploading anything, a parent directory others cannot traverse', async () => {
    await kit.admin.mkdirs('/private', { permission: '750' });
    const before = await kit.snapshot();
    await expect(
      publishRuntime({ fs: kit.admin, fsUri: kit.fsUri, dir: '/private/loom', nodeBinary: fakeNode, cacheDir: CACHE }),
    ).rejects.toThrow(
      '/private (750) is not executable by all users, so NodeManagers could not localize the runtime below as a PUBLIC resource; nothing was uploaded. Run "hdfs dfs -chmod o+x /private", or choose a directory all users can traverse',
    );
    expect(await kit.snapshot()).toEqual(before);
  });

  it('never changes a versioned directory that holds other content', async () => {
    const first = await publishRuntime({ fs: kit.admin, fsUri: kit.fsUri, dir: '/apps', nodeBinary: fakeNode, cacheDir: CACHE });
    const manifestPath = `${first.path}/loom-runtime.json`;
    const text = JSON.stringify({ ...first.manifest, hash: 'b'.repeat(64) });
    await kit.admin.delete(manifestPath);
    await kit.admin.create(manifestPath, Buffer.from(text));
    const before = await kit.snapshot();
    await expect(publishRuntime({ fs: kit.admin, fsUri: kit.fsUri, dir: '/apps', nodeBinary: fakeNode, cacheDir: CACHE })).rejects.toThrow(
      `${first.uri} already holds another runtime (hash bbbbbbbbbbbb); it is never changed in place: remove it if no application uses it, or choose another directory`,
    );
    expect(await kit.snapshot()).toEqual(before);
  });
});

describe('resolveRuntime without provided lib dirs', () => {
  it('uploads the archive and the node binary to .loom/runtime once; the next application reuses both', async () => {
    const ctx = kit.context();
    const first = await resolveRuntime(ctx, { nodeBinary: fakeNode, cacheDir: CACHE });
    expect(first.nodeCommand).toBe('./loom-node');
    expect(Object.entries(first.localResources).map(([k, r]) => [k, r.type, r.visibility])).toEqual([
      ['loom-runtime', 'ARCHIVE', 'PRIVATE'],
      ['loom-node', 'FILE', 'PRIVATE'],
    ]);
    expect(first.uploadedFiles.map((f) => f.path)).toEqual([
      first.localResources['loom-runtime'].uri,
      first.localResources['loom-node'].uri,
    ]);
    expect(first.uploadedBytes).toBe(first.localResources['loom-runtime'].size + 72);
    // Owner-only, as the staging dirs next to it (and as Flink's .flink).
    expect([
      (await kit.admin.getFileStatus('/user/alice/.loom')).permission,
      (await kit.admin.getFileStatus('/user/alice/.loom/runtime')).permission,
    ]).toEqual(['700', '700']);
    const second = await resolveRuntime(kit.context(), { nodeBinary: fakeNode, cacheDir: CACHE });
    expect(second).toEqual({ ...first, uploadedBytes: 0, uploadedFiles: [] });
  });

  it('with loom.node.path, ships no node', async () => {
    const r = await resolveRuntime(kit.context({ 'loom.node.path': '/usr/local/bin/node' }), { nodeBinary: fakeNode, cacheDir: CACHE });
    expect(Object.keys(r.localResources)).toEqual(['loom-runtime']);
    expect(r.nodeCommand).toBe('/usr/local/bin/node');
  });

  it('a bad --node fails before anything is uploaded', async () => {
    await writeFile(join(kit.dir, 'node.sh'), '#!/bin/sh\n');
    const before = await kit.snapshot();
    await expect(resolveRuntime(kit.context(), { nodeBinary: join(kit.dir, 'node.sh'), cacheDir: CACHE })).rejects.toThrow(/is a script/);
    expect(await kit.snapshot()).toEqual(before);
  });
});
