// The HA store against the mini cluster's WebHDFS: records written once by temp file + rename,
// readable after a crash at any step (a leftover temp file is skipped), never overwritten (the
// NameNode's {"boolean": false} for an existing destination surfaces as an error), owner-only.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  haStorageRoot,
  haStoreUrl,
  readCurrentAmAddress,
  TEMP_MARK,
  type AmAddressRecord,
} from '../../../client/contracts/ha-store-layout.js';
import type { WebHdfsClient } from '../../../client/hadoop/hdfs/webhdfs-client.js';
import { HaStore, HaStoreError } from '../../../appmaster/ha/ha-store.js';
import type { JobSpec, JobStatus } from '../../../appmaster/cluster-api.js';
import type { WebHdfsServer } from '../../../minicluster/webhdfs/webhdfs-server.js';
import { startStoreWebHdfs, type StoreWebHdfs } from '../../e2e/ha/store-webhdfs.js';

const STORE = '/user/alice/.loom/application_1_0001/ha';
let hdfs: StoreWebHdfs;
let server: WebHdfsServer;
let client: WebHdfsClient;

const spec = (n: number): JobSpec => ({
  name: `job ${n}`,
  bundle: { url: 'hdfs://nn/user/alice/b.mjs', kind: 'file', size: 10, modificationTime: 1 },
  exportName: 'run',
  parallelism: 2,
  args: [n],
});
const ended = (id: string): JobStatus => ({
  id,
  name: 'job',
  state: 'FINISHED',
  parallelism: 2,
  exportName: 'run',
  submittedAt: 5,
  endedAt: 9,
  tasks: [0, 1].map((index) => ({ index, state: 'FINISHED' as const, attempt: 1, result: { index } })),
  results: [{ index: 0 }, { index: 1 }],
});
const address = (attempt: number, port: number): AmAddressRecord => ({
  attempt,
  attemptId: `appattempt_1_0001_00000${attempt}`,
  restAddress: `node:${port}`,
  gatewayAddress: `node:${port + 1}`,
  writtenAt: attempt,
});

beforeEach(async () => {
  hdfs = await startStoreWebHdfs();
  client = hdfs.client;
  server = hdfs.server;
});
afterEach(() => hdfs.close());

describe('HA store', () => {
  it('reads back what was written: cluster, jobs in submission order, ended jobs, the newest AM address', async () => {
    const store = new HaStore(client, `webhdfs://127.0.0.1:${server.nameNodeAddress.port}${STORE}`);
    expect(await store.read()).toMatchObject({ cluster: undefined, jobs: [], masters: [], leftovers: [] });
    await store.writeCluster({
      applicationId: 'application_1_0001',
      secret: 's3cret-s3cret-s3cret',
      configYaml: 'a: 1\n',
      writtenBy: 'x',
      writtenAt: 1,
    });
    await store.writeJob({ seq: 2, id: 'b'.repeat(32), spec: spec(2), submittedAt: 20 });
    await store.writeJob({ seq: 1, id: 'a'.repeat(32), spec: spec(1), submittedAt: 10 });
    await store.writeEnded(ended('a'.repeat(32)));
    await store.writeAmAddress(address(1, 1000));
    await store.writeAmAddress(address(2, 2000));

    const state = await store.read();
    expect(state.cluster).toMatchObject({ secret: 's3cret-s3cret-s3cret', configYaml: 'a: 1\n' });
    expect(state.jobs.map((j) => [j.seq, j.id, j.spec.args])).toEqual([
      [1, 'a'.repeat(32), [1]],
      [2, 'b'.repeat(32), [2]],
    ]);
    expect([...state.ended.keys()]).toEqual(['a'.repeat(32)]);
    expect(state.ended.get('a'.repeat(32))!.results).toEqual([{ index: 0 }, { index: 1 }]);
    expect(state.masters.map((m) => m.attempt)).toEqual([1, 2]);
    // What a TaskExecutor reads: the newest attempt's gateway.
    expect(await readCurrentAmAddress(client, STORE)).toMatchObject({ attempt: 2, gatewayAddress: 'node:2001' });
    // Owner-only: the cluster record holds the secret.
    expect((await client.getFileStatus(STORE)).permission).toBe('700');
    expect((await client.getFileStatus(`${STORE}/cluster.json`)).permission).toBe('600');
  });

  it('a write interrupted between the temp file and the rename leaves the store readable and the record absent; the next attempt tidies up', async () => {
    const store = new HaStore(client, STORE);
    await store.writeAmAddress(address(1, 1000));
    // The crash: the temp file of attempt 2's record and of a job record exist, never renamed.
    await client.create(`${STORE}/masters/000002.json${TEMP_MARK}abc`, Buffer.from('{"attempt": 2, "gatew'));
    await client.create(`${STORE}/jobs/000001-${'c'.repeat(32)}.json${TEMP_MARK}def`, Buffer.from('{'));

    const state = await store.read();
    expect(state.masters.map((m) => m.attempt)).toEqual([1]);
    expect(state.jobs).toEqual([]);
    expect(state.unreadable).toEqual([]);
    expect(state.leftovers.sort()).toEqual([
      `${STORE}/jobs/000001-${'c'.repeat(32)}.json${TEMP_MARK}def`,
      `${STORE}/masters/000002.json${TEMP_MARK}abc`,
    ]);
    expect(await readCurrentAmAddress(client, STORE)).toMatchObject({ attempt: 1 });

    // Writing the same records again works, and the leftovers can go.
    await store.writeAmAddress(address(2, 2000));
    await store.removeLeftovers(state.leftovers);
    expect((await client.listStatus(`${STORE}/masters`)).map((s) => s.pathSuffix)).toEqual(['000001.json', '000002.json']);
    expect((await store.read()).leftovers).toEqual([]);
  });

  it('never replaces a record: the rename answering false fails the write and removes its temp file', async () => {
    const store = new HaStore(client, STORE);
    await store.writeEnded(ended('a'.repeat(32)));
    const again = { ...ended('a'.repeat(32)), state: 'FAILED' as const, error: 'later' };
    const err = await store.writeEnded(again).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HaStoreError);
    expect((err as Error).message).toMatch(/could not rename .*\.tmp-[0-9a-f]+ to .*\/ended\/a{32}\.json: the NameNode answered false/);
    expect((await client.listStatus(`${STORE}/ended`)).map((s) => s.pathSuffix)).toEqual([`${'a'.repeat(32)}.json`]);
    expect((await store.read()).ended.get('a'.repeat(32))!.state).toBe('FINISHED');
  });

  it('a crash at any step of any write leaves a readable store', async () => {
    // Run a sequence of writes, failing each WebHDFS call in turn as a crash would stop the AM there.
    for (let crashAt = 1; crashAt <= 12; crashAt++) {
      const path = `${STORE}-${crashAt}`;
      let calls = 0;
      const crashing = new Proxy(client, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver) as unknown;
          if (typeof value !== 'function' || !['mkdirs', 'create', 'rename'].includes(String(prop))) return value;
          return (...args: unknown[]) => {
            if (++calls === crashAt) return Promise.reject(new Error(`crash at call ${crashAt}`));
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
      const store = new HaStore(crashing, path);
      const written: string[] = [];
      try {
        await store.writeJob({ seq: 1, id: 'a'.repeat(32), spec: spec(1), submittedAt: 1 });
        written.push('job');
        await store.writeEnded(ended('a'.repeat(32)));
        written.push('ended');
        await store.writeAmAddress(address(1, 1000));
        written.push('master');
      } catch {
        // the AM died here
      }
      const state = await new HaStore(client, path).read();
      expect(state.unreadable).toEqual([]);
      expect(state.jobs.length).toBe(written.includes('job') ? 1 : 0);
      expect(state.ended.size).toBe(written.includes('ended') ? 1 : 0);
      expect(state.masters.length).toBe(written.includes('master') ? 1 : 0);
    }
  });

  it('lives under the staging dir, or under high-availability.storageDir per application', () => {
    const staging = 'webhdfs://nn:9870/user/alice/.loom/application_1_0001';
    expect(haStoreUrl({ stagingDirUrl: staging, storageDir: undefined, applicationId: 'application_1_0001' })).toBe(`${staging}/ha`);
    expect(haStoreUrl({ stagingDirUrl: staging, storageDir: '/loom/ha/', applicationId: 'application_1_0001' })).toBe(
      'webhdfs://nn:9870/loom/ha/application_1_0001',
    );
    expect(haStoreUrl({ stagingDirUrl: staging, storageDir: 'hdfs://other:8020/ha', applicationId: 'application_1_0001' })).toBe(
      'hdfs://other:8020/ha/application_1_0001',
    );
    expect(() => haStoreUrl({ stagingDirUrl: staging, storageDir: 'ha', applicationId: 'application_1_0001' })).toThrow(
      /high-availability.storageDir="ha" is a relative path; give an absolute path \(e.g. \/loom\/ha\) or an hdfs:\/\/ URI/,
    );
    expect(haStorageRoot('hdfs://other:8020/ha/')).toBe('/ha');
    expect(haStorageRoot(undefined)).toBeUndefined();
  });
});
