// The programmatic client reads its configuration as the commands do: properties as -D, a bad
// value refused before any network call, a Flink option Loom does not support as a warning, the
// Hadoop user from HADOOP_USER_NAME. (test/library/npm-pack.test.ts runs it against a cluster.)
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoomClient } from '../../../client/api/loom-client.js';
import { ConfigurationError } from '../../../client/conf/configuration-error.js';

let dir: string;
const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HADOOP_USER_NAME: 'alice', ...extra });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-client-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('LoomClient.create', () => {
  it('says when only Hadoop defaults are in use, whose file:/// cannot stage a cluster', () => {
    const lines: string[] = [];
    expect(() => LoomClient.create({ env: env(), cwd: dir, log: (line) => lines.push(line) })).toThrow(/fs\.defaultFS is not an hdfs/);
    expect(lines.join('\n')).toMatch(/no Hadoop configuration .*using Hadoop's defaults/);
  });

  it('takes Hadoop keys among the properties, as -D, and acts as HADOOP_USER_NAME', async () => {
    const lines: string[] = [];
    const properties = { 'fs.defaultFS': 'webhdfs://127.0.0.1:1' };
    const client = LoomClient.create({ env: env(), cwd: dir, properties, log: (line) => lines.push(line) });
    try {
      expect(client.user).toBe('alice');
      expect(lines).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('refuses a bad value before any network call, naming the key', () => {
    expect(() => LoomClient.create({ env: env(), cwd: dir, properties: { 'jobmanager.memory.process.size': 'lots' } })).toThrow(
      ConfigurationError,
    );
    expect(() => LoomClient.create({ env: env(), cwd: dir, properties: { 'jobmanager.memory.process.size': 'lots' } })).toThrow(
      /jobmanager\.memory\.process\.size/,
    );
  });

  it("reads conf/loom.yaml under cwd, or LOOM_CONF_DIR's, and refuses a LOOM_CONF_DIR without one", async () => {
    await writeFile(join(dir, 'loom.yaml'), 'taskmanager.numberOfTaskSlots: 0\n');
    expect(() => LoomClient.create({ env: env({ LOOM_CONF_DIR: dir }) })).toThrow(ConfigurationError);
    expect(() => LoomClient.create({ env: env({ LOOM_CONF_DIR: join(dir, 'missing') }) })).toThrow(/LOOM_CONF_DIR/);
  });
});
