import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BundleError, packBundle, type PackedBundle } from '../../../../client/deploy/bundle/bundle-pack.js';
import { uploadBundle } from '../../../../client/deploy/bundle/bundle-upload.js';
import { unpackArchive } from '../../../../client/hadoop/archive/archive-unpack.js';
import { WebHdfsClient } from '../../../../client/hadoop/hdfs/webhdfs-client.js';
import { startWebHdfs, type WebHdfsServer } from '../../../../minicluster/webhdfs/webhdfs-server.js';

let dir: string;
const packedBundles: PackedBundle[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-bundle-test-'));
});
afterEach(async () => {
  for (const p of packedBundles.splice(0)) await p.cleanup();
  await rm(dir, { recursive: true, force: true });
});

async function pack(path: string, opts: Parameters<typeof packBundle>[1] = {}): Promise<PackedBundle> {
  const p = await packBundle(path, opts);
  packedBundles.push(p);
  return p;
}

describe('packBundle', () => {
  it('takes a module file as it is, named by its content hash', async () => {
    const file = join(dir, 'job.mjs');
    await writeFile(file, 'export function run() { return 1; }\n');
    const p = await pack(file);
    expect(p.description).toEqual({ kind: 'file', size: 36 });
    expect(p.localFile).toBe(file);
    expect(p.uploadName).toBe(`job-${p.sha256.slice(0, 12)}.mjs`);
    await writeFile(file, 'export function run() { return 2; }\n');
    expect((await pack(file)).uploadName).not.toBe(p.uploadName);
  });

  it('packs a directory with node_modules and finds its entry from package.json', async () => {
    const src = join(dir, 'my job');
    await mkdir(join(src, 'node_modules', 'dep'), { recursive: true });
    await mkdir(join(src, 'lib'));
    await mkdir(join(src, '.git'));
    await writeFile(join(src, '.git', 'HEAD'), 'x');
    await writeFile(join(src, 'package.json'), JSON.stringify({ type: 'module', exports: { '.': { import: './lib/main.js' } } }));
    await writeFile(join(src, 'lib', 'main.js'), "import { pad } from 'dep'; export const run = () => pad;\n");
    await writeFile(join(src, 'node_modules', 'dep', 'index.js'), 'export const pad = 1;\n');
    const p = await pack(src);
    expect(p.description.kind).toBe('archive');
    expect(p.description.entry).toBe('lib/main.js');
    expect(p.uploadName).toMatch(/^my_job-[0-9a-f]{12}\.tar\.gz$/);
    const files = await unpackArchive('b', 'tar.gz', await readFile(p.localFile), join(dir, 'out'));
    expect(files).toContain('node_modules/dep/index.js');
    expect(files.some((f) => f.startsWith('.git'))).toBe(false);
    await p.cleanup();
    await expect(readFile(p.localFile)).rejects.toThrow();
  });

  it('falls back to index.mjs, honours an explicit entry, and explains bad bundles', async () => {
    const src = join(dir, 'src');
    await mkdir(src);
    await expect(packBundle(src)).rejects.toThrow(/no entry module/);
    await writeFile(join(src, 'index.mjs'), 'export const a = 1;');
    await writeFile(join(src, 'other.mjs'), 'export const b = 1;');
    expect((await pack(src)).description.entry).toBe('index.mjs');
    expect((await pack(src, { entry: 'other.mjs' })).description.entry).toBe('other.mjs');
    await expect(packBundle(src, { entry: 'missing.mjs' })).rejects.toThrow(/missing\.mjs does not exist/);
    await expect(packBundle(src, { entry: '../x.mjs' })).rejects.toThrow(/inside/);
    await expect(packBundle(join(dir, 'nope.mjs'))).rejects.toThrow(/does not exist/);
    await writeFile(join(dir, 'job.ts'), 'export {}');
    await expect(packBundle(join(dir, 'job.ts'))).rejects.toThrow(BundleError);
    await writeFile(join(src, 'package.json'), '{oops');
    await expect(packBundle(src)).rejects.toThrow(/package\.json is not valid JSON/);
  });
});

describe('uploadBundle', () => {
  let server: WebHdfsServer;
  let client: WebHdfsClient;
  beforeEach(async () => {
    server = await startWebHdfs({ dataDir: join(dir, 'hdfs'), host: '127.0.0.1', superUser: 'root', staticUser: 'root' });
    client = new WebHdfsClient({ endpoints: [{ scheme: 'http', host: '127.0.0.1', port: server.nameNodeAddress.port }], user: 'root' });
  });
  afterEach(async () => {
    client.close();
    await server.close();
  });

  it('uploads once, describes it with the HDFS size and time, and reuses an identical upload', async () => {
    const file = join(dir, 'job.mjs');
    await writeFile(file, 'export const run = () => 42;\n');
    const p = await pack(file);
    const fsUri = `webhdfs://127.0.0.1:${server.nameNodeAddress.port}`;
    const ref = await uploadBundle({ client, packed: p, dir: '/user/root/bundles', fsUri });
    const status = await client.getFileStatus(`/user/root/bundles/${p.uploadName}`);
    expect(ref).toEqual({
      kind: 'file',
      size: status.length,
      modificationTime: status.modificationTime,
      url: `${fsUri}/user/root/bundles/${p.uploadName}`,
    });
    const again = await uploadBundle({ client, packed: p, dir: '/user/root/bundles' });
    expect(again.modificationTime).toBe(ref.modificationTime);
    expect(again.url).toBe(`/user/root/bundles/${p.uploadName}`);
  });
});
