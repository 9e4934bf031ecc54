// A job's bundle URL must be on the cluster's file system (fs.defaultFS, its NameNodes' RPC and
// WebHDFS addresses, a nameservice, the application's staging file system) or name no host; any
// other is refused at submission with a 400 naming it and what is allowed, and nothing is recorded.
// The AM's real job path: dispatcher -> DurableJobs -> JobMaster, configured as the AM does it.
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterControl } from '../../../appmaster/cluster-api.js';
import { DispatcherServer } from '../../../appmaster/dispatcher/dispatcher-server.js';
import { DurableJobs } from '../../../appmaster/ha/durable-jobs.js';
import { JobMaster } from '../../../appmaster/jobs/job-master.js';
import { TaskExecutorRegistry } from '../../../appmaster/taskexecutors/taskexecutor-registry.js';
import { Configuration } from '../../../client/conf/configuration.js';
import { newClusterSecret } from '../../../client/contracts/cluster-secret.js';
import { ClusterFileSystem } from '../../../client/hadoop/hdfs/cluster-file-system.js';
import { bearer, http } from './dispatcher-kit.js';

const STAGING = 'webhdfs://127.0.0.1:50070/user/alice/.loom/application_1_0001';

/** A cluster with fs.defaultFS on a NameNode and an HA nameservice besides, as core-site/hdfs-site would say. */
function hadoopConf(): Configuration {
  return Configuration.withDefaults({})
    .set('fs.defaultFS', 'hdfs://nn.example.com:8020')
    .set('dfs.namenode.http-address', 'nn.example.com:9870')
    .set('dfs.nameservices', 'ns1')
    .set('dfs.ha.namenodes.ns1', 'nn1,nn2')
    .set('dfs.namenode.rpc-address.ns1.nn1', 'nn1.example.com:8020')
    .set('dfs.namenode.rpc-address.ns1.nn2', 'nn2.example.com:8020')
    .set('dfs.namenode.http-address.ns1.nn1', 'nn1.example.com:9870')
    .set('dfs.namenode.http-address.ns1.nn2', 'nn2.example.com:9870');
}

const stops: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (stops.length) await stops.pop()!();
});

async function am() {
  const registry = new TaskExecutorRegistry({ heartbeatIntervalMs: 1_000, heartbeatTimeoutMs: 10_000, amTimeoutMs: 30_000 });
  const master = new JobMaster(registry, {
    slotsPerTaskExecutor: 1,
    cancelTimeoutMs: 50,
    fileSystem: ClusterFileSystem.fromConf(hadoopConf(), [STAGING]),
  });
  const jobs = new DurableJobs(master, undefined, () => {});
  const control: ClusterControl = {
    overview: () => master.overview({ mode: 'session', startedAt: 0 }),
    taskExecutors: () => master.taskExecutors(),
    jobs: () => jobs.jobs(),
    job: (id) => jobs.job(id),
    submitJob: (spec, o) => jobs.submit(spec, o?.id !== undefined ? { id: o.id } : {}),
    cancelJob: (id) => jobs.cancel(id),
    shutdown: async () => {},
  };
  const secret = newClusterSecret();
  const server = new DispatcherServer({ control, secret, host: '127.0.0.1', port: 0, log: () => {} });
  const { port } = await server.start();
  stops.push(
    () => server.stop(),
    () => master.close('test over'),
  );
  const submit = (url: string) =>
    http(port, 'POST', '/jobs', {
      headers: { ...bearer(secret), 'Content-Type': 'application/json' },
      body: JSON.stringify({
        bundle: { url, kind: 'file', size: 10, modificationTime: 1 },
        exportName: 'run',
        parallelism: 1,
        args: ['not/a/url/check'],
      }),
    });
  return { port, secret, submit, master };
}

describe('bundle URLs at submission', () => {
  it("refuses every URL off the cluster's file system with a 400 naming it and the allowed forms; nothing is recorded", async () => {
    const { submit, master } = await am();
    const bad: Record<string, RegExp> = {
      'webhdfs://169.254.169.254:80/x.mjs': /169\.254\.169\.254:80 is neither fs\.defaultFS \(hdfs:\/\/nn\.example\.com:8020\)/,
      'hdfs://127.0.0.1:22/x.mjs': /127\.0\.0\.1:22 is neither fs\.defaultFS/,
      'hdfs://nn.example.com:9/x.mjs': /nn\.example\.com:9 is neither/,
      'hdfs://ns2/x.mjs': /ns2 is neither .* nor a nameservice in dfs\.nameservices/,
      'hdfs://alice@nn.example.com:8020/x.mjs': /alice@nn\.example\.com:8020 is neither/,
      'webhdfs:///x.mjs':
        /names no NameNode and fs\.defaultFS \(hdfs:\/\/nn\.example\.com:8020\) is not webhdfs:\/\/, so it is on no known file system; write \/x\.mjs or hdfs:\/\/\/x\.mjs$/,
      'viewfs://cluster/x.mjs': /viewfs:\/\/ is not served by WebHDFS/,
    };
    for (const [url, why] of Object.entries(bad)) {
      const res = await submit(url);
      expect(res.status, url).toBe(400);
      const [error, ...others] = res.json().errors as string[];
      expect(others, url).toEqual([]);
      expect(error, url).toMatch(new RegExp(`^bundle\\.url ${JSON.stringify(url).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
      expect(error, url).toMatch(why);
    }
    // The allowed forms are named, with the path the user gave.
    const one = (await submit('webhdfs://169.254.169.254:80/data/x.mjs')).json().errors[0] as string;
    expect(one).toMatch(
      /TaskExecutors fetch only from the cluster's file system; use \/data\/x\.mjs, hdfs:\/\/\/data\/x\.mjs, hdfs:\/\/nn\.example\.com:8020\/data\/x\.mjs, /,
    );
    for (const form of [
      'webhdfs://nn.example.com:9870/data/x.mjs',
      'hdfs://nn1.example.com:8020/data/x.mjs',
      'webhdfs://nn2.example.com:9870/data/x.mjs',
      'webhdfs://127.0.0.1:50070/data/x.mjs',
      'hdfs://ns1/data/x.mjs',
    ]) {
      expect(one).toContain(form);
    }
    expect(master.jobs()).toEqual([]);
  });

  it("accepts the cluster's own forms: no host, fs.defaultFS, the NameNodes' WebHDFS and RPC addresses, the nameservice, the staging file system", async () => {
    const { submit, master } = await am();
    const good = [
      '/user/alice/x.mjs',
      'hdfs:///user/alice/x.mjs',
      'hdfs://nn.example.com:8020/user/alice/x.mjs',
      'hdfs://NN.Example.com/user/alice/x.mjs', // the default port is 8020
      'webhdfs://nn.example.com:9870/user/alice/x.mjs',
      'webhdfs://nn.example.com/user/alice/x.mjs', // the default WebHDFS port is 9870
      'hdfs://ns1/user/alice/x.mjs',
      'webhdfs://ns1/user/alice/x.mjs',
      'hdfs://nn2.example.com:8020/user/alice/x.mjs',
      'webhdfs://nn1.example.com:9870/user/alice/x.mjs',
      // A NameNode's address under another of the schemes: still that NameNode, nothing else is contacted.
      'hdfs://nn.example.com:9870/user/alice/x.mjs',
      `${STAGING}/jobs/x.mjs`,
    ];
    for (const url of good) {
      const res = await submit(url);
      expect(res.status, `${url}: ${res.body}`).toBe(202);
    }
    expect(master.jobs()).toHaveLength(good.length);
  });
});
