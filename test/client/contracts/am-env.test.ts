// The client -> AM environment, written by the client's side and read by the AM's.
import { describe, expect, it } from 'vitest';
import {
  AmEnvNames,
  decodeLocalResources,
  readAmEnv,
  readApplicationProgram,
  writeAmEnv,
  writeApplicationProgram,
  type AmEnvValues,
} from '../../../client/contracts/am-env.js';
import type { ApplicationProgram } from '../../../client/contracts/program-contract.js';

const values: AmEnvValues = {
  mode: 'per-job',
  stagingDir: 'hdfs://nn:9000/user/alice/.loom/application_1_0001',
  localResources: {
    'loom-runtime': {
      uri: 'hdfs://nn:9000/s/loom-runtime.tar.gz',
      size: 10,
      timestamp: 1700000000000,
      type: 'ARCHIVE',
      visibility: 'PRIVATE',
    },
    'loom-conf.yaml': {
      uri: 'hdfs://nn:9000/s/loom-conf.yaml',
      size: 3,
      timestamp: 1700000000001,
      type: 'FILE',
      visibility: 'APPLICATION',
    },
    logs: { uri: 'hdfs://nn:9000/s/logs.jar', size: 4, timestamp: 1, type: 'PATTERN', visibility: 'APPLICATION', pattern: 'lib/*' },
  },
  user: 'alice',
};

const program: ApplicationProgram = {
  bundle: { url: 'hdfs://nn:9000/s/app.tar.gz', kind: 'archive', entry: 'main.mjs', size: 5, modificationTime: 6 },
  entryExport: 'default',
  args: ['--in', 'a b', '"quoted"'],
  bundleName: 'app.tar.gz',
};

describe('client -> AM environment (client/contracts/am-env.ts)', () => {
  it('what the client writes, the AM reads back unchanged', () => {
    const env = writeAmEnv(values);
    expect(Object.keys(env).sort()).toEqual(['HADOOP_USER_NAME', 'LOOM_LOCAL_RESOURCES', 'LOOM_MODE', 'LOOM_STAGING_DIR']);
    // No JSON quotes in a value: the NodeManager writes them into launch_container.sh unescaped.
    expect(env[AmEnvNames.localResources]).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(readAmEnv(env)).toEqual({ values, problems: [] });
  });

  it("application mode: the program's description round-trips, arguments with quotes and spaces included", () => {
    const env = writeApplicationProgram(program);
    expect(env[AmEnvNames.program]).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(readApplicationProgram(env)).toEqual(program);
    expect(() => readApplicationProgram({})).toThrow('application mode needs LOOM_PROGRAM');
    expect(() => readApplicationProgram({ LOOM_PROGRAM: 'bm90IGpzb24=' })).toThrow(/LOOM_PROGRAM is not base64-encoded JSON/);
  });

  it('the AM side: session by default, USER when HADOOP_USER_NAME is absent, every problem named', () => {
    expect(readAmEnv({ LOOM_LOCAL_RESOURCES: '{}', USER: 'yarn' })).toEqual({
      values: { mode: 'session', stagingDir: undefined, localResources: {}, user: 'yarn' },
      problems: [],
    });
    expect(readAmEnv({ LOOM_MODE: 'cluster' }).problems).toEqual([
      "LOOM_MODE is 'cluster', expected one of session, per-job, application",
      "LOOM_LOCAL_RESOURCES is not set (the submitting client lists the AM's local resources there for the TaskExecutors)",
      'neither HADOOP_USER_NAME nor USER is set (the client sets HADOOP_USER_NAME; the NodeManager sets USER)',
    ]);
  });

  it('local resources: plain JSON is read too; the resource and the field that is wrong are named', () => {
    const resource = { url: 'hdfs://nn/x', size: 1, timestamp: 2, type: 'FILE', visibility: 'APPLICATION' };
    expect(decodeLocalResources(JSON.stringify({ a: resource }))).toEqual({
      a: { uri: 'hdfs://nn/x', size: 1, timestamp: 2, type: 'FILE', visibility: 'APPLICATION' },
    });
    expect(() => decodeLocalResources('{loom-runtime:{url:x}}')).toThrow(/neither JSON nor base64-encoded JSON/);
    expect(() => decodeLocalResources('[]')).toThrow(/must be a JSON object/);
    expect(() => decodeLocalResources(JSON.stringify({ a: { ...resource, size: -1 } }))).toThrow(/resource "a" has no valid size/);
    expect(() => decodeLocalResources(JSON.stringify({ a: { ...resource, type: 'DIR' } }))).toThrow(/resource "a" has type "DIR"/);
    expect(() => decodeLocalResources(JSON.stringify({ a: { ...resource, visibility: 'x' } }))).toThrow(/visibility "x"/);
  });
});
