// The RM REST containers endpoint of the assembled cluster, against the recorded shapes.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startMiniCluster, type MiniCluster } from '../../minicluster/mini-cluster.js';
import { readFixtureJson } from '../support/fixtures.js';
import { amContainerOf, amrmTokenFromFile, clientsFor, submitAm, waitFor, type ClusterClients } from './mini-cluster-kit.js';

type Obj = Record<string, any>;

let cluster: MiniCluster | undefined;
let clients: ClusterClients | undefined;
afterEach(async () => {
  await clients?.close();
  await cluster?.stop();
  clients = undefined;
  cluster = undefined;
});

/** Keys in order and value types, recursively (first array element stands for all). */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? [shape(v[0])] : [];
  if (v && typeof v === 'object') return Object.entries(v).map(([k, x]) => [k, shape(x)]);
  return typeof v;
}

describe('RM REST /apps/{id}/appattempts/{attempt}/containers', () => {
  it("lists the running attempt's containers in the recorded shape, {} once the app is gone, 404 for an unknown attempt", async () => {
    cluster = await startMiniCluster({ nodes: 1, heartbeatMs: 20, rmConfig: { minimumAllocationMb: 128 } });
    const c = cluster;
    clients = clientsFor(c);
    const appId = await submitAm(clients.rm, { command: 'exec sleep 60' });
    const am = await waitFor(() => amContainerOf(c, appId), 'the AM container');
    const token = await waitFor(
      () => amrmTokenFromFile(join(c.nodes[0].containerWorkDir(am.containerId)!, 'container_tokens')),
      'the AM token',
    );
    const amrm = clients.am(token);
    await amrm.invoke('registerApplicationMaster', { host: '127.0.0.1', rpc_port: -1, tracking_url: '' });
    let responseId = 0;
    await waitFor(async () => {
      const ask = [{ priority: { priority: 0 }, resource_name: '*', capability: { memory: 128, virtual_cores: 1 }, num_containers: 1 }];
      const r = await amrm.invoke('allocate', { ask, response_id: responseId });
      responseId = r.response_id;
      return r.allocated_containers?.length ? true : undefined;
    }, 'a task container');

    const attemptId = appId.replace('application_', 'appattempt_') + '_000001';
    const url = `http://${c.webAddress}/ws/v1/cluster/apps/${appId}/appattempts/${attemptId}/containers`;
    const running = (await (await fetch(url)).json()) as Obj;
    expect(shape(running)).toEqual(shape(readFixtureJson('rm-rest', 'running-app-appattempt-containers.json')));
    // Task containers (a surplus one may have come with the ask, as in YARN), then the AM's.
    const ids = running.container.map((x: Obj) => x.containerId) as string[];
    expect(ids[0]).toBe(appId.replace('application_', 'container_') + '_01_000002');
    expect(ids.at(-1)).toBe(am.containerId);
    expect(running.container.at(-1)).toMatchObject({ allocatedMB: '128', containerState: 'RUNNING', nodeId: c.nodes[0].nodeId });

    await clients.rm.invoke('forceKillApplication', {
      application_id: { id: Number(appId.split('_')[2]), cluster_timestamp: c.resourceManager.core.clusterTimestamp },
    });
    expect(await (await fetch(url)).json()).toEqual(readFixtureJson('failed-app', 'rest', 'appattempt-1-containers.json'));
    const missing = await fetch(url.replace('_000001/containers', '_000009/containers'));
    expect(missing.status).toBe(404);
  });
});
