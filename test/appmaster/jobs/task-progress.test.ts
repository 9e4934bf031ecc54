import { beforeEach, describe, expect, it } from 'vitest';
import { JobMaster } from '../../../appmaster/jobs/job-master.js';
import { TaskExecutorRegistry } from '../../../appmaster/taskexecutors/taskexecutor-registry.js';
import { jobDetailsJson, jobOverviewJson } from '../../../appmaster/dispatcher/rest-bodies.js';
import type { JobSpec } from '../../../appmaster/cluster-api.js';
import type { TaskRef } from '../../../client/contracts/taskexecutor-protocol.js';
import { FakeClock, FakeTaskExecutor } from './fake-taskexecutors.js';

let clock: FakeClock;
let registry: TaskExecutorRegistry;
let master: JobMaster;

const spec: JobSpec = {
  bundle: { url: 'hdfs://nn:8020/user/a/bundles/job-0123456789ab.mjs', kind: 'file', size: 120, modificationTime: 1_700_000_000_000 },
  exportName: 'run',
  parallelism: 2,
  args: [],
};

beforeEach(() => {
  clock = new FakeClock();
  registry = new TaskExecutorRegistry({ heartbeatIntervalMs: 1_000, heartbeatTimeoutMs: 10_000, amTimeoutMs: 30_000, now: clock.now });
  master = new JobMaster(registry, { slotsPerTaskExecutor: 2, maxTaskAttempts: 3, cancelTimeoutMs: 50, now: clock.now });
});

const progress = (te: FakeTaskExecutor, task: TaskRef, fraction: number, message = '') =>
  registry.taskProgress(te.id, te, { task, fraction, message });

describe('task progress in the AM', () => {
  it('keeps the latest report of each running attempt and serves it in /jobs/:id and /jobs/overview', async () => {
    const job = await master.submitJob(spec);
    const te = new FakeTaskExecutor(registry, 'c2').register();
    const [t0, t1] = te.deployed().map((d) => d.task);
    te.update(t0, 'RUNNING');
    te.update(t1, 'RUNNING');

    expect(progress(te, t0, 0.2, 'reading part-1')).toBe(true);
    clock.advance(500);
    expect(progress(te, t0, 0.5, 'reading part-3')).toBe(true);
    const status = master.job(job.id)!;
    expect(status.tasks[0].progress).toEqual({ fraction: 0.5, message: 'reading part-3', time: clock.t });
    expect(status.tasks[1].progress).toBeUndefined();

    const details = jobDetailsJson(status, clock.t);
    expect(details.tasks[0].progress).toEqual({ fraction: 0.5, message: 'reading part-3', time: clock.t });
    expect(details.tasks[1]).not.toHaveProperty('progress');
    expect(jobOverviewJson(status, clock.t).progress).toBe(0.25);

    // A finished task counts whole, whatever it last said.
    te.update(t1, 'FINISHED', { resultJson: '1' });
    expect(jobOverviewJson(master.job(job.id)!, clock.t).progress).toBe(0.75);
  });

  it('drops progress for an attempt that ended, that is not the running one, or that another TaskExecutor holds', async () => {
    const job = await master.submitJob({ ...spec, parallelism: 1 });
    const a = new FakeTaskExecutor(registry, 'c2', 1).register();
    const b = new FakeTaskExecutor(registry, 'c3', 1).register();
    const [task] = a.deployed().map((d) => d.task);
    a.update(task, 'RUNNING');

    expect(progress(b, task, 0.9)).toBe(false);
    expect(progress(a, { ...task, attempt: 7 }, 0.9)).toBe(false);
    expect(progress(a, { ...task, jobId: 'f'.repeat(32) }, 0.9)).toBe(false);
    expect(master.job(job.id)!.tasks[0].progress).toBeUndefined();

    // The attempt fails for reasons not its own: the next attempt starts without the old progress.
    expect(progress(a, task, 0.4, 'half way')).toBe(true);
    a.update(task, 'FAILED', { error: 'bundle not found', retryable: true });
    expect(progress(a, task, 0.6)).toBe(false);
    const next = master.job(job.id)!.tasks[0];
    expect(next.attempt).toBe(2);
    expect(next.progress).toBeUndefined();
  });
});
