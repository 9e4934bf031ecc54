// Fault injection on the assembled mini cluster: each fault seen the way an AM and a client see it.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tokenFromProto, type HadoopToken } from '../../client/wire/security/token.js';
import { containerIdText } from '../../client/wire/codec/yarn-ids.js';
import { RemoteException } from '../../client/wire/ipc/remote-exception.js';
import { startMiniCluster, type MiniCluster } from '../../minicluster/mini-cluster.js';
import {
  amContainerOf,
  amrmTokenFromFile,
  appReport,
  clientsFor,
  commandOf,
  listeningPorts,
  processGone,
  submitAm,
  waitFor,
  type ClusterClients,
} from './mini-cluster-kit.js';

type Obj = Record<string, any>;
type AmProxy = ReturnType<ClusterClients['am']>;

let cluster: MiniCluster | undefined;
let clients: ClusterClients | undefined;
afterEach(async () => {
  await clients?.close();
  await cluster?.stop();
  clients = undefined;
  cluster = undefined;
});

async function start(nodes: number): Promise<{ c: MiniCluster; k: ClusterClients }> {
  cluster = await startMiniCluster({ nodes, heartbeatMs: 40, rmConfig: { minimumAllocationMb: 128 } });
  clients = clientsFor(cluster);
  return { c: cluster, k: clients };
}

/** Submit an AM that sleeps, and speak ApplicationMasterProtocol for it with the token the NM wrote. */
async function registeredAm(
  c: MiniCluster,
  k: ClusterClients,
  maxAppAttempts = 1,
): Promise<{ appId: string; am: AmProxy; amNode: string }> {
  const appId = await submitAm(k.rm, { command: 'exec sleep 60', maxAppAttempts });
  const { containerId, nodeId } = await waitFor(() => amContainerOf(c, appId), 'the AM container');
  const nm = c.nodes.find((n) => n.nodeId === nodeId)!;
  const token = await waitFor(() => amrmTokenFromFile(join(nm.containerWorkDir(containerId)!, 'container_tokens')), 'the AM token file');
  const am = k.am(token);
  await am.invoke('registerApplicationMaster', { host: '127.0.0.1', rpc_port: -1, tracking_url: '' });
  return { appId, am, amNode: nodeId };
}

/** A heartbeating AM: allocate until `done` says so; returns everything it received. */
class AmLoop {
  responseId = 0;
  readonly allocated: Obj[] = [];
  readonly completed: Obj[] = [];
  readonly nmTokens = new Map<string, HadoopToken>();
  constructor(private readonly am: AmProxy) {}

  /** `ask` containers in all, or with `steady` the same ask on every call (surplus containers welcome). */
  async until(what: string, done: () => boolean, ask = 0, steady = false): Promise<void> {
    let pending = ask;
    await waitFor(async () => {
      const request: Obj = { response_id: this.responseId, progress: 0 };
      request.ask = [
        {
          priority: { priority: 0 },
          resource_name: '*',
          capability: { memory: 128, virtual_cores: 1 },
          num_containers: pending,
          relax_locality: true,
        },
      ];
      const r = await this.am.invoke('allocate', request);
      this.responseId = r.response_id;
      this.allocated.push(...(r.allocated_containers ?? []));
      if (!steady) pending = Math.max(0, pending - (r.allocated_containers ?? []).length);
      this.completed.push(...(r.completed_container_statuses ?? []));
      for (const t of r.nm_tokens ?? []) this.nmTokens.set(`${t.nodeId.host}:${t.nodeId.port}`, tokenFromProto(t.token));
      return done() || undefined;
    }, what);
  }
}

async function startTask(c: MiniCluster, k: ClusterClients, loop: AmLoop, container: Obj, command = 'exec sleep 60'): Promise<void> {
  const nodeId = `${container.nodeId.host}:${container.nodeId.port}`;
  const nm = c.nodes.find((n) => n.nodeId === nodeId)!;
  const r = await k.nm(nm.address, loop.nmTokens.get(nodeId)!).invoke('startContainers', {
    start_container_request: [{ container_launch_context: { command: [command] }, container_token: container.container_token }],
  });
  expect(r.succeeded_requests).toHaveLength(1);
  // Until the session leader has exec'd the command, its process group may not exist yet (the pid
  // file is written before `exec setsid`, as DefaultContainerExecutor's session script does), and a
  // SIGTERM sent then is lost: the kill comes as SIGKILL (137) instead. Wait for the command itself.
  const name = command.replace(/^exec\s+/, '').split(/\s+/)[0];
  await waitFor(() => {
    const pid = nm.livePids().get(containerIdText(container.id));
    return pid !== undefined && commandOf(pid) === name;
  }, `the task process (${name})`);
}

describe('fault injection', () => {
  it('killContainer: the NM stops it and the AM gets -106', async () => {
    const { c, k } = await start(1);
    const { am } = await registeredAm(c, k);
    const loop = new AmLoop(am);
    await loop.until('one container', () => loop.allocated.length >= 1, 1);
    const task = loop.allocated[0];
    await startTask(c, k, loop, task);
    const id = containerIdText(task.id);
    const pid = c.nodes[0].livePids().get(id)!;
    c.faults.killContainer(id);
    await loop.until('the completed status', () => loop.completed.some((s) => containerIdText(s.container_id) === id));
    const status = loop.completed.find((s) => containerIdText(s.container_id) === id)!;
    expect(status.exit_status).toBe(-106);
    expect(status.diagnostics).toMatch(
      /^\[[^\]]+\]Container Killed by ResourceManager\n\[[^\]]+\]Container killed on request. Exit code is 143\n/,
    );
    expect(processGone(pid)).toBe(true);
  });

  it('loseNode: its NM goes away and its containers complete with -100 "released on a *lost* node"', async () => {
    const { c, k } = await start(2);
    const { appId, am, amNode } = await registeredAm(c, k);
    const loop = new AmLoop(am);
    // Ask until one container sits on the node without the AM.
    await loop.until('a container on the other node', () => loop.allocated.some((x) => `${x.nodeId.host}:${x.nodeId.port}` !== amNode), 2);
    const task = loop.allocated.find((x) => `${x.nodeId.host}:${x.nodeId.port}` !== amNode)!;
    await startTask(c, k, loop, task);
    const lost = c.nodes.find((n) => n.nodeId !== amNode)!;
    const pid = lost.livePids().get(containerIdText(task.id))!;
    await c.faults.loseNode(lost.nodeId);

    const id = containerIdText(task.id);
    await loop.until('the lost container', () => loop.completed.some((s) => containerIdText(s.container_id) === id));
    const status = loop.completed.find((s) => containerIdText(s.container_id) === id)!;
    expect([status.exit_status, status.diagnostics]).toEqual([-100, 'Container released on a *lost* node']);
    expect(processGone(pid)).toBe(true);
    expect(listeningPorts().has(lost.port)).toBe(false);
    const metrics = await k.rm.invoke('getClusterMetrics', {});
    expect([metrics.cluster_metrics.num_node_managers, metrics.cluster_metrics.num_lost_nms]).toEqual([1, 1]);
    expect((await appReport(k.rm, appId)).yarn_application_state).toBe('RUNNING');
  });

  it('failAmAttempt: the AM container dies, attempt 1 fails with exit code 137 and attempt 2 starts', async () => {
    const { c, k } = await start(1);
    const { appId } = await registeredAm(c, k, 2);
    await c.faults.failAmAttempt(appId);
    const report = await waitFor(async () => {
      const r = await appReport(k.rm, appId);
      return r.currentApplicationAttemptId?.attemptId === 2 ? r : undefined;
    }, 'attempt 2');
    expect(report.yarn_application_state).toBe('ACCEPTED');
    // Attempt 2's AM container is launched with a container id naming attempt 2.
    const second = await waitFor(() => {
      const am = amContainerOf(c, appId);
      return am?.containerId.endsWith('_02_000001') ? am : undefined;
    }, 'attempt 2 AM container');
    expect(second.containerId).toMatch(/^container_\d+_\d+_02_000001$/);
    // Attempt 2 moves on while the test looks (SCHEDULED is gone by the next node heartbeat on a
    // loaded machine): wait for where it rests, LAUNCHED (the stand-in AM never registers), and
    // read the states it went through from the RM's record.
    const attempts = await waitFor(async () => {
      const all = (await k.rm.invoke('getApplicationAttempts', { application_id: report.applicationId })).application_attempts as Obj[];
      return all[1]?.yarn_application_attempt_state === 'APP_ATTEMPT_LAUNCHED' ? all : undefined;
    }, 'attempt 2 to be launched');
    expect(attempts.map((a) => a.yarn_application_attempt_state)).toEqual(['APP_ATTEMPT_FAILED', 'APP_ATTEMPT_LAUNCHED']);
    expect(attempts[0].diagnostics).toMatch(/^AM Container for appattempt_\d+_\d+_000001 exited with {2}exitCode: 137\n/);
    const core = c.resourceManager.core;
    const attempt2 = core.appRecord(appId).attempts[1].id;
    const states = core.events.flatMap((e) => (e.type === 'attempt-state' && e.attemptId === attempt2 ? [e.state] : []));
    expect(states).toEqual(['SCHEDULED', 'ALLOCATED', 'LAUNCHED']);
    expect((await appReport(k.rm, appId)).yarn_application_state).toBe('ACCEPTED');
  });

  it('restartResourceManager: same ports, apps and containers survive, the AM must register again', async () => {
    const { c, k } = await start(1);
    const { appId, am } = await registeredAm(c, k);
    const loop = new AmLoop(am);
    await loop.until('one container', () => loop.allocated.length >= 1, 1);
    await startTask(c, k, loop, loop.allocated[0]);
    const taskId = containerIdText(loop.allocated[0].id);
    const taskPid = c.nodes[0].livePids().get(taskId)!;
    const ports = [c.resourceManager.clientAddress.port, c.resourceManager.schedulerAddress.port, c.resourceManager.webAddress.port];

    await c.faults.restartResourceManager();
    expect([c.resourceManager.clientAddress.port, c.resourceManager.schedulerAddress.port, c.resourceManager.webAddress.port]).toEqual(
      ports,
    );
    // The first call may meet the connection the restart closed; the AM's client reconnects.
    const refused = await waitFor(
      () =>
        am.invoke('allocate', { response_id: loop.responseId }).then(
          () => ({ className: 'none' }),
          (e: unknown) => (e instanceof RemoteException ? e : undefined),
        ),
      'an answer from the restarted RM',
    );
    expect(refused.className).toBe('org.apache.hadoop.yarn.exceptions.ApplicationMasterNotRegisteredException');
    expect((await appReport(k.rm, appId)).yarn_application_state).toBe('RUNNING');

    await am.invoke('registerApplicationMaster', { host: '127.0.0.1', rpc_port: -1, tracking_url: '' });
    loop.responseId = 0;
    // Containers allocated by the recovered RM carry epoch 1 (a surplus one from before may come first).
    const before = loop.allocated.length;
    await loop.until(
      'a container from the recovered RM',
      () => loop.allocated.slice(before).some((x) => containerIdText(x.id).startsWith('container_e01_')),
      1,
      true,
    );
    expect(containerIdText(loop.allocated.at(-1)!.id)).toMatch(/^container_e01_\d+_\d+_01_\d{6}$/);
    expect(processGone(taskPid)).toBe(false);
    const nodes = await k.rm.invoke('getClusterNodes', {});
    expect(nodes.nodeReports).toHaveLength(1);
    const rest = await fetch(`http://${c.webAddress}/ws/v1/cluster/apps/${appId}`).then((r) => r.json() as Promise<Obj>);
    expect(rest.app.state).toBe('RUNNING');
  });
});
