// The AM -> TaskExecutor environment, written by the AM's side and read by the TaskExecutor's.
import { describe, expect, it } from 'vitest';
import { newClusterSecret } from '../../../client/contracts/cluster-secret.js';
import {
  DEFAULT_AM_TIMEOUT_MS,
  readTaskExecutorEnv,
  TaskExecutorEnvNames,
  writeTaskExecutorEnv,
} from '../../../client/contracts/taskexecutor-env.js';

describe('AM -> TaskExecutor environment (client/contracts/taskexecutor-env.ts)', () => {
  it('what the AM writes, the TaskExecutor reads back', () => {
    const env = writeTaskExecutorEnv({
      amAddress: '[fe80::1]:41234',
      secretFile: 'loom-secret',
      slots: 3,
      amTimeoutMs: 90_000,
      user: 'alice',
      memoryMb: 2048,
      haStoreUrl: 'hdfs://nn:9000/user/alice/.loom/application_1_0001/ha',
      stagingDir: 'hdfs://nn:9000/user/alice/.loom/application_1_0001',
      logLevel: 'debug',
      logFormat: 'json',
    });
    expect(Object.keys(env).sort()).toEqual([
      'HADOOP_USER_NAME',
      'LOOM_AM_ADDRESS',
      'LOOM_AM_TIMEOUT_MS',
      'LOOM_HA_STORE',
      'LOOM_LOG_FORMAT',
      'LOOM_LOG_LEVEL',
      'LOOM_SECRET_FILE',
      'LOOM_SLOTS',
      'LOOM_STAGING_DIR',
      'LOOM_TASKEXECUTOR_MEMORY_MB',
    ]);
    expect(readTaskExecutorEnv(env)).toEqual({
      values: {
        amAddress: { host: 'fe80::1', port: 41234 },
        secretFile: 'loom-secret',
        secret: undefined,
        slots: 3,
        amTimeoutMs: 90_000,
        memoryMb: 2048,
        user: 'alice',
        haStoreUrl: 'hdfs://nn:9000/user/alice/.loom/application_1_0001/ha',
        stagingDir: 'hdfs://nn:9000/user/alice/.loom/application_1_0001',
        hadoopConfDir: undefined,
        bundleCacheDir: undefined,
        logLevel: 'debug',
        logFormat: 'json',
      },
      problems: [],
    });
  });

  it('a single attempt without a staging dir sets neither; the reader then has none', () => {
    const env = writeTaskExecutorEnv({ amAddress: 'h:1', secretFile: 's', slots: 1, amTimeoutMs: 1, user: 'u', memoryMb: 0 });
    expect(env).not.toHaveProperty(TaskExecutorEnvNames.haStore);
    expect(env).not.toHaveProperty(TaskExecutorEnvNames.stagingDir);
    expect(readTaskExecutorEnv(env).values).toMatchObject({ haStoreUrl: undefined, stagingDir: undefined });
  });

  it("without the AM's log settings the TaskExecutor logs at info as text; a value it does not know is a problem naming the allowed ones", () => {
    const env = writeTaskExecutorEnv({ amAddress: 'h:1', secretFile: 's', slots: 1, amTimeoutMs: 1, user: 'u', memoryMb: 0 });
    expect(env).not.toHaveProperty(TaskExecutorEnvNames.logLevel);
    expect(env).not.toHaveProperty(TaskExecutorEnvNames.logFormat);
    expect(readTaskExecutorEnv(env).values).toMatchObject({ logLevel: 'info', logFormat: 'text' });
    const bad = readTaskExecutorEnv({ ...env, LOOM_LOG_LEVEL: 'verbose', LOOM_LOG_FORMAT: 'xml' });
    expect(bad.problems).toEqual([
      'LOOM_LOG_LEVEL="verbose" is not one of debug, info, warn, error',
      'LOOM_LOG_FORMAT="xml" is not one of text, json',
    ]);
  });

  it('outside YARN: the secret itself, defaults for what is absent, every problem named', () => {
    const secret = newClusterSecret();
    expect(
      readTaskExecutorEnv({ LOOM_AM_ADDRESS: 'h:9', LOOM_CLUSTER_SECRET: secret, HADOOP_CONF_DIR: '/etc/hadoop' }).values,
    ).toMatchObject({
      secret,
      secretFile: undefined,
      slots: 1,
      amTimeoutMs: DEFAULT_AM_TIMEOUT_MS,
      memoryMb: 0,
      hadoopConfDir: '/etc/hadoop',
    });
    expect(readTaskExecutorEnv({ LOOM_AM_ADDRESS: 'h', LOOM_SLOTS: 'x' }).problems).toEqual([
      'LOOM_AM_ADDRESS=h has no port: write host:port',
      'no cluster secret: set LOOM_SECRET_FILE to the file holding it (or LOOM_CLUSTER_SECRET outside YARN)',
      'LOOM_SLOTS="x" is not a whole number of at least 1',
    ]);
  });
});
