import { describe, expect, it } from 'vitest';
import { AmMetrics } from '../../../appmaster/metrics/am-metrics.js';
import { TaskExecutorRegistry } from '../../../appmaster/taskexecutors/taskexecutor-registry.js';
import { FakeClock, FakeTaskExecutor } from '../jobs/fake-taskexecutors.js';
import { parsePrometheusText, sampleValue } from './prometheus-text-parser.js';

describe('AmMetrics', () => {
  it('counts a TaskExecutor whose container the AM released apart from one that was lost', () => {
    const clock = new FakeClock();
    const registry = new TaskExecutorRegistry({
      heartbeatIntervalMs: 1_000,
      heartbeatTimeoutMs: 5_000,
      amTimeoutMs: 30_000,
      now: clock.now,
    });
    const metrics = new AmMetrics({
      control: { overview: () => ({ slotsTotal: 0, slotsAvailable: 0, taskExecutors: 0 }) as never, jobs: () => [] },
      registry,
      startedAt: clock.t,
      now: clock.now,
    });
    new FakeTaskExecutor(registry, 'c2').register();
    new FakeTaskExecutor(registry, 'c3').register();
    registry.releasing('c2', 'idle for 30000 ms');
    registry.lose('c2', 'container completed');
    registry.lose('c3', 'container completed');
    const families = parsePrometheusText(metrics.registry.render());
    const value = (name: string) => sampleValue(families, name);
    expect(value('loom_taskexecutors_registered_total')).toBe(2);
    expect(value('loom_taskexecutors_released_total')).toBe(1);
    expect(value('loom_taskexecutors_lost_total')).toBe(1);
  });
});
