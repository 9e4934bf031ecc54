import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newClusterSecret } from '../../client/contracts/cluster-secret.js';
import { DEFAULT_AM_TIMEOUT_MS, taskExecutorConfigFromEnv } from '../../taskexecutor/taskexecutor-config.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-te-conf-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('taskExecutorConfigFromEnv', () => {
  it('reads the container environment: secret file relative to the working dir, contract names, NM variables', async () => {
    const secret = newClusterSecret();
    await writeFile(join(dir, 'loom-secret'), `${secret}\n`);
    const config = taskExecutorConfigFromEnv(
      {
        LOOM_AM_ADDRESS: 'node7.example.com:41234',
        LOOM_SECRET_FILE: 'loom-secret',
        LOOM_SLOTS: '4',
        LOOM_AM_TIMEOUT_MS: '90000',
        CONTAINER_ID: 'container_e02_1700000000000_0001_01_000003',
        NM_HOST: 'node3.example.com',
        HADOOP_USER_NAME: 'alice',
        USER: 'yarn',
        HADOOP_CONF_DIR: '/etc/hadoop',
        LOOM_HADOOP_CONF: 'conf-shipped',
        LOG_DIRS: '/data1/yarn/logs/application_1_0001/c3,/data2/yarn/logs/application_1_0001/c3',
        LOOM_LOG_LEVEL: 'debug',
        LOOM_LOG_FORMAT: 'json',
      },
      dir,
    );
    expect(config).toEqual({
      amAddress: { host: 'node7.example.com', port: 41234 },
      secret,
      slots: 4,
      taskExecutorId: 'container_e02_1700000000000_0001_01_000003',
      host: 'node3.example.com',
      amTimeoutMs: 90_000,
      memoryMb: 0,
      hadoopConfDir: join(dir, 'conf-shipped'),
      hdfsUser: 'alice',
      bundleCacheDir: join(dir, 'loom-bundles'),
      // The AM's loom.log.level and loom.log.format.
      log: { level: 'debug', format: 'json' },
      // The first of LOG_DIRS: task output files go there.
      logDir: '/data1/yarn/logs/application_1_0001/c3',
    });
  });

  it('defaults: one slot, the AM timeout, USER as the identity, the secret itself outside YARN; IPv6 AM address', () => {
    const secret = newClusterSecret();
    const config = taskExecutorConfigFromEnv(
      { LOOM_AM_ADDRESS: '[::1]:9000', LOOM_CLUSTER_SECRET: secret, USER: 'bob', NM_HOST: 'h' },
      dir,
    );
    expect(config).toMatchObject({
      amAddress: { host: '::1', port: 9000 },
      secret,
      slots: 1,
      amTimeoutMs: DEFAULT_AM_TIMEOUT_MS,
      hdfsUser: 'bob',
      logDir: dir,
      taskExecutorId: `local_h_${process.pid}`,
    });
  });

  it('names every problem at once', () => {
    expect(() => taskExecutorConfigFromEnv({ LOOM_SLOTS: '0', LOOM_CLUSTER_SECRET: 'short' }, dir)).toThrow(
      "the TaskExecutor cannot start: LOOM_AM_ADDRESS is not set: it must hold the AM's gateway address as host:port; " +
        'LOOM_CLUSTER_SECRET does not hold a Loom cluster secret; it is written by yarn-session, do not edit it; ' +
        'LOOM_SLOTS="0" is not a whole number of at least 1',
    );
  });
});
