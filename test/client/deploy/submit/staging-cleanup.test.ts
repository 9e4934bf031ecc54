import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWebHdfs, type WebHdfsServer } from '../../../../minicluster/webhdfs/webhdfs-server.js';
import { WebHdfsClient } from '../../../../client/hadoop/hdfs/webhdfs-client.js';
import { removeLeftoverStagingDirs, type ApplicationLiveness } from '../../../../client/deploy/submit/staging-cleanup.js';
import { Configuration } from '../../../../client/conf/configuration.js';
import { applicationStagingDir, qualifiedUri, stagingFileSystemUri, stagingRoot } from '../../../../client/deploy/submit/staging-dir.js';

let dir: string;
let server: WebHdfsServer;
let client: WebHdfsClient;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-cleanup-'));
  server = await startWebHdfs({ dataDir: join(dir, 'data'), host: '127.0.0.1', superUser: 'root', staticUser: 'root' });
  client = new WebHdfsClient({
    endpoints: [{ scheme: 'http', host: '127.0.0.1', port: server.nameNodeAddress.port }],
    user: 'alice',
    retry: { maxAttempts: 1 },
  });
  const admin = new WebHdfsClient({
    endpoints: [{ scheme: 'http', host: '127.0.0.1', port: server.nameNodeAddress.port }],
    user: 'root',
    retry: { maxAttempts: 1 },
  });
  await admin.mkdirs('/user/alice');
  await admin.setOwner('/user/alice', { owner: 'alice' });
  admin.close();
});
afterEach(async () => {
  client.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('staging dir location', () => {
  it('is .loom under the HDFS home, or under yarn.staging-directory', async () => {
    expect(await stagingRoot(undefined, client)).toBe('/user/alice/.loom');
    expect(await stagingRoot('hdfs://nn:8020/tmp/staging/', client)).toBe('/tmp/staging/.loom');
    expect(await stagingRoot('shared', client)).toBe('/user/alice/shared/.loom');
    expect(applicationStagingDir('/user/alice/.loom', 'application_1_0001')).toBe('/user/alice/.loom/application_1_0001');
  });

  it('qualifies paths with the staging dir URI or fs.defaultFS', () => {
    const conf = Configuration.withDefaults({});
    conf.set('fs.defaultFS', 'webhdfs://127.0.0.1:9870');
    expect(stagingFileSystemUri(conf, undefined)).toBe('webhdfs://127.0.0.1:9870');
    expect(stagingFileSystemUri(conf, 'HDFS://nn:8020/tmp')).toBe('hdfs://nn:8020');
    expect(stagingFileSystemUri(conf, '/tmp/x')).toBe('webhdfs://127.0.0.1:9870');
    expect(qualifiedUri('hdfs://nn:8020', '/user/a b/.loom/x')).toBe('hdfs://nn:8020/user/a%20b/.loom/x');
    conf.set('fs.defaultFS', 'file:///');
    expect(() => stagingFileSystemUri(conf, undefined)).toThrow(/fs.defaultFS is not an hdfs/);
  });
});

describe('leftover staging dirs', () => {
  it('removes ended applications, keeps running ones, recent unknown ones, the runtime dir and the kept one', async () => {
    const root = '/user/alice/.loom';
    const apps: Record<string, ApplicationLiveness> = {
      application_1_0001: 'ended',
      application_1_0002: 'running',
      application_1_0003: 'unknown',
      application_1_0004: 'ended',
    };
    for (const id of Object.keys(apps)) await client.create(`${root}/${id}/loom-conf.yaml`, Buffer.from('x'));
    await client.create(`${root}/runtime/loom-runtime-abc.tar.gz`, Buffer.from('x'));
    const asked: string[] = [];
    const removed = await removeLeftoverStagingDirs({
      client,
      root,
      keep: 'application_1_0004',
      liveness: async (id) => {
        asked.push(id);
        return apps[id];
      },
    });
    expect(removed).toEqual([`${root}/application_1_0001`]);
    expect(asked.sort()).toEqual(['application_1_0001', 'application_1_0002', 'application_1_0003']);
    const left = (await client.listStatus(root)).map((s) => s.pathSuffix).sort();
    expect(left).toEqual(['application_1_0002', 'application_1_0003', 'application_1_0004', 'runtime']);

    // An unknown application's dir past the grace period is a leftover too.
    const later = await removeLeftoverStagingDirs({ client, root, liveness: async (id) => apps[id], now: () => Date.now() + 2 * 3600_000 });
    expect(later).toEqual([`${root}/application_1_0003`, `${root}/application_1_0004`]);
  });

  it('never throws: a missing root is nothing to do, a failing lookup is a warning', async () => {
    expect(await removeLeftoverStagingDirs({ client, root: '/user/alice/.loom', liveness: async () => 'ended' })).toEqual([]);
    await client.create('/user/alice/.loom/application_1_0001/x', Buffer.from('x'));
    const warnings: string[] = [];
    const removed = await removeLeftoverStagingDirs({
      client,
      root: '/user/alice/.loom',
      liveness: async () => {
        throw new Error('RM unreachable');
      },
      onWarning: (m) => warnings.push(m),
    });
    expect(removed).toEqual([]);
    expect(warnings[0]).toMatch(/application_1_0001: RM unreachable/);
  });
});
