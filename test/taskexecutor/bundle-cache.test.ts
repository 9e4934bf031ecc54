import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Configuration } from '../../client/conf/configuration.js';
import { ClusterFileSystem } from '../../client/hadoop/hdfs/cluster-file-system.js';
import { WebHdfsClient } from '../../client/hadoop/hdfs/webhdfs-client.js';
import { startWebHdfs, type WebHdfsServer } from '../../minicluster/webhdfs/webhdfs-server.js';
import { BundleCache, BundleFetchError } from '../../taskexecutor/bundle-cache.js';
import type { BundleRef } from '../../client/contracts/bundle-ref.js';

let dir: string;
let server: WebHdfsServer;
let client: WebHdfsClient;
let opens: number;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-bundle-cache-'));
  server = await startWebHdfs({ dataDir: join(dir, 'hdfs'), host: '127.0.0.1', superUser: 'root', staticUser: 'root' });
  client = new WebHdfsClient({
    endpoints: [{ scheme: 'http', host: '127.0.0.1', port: server.nameNodeAddress.port }],
    user: 'root',
    retry: { maxAttempts: 1 },
  });
  opens = 0;
  const open = client.open.bind(client);
  client.open = (...args: Parameters<WebHdfsClient['open']>) => {
    opens++;
    return open(...args);
  };
});
afterEach(async () => {
  client.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function put(path: string, text: string): Promise<BundleRef> {
  await client.create(path, Buffer.from(text), { overwrite: true });
  const st = await client.getFileStatus(path);
  return { url: path, kind: 'file', size: st.length, modificationTime: st.modificationTime };
}

/** The TaskExecutor's view of the cluster: fs.defaultFS is the test's WebHDFS server, as the kit's core-site.xml says. */
const clusterFs = () =>
  ClusterFileSystem.fromConf(Configuration.withDefaults({}).set('fs.defaultFS', `webhdfs://127.0.0.1:${server.nameNodeAddress.port}`));
const cache = (clientFor: (url: string) => WebHdfsClient = () => client) =>
  new BundleCache({ dir: join(dir, 'cache'), clientFor, fileSystem: clusterFs() });

describe('BundleCache', () => {
  it('fetches a bundle once, also for concurrent tasks, and serves later ones from the cache', async () => {
    const ref = await put('/b/job.js', 'export const run = () => 1;\n');
    const c = cache();
    const [p1, p2] = await Promise.all([c.modulePath(ref), c.modulePath(ref)]);
    expect(p1).toBe(p2);
    expect(await readFile(p1, 'utf8')).toBe('export const run = () => 1;\n');
    // A plain .js file gets a package.json saying it is an ES module.
    expect(await readdir(join(p1, '..'))).toEqual(['job.js', 'package.json']);
    expect(opens).toBe(1);
    await client.delete('/b/job.js');
    expect(await cache().modulePath(ref)).toBe(p1);
    expect(opens).toBe(1);
    // Nothing half-written is left next to the entries.
    expect(await readdir(join(dir, 'cache'))).toHaveLength(1);
  });

  it('refuses a bundle whose size or modification time changed on HDFS since submission', async () => {
    const ref = await put('/b/job.mjs', 'export const run = () => 1;\n');
    await client.setTimes('/b/job.mjs', { modificationTime: ref.modificationTime + 5_000 });
    const err = await cache()
      .modulePath(ref)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BundleFetchError);
    expect((err as BundleFetchError).retryable).toBe(false);
    expect((err as Error).message).toBe(
      `bundle /b/job.mjs changed on HDFS since the job was submitted (size ${ref.size} -> ${ref.size}, modification time ${ref.modificationTime} -> ${ref.modificationTime + 5_000}); resubmit the job, and never overwrite a bundle a job uses`,
    );
    expect(opens).toBe(0);
  });

  it('tells a missing bundle or archive entry (not retryable) from an unreachable file system (retryable)', async () => {
    const missing = cache().modulePath({ url: '/b/none.mjs', kind: 'file', size: 1, modificationTime: 1 });
    await expect(missing).rejects.toMatchObject({
      retryable: false,
      message: expect.stringMatching(/^bundle \/b\/none\.mjs does not exist on HDFS/),
    });

    const notAnArchiveEntry = { ...(await put('/b/a.tar.gz', 'x')), kind: 'archive' as const };
    await expect(cache().modulePath(notAnArchiveEntry)).rejects.toMatchObject({
      retryable: false,
      message: expect.stringMatching(/names no entry module/),
    });

    const closed = new WebHdfsClient({
      endpoints: [{ scheme: 'http', host: '127.0.0.1', port: 1 }],
      user: 'root',
      retry: { maxAttempts: 1 },
    });
    try {
      const err = await cache(() => closed)
        .modulePath({ url: '/b/job.mjs', kind: 'file', size: 1, modificationTime: 1 })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ retryable: true, message: expect.stringMatching(/^bundle \/b\/job\.mjs could not be fetched: /) });
    } finally {
      closed.close();
    }
    // A failed fetch is not remembered.
    const ref = await put('/b/late.mjs', 'export const x = 1;');
    const c = cache();
    await client.setTimes('/b/late.mjs', { modificationTime: ref.modificationTime + 1 });
    await expect(c.modulePath(ref)).rejects.toThrow(/changed on HDFS/);
    await client.setTimes('/b/late.mjs', { modificationTime: ref.modificationTime });
    expect(await readFile(await c.modulePath(ref), 'utf8')).toBe('export const x = 1;');
  });

  it("refuses a bundle that is not on the cluster's file system before contacting anything (defence in depth behind the AM's check)", async () => {
    const contacted: string[] = [];
    const c = cache((url) => {
      contacted.push(url);
      return client;
    });
    const port = server.nameNodeAddress.port;
    for (const url of [
      'webhdfs://169.254.169.254:80/x.mjs',
      'hdfs://127.0.0.1:22/x.mjs',
      `webhdfs://127.0.0.1:${port + 1}/x.mjs`,
      'viewfs://cluster/x.mjs',
      'hdfs:///x.mjs',
    ]) {
      const err = await c.modulePath({ url, kind: 'file', size: 1, modificationTime: 1 }).catch((e: unknown) => e);
      expect(err, url).toBeInstanceOf(BundleFetchError);
      expect((err as BundleFetchError).retryable, url).toBe(false);
      expect((err as Error).message, url).toMatch(/^bundle "[^"]+"[ :].*; this TaskExecutor does not fetch it$/);
    }
    const err = await c
      .modulePath({ url: 'webhdfs://169.254.169.254:80/x.mjs', kind: 'file', size: 1, modificationTime: 1 })
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      `bundle "webhdfs://169.254.169.254:80/x.mjs" is not on this cluster's file system: 169.254.169.254:80 is neither fs.defaultFS (webhdfs://127.0.0.1:${port}), ` +
        `a NameNode's RPC or WebHDFS address nor a nameservice in dfs.nameservices, and TaskExecutors fetch only from the cluster's file system; ` +
        `use /x.mjs, webhdfs:///x.mjs, webhdfs://127.0.0.1:${port}/x.mjs; this TaskExecutor does not fetch it`,
    );
    expect(contacted).toEqual([]);
    expect(opens).toBe(0);
    // The cluster's own forms are fetched.
    const ref = await put('/b/ok.mjs', 'export const ok = 1;');
    for (const url of [
      '/b/ok.mjs',
      'webhdfs:///b/ok.mjs',
      `webhdfs://127.0.0.1:${port}/b/ok.mjs`,
      `WEBHDFS://127.0.0.1:${port}/b/ok.mjs`,
    ]) {
      expect(await readFile(await c.modulePath({ ...ref, url }), 'utf8'), url).toBe('export const ok = 1;');
    }
  });
});
