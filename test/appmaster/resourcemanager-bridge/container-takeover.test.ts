// Taking back the previous attempt's containers: held from the first heartbeat (nothing asked for
// them), a TaskExecutor that ends before it comes back is replaced without counting as a failure,
// and those that do not come back by the deadline are released to YARN.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SlotDemand } from '../../../appmaster/cluster-api.js';
import { TaskExecutorTakeover } from '../../../appmaster/ha/taskexecutor-takeover.js';
import { ContainerPlan } from '../../../appmaster/resourcemanager-bridge/container-plan.js';
import { ResourceManagerBridge } from '../../../appmaster/resourcemanager-bridge/resourcemanager-bridge.js';
import type { AllocateRound, GrantedContainer } from '../../../appmaster/resourcemanager-bridge/scheduler-ports.js';

const cid = (n: number) => `container_1_0001_01_${String(n).padStart(6, '0')}`;
const container = (n: number): GrantedContainer => ({ id: cid(n), nodeId: '127.0.0.1:45454', resource: { memoryMb: 512, vcores: 1 } });

afterEach(() => {
  vi.useRealTimers();
});

describe('ContainerPlan with containers from a previous attempt', () => {
  it('holds them, replaces one that ends before coming back without counting it, and releases those given up', () => {
    const plan = new ContainerPlan(1);
    plan.recover([cid(2), cid(3), cid(4)]);
    expect(plan.heldCount).toBe(3);
    expect(plan.outstandingAsk(3)).toBe(0);
    expect(plan.outstandingAsk(4)).toBe(1);
    // Still away: not idle-releasable (it is not running for this attempt yet).
    expect(plan.chooseIdleReleases([cid(2)])).toEqual([]);

    // cid(2) ended while no AM was there (its AM timeout: exit 0): replaced, not a failure.
    expect(plan.onCompleted({ id: cid(2), exitStatus: 0, diagnostics: 'exited' })).toEqual({
      kind: 'replace',
      containerId: cid(2),
      counted: false,
    });
    expect(plan.failureCount).toBe(0);
    // cid(3) came back: an ordinary running TaskExecutor, whose later crash counts.
    plan.onRecovered(cid(3));
    expect(plan.giveUpRecovering([cid(3), cid(4)])).toEqual([cid(4)]);
    expect(plan.onCompleted({ id: cid(4), exitStatus: -100, diagnostics: 'released' })).toEqual({ kind: 'expected', containerId: cid(4) });
    expect(plan.heldIds()).toEqual([cid(3)]);
    expect(plan.onCompleted({ id: cid(3), exitStatus: 1, diagnostics: 'crashed' })).toEqual({
      kind: 'replace',
      containerId: cid(3),
      counted: true,
    });
    expect(plan.failureCount).toBe(1);
  });

  it('the bridge asks nothing for recovered containers and releases given-up ones with its next heartbeat', async () => {
    const rounds: AllocateRound[] = [];
    const demand: SlotDemand = { wantedTaskExecutors: () => 2, onChange: () => () => {}, idleTaskExecutors: () => [] };
    const held: string[][] = [];
    const bridge = new ResourceManagerBridge<GrantedContainer>({
      scheduler: {
        allocate: async (round) => (
          rounds.push({ ask: round.ask, release: [...round.release] }),
          { allocated: [], completed: [], shutdownRequested: false }
        ),
      },
      launcher: { start: async () => {}, stop: async () => {} },
      demand,
      launch: { nodePath: 'node', amAddress: '127.0.0.1:1', slots: 2, amTimeoutMs: 1_000, user: 'u', localResources: {} },
      maxFailedContainers: 3,
      pacing: { fastMs: 10, slowMs: 10 },
      idleTimeoutMs: 60_000,
      onFatal: () => {},
      onShutdownRequest: () => {},
      onHeldChanged: (ids) => held.push(ids),
    });
    bridge.recoverContainers([container(2), container(3)]);
    expect(held.at(-1)).toEqual([cid(2), cid(3)]);
    await bridge.heartbeat();
    expect(rounds.at(-1)).toEqual({ ask: 0, release: [] });

    bridge.taskExecutorBack(cid(2));
    bridge.giveUpRecovering([cid(2), cid(3)], 'did not come back');
    await bridge.heartbeat();
    // cid(3) went back to YARN and one container is asked for in its place; cid(2) stays.
    expect(rounds.at(-1)).toEqual({ ask: 1, release: [cid(3)] });
    expect(bridge.heldContainerIds).toEqual([cid(2)]);
    await bridge.stop();
  });
});

describe('TaskExecutorTakeover', () => {
  it('settles once every expected TaskExecutor is back or its container ended', () => {
    const log: string[] = [];
    let settled = 0;
    const t = new TaskExecutorTakeover({
      expected: [cid(2), cid(3)],
      deadlineMs: 5_000,
      onSettled: () => settled++,
      onGiveUp: () => {},
      log: (l) => log.push(l),
    });
    t.start();
    expect(t.registered(cid(9))).toBe(false); // one this attempt started itself
    expect(t.registered(cid(2))).toBe(true);
    expect(settled).toBe(0);
    t.ended(cid(3));
    expect(settled).toBe(1);
    expect(t.takenBack).toEqual([cid(2)]);
    expect(log.join('\n')).toMatch(
      /TaskExecutor container_1_0001_01_000002 of the previous attempt is back after \d+ ms \(1 still expected\)/,
    );
  });

  it('gives up on the stragglers at the deadline', () => {
    vi.useFakeTimers();
    const given: string[][] = [];
    let settled = 0;
    const t = new TaskExecutorTakeover({
      expected: [cid(2), cid(3)],
      deadlineMs: 5_000,
      onSettled: () => settled++,
      onGiveUp: (ids) => given.push(ids),
      log: () => {},
    });
    t.start();
    t.registered(cid(3));
    vi.advanceTimersByTime(4_999);
    expect([given, settled]).toEqual([[], 0]);
    vi.advanceTimersByTime(1);
    expect([given, settled]).toEqual([[[cid(2)]], 1]);
    expect(t.waitingFor).toEqual([]);
  });

  it('settles at once when YARN kept nothing', () => {
    let settled = 0;
    new TaskExecutorTakeover({ expected: [], deadlineMs: 5_000, onSettled: () => settled++, onGiveUp: () => {}, log: () => {} }).start();
    expect(settled).toBe(1);
  });
});
