// Who may register with the AM's TaskExecutor gateway, and what a registered peer may claim. The
// secret only says a peer belongs to the cluster; its id must be a container this AM attempt
// launched or took over (the ResourceManager bridge's), a live id cannot be registered a second
// time, and a result counts only for an attempt the AM deployed to that TaskExecutor. Real gRPC
// server on 127.0.0.1:0, raw client streams as a peer (honest or not) would open them.
import { afterEach, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import type { SlotDemand } from '../../../appmaster/cluster-api.js';
import { JobMaster } from '../../../appmaster/jobs/job-master.js';
import { ResourceManagerBridge } from '../../../appmaster/resourcemanager-bridge/resourcemanager-bridge.js';
import type { AllocateAnswer, GrantedContainer } from '../../../appmaster/resourcemanager-bridge/scheduler-ports.js';
import { startTaskExecutorGateway } from '../../../appmaster/rpc/taskexecutor-gateway-server.js';
import { ContainerAdmission } from '../../../appmaster/taskexecutors/taskexecutor-admission.js';
import { TaskExecutorRegistry, type TaskExecutorEvent } from '../../../appmaster/taskexecutors/taskexecutor-registry.js';
import {
  CLUSTER_SECRET_METADATA_KEY,
  CONNECT_METHOD_PATH,
  decodeAmMessage,
  encodeTaskExecutorMessage,
  type AmMessage,
  type TaskExecutorMessage,
  type TaskRef,
  type TaskUpdateMessage,
} from '../../../client/contracts/taskexecutor-protocol.js';
import { newClusterSecret } from '../../../client/contracts/cluster-secret.js';
import { AmConnection } from '../../../taskexecutor/am-connection.js';
import { waitFor } from '../../minicluster/mini-cluster-kit.js';

const ATTEMPT = 'appattempt_1_0001_000002';
/** Containers of this (second) attempt, and of the previous one. */
const cid = (n: number) => `container_1_0001_02_${String(n).padStart(6, '0')}`;
const prev = (n: number) => `container_1_0001_01_${String(n).padStart(6, '0')}`;
const granted = (id: string): GrantedContainer => ({ id, nodeId: '127.0.0.1:45454', resource: { memoryMb: 1024, vcores: 1 } });
const until = <T>(what: string, check: () => T | undefined | false, ms = 10_000) => waitFor(check, what, ms, 20);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** The AM side: registry, job master, a ResourceManager bridge over a scripted RM, and the gateway. */
async function am(opts: { heartbeatIntervalMs?: number } = {}) {
  const secret = newClusterSecret();
  const registry = new TaskExecutorRegistry({
    heartbeatIntervalMs: opts.heartbeatIntervalMs ?? 1_000,
    heartbeatTimeoutMs: 20_000,
    amTimeoutMs: 30_000,
  });
  const events: TaskExecutorEvent[] = [];
  registry.on((e) => events.push(e));
  const jobMaster = new JobMaster(registry, { slotsPerTaskExecutor: 1, cancelTimeoutMs: 100 });
  const admission = new ContainerAdmission(ATTEMPT);
  const gatewayLog: string[] = [];
  const gateway = await startTaskExecutorGateway({
    host: '127.0.0.1',
    port: 0,
    secret,
    registry,
    admission,
    log: (l) => gatewayLog.push(l),
  });
  cleanups.push(
    () => gateway.close(),
    () => jobMaster.close('test over'),
    () => registry.stop('test over'),
  );

  // The RM grants `allocated` on the next heartbeat; the bridge launches them (the launcher does nothing).
  const allocated: GrantedContainer[] = [];
  let wanted = 0;
  const demand: SlotDemand = { wantedTaskExecutors: () => wanted, onChange: () => () => {}, idleTaskExecutors: () => [] };
  const bridge = new ResourceManagerBridge({
    scheduler: {
      allocate: async (): Promise<AllocateAnswer> => ({ allocated: allocated.splice(0), completed: [], shutdownRequested: false }),
    },
    launcher: { start: async () => {}, stop: async () => {} },
    demand,
    launch: {
      nodePath: 'node',
      amAddress: `127.0.0.1:${gateway.address.port}`,
      slots: 1,
      amTimeoutMs: 30_000,
      user: 'u',
      localResources: {},
    },
    maxFailedContainers: 10,
    pacing: { fastMs: 60_000, slowMs: 60_000 },
    idleTimeoutMs: 60_000,
    onFatal: () => {},
    onShutdownRequest: () => {},
  });
  cleanups.push(() => bridge.stop(100));
  /** As the AM does it: containers of the previous attempt, then this attempt's own, then the gateway learns them. */
  const knowContainers = async (launched: string[], takenOver: string[] = []) => {
    bridge.recoverContainers(takenOver.map(granted));
    allocated.push(...launched.map(granted));
    wanted = launched.length + takenOver.length;
    await bridge.heartbeat();
    admission.knowContainersFrom(bridge);
  };
  return { secret, registry, events, jobMaster, bridge, gateway, gatewayLog, knowContainers, address: `127.0.0.1:${gateway.address.port}` };
}

/** One Connect stream kept open, driven by the test as a TaskExecutor (or an impostor) would. */
class RawPeer {
  readonly messages: AmMessage[] = [];
  readonly ended: Promise<{ code: number; details: string }>;
  private readonly client: grpc.Client;
  private readonly call: grpc.ClientDuplexStream<TaskExecutorMessage, AmMessage>;
  private status: { code: number; details: string } | undefined;

  constructor(address: string, secret: string) {
    this.client = new grpc.Client(address, grpc.credentials.createInsecure());
    const md = new grpc.Metadata();
    md.set(CLUSTER_SECRET_METADATA_KEY, secret);
    this.call = this.client.makeBidiStreamRequest(CONNECT_METHOD_PATH, encodeTaskExecutorMessage, decodeAmMessage, md);
    this.call.on('data', (m: AmMessage) => this.messages.push(m));
    this.call.on('error', () => {});
    this.ended = new Promise((resolve) =>
      this.call.on('status', (s: grpc.StatusObject) => resolve((this.status = { code: s.code, details: s.details }))),
    );
    cleanups.push(() => this.close());
  }

  register(id: string, running: TaskRef[] = []): this {
    this.call.write({
      kind: 'register',
      register: { taskExecutorId: id, host: '127.0.0.1', slots: 1, memoryMb: 0, pid: 1, running },
    });
    return this;
  }

  heartbeat(running: TaskRef[] = []): void {
    this.call.write({ kind: 'heartbeat', heartbeat: { running, freeSlots: 0 } });
  }

  update(task: TaskRef, state: TaskUpdateMessage['state'], extra: Partial<TaskUpdateMessage> = {}): void {
    this.call.write({ kind: 'taskUpdate', taskUpdate: { task, state, ...extra } });
  }

  /** Resolves with the first message of `kind` (the AM answered). */
  async next<K extends AmMessage['kind']>(kind: K): Promise<Extract<AmMessage, { kind: K }>> {
    return (await until(`a ${kind} message`, () => this.messages.find((m) => m.kind === kind))) as Extract<AmMessage, { kind: K }>;
  }

  get open(): boolean {
    return this.status === undefined;
  }

  close(): void {
    this.call.cancel();
    this.client.close();
  }
}

const spec = (parallelism = 1) => ({
  bundle: { url: '/user/u/b.mjs', kind: 'file' as const, size: 1, modificationTime: 1 },
  exportName: 'run',
  parallelism,
  args: [],
});

describe('TaskExecutor gateway admission', () => {
  it('refuses an id that is no container of this attempt (PERMISSION_DENIED), and any id until the AM knows its containers (UNAVAILABLE)', async () => {
    const a = await am();
    // Before the AM has registered with the RM, not even its own containers can be told apart: try again later.
    const early = await new RawPeer(a.address, a.secret).register(cid(2)).ended;
    expect(early.code).toBe(grpc.status.UNAVAILABLE);
    expect(early.details).toBe(
      `the ApplicationMaster ${ATTEMPT} is still starting (it does not yet know which containers are its own); try again`,
    );

    await a.knowContainers([cid(2)], [prev(5)]);
    for (const stranger of [cid(9), 'local_attacker_1', prev(6)]) {
      const refused = await new RawPeer(a.address, a.secret).register(stranger).ended;
      expect(refused.code, stranger).toBe(grpc.status.PERMISSION_DENIED);
      expect(refused.details).toBe(
        `TaskExecutor ${JSON.stringify(stranger)} is not a container of the ApplicationMaster ${ATTEMPT}: only containers this attempt launched, or took over from a previous attempt, may register (CONTAINER_ID names the container)`,
      );
    }
    expect(a.registry.size).toBe(0);
    expect(a.gatewayLog.filter((l) => l.includes('(PERMISSION_DENIED)'))).toHaveLength(3);

    // Its own container and the one it took over are admitted; no task was ever sent to a stranger.
    const own = new RawPeer(a.address, a.secret).register(cid(2));
    const back = new RawPeer(a.address, a.secret).register(prev(5));
    await own.next('registered');
    await back.next('registered');
    expect(
      a.registry
        .list()
        .map((t) => t.id)
        .sort(),
    ).toEqual([prev(5), cid(2)].sort());
    // A container that ended is forgotten: its id is refused from then on.
    await a.bridge.stop(100);
    expect((await new RawPeer(a.address, a.secret).register(cid(2)).ended).code).toBe(grpc.status.PERMISSION_DENIED);
  });

  it('refuses a second registration under a live id (ALREADY_EXISTS) and leaves the live TaskExecutor undisturbed', async () => {
    const a = await am({ heartbeatIntervalMs: 1_000 });
    await a.knowContainers([cid(2)]);
    const live = new RawPeer(a.address, a.secret).register(cid(2));
    await live.next('registered');
    // The live one keeps heartbeating, as a TaskExecutor does.
    const beat = setInterval(() => live.heartbeat(), 100);
    cleanups.push(() => clearInterval(beat));
    const registeredAt = a.registry.get(cid(2))!.registeredAt;

    const impostor = new RawPeer(a.address, a.secret).register(cid(2));
    const refused = await impostor.ended;
    expect(refused.code).toBe(grpc.status.ALREADY_EXISTS);
    expect(refused.details).toMatch(
      new RegExp(
        `^TaskExecutor ${cid(2)} is registered already on a live connection \\(last heartbeat \\d+ ms ago\\); a second registration under its id is refused`,
      ),
    );
    expect(impostor.messages).toEqual([]);

    // Nothing happened to the live one: still registered on its stream, never lost, and work reaches it.
    expect(a.events.filter((e) => e.type === 'lost')).toEqual([]);
    expect(a.registry.get(cid(2))!.registeredAt).toBe(registeredAt);
    const job = await a.jobMaster.submitJob(spec());
    const deploy = await live.next('deployTask');
    expect(deploy.deployTask.task).toEqual({ jobId: job.id, taskIndex: 0, attempt: 1 });
    live.update(deploy.deployTask.task, 'FINISHED', { resultJson: '"from the live one"' });
    expect(await a.jobMaster.waitForJob(job.id)).toMatchObject({ state: 'FINISHED', results: ['from the live one'] });
    expect(live.open).toBe(true);
  });

  it('refuses a result for an attempt the AM did not deploy to that TaskExecutor, and ends that stream', async () => {
    const a = await am();
    await a.knowContainers([cid(2), cid(3)]);
    const holder = new RawPeer(a.address, a.secret).register(cid(2));
    await holder.next('registered');
    const job = await a.jobMaster.submitJob(spec());
    const task = (await holder.next('deployTask')).deployTask.task;

    // Another admitted container forges the end of that attempt: a result, and (after claiming to run it) another.
    const forger = new RawPeer(a.address, a.secret).register(cid(3));
    await forger.next('registered');
    forger.heartbeat([task]);
    await forger.next('cancelTask'); // the AM tells it to stop work it never gave it
    forger.update(task, 'FINISHED', { resultJson: '"forged while cancelling"' });
    forger.update({ ...task, attempt: 7 }, 'FINISHED', { resultJson: '"forged"' });
    const refused = await forger.ended;
    expect(refused.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(refused.details).toBe(
      `TaskExecutor ${cid(3)} reported FINISHED for attempt 7 of task 0 of job ${job.id}, which this ApplicationMaster never deployed to it: refused`,
    );
    // Neither forged end reached the job master as a task update; the real holder's result counts.
    expect(a.events.filter((e) => e.type === 'taskUpdate' && e.id === cid(3))).toEqual([]);
    expect(a.jobMaster.job(job.id)!.tasks[0]).toMatchObject({ state: 'DEPLOYING', taskExecutorId: cid(2) });
    expect(a.registry.has(cid(3))).toBe(false);
    holder.update(task, 'FINISHED', { resultJson: '"real"' });
    expect(await a.jobMaster.waitForJob(job.id)).toMatchObject({ state: 'FINISHED', results: ['real'] });
  });

  it('a launched container claiming work of the previous attempt does not get it adopted; a taken-over one does', async () => {
    const a = await am();
    const id = 'a'.repeat(32);
    await a.jobMaster.submitJob(spec(2), { id, recoveredHoldUntil: Date.now() + 60_000 });
    await a.knowContainers([cid(2)], [prev(5)]);
    const fresh = new RawPeer(a.address, a.secret).register(cid(2), [{ jobId: id, taskIndex: 0, attempt: 1 }]);
    expect((await fresh.next('cancelTask')).cancelTask.task).toEqual({ jobId: id, taskIndex: 0, attempt: 1 });
    const kept = new RawPeer(a.address, a.secret).register(prev(5), [{ jobId: id, taskIndex: 1, attempt: 3 }]);
    await kept.next('registered');
    expect(a.jobMaster.job(id)!.tasks.map((t) => [t.state, t.attempt, t.taskExecutorId])).toEqual([
      ['SCHEDULED', 1, undefined],
      ['RUNNING', 3, prev(5)],
    ]);
    expect(kept.messages.filter((m) => m.kind === 'cancelTask')).toEqual([]);
  });

  it('a TaskExecutor whose stream broke gets back in: at once when the AM saw the stream end, after missed heartbeats when it did not', async () => {
    const a = await am({ heartbeatIntervalMs: 500 });
    await a.knowContainers([cid(2)]);

    // The stream ends (the TaskExecutor cancels it): the AM sees it, and the same id registers again at once.
    const first = new RawPeer(a.address, a.secret).register(cid(2));
    await first.next('registered');
    first.close();
    await until('the AM to see the stream end', () => !a.registry.has(cid(2)));
    const second = new RawPeer(a.address, a.secret).register(cid(2));
    await second.next('registered');

    // Now the stream goes silent without ending (a half-open connection): the TaskExecutor, as
    // taskexecutor/am-connection.ts does, reconnects and is told ALREADY_EXISTS until the old stream
    // has missed its heartbeats; then it is in, and the old stream is ended by the AM.
    const log: string[] = [];
    const gaveUp: string[] = [];
    const connection = new AmConnection({
      address: { host: '127.0.0.1', port: a.gateway.address.port },
      secret: a.secret,
      amTimeoutMs: 30_000,
      registration: () => ({
        taskExecutorId: cid(2),
        host: '127.0.0.1',
        slots: 1,
        memoryMb: 0,
        pid: process.pid,

        running: [],
      }),
      heartbeat: () => ({ running: [], freeSlots: 1 }),
      onMessage: () => {},
      onGiveUp: (_kind, reason) => gaveUp.push(reason),
      log: (l) => log.push(l),
      backoff: { initialMs: 50, maxMs: 200 },
    });
    cleanups.push(() => connection.close());
    second.heartbeat();
    connection.start();
    await until('the reconnected TaskExecutor to register', () => connection.isRegistered);
    expect(gaveUp).toEqual([]);
    expect(a.gatewayLog.some((l) => l.includes(`refused a connection`) && l.includes('(ALREADY_EXISTS)'))).toBe(true);
    expect(log[0]).toMatch(
      new RegExp(`^lost the AM at 127\\.0\\.0\\.1:\\d+ \\(TaskExecutor ${cid(2)} is registered already on a live connection`),
    );
    expect(await second.ended).toMatchObject({ code: grpc.status.OK });
    expect(a.events.flatMap((e) => (e.type === 'lost' ? [e.reason] : []))).toEqual([
      expect.stringMatching(/^its connection (was lost|was closed)$/),
      expect.stringMatching(/^it registered again on a new connection; the old one had sent no heartbeat for \d+ ms$/),
    ]);
    expect(a.registry.has(cid(2))).toBe(true);
  });
});
