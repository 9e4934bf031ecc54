// maximum-am-resource-percent on the assembled mini cluster, seen as a client sees it: the first AM
// runs whatever its size, a second that does not fit waits ACCEPTED with the CapacityScheduler's
// text, and runs once the first application ends.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseApplicationId } from '../../../client/wire/codec/yarn-ids.js';
import { AM_LAUNCHED_WAITING_FOR_REGISTER } from '../../../minicluster/resourcemanager/rm-diagnostics.js';
import { appReport, startClusterWithClients, submitAm, waitFor } from '../mini-cluster-kit.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (stops.length) await stops.pop()!().catch(() => undefined);
});

describe('the AM resource limit on the mini cluster (default 0.1)', () => {
  it('runs the first AM though it exceeds the limit, holds the second ACCEPTED, and runs it once the first ends', async () => {
    // One 2048 MB node, 128 MB minimum allocation: the AM limit is 10 % = 204.8 -> 256 MB.
    const { c, k } = await startClusterWithClients(
      { nodes: 1, nodeMemoryMb: 2048, heartbeatMs: 40, rmConfig: { minimumAllocationMb: 128 } },
      stops,
    );
    const rm = k.rm;
    expect(await readFile(join(c.confDir, 'capacity-scheduler.xml'), 'utf8')).toContain(
      'yarn.scheduler.capacity.maximum-am-resource-percent',
    );

    const first = await submitAm(rm, { command: 'exec sleep 60', memoryMb: 512 });
    await waitFor(async () => (await appReport(rm, first)).diagnostics === AM_LAUNCHED_WAITING_FOR_REGISTER, 'the first AM to be launched');

    const second = await submitAm(rm, { command: 'exec sleep 60', memoryMb: 128 });
    const waiting = await appReport(rm, second);
    expect(waiting.yarn_application_state).toBe('ACCEPTED');
    expect(waiting.diagnostics).toMatch(
      /^\[\w{3} \w{3} \d\d \d\d:\d\d:\d\d \+0000 \d{4}\] Application is added to the scheduler and is not yet activated\. Queue's AM resource limit exceeded\. {2}Details : /,
    );
    expect(waiting.diagnostics.slice(waiting.diagnostics.indexOf('Details'))).toBe(
      'Details : AM Partition = <DEFAULT_PARTITION>; AM Resource Request = <memory:128, vCores:1>; Queue Resource Limit for AM = <memory:256, vCores:1>; ' +
        'User AM Resource Limit of the queue = <memory:256, vCores:1>; Queue AM Resource Usage = <memory:512, vCores:1>; ',
    );
    // Heartbeats go on, the node has room, and still no AM container for it.
    await new Promise((r) => setTimeout(r, 300));
    expect(c.resourceManager.core.appRecord(second).attempts[0].state).toBe('SCHEDULED');
    expect(c.nodes[0].acceptedStarts()).toHaveLength(1);

    const id = parseApplicationId(first);
    await rm.invoke('forceKillApplication', { application_id: { id: id.id, cluster_timestamp: id.clusterTimestamp } });
    await waitFor(
      async () => (await appReport(rm, second)).diagnostics === AM_LAUNCHED_WAITING_FOR_REGISTER,
      'the second AM to be launched',
    );
    expect(c.nodes[0].acceptedStarts().map((s) => s.containerId)).toHaveLength(2);
  });
});
