import { afterEach, describe, expect, it } from 'vitest';
import type { SlotDemand } from '../../../appmaster/cluster-api.js';
import { ResourceManagerBridge } from '../../../appmaster/resourcemanager-bridge/resourcemanager-bridge.js';
import type {
  AllocateAnswer,
  AllocateRound,
  FinishedContainer,
  GrantedContainer,
} from '../../../appmaster/resourcemanager-bridge/scheduler-ports.js';
import type { TaskExecutorLaunchSpec } from '../../../appmaster/resourcemanager-bridge/taskexecutor-launch.js';
import { waitFor } from '../../minicluster/mini-cluster-kit.js';
import { RemoteException } from '../../../client/wire/ipc/remote-exception.js';
import { AllocateRefusedError } from '../../../client/hadoop/yarn/yarn-client-errors.js';

const cid = (n: number) => `container_1_0001_01_${String(n).padStart(6, '0')}`;
const granted = (n: number, memoryMb = 1024): GrantedContainer => ({
  id: cid(n),
  nodeId: '127.0.0.1:45454',
  resource: { memoryMb, vcores: 2 },
});

class FakeDemand implements SlotDemand {
  wanted = 0;
  idle: string[] = [];
  private listeners = new Set<() => void>();
  wantedTaskExecutors(): number {
    return this.wanted;
  }
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  idleTaskExecutors(): string[] {
    return this.idle;
  }
  set(wanted: number): void {
    this.wanted = wanted;
    for (const l of this.listeners) l();
  }
}

class FakeScheduler {
  rounds: AllocateRound[] = [];
  next: Partial<AllocateAnswer>[] = [];
  failWith: Error | undefined;
  async allocate(round: AllocateRound): Promise<AllocateAnswer> {
    this.rounds.push({ ask: round.ask, release: [...round.release] });
    if (this.failWith) throw this.failWith;
    const a = this.next.shift() ?? {};
    return { allocated: a.allocated ?? [], completed: a.completed ?? [], shutdownRequested: a.shutdownRequested ?? false };
  }
}

class FakeLauncher {
  started: { id: string; spec: TaskExecutorLaunchSpec }[] = [];
  stopped: string[] = [];
  refuse = new Set<string>();
  /** What each start() call returned, in order: the bridge's reaction to each was attached first. */
  private readonly launches: Promise<void>[] = [];
  start(c: GrantedContainer, spec: TaskExecutorLaunchSpec): Promise<void> {
    let launch: Promise<void>;
    if (this.refuse.has(c.id)) {
      launch = Promise.reject(new Error(`NodeManager refused ${c.id}`));
    } else {
      this.started.push({ id: c.id, spec });
      launch = Promise.resolve();
    }
    this.launches.push(launch);
    return launch;
  }
  /**
   * Resolves once every launch so far has been accepted or refused and the bridge has handled
   * it (its handlers on a launch were attached before ours, so they have run).
   */
  async launchesHandled(): Promise<void> {
    await Promise.allSettled(this.launches);
  }
  async stop(c: GrantedContainer): Promise<void> {
    this.stopped.push(c.id);
  }
}

function setup(opts: { maxFailedContainers?: number; slowMs?: number } = {}) {
  /** What the job master does on a refused ask: fail the jobs waiting for slots (or, switched off, nothing). */
  const onRefusal = { failsJobs: true };
  const demand = new FakeDemand();
  const scheduler = new FakeScheduler();
  const launcher = new FakeLauncher();
  const fatal: string[] = [];
  const refusals: AllocateRefusedError[] = [];
  const ended: string[] = [];
  const heldChanges: string[][] = [];
  let shutdowns = 0;
  const bridge = new ResourceManagerBridge({
    scheduler,
    launcher,
    demand,
    launch: { nodePath: 'node', amAddress: '127.0.0.1:1234', slots: 2, amTimeoutMs: 60_000, user: 'u', localResources: {} },
    maxFailedContainers: 'maxFailedContainers' in opts ? opts.maxFailedContainers : 1,
    pacing: { fastMs: 200, slowMs: opts.slowMs ?? 3000 },
    idleTimeoutMs: 30_000,
    maxConsecutiveAllocateErrors: 3,
    onFatal: (d) => fatal.push(d),
    onShutdownRequest: () => shutdowns++,
    onAskRefused: (r) => {
      refusals.push(r);
      if (onRefusal.failsJobs) demand.wanted = 0;
    },
    onHeldChanged: (ids) => heldChanges.push(ids),
  });
  bridge.onContainerEnded((id) => ended.push(id));
  bridges.push(bridge);
  return { demand, scheduler, launcher, bridge, fatal, refusals, onRefusal, ended, heldChanges, shutdowns: () => shutdowns };
}

const bridges: ResourceManagerBridge[] = [];
afterEach(async () => {
  for (const b of bridges.splice(0)) await b.stop(100);
});

describe('ResourceManagerBridge', () => {
  it('asks for wanted TaskExecutors, starts them, releases surplus and lowers the ask', async () => {
    const { demand, scheduler, launcher, bridge } = setup();
    demand.wanted = 2;
    scheduler.next.push({ allocated: [granted(2), granted(3, 2048), granted(4)] });
    expect(await bridge.heartbeat()).toBe(200); // surplus to release: stay fast
    await launcher.launchesHandled();
    expect(scheduler.rounds[0]).toEqual({ ask: 2, release: [] });
    expect(launcher.started.map((s) => s.id)).toEqual([cid(2), cid(3)]);
    // The heap follows the memory YARN granted, not the ask.
    expect(launcher.started[1].spec.command).not.toBe(launcher.started[0].spec.command);
    expect(await bridge.heartbeat()).toBe(3000);
    expect(scheduler.rounds[1]).toEqual({ ask: 0, release: [cid(4)] });
    expect(bridge.heldContainerIds).toEqual([cid(2), cid(3)]);
  });

  it('replaces a lost TaskExecutor, then fails the application past the limit with the containers listed', async () => {
    const { demand, scheduler, launcher, bridge, fatal, ended } = setup({ maxFailedContainers: 1 });
    demand.wanted = 1;
    scheduler.next.push({ allocated: [granted(2)] });
    await bridge.heartbeat();
    await launcher.launchesHandled();
    const lost: FinishedContainer = { containerId: cid(2), exitStatus: 1, diagnostics: 'Exception from container-launch.' };
    scheduler.next.push({ completed: [lost] });
    expect(await bridge.heartbeat()).toBe(200); // a replacement is asked for at once
    expect(ended).toEqual([cid(2)]);
    await bridge.heartbeat();
    expect(scheduler.rounds[2].ask).toBe(1);
    expect(fatal).toEqual([]);

    scheduler.next.push({ allocated: [granted(3)] });
    await bridge.heartbeat();
    await launcher.launchesHandled();
    scheduler.next.push({ completed: [{ containerId: cid(3), exitStatus: -104, diagnostics: 'beyond physical memory' }] });
    await bridge.heartbeat();
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toContain(`${cid(2)}: exit code 1`);
    expect(fatal[0]).toContain(`${cid(3)}: exit code -104 (KILLED_EXCEEDED_PMEM)`);
  });

  it('releases the TaskExecutors the demand calls idle, and their completion is not a failure', async () => {
    const { demand, scheduler, launcher, bridge, fatal } = setup({ maxFailedContainers: 0 });
    demand.wanted = 2;
    scheduler.next.push({ allocated: [granted(2), granted(3)] });
    await bridge.heartbeat();
    await launcher.launchesHandled();
    demand.wanted = 1;
    demand.idle = [cid(2)];
    await bridge.heartbeat();
    expect(scheduler.rounds[1]).toEqual({ ask: 0, release: [cid(2)] });
    scheduler.next.push({ completed: [{ containerId: cid(2), exitStatus: -100, diagnostics: 'Container released by application' }] });
    await bridge.heartbeat();
    expect(fatal).toEqual([]);
    expect(bridge.heldContainerIds).toEqual([cid(3)]);
  });

  it('counts a launch the NodeManager refused and gives the container back', async () => {
    const { demand, scheduler, launcher, bridge, fatal } = setup({ maxFailedContainers: 0 });
    demand.wanted = 1;
    launcher.refuse.add(cid(2));
    scheduler.next.push({ allocated: [granted(2)] });
    await bridge.heartbeat();
    await launcher.launchesHandled();
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toContain(`${cid(2)}: did not start: NodeManager refused ${cid(2)}`);
    // The refusal wakes the bridge, so a round of its own (a timer) may give the container back
    // before or instead of a heartbeat the test sends: wait for the round that carries the release.
    await bridge.heartbeat();
    const giveBack = await waitFor(() => scheduler.rounds.find((r) => r.release.length > 0), 'a round that gives the container back');
    expect(giveBack.release).toEqual([cid(2)]);
    expect(scheduler.rounds.flatMap((r) => r.release)).toEqual([cid(2)]); // given back once
  });

  it('reports the held containers when they change, and only then', async () => {
    const { demand, scheduler, bridge, heldChanges } = setup();
    demand.wanted = 2;
    scheduler.next.push({ allocated: [granted(2), granted(3)] });
    await bridge.heartbeat();
    await bridge.heartbeat();
    scheduler.next.push({ completed: [{ containerId: cid(2), exitStatus: 1, diagnostics: 'x' }] });
    await bridge.heartbeat();
    expect(heldChanges).toEqual([[cid(2), cid(3)], [cid(3)]]);
  });

  it('passes AM_SHUTDOWN on, and ends the application after repeated allocate errors', async () => {
    const { scheduler, bridge, fatal, shutdowns } = setup();
    scheduler.next.push({ shutdownRequested: true });
    await bridge.heartbeat();
    expect(shutdowns()).toBe(1);
    scheduler.failWith = new Error('Connection refused');
    await bridge.heartbeat();
    await bridge.heartbeat();
    expect(fatal).toEqual([]);
    await bridge.heartbeat();
    expect(fatal[0]).toMatch(/could not heartbeat to the ResourceManager 3 times in a row; last error: Connection refused/);
  });

  it('an ask YARN refuses for good fails what needed it, is not sent again until more is wanted, and never counts against the heartbeat budget', async () => {
    const { demand, scheduler, bridge, fatal, refusals, onRefusal, shutdowns } = setup();
    const message =
      'Invalid resource request! Cannot allocate containers as requested resource is greater than maximum allowed allocation. Requested resource type=[vcores]';
    const refusal = new AllocateRefusedError(
      'ask',
      'org.apache.hadoop.yarn.exceptions.InvalidResourceRequestException',
      message,
      '1 container request(s) of <memory:1024, vCores:9>',
    );
    for (let i = 0; i < 5; i++) {
      demand.wanted = 1; // a new job each time
      scheduler.failWith = refusal;
      expect(await bridge.heartbeat()).toBe(200);
      scheduler.failWith = undefined;
      await bridge.heartbeat();
    }
    expect(refusals).toHaveLength(5);
    expect(refusals[0].remoteMessage).toBe(message);
    expect(fatal).toEqual([]); // 5 refusals, a budget of 3 failed heartbeats in a row
    expect(shutdowns()).toBe(0);
    expect(scheduler.rounds.map((r) => r.ask)).toEqual([1, 0, 1, 0, 1, 0, 1, 0, 1, 0]);

    // Without anything to fail (demand unchanged), the refused ask is still not sent again...
    onRefusal.failsJobs = false;
    demand.wanted = 1;
    scheduler.failWith = refusal;
    await bridge.heartbeat();
    scheduler.failWith = undefined;
    await bridge.heartbeat();
    await bridge.heartbeat();
    expect(scheduler.rounds.slice(-3).map((r) => r.ask)).toEqual([1, 0, 0]);
    // ...until more TaskExecutors are wanted than then.
    demand.wanted = 2;
    await bridge.heartbeat();
    expect(scheduler.rounds.at(-1)!.ask).toBe(2);
  });

  it('acts on each class of allocate error: a refused release is dropped, the attempt being over exits, a protocol out of step ends the application at once', async () => {
    const { scheduler, bridge, fatal, shutdowns } = setup();
    const remote = (className: string, remoteMessage: string) =>
      new RemoteException({ className: `org.apache.hadoop.yarn.exceptions.${className}`, remoteMessage, status: 'ERROR' });
    scheduler.next.push({ allocated: [granted(2)] });
    await bridge.heartbeat(); // wanted 0: surplus, released next round
    scheduler.failWith = new AllocateRefusedError(
      'release',
      'org.apache.hadoop.yarn.exceptions.InvalidContainerReleaseException',
      'Cannot release container : x',
      'the release of x',
    );
    await bridge.heartbeat();
    scheduler.failWith = undefined;
    await bridge.heartbeat();
    expect(scheduler.rounds.map((r) => r.release)).toEqual([[], [cid(2)], []]);

    scheduler.failWith = remote(
      'ApplicationAttemptNotFoundException',
      "Application attempt appattempt_1_0001_000001 doesn't exist in ApplicationMasterService cache.",
    );
    await bridge.heartbeat();
    expect(shutdowns()).toBe(1);
    expect(fatal).toEqual([]);
    scheduler.failWith = remote(
      'InvalidApplicationMasterRequestException',
      'Invalid responseId in AllocateRequest from application attempt: appattempt_1_0001_000001, expect responseId to be 7, but get 3',
    );
    await bridge.heartbeat();
    expect(fatal).toEqual([
      "the ResourceManager refused the ApplicationMaster's heartbeat, which no retry can mend: org.apache.hadoop.yarn.exceptions.InvalidApplicationMasterRequestException: Invalid responseId in AllocateRequest from application attempt: appattempt_1_0001_000001, expect responseId to be 7, but get 3",
    ]);
  });

  it('keeps releases that did not reach the RM for the next round', async () => {
    const { scheduler, bridge } = setup();
    scheduler.next.push({ allocated: [granted(2)] });
    await bridge.heartbeat(); // wanted 0: surplus
    scheduler.failWith = new Error('timeout');
    await bridge.heartbeat();
    scheduler.failWith = undefined;
    await bridge.heartbeat();
    expect(scheduler.rounds.map((r) => r.release)).toEqual([[], [cid(2)], [cid(2)]]);
  });

  it('wakes at once when demand rises instead of waiting for the slow interval', async () => {
    const { demand, scheduler, bridge } = setup({ slowMs: 600_000 });
    bridge.start();
    await waitFor(() => scheduler.rounds.length === 1, 'the first round');
    demand.set(1);
    await waitFor(() => scheduler.rounds.length === 2, 'the round the demand woke');
    expect(scheduler.rounds[1].ask).toBe(1);
  });

  it('stop() stops every TaskExecutor container through its NodeManager', async () => {
    const { demand, scheduler, launcher, bridge } = setup();
    demand.wanted = 2;
    scheduler.next.push({ allocated: [granted(2), granted(3)] });
    await bridge.heartbeat();
    await bridge.stop();
    expect(launcher.stopped.sort()).toEqual([cid(2), cid(3)]);
    expect(bridge.heldContainerIds).toEqual([]);
  });
});
