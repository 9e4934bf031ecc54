import { describe, expect, it } from 'vitest';
import {
  decodeAMRMTokenIdentifier,
  decodeContainerTokenIdentifier,
  decodeNMTokenIdentifier,
} from '../../../client/wire/security/token-identifiers.js';
import {
  formatApplicationAttemptId,
  formatContainerId,
  containerIdFromProto,
  parseContainerId,
  containerIdToProto,
  type ContainerIdProto,
} from '../../../client/wire/codec/yarn-ids.js';
import { ResourceManagerCore } from '../../../minicluster/resourcemanager/resource-manager-core.js';
import { readFixture, readFixtureJson } from '../../support/fixtures.js';

const TS = 1795460840938; // the recorded session-2 cluster timestamp, so ids match the fixtures verbatim

function cluster(startMs = 1795461074678) {
  let t = startMs;
  const clock = { now: () => t, advance: (ms: number) => (t += ms) };
  const rm = new ResourceManagerCore({ config: { clusterTimestamp: TS, now: clock.now } });
  const node = rm.registerNode({ port: 45454, httpPort: 8042, capability: { memory: 8192, virtual_cores: 8 } });
  return { rm, node, clock };
}

function submit(rm: ResourceManagerCore, seq: number, extra: Record<string, unknown> = {}) {
  rm.submitApplication(
    {
      application_id: { id: seq, cluster_timestamp: TS },
      application_name: 'fx',
      queue: 'default',
      resource: { memory: 256, virtual_cores: 1 },
      applicationType: 'FX',
      am_container_spec: { environment: [{ key: 'FX_MODE', value: 'x' }] },
      ...extra,
    },
    'root',
  );
  return `application_${TS}_${String(seq).padStart(4, '0')}`;
}

/** A field the answer must carry; absent, the test fails here naming it. */
function given<T>(value: T | undefined, what = 'field'): T {
  if (value === undefined) throw new Error(`expected ${what} in the RM's answer`);
  return value;
}

const cid = (p: ContainerIdProto | undefined) => formatContainerId(containerIdFromProto(given(p, 'container id')));

/** Heartbeat, launch the AM container if one is handed out, and return the attempt id. */
function launchAm(rm: ResourceManagerCore, node: string): string {
  rm.nodeHeartbeat(node);
  const amLaunches = rm.takeAmLaunches();
  expect(amLaunches).toHaveLength(1);
  const id = cid(amLaunches[0].container.id);
  rm.amContainerLaunched(id);
  return formatApplicationAttemptId(parseContainerId(id).applicationAttemptId);
}

function recordedSummaryDiagnostics(line: number): string {
  const text = readFixture('am-restart', 'report-timeline-summary.txt').toString('utf8').split('\n')[line];
  return text.slice(text.indexOf('diagnostics="') + 'diagnostics="'.length, -1);
}

describe('ResourceManagerCore: one application from submit to finish', () => {
  it('walks ACCEPTED -> AM on heartbeat -> RUNNING -> allocations with surplus -> release -> FINISHED', () => {
    const { rm, node, clock } = cluster();
    const appId = submit(rm, 3, { maxAppAttempts: 2 });
    let r = rm.getApplicationReport(appId);
    expect(r.yarn_application_state).toBe('ACCEPTED');
    expect(r.host).toBe('N/A');
    expect(r.trackingUrl).toBe(`http://localhost:8088/proxy/${appId}/`);
    // The fixture's line is cut at 200 characters; the full text is in client-timeline.txt.
    const timeline = readFixture('am-restart', 'client-timeline.txt').toString('utf8');
    const recorded = /diagnostics: "(\[Mon Nov 23 19:11:14[^"]*)"/.exec(timeline)![1].replace(/\\'/g, "'");
    expect(r.diagnostics).toBe(recorded);
    expect(recordedSummaryDiagnostics(0).startsWith(given(r.diagnostics).slice(0, 150))).toBe(true);

    // No AM container before a node heartbeat; the AM container comes with one.
    clock.advance(700);
    rm.nodeHeartbeat(node);
    const amLaunches = rm.takeAmLaunches();
    expect(amLaunches).toHaveLength(1);
    const launch = amLaunches[0];
    expect(cid(launch.container.id)).toBe(`container_${TS}_0003_01_000001`);
    expect(launch.container.resource?.memory).toBe(1024); // 256 MB rounded up to the 1024 MB minimum
    expect(launch.launchContext.environment).toContainEqual({ key: 'APPLICATION_WEB_PROXY_BASE', value: `/proxy/${appId}` });
    expect(launch.amrmToken.service).toBe('');
    const amrm = decodeAMRMTokenIdentifier(Buffer.from(launch.amrmToken.identifier, 'base64'));
    expect(formatApplicationAttemptId(amrm.applicationAttemptId)).toBe(`appattempt_${TS}_0003_000001`);
    expect(rm.lookupAmrmPassword(launch.amrmToken.identifier)).toBe(launch.amrmToken.password);
    const amToken = decodeContainerTokenIdentifier(Buffer.from(given(launch.container.container_token).identifier));
    expect(amToken.containerType).toBe('APPLICATION_MASTER');

    rm.amContainerLaunched(cid(launch.container.id));
    r = rm.getApplicationReport(appId);
    expect(r.diagnostics).toBe(recordedSummaryDiagnostics(1));
    expect(r.launchTime).toBe(clock.now());

    const attempt = `appattempt_${TS}_0003_000001`;
    expect(() => rm.allocate(attempt, { response_id: 0 })).toThrow(
      expect.objectContaining({ className: 'org.apache.hadoop.yarn.exceptions.ApplicationMasterNotRegisteredException' }),
    );
    const reg = rm.registerApplicationMaster(attempt, { host: '127.0.0.1', rpc_port: -1, tracking_url: '' });
    expect(reg.queue).toBe('default');
    expect(reg.maximumCapability?.memory).toBe(8192);
    expect(reg.containers_from_previous_attempts).toBeUndefined();
    r = rm.getApplicationReport(appId);
    expect([r.yarn_application_state, r.host, r.diagnostics]).toEqual(['RUNNING', '127.0.0.1', '']);

    const ask = [
      {
        priority: { priority: 1 },
        resource_name: '*',
        capability: { memory: 128, virtual_cores: 1 },
        num_containers: 2,
        relax_locality: true,
        allocation_request_id: 0,
      },
    ];
    let a = rm.allocate(attempt, { response_id: 0, ask });
    expect(a.response_id).toBe(1);
    expect(a.allocated_containers).toEqual([]);
    rm.nodeHeartbeat(node);
    rm.nodeHeartbeat(node);
    // The AM repeats its unchanged ask (as AMRMClient does before removing requests): the count is
    // replaced, not decremented, so YARN grants a surplus container on the next heartbeat.
    a = rm.allocate(attempt, { response_id: 1, ask });
    expect(given(a.allocated_containers).map((c) => cid(c.id))).toEqual([
      `container_${TS}_0003_01_000002`,
      `container_${TS}_0003_01_000003`,
    ]);
    expect(a.allocated_containers?.[0]?.resource?.memory).toBe(1024);
    expect(a.allocated_containers?.[0]?.nodeId).toEqual({ host: 'localhost', port: 45454 });
    expect(a.allocated_containers?.[0]?.container_token?.service).toBe('127.0.0.1:45454');
    expect(a.nm_tokens).toHaveLength(1);
    expect(a.nm_tokens?.[0]?.token?.service).toBe('127.0.0.1:45454');
    const nmId = decodeNMTokenIdentifier(given(a.nm_tokens?.[0]?.token).identifier);
    expect(nmId.nodeId).toEqual({ host: 'localhost', port: 45454 });
    expect(decodeContainerTokenIdentifier(given(a.allocated_containers?.[1]?.container_token).identifier).containerType).toBe('TASK');

    rm.nodeHeartbeat(node);
    a = rm.allocate(attempt, { response_id: 2, ask: [{ ...ask[0], num_containers: 0 }] });
    const surplus = given(a.allocated_containers).map((c) => cid(c.id));
    expect(surplus).toEqual([`container_${TS}_0003_01_000004`]);
    expect(a.nm_tokens).toBeUndefined(); // only in the first response with a container on the node

    // A retried call (same response id) gets the same answer back.
    expect(rm.allocate(attempt, { response_id: 2 })).toBe(a);

    // The release is processed inside allocate, so its completed status comes in the same answer.
    a = rm.allocate(attempt, { response_id: 3, release: [given(a.allocated_containers?.[0]?.id)] });
    expect(given(a.completed_container_statuses).map((s) => [cid(s.container_id), s.exit_status, s.diagnostics])).toEqual([
      [`container_${TS}_0003_01_000004`, -100, 'Container released by application'],
    ]);
    const hb = rm.nodeHeartbeat(node, [
      {
        container_id: containerIdToProto(parseContainerId(`container_${TS}_0003_01_000002`)),
        state: 'C_COMPLETE',
        exit_status: 0,
        diagnostics: '',
      },
    ]);
    expect(hb.containersToCleanup.map(cid)).toEqual([`container_${TS}_0003_01_000004`]);
    a = rm.allocate(attempt, { response_id: 4 });
    expect(given(a.completed_container_statuses).map((s) => [cid(s.container_id), s.exit_status, s.diagnostics])).toEqual([
      [`container_${TS}_0003_01_000002`, 0, ''],
    ]);

    expect(
      rm.finishApplicationMaster(attempt, { final_application_status: 'APP_SUCCEEDED', diagnostics: 'fx restart done attempt 2' }),
    ).toEqual({ isUnregistered: false });
    expect(
      rm.finishApplicationMaster(attempt, { final_application_status: 'APP_SUCCEEDED', diagnostics: 'fx restart done attempt 2' }),
    ).toEqual({ isUnregistered: true });
    expect(rm.lookupAmrmPassword(launch.amrmToken.identifier)).toBeUndefined();
    r = rm.getApplicationReport(appId);
    expect([r.yarn_application_state, r.final_application_status, r.diagnostics]).toEqual([
      'FINISHED',
      'APP_SUCCEEDED',
      'fx restart done attempt 2',
    ]);

    // The AM container exits; the RM stops the app's remaining container.
    const end = rm.nodeHeartbeat(node, [
      { container_id: given(launch.container.id), state: 'C_COMPLETE', exit_status: 0, diagnostics: '' },
    ]);
    expect(end.containersToCleanup.map(cid)).toEqual([`container_${TS}_0003_01_000003`]);

    const allocatedIds = rm.events.flatMap((e) => (e.type === 'allocated' ? [e.containerId] : []));
    expect(new Set(allocatedIds).size).toBe(allocatedIds.length);
    expect(allocatedIds).toHaveLength(4);
  });
});

describe('ResourceManagerCore: failures, attempts and recorded diagnostics', () => {
  const crashOf = (fixtureText: string) =>
    fixtureText.slice(
      fixtureText.indexOf('Failing this attempt.Diagnostics: ') + 'Failing this attempt.Diagnostics: '.length,
      fixtureText.indexOf('For more detailed output'),
    );

  it('fails the application after max attempts with the recorded text (two spaces and all)', () => {
    const { rm, node } = cluster();
    const expected = readFixture('failed-app', 'final-diagnostics-exact.txt').toString('utf8');
    const nmText = crashOf(expected); // the NM's container diagnostics, as the NM would report them
    const appId = submit(rm, 9, { maxAppAttempts: 2 });
    for (const n of [1, 2]) {
      launchAm(rm, node);
      const am = `container_${TS}_0009_0${n}_000001`;
      rm.nodeHeartbeat(node, [
        { container_id: containerIdToProto(parseContainerId(am)), state: 'C_COMPLETE', exit_status: 3, diagnostics: nmText },
      ]);
      expect(rm.takeAmLaunches()).toEqual([]); // the next attempt is scheduled from the next heartbeat on
      const r = rm.getApplicationReport(appId);
      if (n === 1) expect([r.yarn_application_state, r.currentApplicationAttemptId?.attemptId]).toEqual(['ACCEPTED', 2]);
    }
    const r = rm.getApplicationReport(appId);
    expect(r.diagnostics).toBe(expected);
    expect([r.yarn_application_state, r.final_application_status, r.host, r.rpc_port]).toEqual(['FAILED', 'APP_FAILED', 'N/A', -1]);
    expect(r.trackingUrl).toBe(`http://localhost:8088/cluster/app/${appId}`);
    expect(r.originalTrackingUrl).toBe(`http://localhost:8088/cluster/app/${appId}`);
  });

  it('names the global and local limits when the app asked for fewer attempts', () => {
    const { rm, node } = cluster();
    const expected = readFixture('localization', 'refuse-public600-final-diagnostics-exact.txt').toString('utf8');
    const appId = submit(rm, 6, { maxAppAttempts: 1 });
    launchAm(rm, node);
    rm.nodeHeartbeat(node, [
      {
        container_id: containerIdToProto(parseContainerId(`container_${TS}_0006_01_000001`)),
        state: 'C_COMPLETE',
        exit_status: -1000,
        diagnostics: crashOf(expected),
      },
    ]);
    expect(rm.getApplicationReport(appId).diagnostics).toBe(expected);
  });

  it('keeps containers across attempts and hands them back in the register response', () => {
    const { rm, node } = cluster();
    submit(rm, 3, { maxAppAttempts: 2, keep_containers_across_application_attempts: true });
    const att1 = launchAm(rm, node);
    rm.registerApplicationMaster(att1, { host: '127.0.0.1', rpc_port: -1, tracking_url: '' });
    const ask = [{ priority: { priority: 0 }, resource_name: '*', capability: { memory: 256, virtual_cores: 1 }, num_containers: 2 }];
    rm.allocate(att1, { response_id: 0, ask });
    rm.nodeHeartbeat(node);
    rm.nodeHeartbeat(node);
    const a = rm.allocate(att1, { response_id: 1, ask: [{ ...ask[0], num_containers: 0 }] });
    expect(a.allocated_containers).toHaveLength(2);
    rm.nodeHeartbeat(node, [
      {
        container_id: containerIdToProto(parseContainerId(`container_${TS}_0003_01_000001`)),
        state: 'C_COMPLETE',
        exit_status: 1,
        diagnostics: 'x\n',
      },
    ]);
    const r = rm.getApplicationReport(`application_${TS}_0003`);
    expect([r.yarn_application_state, r.currentApplicationAttemptId?.attemptId, r.app_resource_Usage?.num_used_containers]).toEqual([
      'ACCEPTED',
      2,
      2,
    ]);
    expect(r.diagnostics).toMatch(/^\[.*\] Application is Activated, waiting for resources to be assigned for AM\. {2}Details : /);
    const att2 = launchAm(rm, node);
    expect(att2).toBe(`appattempt_${TS}_0003_000002`);
    const reg = rm.registerApplicationMaster(att2, { host: '127.0.0.1', rpc_port: -1, tracking_url: '' });
    // Recorded: both containers, _000003 before _000002, tokens byte-identical to attempt 1's.
    expect(given(reg.containers_from_previous_attempts).map((c) => cid(c.id))).toEqual([
      `container_${TS}_0003_01_000003`,
      `container_${TS}_0003_01_000002`,
    ]);
    expect(reg.containers_from_previous_attempts?.[1]?.container_token).toEqual(a.allocated_containers?.[0]?.container_token);
    expect(reg.nm_tokens_from_previous_attempts).toHaveLength(1);
    expect(reg.nm_tokens_from_previous_attempts?.[0]?.token).toEqual(a.nm_tokens?.[0]?.token);
    expect(
      formatApplicationAttemptId(
        decodeNMTokenIdentifier(given(reg.nm_tokens_from_previous_attempts?.[0]?.token).identifier).applicationAttemptId,
      ),
    ).toBe(att1);
    // Attempt 2's allocate response ids start again at 1, and its AMRMToken differs only in the attempt.
    expect(rm.allocate(att2, { response_id: 0 }).response_id).toBe(1);
  });

  it("rounds asks up to the minimum allocation and refuses above the maximum with Hadoop's text", () => {
    const { rm } = cluster();
    const decoded = readFixture('ipc', 'errors', '01-client-rm-8032-yarnclient-errors.decoded.txt').toString('utf8');
    const recorded = /errorMsg \(5\): "(Invalid resource request![^\\]*)\\n\\tat/.exec(decoded)![1];
    expect(() => submit(rm, 1, { resource: { memory: 100000, virtual_cores: 1 } })).toThrow(recorded);
    const small = new ResourceManagerCore({ config: { clusterTimestamp: TS, minimumAllocationMb: 128 } });
    const n = small.registerNode({ port: 1, httpPort: 2, capability: { memory: 4096, virtual_cores: 4 } });
    submit(small, 1, { resource: { memory: 200, virtual_cores: 1 } });
    small.nodeHeartbeat(n);
    expect(small.takeAmLaunches()[0]?.container.resource?.memory).toBe(256);
  });

  // Answers of the real Hadoop 3.3.6 RM (8192 MB / 4 vcores maximum) to submitApplication, recorded for this test.
  const REAL_LESS_THAN_ZERO_MEMORY =
    'Invalid resource request! Cannot allocate containers as requested resource is less than 0! Requested resource type=[memory-mb], Requested resource=<memory:-1, vCores:1>';
  const REAL_LESS_THAN_ZERO_VCORES =
    'Invalid resource request! Cannot allocate containers as requested resource is less than 0! Requested resource type=[vcores], Requested resource=<memory:1024, vCores:-2>';
  const overMax = (type: string, requested: string, allowed: string, configured: string) =>
    `Invalid resource request! Cannot allocate containers as requested resource is greater than maximum allowed allocation. Requested resource type=[${type}], Requested resource=${requested}, maximum allowed allocation=${allowed}, please note that maximum allowed allocation is calculated by scheduler based on maximum resource of registered NodeManagers, which might be less than configured maximum allocation=${configured}`;

  it("names only the first resource type over the maximum (memory-mb before vcores) and refuses negative sizes with 3.3.6's text", () => {
    const { rm } = cluster();
    const refusal = (resource: object) => {
      try {
        submit(rm, 9, { resource });
      } catch (err) {
        return { className: (err as { className: string }).className, message: (err as Error).message };
      }
      throw new Error('accepted');
    };
    const cls = 'org.apache.hadoop.yarn.exceptions.InvalidResourceRequestException';
    const max = '<memory:8192, vCores:4>';
    expect(refusal({ memory: 100000, virtual_cores: 99 })).toEqual({
      className: cls,
      message: overMax('memory-mb', '<memory:100000, vCores:99>', max, max),
    });
    expect(refusal({ memory: 1024, virtual_cores: 99 })).toEqual({
      className: cls,
      message: overMax('vcores', '<memory:1024, vCores:99>', max, max),
    });
    expect(refusal({ memory: -1, virtual_cores: 1 })).toEqual({ className: cls, message: REAL_LESS_THAN_ZERO_MEMORY });
    expect(refusal({ memory: 1024, virtual_cores: -2 })).toEqual({ className: cls, message: REAL_LESS_THAN_ZERO_VCORES });
  });

  it("validates asks against the queue's maximum allocation, which getNewApplication does not tell; the refusal shows in the report; refreshQueues may only raise it", () => {
    const rm = new ResourceManagerCore({ config: { clusterTimestamp: TS, queueMaximumAllocationVcores: 1 } });
    const node = rm.registerNode({ port: 45454, httpPort: 8042, capability: { memory: 8192, virtual_cores: 8 } });
    expect(rm.getNewApplication().maximumCapability).toMatchObject({ memory: 8192, virtual_cores: 4 });
    const appId = submit(rm, 1);
    const attempt = launchAm(rm, node);
    const reg = rm.registerApplicationMaster(attempt, { host: '127.0.0.1', rpc_port: -1, tracking_url: '' });
    expect(reg.maximumCapability).toMatchObject({ memory: 8192, virtual_cores: 1 });

    const ask = (count: number) => [
      { priority: { priority: 1 }, resource_name: '*', capability: { memory: 1024, virtual_cores: 2 }, num_containers: count },
    ];
    const refused = overMax('vcores', '<memory:1024, vCores:2>', '<memory:8192, vCores:1>', '<memory:8192, vCores:4>');
    expect(() => rm.allocate(attempt, { response_id: 0, ask: ask(1) })).toThrow(refused);
    expect(rm.getApplicationReport(appId).diagnostics).toBe(refused); // DefaultAMSProcessor.handleInvalidResourceException
    // Withdrawing the ask (0 containers) is validated just the same: the ask cannot even be taken back.
    expect(() => rm.allocate(attempt, { response_id: 0, ask: ask(0) })).toThrow(refused);
    expect(rm.allocate(attempt, { response_id: 0 }).response_id).toBe(1); // nothing was applied, the attempt goes on

    expect(() => rm.refreshQueueMaximumAllocation({ vcores: 8 })).toThrow(
      'Queue maximum allocation cannot be larger than the cluster setting for queue root.default max allocation per queue: <memory:8192, vCores:8> cluster setting: <memory:8192, vCores:4>',
    );
    rm.refreshQueueMaximumAllocation({ vcores: 2 });
    expect(() => rm.refreshQueueMaximumAllocation({ vcores: 1 })).toThrow(
      'Trying to reinitialize root.default the maximum allocation size can not be decreased! Current setting: <memory:8192, vCores:2>, trying to set it to: <memory:8192, vCores:1>',
    );
    expect(rm.allocate(attempt, { response_id: 1, ask: ask(1) }).response_id).toBe(2);
    rm.nodeHeartbeat(node);
    expect(rm.allocate(attempt, { response_id: 2 }).allocated_containers).toHaveLength(1);
  });

  it("refuses a release of another attempt's container (without keep-containers) and * in the blacklist, applying nothing", () => {
    const { rm, node } = cluster();
    submit(rm, 1);
    const attempt = launchAm(rm, node);
    rm.registerApplicationMaster(attempt, { host: '127.0.0.1', rpc_port: -1, tracking_url: '' });
    const foreign = `container_${TS}_0001_02_000005`;
    const ask = [{ priority: { priority: 1 }, resource_name: '*', capability: { memory: 1024, virtual_cores: 1 }, num_containers: 1 }];
    expect(() => rm.allocate(attempt, { response_id: 0, ask, release: [containerIdToProto(parseContainerId(foreign))] })).toThrow(
      `Cannot release container : ${foreign} not belonging to this application attempt : ${attempt}`,
    );
    expect(() => rm.allocate(attempt, { response_id: 0, ask, blacklist_request: { blacklist_additions: ['*'] } })).toThrow(
      'Cannot add * to the blacklist!',
    );
    expect(rm.appRecord(`application_${TS}_0001`).attempts[0].asks).toEqual({});
  });

  it('kills: first answer false, then true, with the recorded diagnostics', () => {
    const { rm, node } = cluster();
    const appId = submit(rm, 1);
    launchAm(rm, node);
    expect(rm.killApplication(appId, 'root', '127.0.0.1')).toEqual({ is_kill_completed: false });
    expect(rm.killApplication(appId, 'root', '127.0.0.1')).toEqual({ is_kill_completed: true });
    const recorded = readFixtureJson('rm-rest', 'killed-app.json').app;
    const r = rm.getApplicationReport(appId);
    expect(r.diagnostics).toBe(recorded.diagnostics.replace(recorded.id, appId));
    expect(r.trackingUrl).toBe(recorded.trackingUrl.replace(recorded.id, appId));
    expect(rm.nodeHeartbeat(node).containersToCleanup.map(cid)).toEqual([`container_${TS}_0001_01_000001`]);
    expect(() => rm.killApplication(`application_${TS}_0099`, 'root')).toThrow(
      `Trying to kill an absent application application_${TS}_0099`,
    );
    expect(() => rm.getApplicationReport(`application_${TS}_0099`)).toThrow(/doesn't exist in RM/);
  });

  it('fails an app submitted to an unknown queue with the recorded text', () => {
    const { rm } = cluster();
    const recorded = readFixtureJson('rm-rest', 'failed-app-bad-queue.json').app;
    const appId = submit(rm, 4, { queue: 'nosuchqueue' });
    const r = rm.getApplicationReport(appId);
    expect([r.yarn_application_state, r.final_application_status]).toEqual(['FAILED', 'APP_FAILED']);
    expect(r.diagnostics).toBe(recorded.diagnostics.replace(recorded.id, appId));
  });

  it('loses a node: its containers complete with -100 and the lost-node text', () => {
    const { rm, node } = cluster();
    const other = rm.registerNode({ port: 45455, httpPort: 8043, capability: { memory: 8192, virtual_cores: 8 } });
    submit(rm, 1);
    const att = launchAm(rm, node);
    rm.registerApplicationMaster(att, { host: 'h', rpc_port: 1 });
    rm.allocate(att, {
      response_id: 0,
      ask: [{ priority: { priority: 0 }, resource_name: '*', capability: { memory: 1024, virtual_cores: 1 }, num_containers: 1 }],
    });
    rm.nodeHeartbeat(other);
    rm.allocate(att, {
      response_id: 1,
      ask: [{ priority: { priority: 0 }, resource_name: '*', capability: { memory: 1024, virtual_cores: 1 }, num_containers: 0 }],
    });
    rm.loseNode(other);
    const a = rm.allocate(att, { response_id: 2 });
    expect(given(a.completed_container_statuses).map((s) => [s.exit_status, s.diagnostics])).toEqual([
      [-100, 'Container released on a *lost* node'],
    ]);
    expect(a.num_cluster_nodes).toBe(1);
  });

  it('restarts with state kept: AMs must register again, new containers carry the epoch', () => {
    const { rm, node, clock } = cluster();
    const appId = submit(rm, 1);
    const att = launchAm(rm, node);
    rm.registerApplicationMaster(att, { host: 'h', rpc_port: 1 });
    const restarted = ResourceManagerCore.recover(rm.snapshot(), { config: { now: clock.now } });
    expect(restarted.getApplicationReport(appId).yarn_application_state).toBe('RUNNING');
    expect(() => restarted.allocate(att, { response_id: 0 })).toThrow(
      expect.objectContaining({ className: 'org.apache.hadoop.yarn.exceptions.ApplicationMasterNotRegisteredException' }),
    );
    restarted.registerApplicationMaster(att, { host: 'h', rpc_port: 1 });
    restarted.allocate(att, {
      response_id: 0,
      ask: [{ priority: { priority: 0 }, resource_name: '*', capability: { memory: 1024, virtual_cores: 1 }, num_containers: 1 }],
    });
    restarted.nodeHeartbeat(node);
    const a = restarted.allocate(att, { response_id: 1 });
    expect(cid(a.allocated_containers?.[0]?.id)).toBe(`container_e01_${TS}_0001_01_000002`);
  });

  it('expires an AM that stops calling allocate', () => {
    const { rm, node, clock } = cluster();
    const appId = submit(rm, 1, { maxAppAttempts: 1 });
    const att = launchAm(rm, node);
    rm.registerApplicationMaster(att, { host: 'h', rpc_port: 1 });
    clock.advance(600_001);
    expect(rm.checkAmLiveness()).toEqual([att]);
    expect(rm.getApplicationReport(appId).diagnostics).toBe(
      `Application ${appId} failed 1 times (global limit =2; local limit is =1) due to ApplicationMaster for attempt ${att} timed out. Failing the application.`,
    );
  });
});
