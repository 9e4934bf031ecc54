import { beforeEach, describe, expect, it } from 'vitest';
import { JobMaster, JobNotFoundError } from '../../../appmaster/jobs/job-master.js';
import { JobSpecError } from '../../../appmaster/jobs/job-spec-validation.js';
import { TaskExecutorRegistry } from '../../../appmaster/taskexecutors/taskexecutor-registry.js';
import type { JobSpec } from '../../../appmaster/cluster-api.js';
import { FakeClock, FakeTaskExecutor } from './fake-taskexecutors.js';

let clock: FakeClock;
let registry: TaskExecutorRegistry;
let master: JobMaster;

function spec(parallelism: number, extra: Partial<JobSpec> = {}): JobSpec {
  return {
    bundle: { url: 'hdfs://nn:8020/user/a/bundles/job-0123456789ab.mjs', kind: 'file', size: 120, modificationTime: 1_700_000_000_000 },
    exportName: 'run',
    parallelism,
    args: [1, 'two'],
    ...extra,
  };
}

function te(id: string, slots = 2): FakeTaskExecutor {
  return new FakeTaskExecutor(registry, id, slots);
}

beforeEach(() => {
  clock = new FakeClock();
  registry = new TaskExecutorRegistry({ heartbeatIntervalMs: 1_000, heartbeatTimeoutMs: 10_000, amTimeoutMs: 30_000, now: clock.now });
  master = new JobMaster(registry, { slotsPerTaskExecutor: 2, maxTaskAttempts: 3, cancelTimeoutMs: 50, now: clock.now });
});

describe('JobMaster scheduling and slot demand', () => {
  it('asks for ceil(waiting / slots) TaskExecutors minus those starting, and places tasks as they register', async () => {
    let changes = 0;
    master.onChange(() => changes++);
    expect(master.wantedTaskExecutors()).toBe(0);
    const job = await master.submitJob(spec(5));
    expect(job.state).toBe('RUNNING');
    expect(master.wantedTaskExecutors()).toBe(3);
    expect(changes).toBe(1);

    master.setTaskExecutorsStarting(3); // the bridge has asked for them
    expect(master.wantedTaskExecutors()).toBe(3);
    master.setTaskExecutorsStarting(1); // two containers gone missing: the job master still wants 3
    expect(master.wantedTaskExecutors()).toBe(3);

    const a = te('c2').register();
    master.setTaskExecutorsStarting(0);
    // One TaskExecutor with 2 slots took tasks 0 and 1; 3 tasks wait: 2 more TaskExecutors.
    expect(a.deployed().map((d) => d.task.taskIndex)).toEqual([0, 1]);
    expect(master.wantedTaskExecutors()).toBe(3);
    const b = te('c3').register();
    const c = te('c4').register();
    expect(b.deployed().map((d) => d.task.taskIndex)).toEqual([2, 3]);
    expect(c.deployed().map((d) => d.task.taskIndex)).toEqual([4]);
    expect(master.wantedTaskExecutors()).toBe(3);

    const d = a.deployed()[0];
    expect(d).toEqual({
      task: { jobId: job.id, taskIndex: 0, attempt: 1 },
      parallelism: 5,
      bundle: { url: 'hdfs://nn:8020/user/a/bundles/job-0123456789ab.mjs', kind: 'file', size: 120, modificationTime: 1_700_000_000_000 },
      exportName: 'run',
      argsJson: '[1,"two"]',
      jobName: 'run (job-0123456789ab.mjs)',
    });
    for (const t of [a, b, c]) for (const x of t.deployed()) t.update(x.task, 'RUNNING');
    expect(master.job(job.id)!.tasks.map((t) => t.state)).toEqual(Array(5).fill('RUNNING'));
    for (const t of [c, b, a]) t.finishAll((i) => ({ i }));
    const done = master.job(job.id)!;
    expect(done.state).toBe('FINISHED');
    expect(done.results).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }, { i: 3 }, { i: 4 }]);
    expect(await master.waitForJob(job.id)).toEqual(done);
  });

  it('spreads tasks over TaskExecutors, fills freed slots with waiting tasks, and reports idle TaskExecutors', async () => {
    const a = te('c2').register();
    clock.advance(1);
    const b = te('c3').register();
    const job = await master.submitJob(spec(5));
    expect(a.deployed().map((d) => d.task.taskIndex)).toEqual([0, 2]);
    expect(b.deployed().map((d) => d.task.taskIndex)).toEqual([1, 3]);
    expect(master.idleTaskExecutors(0)).toEqual([]);
    a.update(a.deployed()[0].task, 'FINISHED', { resultJson: '"zero"' });
    expect(a.deployed().map((d) => d.task.taskIndex)).toEqual([0, 2, 4]);
    a.finishAll();
    b.finishAll();
    expect(master.job(job.id)!.results).toEqual(['zero', 1, 2, 3, 4]);
    clock.advance(5_000);
    expect(master.idleTaskExecutors(5_000).sort()).toEqual(['c2', 'c3']);
    expect(master.idleTaskExecutors(5_001)).toEqual([]);
    expect(master.overview({ mode: 'session', startedAt: 1 })).toEqual({
      mode: 'session',
      startedAt: 1,
      taskExecutors: 2,
      slotsTotal: 4,
      slotsAvailable: 4,
      jobsRunning: 0,
      jobsFinished: 1,
      jobsFailed: 0,
      jobsCanceled: 0,
    });
  });

  it('refuses bad specs with every problem named', async () => {
    const bad = { bundle: { url: '', kind: 'zip', size: -1 }, exportName: '', parallelism: 0, args: 'x' };
    const err = await master.submitJob(bad as unknown as JobSpec).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobSpecError);
    expect((err as JobSpecError).problems).toEqual([
      'bundle.url must be a URL on HDFS without spaces (hdfs://..., webhdfs://... or an absolute path); got ""',
      'bundle.kind must be "file" (one ES module) or "archive" (a .tar.gz); got "zip"',
      "bundle.size must be a whole number >= 0 from the file's status on HDFS (GETFILESTATUS length); got -1",
      "bundle.modificationTime must be a whole number >= 0 from the file's status on HDFS (GETFILESTATUS modificationTime); got nothing",
      'exportName must name an exported function (a JavaScript identifier, or "default"); got ""',
      'parallelism must be a whole number from 1 to 10000; got 0',
      'args must be a JSON array (each task gets it as task.args); got "x"',
    ]);
    const archiveWithoutEntry = spec(1, { bundle: { url: '/b.tar.gz', kind: 'archive', size: 1, modificationTime: 1 } });
    await expect(master.submitJob(archiveWithoutEntry)).rejects.toThrow(
      /bundle\.entry must be the module to import, relative to the archive root/,
    );
    await expect(master.submitJob(spec(1, { args: [10n] }))).rejects.toThrow(/args must be JSON-serialisable/);
    expect(master.jobs()).toEqual([]);
  });
});

describe('JobMaster failures', () => {
  it('runs the tasks of a lost TaskExecutor again elsewhere; stale updates from the lost attempt are ignored', async () => {
    const a = te('c2').register();
    clock.advance(1);
    const b = te('c3').register();
    const job = await master.submitJob(spec(2));
    const onA = a.deployed()[0].task;
    a.update(onA, 'RUNNING');
    a.disconnect();
    expect(b.deployed().map((d) => d.task)).toEqual([
      { jobId: job.id, taskIndex: 1, attempt: 1 },
      { jobId: job.id, taskIndex: 0, attempt: 2 },
    ]);
    const task0 = master.job(job.id)!.tasks[0];
    expect(task0).toMatchObject({
      state: 'DEPLOYING',
      attempt: 2,
      taskExecutorId: 'c3',
      error: 'TaskExecutor c2 (host-c2) was lost: its connection was lost',
    });
    // A late result of attempt 1 over a connection that came back changes nothing: the TaskExecutor reports the
    // attempt it still runs when it registers again and is told to stop it; its end frees the slot, nothing else.
    // Without that report the result is for an attempt never deployed on this connection: refused.
    expect(() => a.update(onA, 'FINISHED', { resultJson: '"stale"' })).not.toThrow(); // the old connection is gone: dropped
    a.register([onA]);
    expect(a.cancelled()).toEqual([onA]);
    a.update(onA, 'FINISHED', { resultJson: '"stale"' });
    expect(() => a.update({ ...onA, taskIndex: 1 }, 'FINISHED', { resultJson: '"forged"' })).toThrow(/never deployed to it: refused/);
    b.finishAll((i) => `fresh ${i}`);
    expect(master.job(job.id)!.results).toEqual(['fresh 0', 'fresh 1']);
  });

  it('fails the job after max attempts, naming the last TaskExecutor and the reason; other tasks are cancelled', async () => {
    const job = await master.submitJob(spec(2));
    for (const [i, id] of ['c2', 'c3', 'c4'].entries()) {
      const t = te(id, 1).register();
      if (i === 0) te('keeper', 1).register();
      const mine = t.deployed().find((d) => d.task.taskIndex === 0);
      expect(mine?.task.attempt).toBe(i + 1);
      t.disconnect(`no heartbeat (${i})`);
    }
    const failed = master.job(job.id)!;
    expect(failed.state).toBe('FAILED');
    expect(failed.error).toBe(
      [
        'restart-strategy fixed-delay with 2 attempts (the default: restart-strategy.type unset, loom.task.max-attempts=3) exhausted after 3 failure(s) of the job:',
        ...[0, 1, 2].map(
          (i) =>
            `  - TaskExecutor c${i + 2} (host-c${i + 2}) was lost: no heartbeat (${i}) [task 0]; its container's exit is not reported yet`,
        ),
      ].join('\n'),
    );
    const keeper = registry.get('keeper')!;
    expect(keeper.freeSlots).toBe(0); // task 1 is being cancelled there
    expect(master.job(job.id)!.tasks[1].state).toBe('DEPLOYING');
  });

  it('fails the job at once when a task throws, with message and stack, and cancels the others', async () => {
    const a = te('c2').register();
    const job = await master.submitJob(spec(3));
    const [t0, t1] = a.deployed().map((d) => d.task);
    a.update(t1, 'FAILED', { error: 'boom', errorStack: 'Error: boom\n    at run (file:///b/job.mjs:2:9)' });
    const failed = master.job(job.id)!;
    expect(failed.state).toBe('FAILED');
    expect(failed.error).toBe('task 1 (attempt 1) failed on TaskExecutor c2: Error: boom\n    at run (file:///b/job.mjs:2:9)');
    expect(failed.tasks.map((t) => t.state)).toEqual(['DEPLOYING', 'FAILED', 'CANCELED']);
    expect(a.cancelled()).toEqual([t0]);
    a.update(t0, 'CANCELED');
    expect(master.job(job.id)!.tasks[0].state).toBe('CANCELED');
    expect(registry.get('c2')!.freeSlots).toBe(2);
    expect(master.wantedTaskExecutors()).toBe(1);
  });

  it('retries a task whose bundle could not be fetched on another TaskExecutor', async () => {
    const a = te('c2', 1).register();
    const b = te('c3', 1).register();
    const job = await master.submitJob(spec(1));
    const first = [...a.deployed(), ...b.deployed()][0];
    const [holder, other] = a.deployed().length ? [a, b] : [b, a];
    holder.update(first.task, 'FAILED', { error: 'bundle ... could not be fetched: ECONNRESET', retryable: true });
    expect(other.deployed().map((d) => d.task.attempt)).toEqual([2]);
    other.finishAll(() => 'ok');
    expect(master.job(job.id)!.state).toBe('FINISHED');
  });

  it("a container that ends under a registered TaskExecutor loses it with YARN's reason; start failures are kept", async () => {
    const a = te('container_2').register();
    await master.submitJob(spec(1));
    master.containerFailedToStart('container_9', 'Container launch failed: exit code 127');
    expect(master.recentStartFailures()).toEqual([
      { containerId: 'container_9', reason: 'Container launch failed: exit code 127', at: clock.t },
    ]);
    master.containerFailedToStart('container_2', 'Container killed on request. Exit code is 143');
    expect(a.closedWith).toBe('its container ended: Container killed on request. Exit code is 143');
    expect(registry.size).toBe(0);
    expect(master.jobs()[0].tasks[0]).toMatchObject({ state: 'SCHEDULED', attempt: 2 });
    expect(master.wantedTaskExecutors()).toBe(1);
  });
});

describe('JobMaster cancel', () => {
  it('when YARN refuses the TaskExecutor ask for good, fails the jobs waiting for slots with the reason and leaves the others running', async () => {
    const a = te('c2').register();
    const placed = await master.submitJob(spec(2));
    const partly = await master.submitJob(spec(3)); // no free slot: waits
    for (const x of a.deployed()) a.update(x.task, 'RUNNING');
    expect(master.wantedTaskExecutors()).toBe(3);
    const reason = 'YARN refuses the TaskExecutor containers this job needs: InvalidResourceRequestException: Invalid resource request!';
    expect(master.failJobsWaitingForSlots(reason)).toEqual([partly.id]);
    expect(master.job(partly.id)).toMatchObject({ state: 'FAILED', error: reason });
    expect(master.job(partly.id)!.tasks.map((t) => [t.state, t.error])).toEqual(Array(3).fill(['FAILED', reason]));
    expect(master.job(placed.id)!.state).toBe('RUNNING');
    expect(master.wantedTaskExecutors()).toBe(1);
    expect(master.failJobsWaitingForSlots(reason)).toEqual([]);
  });

  it('cancels: waiting tasks at once, running ones when their TaskExecutor confirms', async () => {
    const a = te('c2').register();
    const job = await master.submitJob(spec(3));
    const cancelling = master.cancelJob(job.id);
    expect(master.job(job.id)!.state).toBe('CANCELLING');
    expect(master.wantedTaskExecutors()).toBe(1);
    for (const t of a.cancelled()) a.update(t, 'CANCELED');
    const done = await cancelling;
    expect(done.state).toBe('CANCELED');
    expect(done.tasks.map((t) => t.state)).toEqual(['CANCELED', 'CANCELED', 'CANCELED']);
    expect(registry.get('c2')!.freeSlots).toBe(2);
    expect(await master.cancelJob(job.id)).toEqual(done);
    await expect(master.cancelJob('nope')).rejects.toBeInstanceOf(JobNotFoundError);
  });

  it('counts a job CANCELED after the cancel timeout even when a TaskExecutor never confirms', async () => {
    const a = te('c2').register();
    const job = await master.submitJob(spec(1));
    const done = await master.cancelJob(job.id);
    expect(done.state).toBe('CANCELED');
    expect(done.tasks[0].error).toBe('cancelled; its TaskExecutor did not confirm within 50 ms');
    // The slot stays taken until the TaskExecutor confirms or is lost.
    expect(registry.get('c2')!.freeSlots).toBe(1);
    a.update(a.deployed()[0].task, 'CANCELED');
    expect(registry.get('c2')!.freeSlots).toBe(2);
  });

  it('close() cancels running jobs and refuses new ones', async () => {
    te('c2').register();
    const job = await master.submitJob(spec(1));
    master.close('the cluster is shutting down');
    expect(master.job(job.id)).toMatchObject({ state: 'CANCELED', error: 'the cluster is shutting down' });
    await expect(master.submitJob(spec(1))).rejects.toThrow(/shutting down/);
  });
});
