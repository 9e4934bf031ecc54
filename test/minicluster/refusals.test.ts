// The refusals a real Hadoop 3.3.6 cluster makes, made by the mini cluster over its real ports.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RpcClient } from '../../client/wire/ipc/rpc-client.js';
import { APPLICATION_MASTER_PROTOCOL } from '../../client/wire/codec/hadoop-protocols.js';
import type { WebHdfsClient } from '../../client/hadoop/hdfs/webhdfs-client.js';
import { AMRM_TOKEN_KIND, encodeAMRMTokenIdentifier } from '../../client/wire/security/token-identifiers.js';
import type { HadoopToken } from '../../client/wire/security/token.js';
import { tokenFromProto } from '../../client/wire/security/token.js';
import { startMiniCluster, type MiniCluster } from '../../minicluster/mini-cluster.js';
import { readFixture } from '../support/fixtures.js';
import {
  amContainerOf,
  amrmTokenFromFile,
  clientsFor,
  hdfsFor,
  hostPort,
  submitAm,
  uploadResource,
  waitFor,
  waitForState,
  USER,
  type ClusterClients,
} from './mini-cluster-kit.js';

type Obj = Record<string, any>;

let cluster: MiniCluster;
let clients: ClusterClients;
let fs: WebHdfsClient;
/** What beforeAll started, stopped in reverse (beforeAll may fail half-way). */
const stops: (() => unknown)[] = [];

beforeAll(async () => {
  cluster = await startMiniCluster({
    nodes: 1,
    // Every AM and container here holds a vcore until the cluster stops.
    nodeVcores: 64,
    heartbeatMs: 50,
    rmConfig: { minimumAllocationMb: 128 },
    yarnSite: { 'yarn.nodemanager.container-monitor.interval-ms': '100' },
  });
  const started = cluster;
  stops.push(() => started.stop());
  clients = clientsFor(cluster);
  const opened = clients;
  stops.push(() => opened.close());
  fs = hdfsFor(cluster);
  const hdfs = fs;
  stops.push(() => {
    hdfs.close();
  });
});

afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
});

/** An AM that sleeps; the test speaks ApplicationMasterProtocol for it with its own token. */
async function registeredAm(): Promise<{ appId: string; attemptId: string; am: ReturnType<ClusterClients['am']>; token: HadoopToken }> {
  const appId = await submitAm(clients.rm, { command: 'exec sleep 60' });
  const { containerId } = await waitFor(() => amContainerOf(cluster, appId), 'the AM container');
  const token = await waitFor(
    () => amrmTokenFromFile(join(cluster.nodes[0].containerWorkDir(containerId)!, 'container_tokens')),
    'the AM token file',
  );
  const am = clients.am(token);
  await am.invoke('registerApplicationMaster', { host: '127.0.0.1', rpc_port: -1, tracking_url: '' });
  return { appId, attemptId: appId.replace('application_', 'appattempt_') + '_000001', am, token };
}

/** Allocates `n` containers of 128 MB; returns them and the NMToken for the node. */
async function allocate(am: ReturnType<ClusterClients['am']>, n: number): Promise<{ containers: Obj[]; nmToken: HadoopToken }> {
  const containers: Obj[] = [];
  let nmToken: HadoopToken | undefined;
  let responseId = 0;
  await waitFor(async () => {
    const ask = [
      {
        priority: { priority: 0 },
        resource_name: '*',
        capability: { memory: 128, virtual_cores: 1 },
        num_containers: n - containers.length,
        relax_locality: true,
      },
    ];
    const r = await am.invoke('allocate', { ask, response_id: responseId, progress: 0 });
    responseId = r.response_id;
    containers.push(...(r.allocated_containers ?? []));
    if (r.nm_tokens?.length) nmToken = tokenFromProto(r.nm_tokens[0].token);
    return containers.length >= n ? true : undefined;
  }, `${n} containers`);
  return { containers, nmToken: nmToken! };
}

const startRequest = (container: Obj, command = 'exec sleep 30') => ({
  start_container_request: [{ container_launch_context: { command: [command] }, container_token: container.container_token }],
});

const failure = (p: Promise<unknown>): Promise<Obj> =>
  p.then(
    () => ({ unexpected: 'success' }),
    (e: unknown) => e as Obj,
  );

function normalize(text: string): string {
  return text
    .replace(/application_\d+_\d+/g, 'APP')
    .replace(/appattempt_\d+_\d+_\d+/g, 'ATTEMPT')
    .replace(/container_\d+_\d+_\d+_\d+/g, 'CONTAINER')
    .replace(/\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\]/g, '[TS]')
    .replace(/"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000"/g, '"ISO"')
    .replace(/(webhdfs|hdfs):\/\/127\.0\.0\.1:\d+\/\S+?(?=[, ])/g, 'URL')
    .replace(/http:\/\/localhost:\d+/g, 'RMWEB')
    .replace(/\b\d{10,}\b/g, 'N');
}

describe('ApplicationMasterProtocol refuses an AM without a valid token', () => {
  it('SIMPLE authentication, a forged password and an unknown attempt', async () => {
    const { token } = await registeredAm();
    const rpc = new RpcClient({ connectMaxRetries: 0 });
    try {
      const address = hostPort(cluster.schedulerAddress);
      const simple = await failure(
        rpc.proxy(address, APPLICATION_MASTER_PROTOCOL, { kind: 'simple', user: USER }).invoke('allocate', { response_id: 0 }),
      );
      expect(simple).toMatchObject({ className: 'org.apache.hadoop.security.AccessControlException' });
      expect(simple.message).toContain('SIMPLE authentication is not enabled.  Available:[TOKEN]');

      const forged = { ...token, password: randomBytes(20) };
      const badPassword = await failure(
        rpc.proxy(address, APPLICATION_MASTER_PROTOCOL, { kind: 'token', token: forged }).invoke('allocate', { response_id: 0 }),
      );
      expect(badPassword.className).toBe('javax.security.sasl.SaslException');

      const stranger: HadoopToken = {
        identifier: encodeAMRMTokenIdentifier({
          applicationAttemptId: { applicationId: { clusterTimestamp: 1, id: 99 }, attemptId: 1 },
          keyId: 7,
        }),
        password: randomBytes(20),
        kind: AMRM_TOKEN_KIND,
        service: '',
      };
      const unknown = await failure(
        rpc.proxy(address, APPLICATION_MASTER_PROTOCOL, { kind: 'token', token: stranger }).invoke('allocate', { response_id: 0 }),
      );
      expect(unknown.className).toBe('org.apache.hadoop.security.token.SecretManager$InvalidToken');
    } finally {
      await rpc.close();
    }
  });
});

describe('ContainerManagementProtocol refuses wrong NMTokens and foreign containers', () => {
  it('as YARN does: SASL refusal, then per-container failed_requests', async () => {
    const one = await registeredAm();
    const two = await registeredAm();
    const a = await allocate(one.am, 1);
    const b = await allocate(two.am, 1);
    const nm = cluster.nodes[0].address;
    const c1 = a.containers[0];

    // A tampered NMToken password fails the DIGEST-MD5 exchange.
    const tampered = await failure(clients.nm(nm, { ...a.nmToken, password: randomBytes(20) }).invoke('startContainers', startRequest(c1)));
    expect(tampered.className).toBe('javax.security.sasl.SaslException');

    // Another application's NMToken: the call succeeds, the container is refused.
    const foreign = await clients.nm(nm, b.nmToken).invoke('startContainers', startRequest(c1));
    expect(foreign.succeeded_requests ?? []).toEqual([]);
    expect(foreign.failed_requests[0].exception.class_name).toBe('org.apache.hadoop.yarn.exceptions.YarnException');
    expect(foreign.failed_requests[0].exception.message).toBe(
      `Unauthorized request to start container.\nNMToken for application attempt : ${two.attemptId} was used for starting container with container token issued for application attempt : ${one.attemptId}`,
    );

    // The right NMToken starts it once; a second start of the same container is refused.
    const ok = await clients.nm(nm, a.nmToken).invoke('startContainers', startRequest(c1));
    expect(ok.succeeded_requests).toHaveLength(1);
    const again = await clients.nm(nm, a.nmToken).invoke('startContainers', startRequest(c1));
    expect(again.failed_requests[0].exception.message).toMatch(
      /^Unauthorized request to start container.\n Attempt to relaunch the same container with id container_\w+\.$/,
    );

    // Status and stop of another application's container are refused per container.
    const spy = await clients.nm(nm, b.nmToken).invoke('getContainerStatuses', { container_id: [c1.id] });
    expect(spy.failed_requests[0].exception.message).toMatch(
      new RegExp(`^${two.attemptId} attempted to get status for non-application container : container_`),
    );
    const stop = await clients.nm(nm, b.nmToken).invoke('stopContainers', { container_id: [c1.id] });
    expect(stop.failed_requests[0].exception.message).toMatch(
      new RegExp(`^${two.attemptId} attempted to stop non-application container : container_`),
    );
    // A container this NM never saw.
    const ghost = { ...b.containers[0].id, id: 999 };
    const unknown = await clients.nm(nm, b.nmToken).invoke('getContainerStatuses', { container_id: [ghost] });
    expect(unknown.failed_requests[0].exception.message).toMatch(/^Container container_\w+ is not handled by this NodeManager$/);

    // A container token with a forged password fails the whole call with InvalidToken.
    const forgedToken = { ...b.containers[0].container_token, password: randomBytes(20) };
    const bad = await failure(clients.nm(nm, b.nmToken).invoke('startContainers', startRequest({ container_token: forgedToken })));
    expect(bad.className).toBe('org.apache.hadoop.security.token.SecretManager$InvalidToken');
    expect(bad.message).toContain('Invalid container token used for starting container on : localhost:');
  });
});

describe('localization refusals', () => {
  it("a local resource whose timestamp does not match fails the container with -1000 and Hadoop's text", async () => {
    const resource = await uploadResource(cluster, fs, '/loom/t/app-file.txt', Buffer.from('x'.repeat(36)), { timestampOffset: 1 });
    const appId = await submitAm(clients.rm, { command: 'cat app-file.txt', localResources: [resource] });
    const report = await waitForState(clients.rm, appId, ['FAILED']);
    const recorded = readFixture('localization/refuse-timestamp-plus1ms-final-diagnostics-exact.txt').toString('utf8');
    const upToTrace = (t: string) => normalize(t).split('\n').slice(0, 3).join('\n');
    expect(upToTrace(report.diagnostics)).toBe(upToTrace(recorded));
    expect(report.diagnostics).toContain('exitCode: -1000');
  });

  it('a PUBLIC resource that is not world-readable is refused', async () => {
    const resource = await uploadResource(cluster, fs, '/loom/pub/secret600.txt', Buffer.from('secret'), {
      permission: '600',
      visibility: 'PUBLIC',
    });
    const appId = await submitAm(clients.rm, { command: 'cat secret600.txt', localResources: [resource] });
    const report = await waitForState(clients.rm, appId, ['FAILED']);
    const recorded = readFixture('localization/refuse-public600-final-diagnostics-exact.txt').toString('utf8');
    expect(normalize(report.diagnostics)).toBe(normalize(recorded));
  });
});

describe('scheduler refusals', () => {
  it('an ask above the maximum allocation, at submission and in allocate', async () => {
    const fresh = await clients.rm.invoke('getNewApplication', {});
    const refused = await failure(
      clients.rm.invoke('submitApplication', {
        application_submission_context: {
          application_id: fresh.application_id,
          am_container_spec: { command: ['true'] },
          resource: { memory: 100000, virtual_cores: 1 },
        },
      }),
    );
    expect(refused.className).toBe('org.apache.hadoop.yarn.exceptions.InvalidResourceRequestException');
    expect(refused.message).toContain('Requested resource=<memory:100000, vCores:1>, maximum allowed allocation=<memory:8192, vCores:4>');

    const { am } = await registeredAm();
    const ask = [{ priority: { priority: 0 }, resource_name: '*', capability: { memory: 128, virtual_cores: 9 }, num_containers: 1 }];
    const tooBig = await failure(am.invoke('allocate', { ask, response_id: 0 }));
    expect(tooBig.className).toBe('org.apache.hadoop.yarn.exceptions.InvalidResourceRequestException');
    expect(tooBig.message).toContain('Requested resource type=[vcores]');
  });

  it('a container over its virtual memory (2.1 x its memory) is killed with -103: an idle node in 128 MiB', async () => {
    // Inside launch_container.sh's `bash -c "..."`: single quotes only (YARN does not escape).
    const idle = `${process.execPath} -e 'setInterval(()=>{},1000)'`;
    const appId = await submitAm(clients.rm, { command: `${idle} 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr`, memoryMb: 128 });
    const report = await waitForState(clients.rm, appId, ['FAILED'], 20_000);
    expect(report.diagnostics).toContain('exited with  exitCode: -103\n');
    expect(report.diagnostics).toMatch(
      /Container \[pid=\d+,containerID=container_\w+\] is running \d+B beyond the 'VIRTUAL' memory limit. Current usage: [\d.]+ MB of 128 MB physical memory used; [\d.]+ [MG]B of 268\.8 MB virtual memory used. Killing container.\n/,
    );
  });

  it('a container over its physical memory is killed with -104', async () => {
    // No 512 MiB code range (--jitless), one malloc arena, one V8 helper thread: 280 MiB of buffer
    // (~320 MiB resident) stays under 2.1 x 256 MiB of virtual memory (~390 MiB).
    const hog = `MALLOC_ARENA_MAX=1 ${process.execPath} --jitless --v8-pool-size=1 -e 'const b=Buffer.alloc(280*1024*1024,1);setInterval(()=>b[0]++,1000)'`;
    const appId = await submitAm(clients.rm, { command: `${hog} 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr`, memoryMb: 256 });
    const report = await waitForState(clients.rm, appId, ['FAILED'], 20_000);
    expect(report.diagnostics).toContain('exited with  exitCode: -104\n');
    expect(report.diagnostics).toMatch(
      /Container \[pid=\d+,containerID=container_\w+\] is running \d+B beyond the 'PHYSICAL' memory limit. Current usage: [\d.]+ MB of 256 MB physical memory used/,
    );
  });
});
