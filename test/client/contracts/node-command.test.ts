import { describe, expect, it } from 'vitest';
import { taskExecutorLaunchSpec } from '../../../appmaster/resourcemanager-bridge/taskexecutor-launch.js';
import { heapMbForContainer } from '../../../client/contracts/am-container-contract.js';
import {
  containerNodePath,
  MALLOC_ARENA_MAX_ASSIGNMENT,
  NODE_LINK_NAME,
  nodeProcessCommand,
} from '../../../client/contracts/node-command.js';
import { amSubmission } from '../../../client/deploy/submit/submission-context.js';
import { LoomConfig, LoomOptions } from '../../../client/conf/loom-config.js';
import type { LocalResourceSpec } from '../../../client/hadoop/yarn/container-launch-context.js';

const runtime: LocalResourceSpec = {
  uri: 'hdfs://nn:8020/r/loom-runtime-1.tar.gz',
  size: 1,
  timestamp: 1,
  type: 'ARCHIVE',
  visibility: 'PUBLIC',
};
const node: LocalResourceSpec = { uri: 'hdfs://nn:8020/r/loom-node-1', size: 2, timestamp: 2, type: 'FILE', visibility: 'PUBLIC' };

function teCommand(nodePath: string, localResources: Record<string, LocalResourceSpec>): string {
  return taskExecutorLaunchSpec({
    nodePath,
    containerMemoryMb: 512,
    amAddress: 'h:1',
    slots: 1,
    amTimeoutMs: 1000,
    user: 'u',
    localResources,
  }).command;
}

function amCommandOf(conf: LoomConfig, localResources: Record<string, LocalResourceSpec>): string {
  const s = amSubmission({
    applicationId: 'application_1_0001',
    conf,
    mode: 'session',
    localResources,
    stagingDirUri: 'hdfs://nn:8020/s',
    user: 'u',
  });
  return (s.amContainer.command as string[])[0];
}

describe('node command', () => {
  it('runs the shipped binary by relative path when loom-node is a local resource, else loom.node.path', () => {
    expect(containerNodePath('/opt/node/bin/node', { 'loom-runtime': runtime, [NODE_LINK_NAME]: node })).toBe('./loom-node');
    expect(containerNodePath('/opt/node/bin/node', { 'loom-runtime': runtime })).toBe('/opt/node/bin/node');
    // A prototype key is not a resource.
    expect(containerNodePath('node', { 'loom-runtime': runtime })).toBe('node');
  });

  it('gives the AM (built by the client) and the TaskExecutors (built by the AM) the same node', () => {
    const conf = LoomConfig.empty().set('jobmanager.memory.process.size', '512m');
    const shipped = { 'loom-runtime': runtime, 'loom-node': node };
    const am = amCommandOf(conf, shipped);
    const te = teCommand(conf.get(LoomOptions.nodePath), shipped);
    expect(am.split(' ')[1]).toBe('./loom-node');
    expect(te.split(' ')[1]).toBe('./loom-node');
    expect(am).toBe(
      `${MALLOC_ARENA_MAX_ASSIGNMENT} ./loom-node --max-old-space-size=${heapMbForContainer(512)} loom-runtime/dist/appmaster/main.js 1><LOG_DIR>/appmaster.stdout 2><LOG_DIR>/appmaster.stderr`,
    );
    expect(te).toBe(
      `${MALLOC_ARENA_MAX_ASSIGNMENT} ./loom-node --max-old-space-size=${heapMbForContainer(512)} loom-runtime/dist/taskexecutor/main.js 1><LOG_DIR>/taskexecutor.out 2><LOG_DIR>/taskexecutor.err`,
    );

    const installed = LoomConfig.empty().set('loom.node.path', '/opt/node 20/bin/node').set('jobmanager.memory.process.size', '512m');
    expect(amCommandOf(installed, { 'loom-runtime': runtime }).startsWith(`${MALLOC_ARENA_MAX_ASSIGNMENT} '/opt/node 20/bin/node' `)).toBe(
      true,
    );
    expect(
      teCommand('/opt/node 20/bin/node', { 'loom-runtime': runtime }).startsWith(`${MALLOC_ARENA_MAX_ASSIGNMENT} '/opt/node 20/bin/node' `),
    ).toBe(true);
  });

  it('escapes the node path for the NodeManager\'s unescaped bash -c "..."', () => {
    const c = nodeProcessCommand({
      nodePath: '/x/$HOME/"n"',
      containerMemoryMb: 1024,
      entryPoint: 'e.js',
      stdoutFile: 'o',
      stderrFile: 'e',
    });
    expect(c.startsWith(`${MALLOC_ARENA_MAX_ASSIGNMENT} '/x/\\$HOME/\\"n\\"' `)).toBe(true);
  });
});
