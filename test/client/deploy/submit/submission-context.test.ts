import { describe, expect, it } from 'vitest';
import { LoomConfig } from '../../../../client/conf/loom-config.js';
import { MALLOC_ARENA_MAX_ASSIGNMENT } from '../../../../client/contracts/node-command.js';
import { amCommand, amSubmission } from '../../../../client/deploy/submit/submission-context.js';
import { escapeForDoubleQuotes, shellWord } from '../../../../client/hadoop/yarn/launch-escaping.js';
import { decodeLocalResources } from '../../../../client/contracts/am-env.js';
import type { LocalResourceSpec } from '../../../../client/hadoop/yarn/container-launch-context.js';

const resources: Record<string, LocalResourceSpec> = {
  'loom-runtime': {
    uri: 'webhdfs://127.0.0.1:9870/user/a/.loom/runtime/loom-runtime-abc.tar.gz',
    size: 10,
    timestamp: 1700000000000,
    type: 'ARCHIVE',
    visibility: 'PRIVATE',
  },
  'loom-conf.yaml': {
    uri: 'webhdfs://127.0.0.1:9870/user/a/.loom/application_1_0001/loom-conf.yaml',
    size: 3,
    timestamp: 1700000000001,
    type: 'FILE',
    visibility: 'APPLICATION',
  },
};

function envOf(submission: ReturnType<typeof amSubmission>): Record<string, string> {
  const list = (submission.amContainer as { environment: { key: string; value: string }[] }).environment;
  return Object.fromEntries(list.map((e) => [e.key, e.value]));
}

describe('AM submission context', () => {
  it('carries the flags and Loom options as YARN fields', () => {
    const conf = LoomConfig.load({
      env: {},
      cwd: '/nonexistent',
      dynamicProperties: [
        'jobmanager.memory.process.size=768m',
        'yarn.application.name=my session',
        'yarn.application.queue=q1',
        'yarn.application.priority=3',
        'yarn.tags=a;b',
        'yarn.application-attempts=4',
        'yarn.appmaster.vcores=2',
        'loom.node.path=/opt/node 20/bin/node',
      ],
    });
    const s = amSubmission({
      applicationId: 'application_1_0001',
      conf,
      mode: 'session',
      localResources: resources,
      stagingDirUri: 'webhdfs://x/y',
      user: 'alice',
    });
    expect(s).toMatchObject({
      applicationId: 'application_1_0001',
      name: 'my session',
      queue: 'q1',
      priority: 3,
      tags: ['a', 'b', 'loom-mode:session'],
      type: 'Loom',
      amResource: { memoryMb: 768, vcores: 2 },
      maxAppAttempts: 4,
      keepContainersAcrossApplicationAttempts: true,
    });
    expect((s.amContainer as { command: string[] }).command).toEqual([
      `${MALLOC_ARENA_MAX_ASSIGNMENT} '/opt/node 20/bin/node' --max-old-space-size=576 loom-runtime/dist/appmaster/main.js 1><LOG_DIR>/appmaster.stdout 2><LOG_DIR>/appmaster.stderr`,
    ]);
    const env = envOf(s);
    expect(env).toMatchObject({ LOOM_MODE: 'session', LOOM_STAGING_DIR: 'webhdfs://x/y', HADOOP_USER_NAME: 'alice' });
    // The AM reads the resources back in its own format: the contract holds end to end.
    const decoded = decodeLocalResources(env.LOOM_LOCAL_RESOURCES);
    expect(decoded['loom-runtime']).toEqual({
      uri: resources['loom-runtime'].uri,
      size: 10,
      timestamp: 1700000000000,
      type: 'ARCHIVE',
      visibility: 'PRIVATE',
    });
    expect(Object.keys(decoded)).toEqual(['loom-runtime', 'loom-conf.yaml']);
    const local = (s.amContainer as { localResources: { key: string; value: { resource: { scheme: string; file: string } } }[] })
      .localResources;
    expect(local.map((l) => [l.key, l.value.resource.scheme, l.value.resource.file])).toEqual([
      ['loom-runtime', 'webhdfs', '/user/a/.loom/runtime/loom-runtime-abc.tar.gz'],
      ['loom-conf.yaml', 'webhdfs', '/user/a/.loom/application_1_0001/loom-conf.yaml'],
    ]);
  });

  it('leaves YARN defaults alone when nothing is set', () => {
    const conf = LoomConfig.load({ env: {}, cwd: '/nonexistent' });
    const s = amSubmission({
      applicationId: 'application_1_0001',
      conf,
      mode: 'session',
      localResources: resources,
      stagingDirUri: 'webhdfs://x/y',
      user: 'alice',
    });
    expect(s.name).toBe('Loom session cluster');
    expect(s.queue).toBeUndefined();
    expect(s.priority).toBeUndefined();
    expect(s.tags).toEqual(['loom-mode:session']);
    expect(s.amResource).toEqual({ memoryMb: 1024, vcores: 1 });
    expect(s.maxAppAttempts).toBe(2);
  });

  it('escapes what the NodeManager pastes unescaped into launch_container.sh', () => {
    expect(amCommand('node', 1024)).toBe(
      `${MALLOC_ARENA_MAX_ASSIGNMENT} node --max-old-space-size=768 loom-runtime/dist/appmaster/main.js 1><LOG_DIR>/appmaster.stdout 2><LOG_DIR>/appmaster.stderr`,
    );
    expect(shellWord('/usr/bin/node')).toBe('/usr/bin/node');
    expect(shellWord("it's")).toBe(`'it'\\''s'`);
    expect(escapeForDoubleQuotes('a "b" $c `d` \\e')).toBe('a \\"b\\" \\$c \\`d\\` \\\\e');
  });
});
