// The job master under restart strategies: what counts as one failure, delays before the failed
// tasks run again, user errors under loom.task.retry-user-errors, and the error when the strategy
// gives up (strategy, containers, exits). Time is vitest's fake clock.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JobSpec } from '../../../appmaster/cluster-api.js';
import { JobMaster } from '../../../appmaster/jobs/job-master.js';
import type { JobMasterOptions } from '../../../appmaster/jobs/job-master-options.js';
import { restartOptionsFrom } from '../../../appmaster/jobs/job-master-options.js';
import { TaskExecutorRegistry } from '../../../appmaster/taskexecutors/taskexecutor-registry.js';
import { ConfigurationError } from '../../../client/conf/configuration-error.js';
import { FakeTaskExecutor } from './fake-taskexecutors.js';

let registry: TaskExecutorRegistry;
let master: JobMaster | undefined;

const spec = (parallelism: number): JobSpec => ({
  bundle: { url: 'hdfs://nn:8020/user/a/bundles/job.mjs', kind: 'file', size: 10, modificationTime: 1_700_000_000_000 },
  exportName: 'run',
  parallelism,
  args: [],
});

function start(options: Partial<JobMasterOptions>): JobMaster {
  master = new JobMaster(registry, { slotsPerTaskExecutor: 2, cancelTimeoutMs: 50, now: () => Date.now(), ...options });
  return master;
}

const te = (id: string, slots = 1) => new FakeTaskExecutor(registry, id, slots).register();
const container = (n: number) => `container_1700000000000_0001_01_00000${n}`;

beforeEach(() => {
  vi.useFakeTimers({ now: 1_700_000_000_000 });
  registry = new TaskExecutorRegistry({
    heartbeatIntervalMs: 1_000,
    heartbeatTimeoutMs: 10_000,
    amTimeoutMs: 30_000,
    now: () => Date.now(),
  });
});

afterEach(() => {
  master?.close('test over');
  master = undefined;
  vi.useRealTimers();
});

describe('fixed-delay on a job master', () => {
  it('survives 3 lost TaskExecutors with the delay before each restart and fails at the 4th, naming the strategy, containers and exits', async () => {
    const jm = start({ restartStrategy: { type: 'fixed-delay', attempts: 3, delayMs: 1_000 } });
    const job = await jm.submitJob(spec(1));
    let holder = te(container(1));
    for (let n = 1; n <= 3; n++) {
      expect(holder.deployed().map((d) => d.task.attempt)).toEqual([n]);
      holder.disconnect('its connection was lost');
      jm.containerFailedToStart(holder.id, '[2026-01-01 10:00:00.000]Container killed on request. Exit code is 137\n', 137);
      const next = te(container(n + 1));
      expect(jm.job(job.id)!.tasks[0]).toMatchObject({ state: 'SCHEDULED', attempt: n + 1 });
      await vi.advanceTimersByTimeAsync(999);
      expect(next.deployed()).toEqual([]); // still waiting out the delay, though a slot is free
      await vi.advanceTimersByTimeAsync(1);
      expect(next.deployed().map((d) => d.task.attempt)).toEqual([n + 1]);
      holder = next;
    }
    holder.disconnect('no heartbeat for more than 10000 ms');
    const failed = jm.job(job.id)!;
    expect(failed.state).toBe('FAILED');
    expect(failed.tasks[0]).toMatchObject({ state: 'FAILED', attempt: 4 });
    const lines = failed.error!.split('\n');
    expect(lines[0]).toBe('restart-strategy fixed-delay with 3 attempts, 1 s apart exhausted after 4 failure(s) of the job:');
    for (const n of [1, 2, 3]) {
      expect(lines[n]).toBe(
        `  - TaskExecutor ${container(n)} (host-${container(n)}) was lost: its connection was lost [task 0]; its container exited with 137: Container killed on request. Exit code is 137`,
      );
    }
    expect(lines[4]).toBe(
      `  - TaskExecutor ${container(4)} (host-${container(4)}) was lost: no heartbeat for more than 10000 ms [task 0]; its container's exit is not reported yet`,
    );
    // A lost TaskExecutor whose container end comes later is not a start failure.
    expect(jm.recentStartFailures()).toEqual([]);
  });

  it('a lost TaskExecutor is one failure of each job it ran tasks of, however many tasks', async () => {
    const jm = start({ restartStrategy: { type: 'fixed-delay', attempts: 1, delayMs: 0 } });
    const a = te('a', 2);
    const first = await jm.submitJob(spec(2));
    const b = te('b', 2);
    const second = await jm.submitJob(spec(2));
    expect(a.deployed().map((d) => d.task.jobId)).toEqual([first.id, first.id]);
    a.disconnect(); // both tasks of `first`: one failure, restarted on a new TaskExecutor
    const c = te('c', 2);
    expect(c.deployed().map((d) => [d.task.taskIndex, d.task.attempt])).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(jm.job(second.id)!.state).toBe('RUNNING');
    b.disconnect(); // `second`'s first failure
    expect(jm.job(second.id)!.state).toBe('RUNNING');
    c.disconnect(); // `first`'s second failure: past 1 attempt
    expect(jm.job(first.id)!.state).toBe('FAILED');
    expect(jm.job(first.id)!.error).toMatch(
      /^restart-strategy fixed-delay with 1 attempt exhausted after 2 failure\(s\) of the job:\n {2}- TaskExecutor a .*\[tasks 0, 1\]/,
    );
  });

  it('without a strategy: fixed-delay from loom.task.max-attempts, no delay', async () => {
    const jm = start({ maxTaskAttempts: 2 });
    const job = await jm.submitJob(spec(1));
    te('a').disconnect();
    const b = te('b');
    expect(b.deployed().map((d) => d.task.attempt)).toEqual([2]); // at once
    b.disconnect();
    expect(jm.job(job.id)!.state).toBe('FAILED');
    expect(jm.job(job.id)!.error).toMatch(
      /^restart-strategy fixed-delay with 1 attempt \(the default: restart-strategy\.type unset, loom\.task\.max-attempts=2\) exhausted/,
    );
  });
});

describe('other strategies on a job master', () => {
  it('none: the first lost TaskExecutor fails the job', async () => {
    const jm = start({ restartStrategy: { type: 'none' } });
    const job = await jm.submitJob(spec(1));
    te(container(1)).disconnect();
    expect(jm.job(job.id)!.state).toBe('FAILED');
    expect(jm.job(job.id)!.error).toMatch(/^restart-strategy none: a failure ends the job/);
  });

  it('exponential-delay: the restarts wait 100 ms, then 200 ms', async () => {
    const jm = start({
      restartStrategy: {
        type: 'exponential-delay',
        initialBackoffMs: 100,
        maxBackoffMs: 1_000,
        multiplier: 2,
        resetThresholdMs: 60_000,
        jitter: 0,
        attempts: 5,
      },
    });
    const job = await jm.submitJob(spec(1));
    let holder = te('a');
    for (const [i, delay] of [100, 200].entries()) {
      holder.disconnect();
      const next = te(`n${i}`);
      await vi.advanceTimersByTimeAsync(delay - 1);
      expect(next.deployed()).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(next.deployed().map((d) => d.task.attempt)).toEqual([i + 2]);
      holder = next;
    }
    holder.finishAll(() => 'ok');
    expect(jm.job(job.id)!.state).toBe('FINISHED');
  });
});

describe('user errors', () => {
  const thrown = { error: 'boom', errorStack: 'Error: boom\n    at run (file:///job.mjs:1:7)' };

  it('fail the job at once by default, whatever the strategy allows', async () => {
    const jm = start({ restartStrategy: { type: 'fixed-delay', attempts: 5, delayMs: 0 } });
    const job = await jm.submitJob(spec(1));
    const a = te('a');
    a.update(a.deployed()[0].task, 'FAILED', thrown);
    expect(jm.job(job.id)!.state).toBe('FAILED');
    expect(jm.job(job.id)!.error).toBe('task 0 (attempt 1) failed on TaskExecutor a: Error: boom\n    at run (file:///job.mjs:1:7)');
  });

  it('with loom.task.retry-user-errors count under the strategy; giving up keeps the last error in full', async () => {
    const jm = start({ restartStrategy: { type: 'fixed-delay', attempts: 1, delayMs: 0 }, retryUserErrors: true });
    const job = await jm.submitJob(spec(1));
    const a = te('a', 2);
    a.update(a.deployed()[0].task, 'FAILED', thrown);
    expect(jm.job(job.id)!.state).toBe('RUNNING');
    const retry = a.deployed()[1].task;
    expect(retry.attempt).toBe(2);
    a.update(retry, 'FAILED', thrown);
    const failed = jm.job(job.id)!;
    expect(failed.state).toBe('FAILED');
    expect(failed.error).toContain('restart-strategy fixed-delay with 1 attempt exhausted after 2 failure(s) of the job:');
    expect(failed.error).toContain('  - task 0 (attempt 2) failed on TaskExecutor a: Error: boom [task 0]');
    expect(failed.error).toMatch(/last failure in full: .*\n {4}at run \(file:\/\/\/job\.mjs:1:7\)$/);
  });
});

describe('restartOptionsFrom', () => {
  const from = (conf: Record<string, string>) => restartOptionsFrom((k) => conf[k]);

  it("reads the strategy and retry-user-errors the way LoomConfig does, Flink's older key too", () => {
    expect(from({})).toEqual({
      restartStrategy: { type: 'fixed-delay', attempts: 2, delayMs: 0, fromTaskMaxAttempts: true },
      retryUserErrors: false,
    });
    expect(from({ 'loom.task.max-attempts': '4' }).restartStrategy).toEqual({
      type: 'fixed-delay',
      attempts: 3,
      delayMs: 0,
      fromTaskMaxAttempts: true,
    });
    expect(
      from({
        'restart-strategy': 'fixed-delay',
        'restart-strategy.fixed-delay.attempts': '3',
        'restart-strategy.fixed-delay.delay': '200 ms',
        'loom.task.retry-user-errors': 'true',
      }),
    ).toEqual({
      restartStrategy: { type: 'fixed-delay', attempts: 3, delayMs: 200 },
      retryUserErrors: true,
    });
    expect(from({ 'restart-strategy.type': 'failure-rate', 'restart-strategy.failure-rate.delay': '0' }).restartStrategy).toEqual({
      type: 'failure-rate',
      maxFailuresPerInterval: 1,
      intervalMs: 60_000,
      delayMs: 0,
    });
  });

  it('a bad value names its key; settings that cannot work together fail before any job runs', () => {
    expect(() => from({ 'restart-strategy.fixed-delay.attempts': 'three' })).toThrow(ConfigurationError);
    expect(() => from({ 'restart-strategy.fixed-delay.attempts': 'three' })).toThrow(/restart-strategy\.fixed-delay\.attempts="three"/);
    expect(() => from({ 'loom.task.retry-user-errors': 'yes' })).toThrow(
      /^loom\.task\.retry-user-errors="yes" \(from the cluster configuration\) is not/,
    );
    expect(() =>
      from({
        'restart-strategy.type': 'exponential-delay',
        'restart-strategy.exponential-delay.initial-backoff': '2 min',
        'restart-strategy.exponential-delay.max-backoff': '1 min',
      }),
    ).toThrow(/max-backoff must not be below initial-backoff/);
  });
});
