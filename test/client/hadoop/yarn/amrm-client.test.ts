import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AMRM_TOKEN_KIND,
  decodeAMRMTokenIdentifier,
  decodeNMTokenIdentifier,
  encodeAMRMTokenIdentifier,
  mintToken,
} from '../../../../client/wire/security/token-identifiers.js';
import { AMRMClient, type AllocateResult } from '../../../../client/hadoop/yarn/amrm-client.js';
import { allocateErrorKind } from '../../../../client/hadoop/yarn/allocate-errors.js';
import { AllocateRefusedError, AttemptOverError } from '../../../../client/hadoop/yarn/yarn-client-errors.js';
import { formatApplicationAttemptId, type ApplicationAttemptId } from '../../../../client/wire/codec/yarn-ids.js';
import { amrmTokenAuth } from '../../../../minicluster/resourcemanager/am-service.js';
import { ResourceManagerCore } from '../../../../minicluster/resourcemanager/resource-manager-core.js';
import { recordsOf } from '../../../../minicluster/resourcemanager/rm-state.js';
import { confWith } from '../../conf/temp-conf-dir.js';
import { launchAm, rmConfValues, startMiniRm, writeContainerTokens, type MiniRm, type MiniRmOptions } from './mini-rm-harness.js';

type Obj = Record<string, any>;

const stops: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (stops.length) await stops.pop()!();
});

async function miniRm(opts: MiniRmOptions = {}): Promise<MiniRm> {
  const rm = await startMiniRm(opts);
  stops.push(() => rm.stop());
  return rm;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'loom-amrm-'));
  stops.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** AMRMClient.createFromConf with the AMRMToken read from container_tokens, as inside an AM container. */
function amrmClient(rm: MiniRm, token: Parameters<typeof writeContainerTokens>[1]): AMRMClient {
  const client = AMRMClient.createFromConf(confWith(rmConfValues(rm)), { env: writeContainerTokens(tempDir(), token) });
  stops.push(() => client.close());
  return client;
}

/** The `*` asks of each recorded allocate, as [priority, count] pairs. */
function anyAsks(rm: MiniRm): [number, number][][] {
  return rm.amCalls
    .filter((c) => c.method === 'allocate')
    .map((c) =>
      ((c.request.ask ?? []) as Obj[])
        .filter((a) => a.resource_name === '*')
        .map((a) => [a.priority.priority, a.num_containers] as [number, number]),
    );
}

const small = { capability: { memoryMb: 128, vcores: 1 }, priority: 1 };

describe('AMRMClient against the mini RM over TCP', () => {
  it('registers, asks for 3 containers with absolute asks lowered as they arrive, releases the surplus one and unregisters', async () => {
    const rm = await miniRm();
    const am = launchAm(rm);
    const client = amrmClient(rm, am.amrmToken);
    expect(client.attemptId).toBe(am.attemptId);

    const reg = await client.register('127.0.0.1', 12345, 'http://127.0.0.1:12345/ui');
    expect(reg).toMatchObject({ maximumCapability: { memoryMb: 8192, vcores: 4 }, queue: 'default', schedulerResourceTypes: ['MEMORY'] });
    expect(rm.core.appRecord(am.appId).state).toBe('RUNNING');

    for (let i = 0; i < 3; i++) client.addContainerRequest({ ...small });
    const results: AllocateResult[] = [];
    results.push(await client.allocate(0.1)); // ask 3
    rm.core.nodeHeartbeat(rm.nodeId); // RM allocates c1
    results.push(await client.allocate(0.2)); // nothing changed: no ask; receives c1, table -> 2
    rm.core.nodeHeartbeat(rm.nodeId); // c2
    results.push(await client.allocate(0.3)); // ask 2 (replaces the RM's 1); receives c2, table -> 1
    rm.core.nodeHeartbeat(rm.nodeId); // c3 (RM ask 2 -> 1)
    rm.core.nodeHeartbeat(rm.nodeId); // c4 (RM ask 1 -> 0): one more than the AM still wants
    client.updateBlacklist(['badhost.example']);
    results.push(await client.allocate(0.4)); // ask 1; receives c3 (table -> 0) and c4 (surplus)

    const allocated = results.flatMap((r) => r.allocated);
    const surplus = results.flatMap((r) => r.surplus);
    expect(allocated).toHaveLength(3);
    expect(surplus).toHaveLength(1);
    // the RM normalized 128 MB up to its 1024 MB minimum: matched by priority, not by size
    expect(allocated.every((c) => c.resource.memoryMb === 1024 && c.priority === 1)).toBe(true);
    expect(client.outstandingAsks()).toEqual([]);

    client.releaseAssignedContainer(surplus[0].id);
    const afterRelease = await client.allocate(0.5); // ask 0 and the release
    expect(afterRelease.completed).toEqual([
      expect.objectContaining({
        containerId: surplus[0].id,
        state: 'COMPLETE',
        exitStatus: -100,
        diagnostics: 'Container released by application',
      }),
    ]);

    // what went over the wire: absolute counts, only when changed; responseIds echo the last answer
    expect(anyAsks(rm)).toEqual([[[1, 3]], [], [[1, 2]], [[1, 1]], [[1, 0]]]);
    const allocs = rm.amCalls.filter((c) => c.method === 'allocate').map((c) => c.request);
    expect(allocs.map((r) => r.response_id ?? 0)).toEqual([0, 1, 2, 3, 4]);
    expect([...results, afterRelease].map((r) => r.responseId)).toEqual([1, 2, 3, 4, 5]);
    expect(allocs.map((r) => r.blacklist_request?.blacklist_additions ?? [])).toEqual([[], [], [], ['badhost.example'], []]);
    expect(allocs[4].release).toHaveLength(1);
    expect(rm.core.appRecord(am.appId).attempts[0].asks).toEqual({});

    // the NMToken for the node arrived with the first container, keyed by node id
    const nmToken = client.nmTokens.getToken(rm.nodeId)!;
    expect(nmToken.kind).toBe('NMToken');
    expect(formatApplicationAttemptId(decodeNMTokenIdentifier(nmToken.identifier).applicationAttemptId)).toBe(am.attemptId);
    expect(results[1].nmTokens.map((t) => t.nodeId)).toEqual([rm.nodeId]);

    await client.unregister('SUCCEEDED', 'all done', 'http://127.0.0.1:12345/history');
    const finishes = rm.amCalls.filter((c) => c.method === 'finishApplicationMaster');
    expect(finishes.length).toBe(2); // first answer isUnregistered=false, repeated
    expect(finishes[0].request).toMatchObject({ final_application_status: 'APP_SUCCEEDED', diagnostics: 'all done' });
    expect(rm.core.appRecord(am.appId).finalStatus).toBe('APP_SUCCEEDED');
  });

  it('uses a rolled AMRMToken for its next connection', async () => {
    const rolled = new Map<string, string>();
    const launched: { attempt?: ApplicationAttemptId } = {};
    const rm = await miniRm({
      amAuth: (core) => {
        const base = amrmTokenAuth(core);
        return { simple: false, token: { serverId: 'default', lookupPassword: (id) => rolled.get(id) ?? base.token!.lookupPassword(id) } };
      },
      onAllocate: (response, _req, index) => {
        if (index !== 1) return;
        // the RM rolled its AMRMToken master key: the answer carries the attempt's new token
        const token = mintToken({
          kind: AMRM_TOKEN_KIND,
          service: '',
          identifier: encodeAMRMTokenIdentifier({ applicationAttemptId: launched.attempt!, keyId: 4242 }),
          masterKey: randomBytes(8),
        });
        rolled.set(token.identifier.toString('base64'), token.password.toString('base64'));
        response.am_rm_token = token;
      },
    });
    const am = launchAm(rm);
    launched.attempt = decodeAMRMTokenIdentifier(am.amrmToken.identifier).applicationAttemptId;
    const client = amrmClient(rm, am.amrmToken);
    await client.register('127.0.0.1', -1, '');
    expect((await client.allocate(0)).amrmTokenRolled).toBe(false);
    expect((await client.allocate(0)).amrmTokenRolled).toBe(true);
    expect(decodeAMRMTokenIdentifier(client.amrmToken.identifier).keyId).toBe(4242);
    await client.allocate(0);

    const calls = rm.amCalls.map((c) => ({ keyId: decodeAMRMTokenIdentifier(c.tokenIdentifier!).keyId, from: c.remoteAddress }));
    const originalKey = decodeAMRMTokenIdentifier(am.amrmToken.identifier).keyId;
    expect(calls.map((c) => c.keyId)).toEqual([originalKey, originalKey, originalKey, 4242]);
    expect(calls[3].from).not.toBe(calls[2].from); // a new connection, authenticated with the new token
  });

  it('re-registers after an RM restart and resends the whole ask table and blacklist', async () => {
    const rm1 = await miniRm();
    const am = launchAm(rm1);
    const client = amrmClient(rm1, am.amrmToken);
    await client.register('127.0.0.1', 4040, 'http://127.0.0.1:4040/');
    client.addContainerRequest({ ...small });
    client.addContainerRequest({ ...small });
    client.addContainerRequest({ capability: { memoryMb: 2048, vcores: 2 }, priority: 2, nodes: ['localhost'] });
    client.updateBlacklist(['flaky.example']);
    await client.allocate(0.1);
    rm1.core.nodeHeartbeat(rm1.nodeId);
    const got = await client.allocate(0.2);
    expect(got.allocated).toHaveLength(1);
    expect(got.allocated[0].priority).toBe(1);

    // work-preserving restart: a new RM from the stored state on the same ports
    const snapshot = rm1.core.snapshot();
    await rm1.stop();
    const rm2 = await miniRm({ core: ResourceManagerCore.recover(snapshot), clientPort: rm1.clientPort, schedulerPort: rm1.schedulerPort });

    const after = await client.allocate(0.3);
    expect(after.responseId).toBe(1); // the new RM's sequence, after register reset it to 0
    const methods = rm2.amCalls.map((c) => `${c.method}:${c.outcome}`);
    expect(methods).toEqual([
      'allocate:org.apache.hadoop.yarn.exceptions.ApplicationMasterNotRegisteredException',
      'registerApplicationMaster:ok',
      'allocate:ok',
    ]);
    const resent = rm2.amCalls[2].request;
    const asks = (resent.ask as Obj[]).map((a) => [a.priority.priority, a.resource_name, a.capability.memory, a.num_containers]);
    expect(asks.sort()).toEqual([
      [1, '*', 128, 1],
      [2, '*', 2048, 1],
      [2, 'localhost', 2048, 1],
    ]);
    expect(resent.blacklist_request.blacklist_additions).toEqual(['flaky.example']);
    expect(rm2.amCalls[1].request).toMatchObject({ host: '127.0.0.1', rpc_port: 4040, tracking_url: 'http://127.0.0.1:4040/' });
    // the new RM's scheduler holds the outstanding asks again (capabilities normalized)
    const outstanding = recordsOf(rm2.core.appRecord(am.appId).attempts[0].asks).map((e) => [e.priority, e.resourceName, e.numContainers]);
    expect(outstanding.sort()).toEqual([
      [1, '*', 1],
      [2, '*', 1],
      [2, 'localhost', 1],
    ]);
    // and a container allocated now carries the new epoch
    rm2.core.nodeHeartbeat(rm2.nodeId);
    const next = await client.allocate(0.4);
    expect(next.allocated[0].id).toMatch(/^container_e01_/);
  });

  it('turns ApplicationAttemptNotFoundException into AttemptOverError', async () => {
    const rm = await miniRm();
    const am = launchAm(rm);
    const client = amrmClient(rm, am.amrmToken);
    await client.register('127.0.0.1', -1, '');
    await client.allocate(0);
    rm.core.killApplication(am.appId, 'alice'); // the attempt is over; the open connection stays

    const err = await client.allocate(0).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AttemptOverError);
    expect(err).toMatchObject({ remoteClassName: 'org.apache.hadoop.yarn.exceptions.ApplicationAttemptNotFoundException' });
  });

  it('takes back an ask, a release or a blacklist entry the RM refuses for good, so the next heartbeat carries the rest (AMRMClientImpl would resend them forever)', async () => {
    const core = new ResourceManagerCore({ config: { clusterTimestamp: 1_700_000_000_000, queueMaximumAllocationVcores: 1 } });
    const rm = await miniRm({ core });
    const am = launchAm(rm);
    const client = amrmClient(rm, am.amrmToken);
    await client.register('127.0.0.1', -1, '');

    const wide = { capability: { memoryMb: 1024, vcores: 2 }, priority: 1 };
    client.addContainerRequest({ ...wide });
    client.addContainerRequest({ ...wide });
    client.addContainerRequest({ ...small });
    const refused = await client.allocate(0).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(AllocateRefusedError);
    expect(allocateErrorKind(refused)).toBe('ask-refused');
    expect(refused).toMatchObject({
      refused: 'ask',
      remoteClassName: 'org.apache.hadoop.yarn.exceptions.InvalidResourceRequestException',
      withdrawn: '2 container request(s) of <memory:1024, vCores:2>',
    });
    expect((refused as AllocateRefusedError).remoteMessage).toMatch(
      /^Invalid resource request! .* Requested resource type=\[vcores\], Requested resource=<memory:1024, vCores:2>, maximum allowed allocation=<memory:8192, vCores:1>/,
    );
    expect(client.outstandingRequests()).toEqual([small]);
    await client.allocate(0); // the small ask alone: accepted
    expect(recordsOf(rm.core.appRecord(am.appId).attempts[0].asks).map((a) => a.capability)).toEqual([{ memory: 1024, virtual_cores: 1 }]);

    const foreign = am.amContainerId.replace('_01_', '_02_');
    client.releaseAssignedContainer(foreign);
    await expect(client.allocate(0)).rejects.toMatchObject({ refused: 'release', withdrawn: `the release of ${foreign}` });
    client.updateBlacklist(['*', 'badhost.example']);
    await expect(client.allocate(0)).rejects.toMatchObject({ refused: 'blacklist', remoteMessage: 'Cannot add * to the blacklist!' });
    await client.allocate(0);
    const last = rm.amCalls.filter((c) => c.method === 'allocate' && c.outcome === 'ok').at(-1)!.request;
    expect(last.release ?? []).toEqual([]);
    expect(last.blacklist_request.blacklist_additions).toEqual(['badhost.example']);
  });

  it('refuses to start without an AMRMToken and names the fix', () => {
    expect(() => AMRMClient.createFromConf(confWith({}), { env: {} })).toThrow(/HADOOP_TOKEN_FILE_LOCATION is not set/);
  });
});
