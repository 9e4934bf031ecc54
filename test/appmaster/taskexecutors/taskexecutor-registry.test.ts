import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  TaskExecutorAlreadyRegisteredError,
  TaskExecutorRegistrationError,
  TaskExecutorRegistry,
  TaskUpdateRefusedError,
  type TaskExecutorEvent,
} from '../../../appmaster/taskexecutors/taskexecutor-registry.js';
import { FakeClock, FakeTaskExecutor } from '../jobs/fake-taskexecutors.js';

let clock: FakeClock;
let registry: TaskExecutorRegistry;
let events: TaskExecutorEvent[];

beforeEach(() => {
  clock = new FakeClock();
  registry = new TaskExecutorRegistry({ heartbeatIntervalMs: 1_000, heartbeatTimeoutMs: 5_000, amTimeoutMs: 30_000, now: clock.now });
  events = [];
  registry.on((e) => events.push(e));
});

const deploy = (jobId: string, taskIndex: number, attempt = 1) => ({
  task: { jobId, taskIndex, attempt },
  parallelism: 2,
  bundle: { url: '/b.mjs', kind: 'file' as const, size: 1, modificationTime: 1 },
  exportName: 'run',
  argsJson: '[]',
  jobName: 'j',
});

describe('TaskExecutorRegistry', () => {
  it('answers a registration with the heartbeat settings and lists the TaskExecutor', () => {
    const a = new FakeTaskExecutor(registry, 'c2', 3).register();
    expect(a.sent).toEqual([{ kind: 'registered', registered: { heartbeatIntervalMs: 1_000, amTimeoutMs: 30_000 } }]);
    expect(registry.list()).toEqual([
      { id: 'c2', host: 'host-c2', slots: 3, freeSlots: 3, registeredAt: clock.t, lastHeartbeatAt: clock.t, memoryMb: 1024 },
    ]);
    expect(events.map((e) => e.type)).toEqual(['registered']);
  });

  it('declares a TaskExecutor lost after the heartbeat timeout, with the attempts it held', () => {
    const a = new FakeTaskExecutor(registry, 'c2').register();
    registry.deploy('c2', deploy('j', 0));
    clock.advance(4_000);
    registry.heartbeat('c2', a, { running: [{ jobId: 'j', taskIndex: 0, attempt: 1 }], freeSlots: 1 });
    expect(a.sent.at(-1)).toEqual({ kind: 'heartbeatAck', heartbeatAck: {} });
    clock.advance(5_000);
    registry.checkHeartbeats();
    expect(registry.size).toBe(1);
    clock.advance(1);
    registry.checkHeartbeats();
    expect(registry.size).toBe(0);
    expect(a.closedWith).toBe('no heartbeat for more than 5000 ms');
    expect(events.at(-1)).toEqual({
      type: 'lost',
      id: 'c2',
      host: 'host-c2',
      reason: 'no heartbeat for more than 5000 ms',
      tasks: [{ jobId: 'j', taskIndex: 0, attempt: 1 }],
      released: false,
    });
  });

  it('cancels work a TaskExecutor runs that the AM did not give it (heartbeat or a new registration)', () => {
    const a = new FakeTaskExecutor(registry, 'c2').register();
    registry.deploy('c2', deploy('j', 0));
    registry.heartbeat('c2', a, {
      running: [
        { jobId: 'j', taskIndex: 0, attempt: 1 },
        { jobId: 'old', taskIndex: 3, attempt: 2 },
      ],
      freeSlots: 0,
    });
    expect(a.cancelled()).toEqual([{ jobId: 'old', taskIndex: 3, attempt: 2 }]);
    // Its slot counts as taken until the TaskExecutor confirms the cancel.
    expect(registry.get('c2')!.freeSlots).toBe(0);

    // While the old connection heartbeats, a registration under its id on another one is refused and changes nothing.
    expect(() => new FakeTaskExecutor(registry, 'c2').register()).toThrow(TaskExecutorAlreadyRegisteredError);
    expect(events.filter((e) => e.type === 'lost')).toEqual([]);
    expect(a.closedWith).toBeNull();
    // Its old connection missed two heartbeats (1000 ms apart): it comes back on a new connection, the old one is
    // lost (its task was handed to others), the new one cleans up.
    clock.advance(2_001);
    const again = new FakeTaskExecutor(registry, 'c2').register([{ jobId: 'j', taskIndex: 0, attempt: 1 }]);
    expect(a.closedWith).toBeUndefined();
    expect(events.filter((e) => e.type === 'lost')).toEqual([
      {
        type: 'lost',
        id: 'c2',
        host: 'host-c2',
        reason: 'it registered again on a new connection; the old one had sent no heartbeat for 2001 ms',
        tasks: [{ jobId: 'j', taskIndex: 0, attempt: 1 }],
        released: false,
      },
    ]);
    expect(again.cancelled()).toEqual([{ jobId: 'j', taskIndex: 0, attempt: 1 }]);
    expect(registry.get('c2')!.freeSlots).toBe(1);
    again.update({ jobId: 'j', taskIndex: 0, attempt: 1 }, 'CANCELED');
    expect(registry.get('c2')!.freeSlots).toBe(2);
    // Messages on the replaced link are ignored.
    registry.taskUpdate('c2', a, { task: { jobId: 'j', taskIndex: 0, attempt: 1 }, state: 'FINISHED' });
    a.disconnect();
    expect(registry.has('c2')).toBe(true);
    expect(events.filter((e) => e.type === 'taskUpdate' && e.update.state === 'FINISHED')).toEqual([]);
  });

  it('counts slots by the attempts it deployed, freeing one on each final update', () => {
    const a = new FakeTaskExecutor(registry, 'c2', 1).register();
    registry.deploy('c2', deploy('j', 0));
    expect(() => registry.deploy('c2', deploy('j', 1))).toThrow(/has no free slot/);
    expect(() => registry.deploy('nope', deploy('j', 1))).toThrow(TaskExecutorRegistrationError);
    a.update({ jobId: 'j', taskIndex: 0, attempt: 1 }, 'RUNNING');
    expect(registry.get('c2')!.freeSlots).toBe(0);
    a.update({ jobId: 'j', taskIndex: 0, attempt: 1 }, 'FINISHED', { resultJson: '1' });
    expect(registry.get('c2')!.freeSlots).toBe(1);
    // A repeated final update is not counted twice: the attempt is no longer this TaskExecutor's, so it is refused.
    expect(() => a.update({ jobId: 'j', taskIndex: 0, attempt: 1 }, 'FINISHED', { resultJson: '1' })).toThrow(TaskUpdateRefusedError);
    expect(events.map((e) => e.type)).toEqual(['registered', 'taskUpdate', 'taskUpdate', 'slotFreed']);
  });

  it('refuses registrations without an id, host or sane slot count, and keeps going when a listener throws', () => {
    const link = new FakeTaskExecutor(registry, 'x');
    const reg = { taskExecutorId: 'c2', host: 'h', slots: 2, memoryMb: 0, pid: 1, running: [] };
    expect(() => registry.register({ ...reg, taskExecutorId: '' }, link, 'launched')).toThrow(/without a TaskExecutor id/);
    expect(() => registry.register({ ...reg, host: '' }, link, 'launched')).toThrow(/without a host \(NM_HOST\)/);
    expect(() => registry.register({ ...reg, slots: 2.5 }, link, 'launched')).toThrow(/offers 2.5 slots/);
    expect(() => new TaskExecutorRegistry({ heartbeatIntervalMs: 1_000, heartbeatTimeoutMs: 1_000, amTimeoutMs: 1 })).toThrow(
      /must be longer/,
    );

    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    registry.on(() => {
      throw new Error('listener bug');
    });
    registry.register(reg, link, 'launched');
    expect(events.map((e) => e.type)).toEqual(['registered']);
    expect(spy).toHaveBeenCalledOnce();
    spy.mockRestore();
  });
});
