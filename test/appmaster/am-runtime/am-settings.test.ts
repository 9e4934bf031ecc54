import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { amSettings } from '../../../appmaster/am-runtime/am-settings.js';
import { readClusterFiles } from '../../../appmaster/am-runtime/cluster-files.js';
import { LoomConfig } from '../../../client/conf/loom-config.js';
import { newClusterSecret } from '../../../client/contracts/cluster-secret.js';

describe('amSettings', () => {
  it('reads TaskExecutor size, slots, limits and heartbeat pacing from the cluster configuration', () => {
    const conf = LoomConfig.fromYaml(
      [
        'taskmanager.memory.process.size: 1.5g',
        'taskmanager.numberOfTaskSlots: 3',
        'yarn.maximum-failed-containers: 4',
        'yarn.heartbeat.interval: 2 s',
        'yarn.heartbeat.container-request-interval: 150 ms',
        'loom.taskexecutor.idle-timeout: 10 s',
        'loom.taskexecutor.am-timeout: 20 s',
        'loom.node.path: /opt/node/bin/node',
      ].join('\n'),
    );
    expect(amSettings(conf)).toEqual({
      taskExecutor: { memoryMb: 1536, vcores: 3, slots: 3, amTimeoutMs: 20_000, idleTimeoutMs: 10_000 },
      nodePath: '/opt/node/bin/node',
      maxFailedContainers: 4,
      pacing: { fastMs: 150, slowMs: 2000 },
    });
  });

  it('gives one vcore per slot unless yarn.containers.vcores says otherwise, and leaves the failure limit to the default', () => {
    const plain = amSettings(LoomConfig.fromYaml('taskmanager.numberOfTaskSlots: 2'));
    expect(plain.taskExecutor.vcores).toBe(2);
    expect(plain.maxFailedContainers).toBeUndefined();
    expect(amSettings(LoomConfig.fromYaml('taskmanager.numberOfTaskSlots: 2\nyarn.containers.vcores: 1')).taskExecutor.vcores).toBe(1);
  });
});

describe('readClusterFiles', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('reads loom-conf.yaml and loom-secret from the working directory', () => {
    dir = mkdtempSync(join(tmpdir(), 'loom-am-files-'));
    const secret = newClusterSecret();
    writeFileSync(join(dir, 'loom-conf.yaml'), 'taskmanager.numberOfTaskSlots: 2\n');
    writeFileSync(join(dir, 'loom-secret'), `${secret}\n`);
    const files = readClusterFiles({ workDir: dir });
    expect(files.secret).toBe(secret);
    expect(amSettings(files.config).taskExecutor.slots).toBe(2);
  });

  it('names the missing local resource and who provides it', () => {
    dir = mkdtempSync(join(tmpdir(), 'loom-am-files-'));
    expect(() => readClusterFiles({ workDir: dir! })).toThrow(
      /cannot read the local resource loom-conf.yaml at .*the submitting client registers it/,
    );
    writeFileSync(join(dir, 'loom-conf.yaml'), 'taskmanager.numberOfTaskSlots: zero\n');
    expect(() => readClusterFiles({ workDir: dir! })).toThrow(/taskmanager.numberOfTaskSlots/);
  });
});
