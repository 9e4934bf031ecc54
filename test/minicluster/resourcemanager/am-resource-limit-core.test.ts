// The CapacityScheduler's maximum-am-resource-percent in the mini RM: the limit's arithmetic, which
// applications get activated, the diagnostics of those that wait, and the settings that set it.
import { describe, expect, it } from 'vitest';
import { containerIdToProto, parseContainerId } from '../../../client/wire/codec/yarn-ids.js';
import { resolveSettings } from '../../../minicluster/mini-cluster-settings.js';
import { activateApplications, queueAmResourceLimit } from '../../../minicluster/resourcemanager/am-resource-limit.js';
import { ResourceManagerCore } from '../../../minicluster/resourcemanager/resource-manager-core.js';
import { javaDateString } from '../../../minicluster/resourcemanager/rm-diagnostics.js';

const TS = 1795460840938;
const res = (memory: number, virtual_cores = 1) => ({ memory, virtual_cores });

function core(opts: { nodeMb?: number; minimumAllocationMb?: number; percent?: number; nodes?: number } = {}) {
  let t = 1795461074678;
  const clock = { now: () => t, advance: (ms: number) => (t += ms) };
  const rm = new ResourceManagerCore({
    config: {
      clusterTimestamp: TS,
      now: clock.now,
      minimumAllocationMb: opts.minimumAllocationMb ?? 1024,
      ...(opts.percent !== undefined ? { maximumAmResourcePercent: opts.percent } : {}),
    },
  });
  const nodes: string[] = [];
  for (let i = 0; i < (opts.nodes ?? 1); i++)
    nodes.push(rm.registerNode({ port: 45454 + i, httpPort: 8042, capability: { memory: opts.nodeMb ?? 8192, virtual_cores: 8 } }));
  return { rm, node: nodes[0], clock };
}

function submit(rm: ResourceManagerCore, seq: number, amMb = 1024): string {
  rm.submitApplication(
    {
      application_id: { id: seq, cluster_timestamp: TS },
      queue: 'default',
      resource: { memory: amMb, virtual_cores: 1 },
      am_container_spec: {},
      maxAppAttempts: 1,
    },
    'root',
  );
  return `application_${TS}_${String(seq).padStart(4, '0')}`;
}

const amContainer = (seq: number) => `container_${TS}_${String(seq).padStart(4, '0')}_01_000001`;

/** One heartbeat; the AM containers it allocated, by application sequence number. */
function heartbeat(rm: ResourceManagerCore, node: string, done: string[] = []): string[] {
  rm.nodeHeartbeat(
    node,
    done.map((id) => ({ container_id: containerIdToProto(parseContainerId(id)), state: 'C_COMPLETE', exit_status: 0, diagnostics: '' })),
  );
  return rm.takeAmLaunches().map((l) => l.attemptId);
}

function runAm(rm: ResourceManagerCore, seq: number): string {
  rm.amContainerLaunched(amContainer(seq));
  const attempt = `appattempt_${TS}_${String(seq).padStart(4, '0')}_000001`;
  rm.registerApplicationMaster(attempt, { host: '127.0.0.1', rpc_port: -1, tracking_url: '' });
  return attempt;
}

describe('the AM resource limit (LeafQueue.calculateAndGetAMResourceLimitPerPartition)', () => {
  it('is the percent of the cluster, rounded half up to MB then up to the minimum allocation, with one vcore', () => {
    expect(queueAmResourceLimit(res(8192, 8), 0.1, 1024)).toEqual(res(1024));
    expect(queueAmResourceLimit(res(8192, 8), 0.1, 128)).toEqual(res(896)); // 819.2 -> 819 -> 896
    expect(queueAmResourceLimit(res(16384, 16), 0.1, 128)).toEqual(res(1664)); // 1638.4 -> 1638 -> 1664
    expect(queueAmResourceLimit(res(10240, 8), 0.25, 1)).toEqual(res(2560));
    expect(queueAmResourceLimit(res(0, 0), 0.1, 1024)).toEqual(res(0, 0));
    expect(queueAmResourceLimit(res(8192, 8), 1, 1024)).toEqual(res(8192));
  });

  it('activates in order while the AMs fit, skips one that does not and goes on, and always lets the first in', () => {
    const pending = [
      { attempt: 'a', amResource: res(4096) }, // alone in an empty queue: in, though over the limit
      { attempt: 'b', amResource: res(512) },
      { attempt: 'c', amResource: res(512) },
    ];
    expect(activateApplications(pending, { count: 0, amUsed: res(0, 0) }, res(1024))).toEqual({
      activated: ['a'],
      deferred: [
        { attempt: 'b', amUsedThen: res(4096) },
        { attempt: 'c', amUsedThen: res(4096) },
      ],
    });
    const mixed = [
      { attempt: 'big', amResource: res(1024) },
      { attempt: 'small', amResource: res(256) },
    ];
    expect(activateApplications(mixed, { count: 1, amUsed: res(512) }, res(1024))).toEqual({
      activated: ['small'],
      deferred: [{ attempt: 'big', amUsedThen: res(512) }],
    });
    // Active applications holding no AM resource (unmanaged AMs) do not enforce the limit.
    expect(activateApplications([{ attempt: 'x', amResource: res(2048) }], { count: 3, amUsed: res(0, 0) }, res(1024)).activated).toEqual([
      'x',
    ]);
  });
});

describe('ResourceManagerCore with maximum-am-resource-percent 0.1 (the default)', () => {
  it("keeps a second AM that does not fit ACCEPTED with the scheduler's text until the first AM ends", () => {
    const { rm, node, clock } = core(); // 8192 MB, minimum allocation 1024: the AM limit is 1024 MB
    const first = submit(rm, 1);
    expect(heartbeat(rm, node)).toEqual([`appattempt_${TS}_0001_000001`]);
    runAm(rm, 1);

    clock.advance(1000);
    const second = submit(rm, 2);
    const waiting = rm.getApplicationReport(second);
    expect(waiting.yarn_application_state).toBe('ACCEPTED');
    expect(waiting.diagnostics).toBe(
      `[${javaDateString(clock.now())}] Application is added to the scheduler and is not yet activated. Queue's AM resource limit exceeded.  ` +
        'Details : AM Partition = <DEFAULT_PARTITION>; AM Resource Request = <memory:1024, vCores:1>; Queue Resource Limit for AM = <memory:1024, vCores:1>; ' +
        'User AM Resource Limit of the queue = <memory:1024, vCores:1>; Queue AM Resource Usage = <memory:1024, vCores:1>; ',
    );
    expect(rm.appRecord(second).attempts[0].state).toBe('SCHEDULED');
    // There is room on the node, but no AM container for it.
    expect(heartbeat(rm, node)).toEqual([]);
    expect(heartbeat(rm, node)).toEqual([]);

    // The first AM unregisters: it still holds its share until its container ends.
    rm.finishApplicationMaster(`appattempt_${TS}_0001_000001`, { final_application_status: 'APP_SUCCEEDED' });
    expect(heartbeat(rm, node)).toEqual([]);
    expect(rm.getApplicationReport(second).diagnostics).toContain('is not yet activated');

    // Its container ends: the second is activated, and gets its AM on the next heartbeat, not the same one.
    clock.advance(500);
    expect(heartbeat(rm, node, [amContainer(1)])).toEqual([]);
    expect(rm.getApplicationReport(first).yarn_application_state).toBe('FINISHED');
    expect(rm.getApplicationReport(second).diagnostics).toMatch(
      /^\[.*\] Application is Activated, waiting for resources to be assigned for AM\. {2}Details : /,
    );
    expect(heartbeat(rm, node)).toEqual([`appattempt_${TS}_0002_000001`]);
  });

  it('always runs the first AM, even one larger than the limit, and then holds the next', () => {
    const { rm, node } = core();
    submit(rm, 1, 4096);
    expect(heartbeat(rm, node)).toEqual([`appattempt_${TS}_0001_000001`]);
    runAm(rm, 1);
    const small = submit(rm, 2, 256); // normalized to 1024
    expect(rm.getApplicationReport(small).diagnostics).toContain(
      'AM Resource Request = <memory:1024, vCores:1>; Queue Resource Limit for AM = <memory:1024, vCores:1>; ',
    );
    expect(rm.getApplicationReport(small).diagnostics).toContain('Queue AM Resource Usage = <memory:4096, vCores:1>; ');
    expect(heartbeat(rm, node)).toEqual([]);
  });

  it('frees the share of a killed or failed application, and a larger cluster raises the limit', () => {
    const { rm, node } = core({ minimumAllocationMb: 128 }); // limit 896 MB
    submit(rm, 1, 512);
    submit(rm, 2, 512);
    submit(rm, 3, 256);
    // 512 in; 512 more would make 1024 > 896: held; 256 fits (768).
    expect(heartbeat(rm, node)).toEqual([`appattempt_${TS}_0001_000001`]);
    expect(heartbeat(rm, node)).toEqual([`appattempt_${TS}_0003_000001`]);
    expect(heartbeat(rm, node)).toEqual([]);
    rm.killApplication(`application_${TS}_0001`, 'root');
    expect(heartbeat(rm, node)).toEqual([`appattempt_${TS}_0002_000001`]);

    submit(rm, 4, 512); // 512 + 256 in use: held
    expect(heartbeat(rm, node)).toEqual([]);
    rm.registerNode({ port: 50000, httpPort: 8043, capability: { memory: 8192, virtual_cores: 8 } }); // limit 1664 MB
    expect(heartbeat(rm, node)).toEqual([`appattempt_${TS}_0004_000001`]);
  });

  it('activates nothing while the cluster has no resource, and says so', () => {
    let t = 1795461074678;
    const rm = new ResourceManagerCore({ config: { clusterTimestamp: TS, now: () => t } });
    const appId = submit(rm, 1);
    expect(rm.getApplicationReport(appId).diagnostics).toBe(
      `[${javaDateString(t)}] Application is added to the scheduler and is not yet activated. Skipping AM assignment as cluster resource is empty.  ` +
        'Details : AM Partition = <DEFAULT_PARTITION>; AM Resource Request = <memory:1024, vCores:1>; Queue Resource Limit for AM = <memory:0, vCores:0>; ' +
        'User AM Resource Limit of the queue = <memory:0, vCores:0>; Queue AM Resource Usage = <memory:0, vCores:0>; ',
    );
    t += 100;
    const node = rm.registerNode({ port: 45454, httpPort: 8042, capability: { memory: 8192, virtual_cores: 8 } });
    expect(rm.getApplicationReport(appId).diagnostics).toContain('Application is Activated');
    expect(heartbeat(rm, node)).toEqual([`appattempt_${TS}_0001_000001`]);
  });

  it('takes a higher percent from its configuration', () => {
    const { rm, node } = core({ percent: 0.5 }); // limit 4096 MB
    for (const seq of [1, 2, 3, 4, 5]) submit(rm, seq);
    const launched = [1, 2, 3, 4, 5].flatMap(() => heartbeat(rm, node));
    expect(launched).toHaveLength(4);
  });
});

describe('mini cluster settings for the AM limit', () => {
  it('write capacity-scheduler.xml values and read the percent from them', () => {
    const plain = resolveSettings({});
    expect(plain.rmConfig.maximumAmResourcePercent).toBe(0.1);
    expect(plain.capacityScheduler['yarn.scheduler.capacity.maximum-am-resource-percent']).toBe('0.1');
    expect(plain.capacityScheduler['yarn.scheduler.capacity.root.queues']).toBe('default');

    expect(
      resolveSettings({ capacityScheduler: { 'yarn.scheduler.capacity.maximum-am-resource-percent': '0.5' } }).rmConfig
        .maximumAmResourcePercent,
    ).toBe(0.5);
    const both = resolveSettings({
      rmConfig: { maximumAmResourcePercent: 0.3 },
      capacityScheduler: { 'yarn.scheduler.capacity.root.default.maximum-am-resource-percent': '0.8' },
    });
    expect(both.rmConfig.maximumAmResourcePercent).toBe(0.8);
    expect(both.capacityScheduler['yarn.scheduler.capacity.maximum-am-resource-percent']).toBe('0.3');
    // `loom minicluster -D ...` puts it in yarn-site; it reaches capacity-scheduler.xml too.
    const defined = resolveSettings({ yarnSite: { 'yarn.scheduler.capacity.maximum-am-resource-percent': '0.25' } });
    expect([
      defined.rmConfig.maximumAmResourcePercent,
      defined.capacityScheduler['yarn.scheduler.capacity.maximum-am-resource-percent'],
    ]).toEqual([0.25, '0.25']);
    expect(() => resolveSettings({ capacityScheduler: { 'yarn.scheduler.capacity.maximum-am-resource-percent': '10' } })).toThrow(
      /from 0 to 1/,
    );
  });
});
