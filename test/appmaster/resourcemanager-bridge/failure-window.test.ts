// yarn.maximum-failed-containers counted over yarn.containers.failure-rate-interval.
import { describe, expect, it } from 'vitest';
import { ContainerPlan } from '../../../appmaster/resourcemanager-bridge/container-plan.js';
import { FailureBudget } from '../../../appmaster/resourcemanager-bridge/failure-budget.js';

class Clock {
  t = 1_000_000;
  now = (): number => this.t;
}

const failure = (n: number, exitStatus = 137) => ({
  containerId: `container_1700000000000_0001_01_00000${n}`,
  exitStatus,
  diagnostics: `[2026-01-01 10:00:0${n}.000]Container killed on request. Exit code is ${exitStatus}\n`,
});

describe('FailureBudget with a failure-rate interval', () => {
  it('counts only failures younger than the interval', () => {
    const clock = new Clock();
    const budget = new FailureBudget(2, () => 0, { intervalMs: 60_000, now: clock.now });
    expect(budget.record(failure(1))).toBe(true);
    clock.t += 30_000;
    expect(budget.record(failure(2))).toBe(true);
    clock.t += 30_001; // failure 1 is now older than a minute
    expect(budget.count).toBe(1);
    expect(budget.record(failure(3))).toBe(true);
    expect(budget.count).toBe(2);
    clock.t += 1_000;
    expect(budget.record(failure(4))).toBe(false); // 2, 3, 4 within the last minute: one more than 2
    const text = budget.diagnostics();
    expect(text).toMatch(
      /^3 TaskExecutor container\(s\) failed within 1 min \(yarn\.containers\.failure-rate-interval\), more than yarn\.maximum-failed-containers=2 allows/,
    );
    for (const n of [2, 3, 4])
      expect(text).toContain(`container_1700000000000_0001_01_00000${n}: exit code 137: Container killed on request. Exit code is 137`);
    expect(text).not.toContain('_000001:');
    expect(text).toContain('(1 earlier failure(s) fell outside the interval and do not count)');
  });

  it("without an interval every failure of the application counts (Flink's rule)", () => {
    const clock = new Clock();
    const budget = new FailureBudget(2, () => 0, { intervalMs: undefined, now: clock.now });
    for (const n of [1, 2]) {
      expect(budget.record(failure(n))).toBe(true);
      clock.t += 86_400_000;
    }
    expect(budget.record(failure(3))).toBe(false);
    expect(budget.diagnostics()).toMatch(/^3 TaskExecutor container\(s\) failed, more than yarn\.maximum-failed-containers=2 allows/);
  });

  it('refuses an interval below 1 ms', () => {
    expect(() => new FailureBudget(2, () => 0, { intervalMs: 0, now: Date.now })).toThrow(/failure-rate-interval must be at least 1 ms/);
  });
});

describe('ContainerPlan with a failure-rate interval', () => {
  it('replaces containers while the window holds at most the limit, and fails the application with their exit codes past it', () => {
    const clock = new Clock();
    const plan = new ContainerPlan(1, { intervalMs: 10_000, now: clock.now });
    const ids = [2, 3, 4, 5].map((n) => `container_1700000000000_0001_01_00000${n}`);
    plan.outstandingAsk(1);
    const alloc = (id: string) => plan.onAllocated([{ id }], 1).start.map((c) => plan.onStarted(c.id));
    alloc(ids[0]);
    expect(plan.onCompleted({ id: ids[0], exitStatus: 137, diagnostics: 'killed' })).toEqual({
      kind: 'replace',
      containerId: ids[0],
      counted: true,
    });
    clock.t += 10_001;
    alloc(ids[1]);
    // The first failure left the window: this one is again the only one.
    expect(plan.onCompleted({ id: ids[1], exitStatus: 1, diagnostics: 'crashed' }).kind).toBe('replace');
    expect(plan.failureCount).toBe(1);
    clock.t += 5_000;
    alloc(ids[2]);
    const outcome = plan.onCompleted({ id: ids[2], exitStatus: 143, diagnostics: 'terminated' });
    expect(outcome.kind).toBe('fail-application');
    if (outcome.kind !== 'fail-application') return;
    expect(outcome.diagnostics).toContain(`${ids[1]}: exit code 1: crashed`);
    expect(outcome.diagnostics).toContain(`${ids[2]}: exit code 143: terminated`);
    expect(outcome.diagnostics).not.toContain(ids[0]);
  });
});
