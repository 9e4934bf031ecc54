// The RM starts AM containers the way Hadoop's AMLauncher does: over the NodeManager's IPC port,
// authenticated with an NMToken the RM issued, checked by the NM like any AM's call; a refused
// start fails the attempt with "Error launching <attempt>. Got exception: ...".
import { mkdtemp, rm as removeDir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateMasterKey } from '../../../client/wire/security/token-identifiers.js';
import { NodeManager, type NodeTracker } from '../../../minicluster/nodemanager/node-manager.js';
import { ResourceManager } from '../../../minicluster/resourcemanager/resource-manager.js';
import { AM_LAUNCHED_WAITING_FOR_REGISTER } from '../../../minicluster/resourcemanager/rm-diagnostics.js';
import { amContainerOf, startClusterWithClients, submitAm, waitFor, waitForState } from '../mini-cluster-kit.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (stops.length) await stops.pop()!().catch(() => undefined);
});

const FAST = { nodes: 1, heartbeatMs: 40, rmConfig: { minimumAllocationMb: 128 } };

const cluster = () => startClusterWithClients(FAST, stops);

const attemptOf = (appId: string): string => `${appId.replace('application_', 'appattempt_')}_000001`;

describe('AM containers started by the RM over ContainerManagementProtocol', () => {
  it('reach the NM as a startContainers call on its IPC port, authenticated with the NMToken of the attempt', async () => {
    const { c, k } = await cluster();
    const appId = await submitAm(k.rm, { command: 'exec sleep 60' });
    const report = await waitFor(async () => {
      const r = await waitForState(k.rm, appId, ['ACCEPTED']);
      return r.diagnostics === AM_LAUNCHED_WAITING_FOR_REGISTER ? r : undefined;
    }, 'the attempt to be LAUNCHED');
    expect(report.yarn_application_state).toBe('ACCEPTED');
    const am = amContainerOf(c, appId)!;
    const nm = c.nodes[0];

    // One start, from a real client connection (not the NM's own port), with the RM's NMToken for attempt 1.
    const starts = nm.acceptedStarts();
    expect(starts.map((s) => [s.containerId, s.nmTokenAttemptId])).toEqual([[am.containerId, attemptOf(appId)]]);
    const [host, port] = [
      starts[0].remoteAddress.slice(0, starts[0].remoteAddress.lastIndexOf(':')),
      Number(starts[0].remoteAddress.split(':').at(-1)),
    ];
    expect(host).toMatch(/^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/);
    expect(port).toBeGreaterThan(0);
    expect(port).not.toBe(nm.port);

    // ALLOCATED on a heartbeat, LAUNCHED afterwards by the launcher.
    const events = c.resourceManager.core.events
      .filter((e) => e.type === 'attempt-state' && e.attemptId === attemptOf(appId))
      .map((e) => (e.type === 'attempt-state' ? e.state : ''));
    expect(events).toEqual(['SCHEDULED', 'ALLOCATED', 'LAUNCHED']);
  });

  it("fail the attempt with AMLauncher's diagnostics when the NM refuses the launch context", async () => {
    const { c, k } = await cluster();
    // A local resource without a visibility: ContainerManagerImpl refuses the start per container.
    const resource = {
      key: 'data.txt',
      value: { resource: { scheme: 'webhdfs', host: '127.0.0.1', port: 1, file: '/x' }, size: 1, timestamp: 1, type: 'FILE' },
    };
    const appId = await submitAm(k.rm, { command: 'exec sleep 60', localResources: [resource], maxAppAttempts: 1 });
    const report = await waitForState(k.rm, appId, ['FAILED']);
    const attemptId = attemptOf(appId);
    const attempt = c.resourceManager.core.appRecord(appId).attempts[0];
    const launchFailure = attempt.diagnostics;
    expect(
      launchFailure.startsWith(
        `Error launching ${attemptId}. Got exception: org.apache.hadoop.yarn.exceptions.YarnException: Null resource visibility for local resource data.txt : {`,
      ),
    ).toBe(true);
    expect(launchFailure.endsWith('}\n')).toBe(true);
    expect([attempt.state, attempt.exitStatus]).toEqual(['FAILED', -1000]);
    expect(report.diagnostics).toBe(
      `Application ${appId} failed 1 times (global limit =2; local limit is =1) due to ${launchFailure}. Failing the application.`,
    );
    expect(c.nodes[0].acceptedStarts()).toEqual([]);
    expect(c.nodes[0].livePids().size).toBe(0);
  });
});

describe('an NMToken the NodeManager does not accept', () => {
  it('fails the launch at SASL authentication, before any start reaches the NM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loom-am-launcher-'));
    stops.push(() => removeDir(dir, { recursive: true, force: true }));
    const rm = await ResourceManager.start({ config: { minimumAllocationMb: 128, nodeHeartbeatIntervalMs: 40 } });
    stops.push(() => rm.stop());
    // This NM checks NMTokens against another NM master key than the one the RM signs with.
    const foreignNmKey = { keyId: 7, key: generateMasterKey().toString('base64') };
    const tracker = (): NodeTracker => {
      const core = rm.core;
      return {
        clusterTimestamp: core.clusterTimestamp,
        registerNode: (reg) => core.registerNode(reg),
        nodeHeartbeat: (nodeId, statuses) => core.nodeHeartbeat(nodeId, statuses),
        nodeManagerKeys: () => ({ ...core.nodeManagerKeys(), nmKey: foreignNmKey }),
      };
    };
    const nm = await NodeManager.start({
      tracker,
      localDir: join(dir, 'local'),
      logDir: join(dir, 'logs'),
      source: {
        stat: () => Promise.reject(new Error('no file system here')),
        open: () => Promise.reject(new Error('no file system here')),
      },
      nameNodePort: 1,
      memoryMb: 4096,
      vcores: 4,
      heartbeatMs: 40,
    });
    stops.push(() => nm.stop());

    const core = rm.core;
    const appIdProto = core.getNewApplication().application_id;
    core.submitApplication(
      {
        application_id: appIdProto,
        resource: { memory: 128, virtual_cores: 1 },
        am_container_spec: { command: ['exec sleep 60'] },
        maxAppAttempts: 1,
      },
      'alice',
    );
    const appId = core.allApps()[0].id;
    await waitFor(() => core.appRecord(appId).state === 'FAILED', `${appId} to fail`);
    const attempt = core.appRecord(appId).attempts[0];
    expect(attempt.diagnostics).toMatch(
      new RegExp(
        `^Error launching ${attemptOf(appId)}\\. Got exception: org\\.apache\\.hadoop\\.security\\.token\\.SecretManager\\$InvalidToken: .+\\n$`,
      ),
    );
    expect(nm.acceptedStarts()).toEqual([]);
  });
});
