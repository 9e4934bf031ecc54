import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { heapMbForContainer } from '../../../client/contracts/am-container-contract.js';
import { MALLOC_ARENA_MAX_ASSIGNMENT } from '../../../client/contracts/node-command.js';
import { readTaskExecutorEnv } from '../../../client/contracts/taskexecutor-env.js';
import { taskExecutorLaunchSpec } from '../../../appmaster/resourcemanager-bridge/taskexecutor-launch.js';
import { renderLaunchScript } from '../../../minicluster/nodemanager/launch-script.js';

const resources = {
  'loom-runtime': {
    uri: 'hdfs://127.0.0.1:9000/x/loom-runtime.tar.gz',
    size: 10,
    timestamp: 1,
    type: 'ARCHIVE' as const,
    visibility: 'APPLICATION' as const,
  },
  'loom-secret': {
    uri: 'hdfs://127.0.0.1:9000/x/loom-secret',
    size: 44,
    timestamp: 2,
    type: 'FILE' as const,
    visibility: 'APPLICATION' as const,
  },
};

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('taskExecutorLaunchSpec', () => {
  it('builds the command, environment and resources from the contract', () => {
    const spec = taskExecutorLaunchSpec({
      nodePath: '/usr/bin/node',
      containerMemoryMb: 1024,
      amAddress: '127.0.0.1:40123',
      slots: 2,
      amTimeoutMs: 60000,
      user: 'root',
      localResources: resources,
    });
    expect(spec.command).toBe(
      `${MALLOC_ARENA_MAX_ASSIGNMENT} /usr/bin/node --max-old-space-size=${heapMbForContainer(1024)} loom-runtime/dist/taskexecutor/main.js 1><LOG_DIR>/taskexecutor.out 2><LOG_DIR>/taskexecutor.err`,
    );
    expect(spec.environment).toEqual({
      LOOM_AM_ADDRESS: '127.0.0.1:40123',
      LOOM_SECRET_FILE: 'loom-secret',
      LOOM_SLOTS: '2',
      LOOM_AM_TIMEOUT_MS: '60000',
      HADOOP_USER_NAME: 'root',
      LOOM_TASKEXECUTOR_MEMORY_MB: '1024',
    });
    expect(spec.localResources).toEqual(resources);
  });

  it("hands the AM's loom.log.level and loom.log.format to the TaskExecutor, which reads them back", () => {
    const spec = taskExecutorLaunchSpec({
      nodePath: 'node',
      containerMemoryMb: 1024,
      amAddress: '127.0.0.1:40123',
      slots: 1,
      amTimeoutMs: 60000,
      user: 'root',
      localResources: resources,
      log: { level: 'warn', format: 'json' },
    });
    expect(spec.environment).toMatchObject({ LOOM_LOG_LEVEL: 'warn', LOOM_LOG_FORMAT: 'json' });
    expect(readTaskExecutorEnv(spec.environment).values).toMatchObject({ logLevel: 'warn', logFormat: 'json' });
  });

  /** Renders the TaskExecutor's launch_container.sh as the NM would and runs it with a fake node that records its arguments and environment. */
  function runThroughLaunchScript(
    user: string,
    adminEnv?: [string, string][],
  ): { args: string[]; env: Record<string, string>; logs: string } {
    dir = mkdtempSync(join(tmpdir(), 'loom-te-launch-'));
    const work = join(dir, 'work');
    const logs = join(dir, 'logs');
    mkdirSync(join(work, 'loom-runtime/dist/taskexecutor'), { recursive: true });
    mkdirSync(logs);
    // A fake "node" under an awkward path: records its arguments and the variables it got.
    const binDir = join(dir, 'my $HOME "node"');
    mkdirSync(binDir);
    const fakeNode = join(binDir, 'node');
    writeFileSync(fakeNode, '#!/bin/bash\nprintf "%s\\n" "$@" > args.txt\nenv > env.txt\necho out-line\necho err-line >&2\n');
    chmodSync(fakeNode, 0o755);

    const spec = taskExecutorLaunchSpec({
      nodePath: fakeNode,
      containerMemoryMb: 512,
      amAddress: 'node-1.example:1234',
      slots: 3,
      amTimeoutMs: 5000,
      user,
      localResources: resources,
    });
    const script = renderLaunchScript({
      containerId: 'container_1_0001_01_000002',
      appId: 'application_1_0001',
      user: 'root',
      workDir: work,
      logDir: logs,
      localDir: dir,
      nmHost: '127.0.0.1',
      nmPort: 1,
      nmHttpPort: 2,
      localizationCounters: { bytesMissed: 0, bytesCached: 0, filesMissed: 0, filesCached: 0, ms: 0 },
      environment: Object.entries(spec.environment),
      commands: [spec.command],
      links: [],
      nmWhitelistEnv: [['PATH', '/usr/bin:/bin']],
      ...(adminEnv ? { adminEnv } : {}),
    });
    writeFileSync(join(work, 'launch_container.sh'), script);
    execFileSync('/bin/bash', ['launch_container.sh'], { cwd: work, env: {} });
    const args = readFileSync(join(work, 'args.txt'), 'utf8').trim().split('\n');
    const env = Object.fromEntries(
      readFileSync(join(work, 'env.txt'), 'utf8')
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    return { args, env, logs };
  }

  it('survives the NodeManager launch script unchanged, even with quotes, $ and spaces', () => {
    const user = `o'brien "x" $USER \`id\``;
    const { args, env, logs } = runThroughLaunchScript(user);
    expect(args).toEqual([`--max-old-space-size=${heapMbForContainer(512)}`, 'loom-runtime/dist/taskexecutor/main.js']);
    expect(Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('LOOM_') || k === 'HADOOP_USER_NAME'))).toEqual({
      LOOM_AM_ADDRESS: 'node-1.example:1234',
      LOOM_SECRET_FILE: 'loom-secret',
      LOOM_SLOTS: '3',
      LOOM_AM_TIMEOUT_MS: '5000',
      LOOM_TASKEXECUTOR_MEMORY_MB: '512',
      HADOOP_USER_NAME: user,
    });
    expect(readFileSync(join(logs, 'taskexecutor.out'), 'utf8')).toBe('out-line\n');
    expect(readFileSync(join(logs, 'taskexecutor.err'), 'utf8')).toBe('err-line\n');
  });

  it('caps malloc arenas at 4 under the default admin env (MALLOC_ARENA_MAX=""), and keeps a value the admin set', () => {
    expect(runThroughLaunchScript('u').env.MALLOC_ARENA_MAX).toBe('4');
    rmSync(dir!, { recursive: true, force: true });
    expect(runThroughLaunchScript('u', [['MALLOC_ARENA_MAX', '2']]).env.MALLOC_ARENA_MAX).toBe('2');
  });
});
