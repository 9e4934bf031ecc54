import { describe, expect, it } from 'vitest';
import { ContainerPlan } from '../../../appmaster/resourcemanager-bridge/container-plan.js';
import { ContainerExitStatus } from '../../../client/hadoop/yarn/container-exit-status.js';

const c = (n: number) => ({ id: `container_1_0001_01_${String(n).padStart(6, '0')}` });

describe('ContainerPlan: asks', () => {
  it('asks for what is wanted and not held, and lowers the ask as containers arrive', () => {
    const plan = new ContainerPlan(3);
    expect(plan.outstandingAsk(2)).toBe(2);
    const first = plan.onAllocated([c(2)], 2);
    expect(first.start.map((x) => x.id)).toEqual([c(2).id]);
    expect(plan.outstandingAsk(2)).toBe(1);
    plan.onAllocated([c(3)], 2);
    expect(plan.outstandingAsk(2)).toBe(0);
    expect(plan.outstandingAsk(1)).toBe(0);
    expect(plan.outstandingAsk(5)).toBe(3);
  });

  it('releases surplus containers beyond the wanted count', () => {
    const plan = new ContainerPlan(3);
    const d = plan.onAllocated([c(2), c(3), c(4)], 2);
    expect(d.start.map((x) => x.id)).toEqual([c(2).id, c(3).id]);
    expect(d.release.map((x) => x.id)).toEqual([c(4).id]);
    // The released container's completion (-100) is expected, not a failure.
    expect(
      plan.onCompleted({ id: c(4).id, exitStatus: ContainerExitStatus.ABORTED, diagnostics: 'Container released by application' }).kind,
    ).toBe('expected');
    expect(plan.failureCount).toBe(0);
  });

  it('releases everything allocated after demand dropped to zero', () => {
    const plan = new ContainerPlan(3);
    const d = plan.onAllocated([c(2)], 0);
    expect(d.start).toEqual([]);
    expect(d.release.map((x) => x.id)).toEqual([c(2).id]);
  });

  it('ignores a container reported twice', () => {
    const plan = new ContainerPlan(3);
    plan.onAllocated([c(2)], 2);
    const again = plan.onAllocated([c(2)], 2);
    expect(again).toEqual({ start: [], release: [] });
    expect(plan.heldCount).toBe(1);
  });
});

describe('ContainerPlan: completions and replacement counting', () => {
  it('replaces lost TaskExecutors while failures stay within yarn.maximum-failed-containers, then fails', () => {
    const plan = new ContainerPlan(2);
    plan.onAllocated([c(2), c(3), c(4)], 3);
    for (const x of [c(2), c(3), c(4)]) plan.onStarted(x.id);

    const first = plan.onCompleted({ id: c(2).id, exitStatus: 1, diagnostics: 'Exception from container-launch.\nmore' });
    expect(first).toEqual({ kind: 'replace', containerId: c(2).id, counted: true });
    expect(plan.outstandingAsk(3)).toBe(1);

    expect(
      plan.onCompleted({ id: c(3).id, exitStatus: ContainerExitStatus.KILLED_EXCEEDED_PMEM, diagnostics: 'beyond physical memory' }).kind,
    ).toBe('replace');
    const third = plan.onCompleted({ id: c(4).id, exitStatus: 137, diagnostics: '' });
    expect(third.kind).toBe('fail-application');
    if (third.kind !== 'fail-application') return;
    expect(third.diagnostics).toContain('yarn.maximum-failed-containers=2');
    expect(third.diagnostics).toContain(`${c(2).id}: exit code 1: Exception from container-launch.`);
    expect(third.diagnostics).toContain(`${c(3).id}: exit code -104 (KILLED_EXCEEDED_PMEM): beyond physical memory`);
    expect(third.diagnostics).toContain(`${c(4).id}: exit code 137: (no diagnostics)`);
  });

  it('fails at the first failure when the maximum is 0, and never when it is negative', () => {
    const strict = new ContainerPlan(0);
    strict.onAllocated([c(2)], 1);
    expect(strict.onCompleted({ id: c(2).id, exitStatus: 1, diagnostics: 'x' }).kind).toBe('fail-application');

    const unlimited = new ContainerPlan(-1);
    for (let i = 2; i < 50; i++) {
      unlimited.onAllocated([c(i)], 1);
      expect(unlimited.onCompleted({ id: c(i).id, exitStatus: 1, diagnostics: 'x' }).kind).toBe('replace');
    }
    expect(unlimited.failureCount).toBe(48);
  });

  it('replaces preempted containers without counting them', () => {
    const plan = new ContainerPlan(0);
    plan.onAllocated([c(2)], 1);
    expect(plan.onCompleted({ id: c(2).id, exitStatus: ContainerExitStatus.PREEMPTED, diagnostics: 'preempted' })).toEqual({
      kind: 'replace',
      containerId: c(2).id,
      counted: false,
    });
    expect(plan.failureCount).toBe(0);
    expect(plan.outstandingAsk(1)).toBe(1);
  });

  it('counts a refused launch as a failure and expects the container back', () => {
    const plan = new ContainerPlan(1);
    plan.onAllocated([c(2)], 1);
    expect(plan.onStartFailed(c(2).id, 'NMNotYetReadyException').kind).toBe('replace');
    expect(plan.failureCount).toBe(1);
    expect(plan.onCompleted({ id: c(2).id, exitStatus: ContainerExitStatus.ABORTED, diagnostics: '' }).kind).toBe('expected');
    plan.onAllocated([c(3)], 1);
    const second = plan.onStartFailed(c(3).id, 'connection refused');
    expect(second.kind).toBe('fail-application');
    if (second.kind === 'fail-application') expect(second.diagnostics).toContain(`${c(3).id}: did not start: connection refused`);
  });

  it('ignores completions of containers it does not hold (a previous attempt, or unknown)', () => {
    const plan = new ContainerPlan(0);
    expect(plan.onCompleted({ id: c(9).id, exitStatus: 1, diagnostics: '' }).kind).toBe('unknown');
    expect(plan.failureCount).toBe(0);
  });
});

describe('ContainerPlan: idle release and shutdown', () => {
  it('releases the idle TaskExecutors the demand names, running ones only', () => {
    const plan = new ContainerPlan(3);
    plan.onAllocated([c(2), c(3), c(4)], 3);
    plan.onStarted(c(2).id);
    plan.onStarted(c(3).id); // c(4) is still starting: never released as idle
    expect(plan.chooseIdleReleases([c(2).id, c(4).id])).toEqual([c(2).id]);
    expect(plan.heldIds()).toEqual([c(3).id, c(4).id]);
    expect(plan.chooseIdleReleases([c(2).id])).toEqual([]); // already on its way out
    expect(plan.onCompleted({ id: c(2).id, exitStatus: ContainerExitStatus.KILLED_BY_APPMASTER, diagnostics: '' }).kind).toBe('expected');
  });

  it('never releases an idle id it does not hold', () => {
    const plan = new ContainerPlan(3);
    expect(plan.chooseIdleReleases(['container_x'])).toEqual([]);
  });

  it('releaseAll hands back every held container and later completions are expected', () => {
    const plan = new ContainerPlan(0);
    plan.onAllocated([c(2), c(3)], 2);
    plan.onStarted(c(2).id);
    expect(plan.releaseAll().sort()).toEqual([c(2).id, c(3).id]);
    expect(plan.heldCount).toBe(0);
    expect(plan.onCompleted({ id: c(3).id, exitStatus: 143, diagnostics: '' }).kind).toBe('expected');
    expect(plan.failureCount).toBe(0);
  });
});

describe('ContainerPlan: default failure limit', () => {
  it('without yarn.maximum-failed-containers allows as many failures as TaskExecutors were wanted at once', () => {
    const plan = new ContainerPlan(undefined);
    expect(plan.outstandingAsk(2)).toBe(2);
    plan.onAllocated([c(2), c(3)], 2);
    expect(plan.onCompleted({ id: c(2).id, exitStatus: 1, diagnostics: 'a' }).kind).toBe('replace');
    expect(plan.onAllocated([c(4)], 2).start).toHaveLength(1);
    expect(plan.outstandingAsk(1)).toBe(0); // demand dropped: the limit stays at the peak
    expect(plan.onCompleted({ id: c(3).id, exitStatus: 1, diagnostics: 'b' }).kind).toBe('replace');
    const third = plan.onCompleted({ id: c(4).id, exitStatus: 1, diagnostics: 'c' });
    expect(third.kind).toBe('fail-application');
    if (third.kind === 'fail-application')
      expect(third.diagnostics).toContain('the default limit of 2 (yarn.maximum-failed-containers unset');
  });
});
