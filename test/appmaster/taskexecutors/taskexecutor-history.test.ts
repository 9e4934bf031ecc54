import { describe, expect, it } from 'vitest';
import { TaskExecutorRegistry } from '../../../appmaster/taskexecutors/taskexecutor-registry.js';
import { TaskExecutorHistory } from '../../../appmaster/taskexecutors/taskexecutor-history.js';
import { FakeClock, FakeTaskExecutor } from '../jobs/fake-taskexecutors.js';

describe('the TaskExecutor history', () => {
  it('keeps released and lost TaskExecutors with their NodeManager address, times and reason', () => {
    const clock = new FakeClock();
    const registry = new TaskExecutorRegistry({
      heartbeatIntervalMs: 1_000,
      heartbeatTimeoutMs: 5_000,
      amTimeoutMs: 30_000,
      now: clock.now,
    });
    registry.containerLaunched('c2', 'node-a:8042');
    new FakeTaskExecutor(registry, 'c2').register();
    new FakeTaskExecutor(registry, 'c3').register();
    new FakeTaskExecutor(registry, 'c4').register();
    expect(registry.get('c2')?.nodeHttpAddress).toBe('node-a:8042');
    clock.advance(1_000);
    registry.releasing('c2', 'idle for more than 30000 ms');
    registry.lose('c2', 'its container ended: released by the application');
    registry.lose('c3', 'no heartbeat for more than 5000 ms');
    registry.stop('the cluster is shutting down');
    const byId = Object.fromEntries(registry.history.list().map((r) => [r.id, r]));
    expect(byId.c2).toMatchObject({
      state: 'released',
      nodeHttpAddress: 'node-a:8042',
      reason: 'idle for more than 30000 ms (its container ended: released by the application)',
      endTime: byId.c2.startTime + 1_000,
    });
    expect(byId.c3).toMatchObject({ state: 'lost', reason: 'no heartbeat for more than 5000 ms' });
    expect(byId.c4).toMatchObject({ state: 'released', reason: 'the cluster is shutting down' });
    expect(registry.list()).toEqual([]);
  });

  it('is bounded: beyond the limit the oldest ended records go first, running ones stay', () => {
    const history = new TaskExecutorHistory(2);
    const info = (id: string) => ({ id, host: 'h', slots: 1, freeSlots: 1, registeredAt: 1, lastHeartbeatAt: 1 });
    history.started(info('a'));
    history.started(info('b'));
    history.ended('b', 'lost', 'gone', 2);
    history.started(info('c'));
    expect(history.list().map((r) => r.id)).toEqual(['c', 'a']);
  });
});
