// A mini cluster's WebHDFS is as slow as a real one unless told otherwise: small CREATEs through
// the client take 30-60 ms, some over 400 ms (the completeFile retry), as on a Hadoop 3.3.6
// NameNode + DataNode; with LOOM_MINICLUSTER_HDFS_LATENCY=none they answer at once.
import { afterEach, describe, expect, it } from 'vitest';
import { WebHdfsClient } from '../../../client/hadoop/hdfs/webhdfs-client.js';
import { startMiniCluster, type MiniCluster } from '../../../minicluster/mini-cluster.js';
import { hdfsFor } from '../mini-cluster-kit.js';

const FILES = 50;

/** Elapsed ms of each of FILES small CREATEs, `atOnce` at a time. */
async function createTimes(fs: WebHdfsClient, atOnce: number): Promise<number[]> {
  await fs.mkdirs('/latency');
  const times: number[] = [];
  for (let first = 0; first < FILES; first += atOnce) {
    await Promise.all(
      Array.from({ length: atOnce }, async (_, k) => {
        const started = performance.now();
        await fs.create(`/latency/f-${first + k}.json`, Buffer.from(`{"n":${first + k}}`));
        times.push(performance.now() - started);
      }),
    );
  }
  return times;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

describe('WebHDFS latency on the mini cluster', () => {
  let cluster: MiniCluster | undefined;
  let fs: WebHdfsClient | undefined;
  const envBefore = process.env.LOOM_MINICLUSTER_HDFS_LATENCY;
  afterEach(async () => {
    fs?.close();
    await cluster?.stop();
    cluster = fs = undefined;
    if (envBefore === undefined) delete process.env.LOOM_MINICLUSTER_HDFS_LATENCY;
    else process.env.LOOM_MINICLUSTER_HDFS_LATENCY = envBefore;
  });

  it('real: small CREATEs take 30-60 ms, and some 400+ ms', async () => {
    cluster = await startMiniCluster({ nodes: 1, hdfsLatency: 'real', hdfsLatencySeed: 7 });
    expect(cluster.webHdfs.latency.describe()).toBe('real (seed 7)');
    fs = hdfsFor(cluster);
    const times = await createTimes(fs, 10); // 10 at a time: the delays overlap, the test takes ~3 s
    expect(median(times)).toBeGreaterThanOrEqual(25);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(25);
    // Seed 7 draws 12 slow completeFile calls among the first 50 (a busy machine may slow a few more).
    expect(times.filter((ms) => ms >= 400).length).toBeGreaterThanOrEqual(12);
    expect(times.filter((ms) => ms >= 400).length).toBeLessThan(25);
  });

  it('none (from the environment): every CREATE answers at once', async () => {
    process.env.LOOM_MINICLUSTER_HDFS_LATENCY = 'none';
    cluster = await startMiniCluster({ nodes: 1 });
    expect(cluster.webHdfs.latency.describe()).toBe('none');
    fs = hdfsFor(cluster);
    const times = await createTimes(fs, 1); // one at a time: only the machine's own speed counts
    // With latency on no CREATE can beat 25 ms; off, the fastest does even on a busy shared machine.
    expect(Math.min(...times)).toBeLessThan(25);
    expect(median(times)).toBeLessThan(100);
  });
});
