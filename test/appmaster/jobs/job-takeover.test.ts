// A new AM attempt's job master: jobs taken over from the HA store. Ended ones are served with
// their stored status and never run again; resubmitted ones adopt the attempts TaskExecutors
// still run when they come back, and deploy the rest only once the hold is over; resubmitting
// under an id already here answers with that job when it is the same job.
import { beforeEach, describe, expect, it } from 'vitest';
import type { JobSpec, JobStatus } from '../../../appmaster/cluster-api.js';
import { applicationJobId } from '../../../appmaster/jobs/job-ids.js';
import { JobMaster } from '../../../appmaster/jobs/job-master.js';
import { TaskExecutorRegistry } from '../../../appmaster/taskexecutors/taskexecutor-registry.js';
import { FakeClock, FakeTaskExecutor } from './fake-taskexecutors.js';

let clock: FakeClock;
let registry: TaskExecutorRegistry;
let master: JobMaster;

const spec = (parallelism: number, args: unknown[] = [1]): JobSpec => ({
  name: 'job',
  bundle: { url: 'hdfs://nn:8020/user/a/b.mjs', kind: 'file', size: 10, modificationTime: 1 },
  exportName: 'run',
  parallelism,
  args,
});

beforeEach(() => {
  clock = new FakeClock();
  registry = new TaskExecutorRegistry({ heartbeatIntervalMs: 1_000, heartbeatTimeoutMs: 10_000, amTimeoutMs: 30_000, now: clock.now });
  master = new JobMaster(registry, { slotsPerTaskExecutor: 2, maxTaskAttempts: 3, cancelTimeoutMs: 50, now: clock.now });
});

describe('jobs taken over by a new AM attempt', () => {
  it('adopts the attempts a returning TaskExecutor still runs, and deploys the others only after the hold', async () => {
    const id = 'a'.repeat(32);
    const holdUntil = clock.t + 30_000;
    await master.submitJob(spec(3), { id, submittedAt: 5, recoveredHoldUntil: holdUntil });
    expect(master.job(id)).toMatchObject({ state: 'RUNNING', submittedAt: 5 });
    // The TaskExecutors it expects back count as starting: nothing new is wanted for the held tasks.
    master.setTaskExecutorsStarting(2);
    expect(master.wantedTaskExecutors()).toBe(2);

    // TaskExecutor A comes back running attempt 1 of task 0 and attempt 2 of task 1 (retried under the old AM).
    const a = new FakeTaskExecutor(registry, 'cA').register(
      [
        { jobId: id, taskIndex: 0, attempt: 1 },
        { jobId: id, taskIndex: 1, attempt: 2 },
      ],
      'taken-over',
    );
    expect(a.cancelled()).toEqual([]);
    expect(a.deployed()).toEqual([]);
    expect(master.job(id)!.tasks.map((t) => [t.state, t.attempt, t.taskExecutorId])).toEqual([
      ['RUNNING', 1, 'cA'],
      ['RUNNING', 2, 'cA'],
      ['SCHEDULED', 1, undefined],
    ]);
    // Task 2 waits for the hold although B has a free slot; a task of a job nobody resubmitted is cancelled.
    const b = new FakeTaskExecutor(registry, 'cB').register([{ jobId: 'f'.repeat(32), taskIndex: 0, attempt: 1 }], 'taken-over');
    expect(b.cancelled()).toEqual([{ jobId: 'f'.repeat(32), taskIndex: 0, attempt: 1 }]);
    expect(b.deployed()).toEqual([]);

    master.releaseRecoveryHold();
    expect(b.deployed().map((d) => [d.task.taskIndex, d.task.attempt])).toEqual([[2, 1]]);
    // The adopted attempts' ends count as the tasks' ends.
    a.update({ jobId: id, taskIndex: 0, attempt: 1 }, 'FINISHED', { resultJson: '"r0"' });
    a.update({ jobId: id, taskIndex: 1, attempt: 2 }, 'FINISHED', { resultJson: '"r1"' });
    b.update(b.deployed()[0].task, 'FINISHED', { resultJson: '"r2"' });
    expect(master.job(id)).toMatchObject({ state: 'FINISHED', results: ['r0', 'r1', 'r2'] });
  });

  it('a task the new attempt already deployed elsewhere is not adopted: the returning copy is cancelled', async () => {
    const id = 'b'.repeat(32);
    await master.submitJob(spec(1), { id, recoveredHoldUntil: clock.t });
    const first = new FakeTaskExecutor(registry, 'c1').register();
    expect(first.deployed().map((d) => d.task.taskIndex)).toEqual([0]);
    const late = new FakeTaskExecutor(registry, 'c2').register([{ jobId: id, taskIndex: 0, attempt: 1 }], 'taken-over');
    expect(late.cancelled()).toEqual([{ jobId: id, taskIndex: 0, attempt: 1 }]);
    expect(master.job(id)!.tasks[0]).toMatchObject({ state: 'DEPLOYING', taskExecutorId: 'c1' });
  });

  it('serves an ended job from its stored status and never runs it again', async () => {
    const id = applicationJobId('application_1_0001', 1);
    const stored: JobStatus = {
      id,
      name: 'job',
      state: 'FINISHED',
      parallelism: 2,
      exportName: 'run',
      submittedAt: 10,
      endedAt: 20,
      tasks: [0, 1].map((index) => ({ index, state: 'FINISHED' as const, attempt: 1, taskExecutorId: 'old', result: { index } })),
      results: [{ index: 0 }, { index: 1 }],
    };
    master.restoreEndedJob(spec(2), stored);
    expect(master.job(id)).toEqual(stored);
    expect(await master.waitForJob(id)).toEqual(stored);
    expect(master.overview({ mode: 'application', startedAt: 0 })).toMatchObject({ jobsFinished: 1, jobsRunning: 0 });
    expect(master.wantedTaskExecutors()).toBe(0);

    // main() submits its first job again: the answer is the stored one.
    expect(await master.submitJob(spec(2), { id, resume: true })).toEqual(stored);
    // Without resume, or as another job under the same id, it is refused.
    await expect(master.submitJob(spec(2), { id })).rejects.toThrow(`a job with id ${id} was submitted already`);
    await expect(master.submitJob(spec(2, [2]), { id, resume: true })).rejects.toThrow(
      /was submitted before as a different job \(other arguments\): a program's main\(\) must submit the same jobs in the same order in every AM attempt/,
    );
    const te = new FakeTaskExecutor(registry, 'c1').register();
    expect(te.deployed()).toEqual([]);
  });

  it('derives application-mode ids from the application and the submission order', () => {
    const first = applicationJobId('application_1_0001', 1);
    expect(first).toMatch(/^[0-9a-f]{32}$/);
    expect(applicationJobId('application_1_0001', 1)).toBe(first);
    expect(new Set([first, applicationJobId('application_1_0001', 2), applicationJobId('application_1_0002', 1)]).size).toBe(3);
    expect(() => applicationJobId('application_1_0001', 0)).toThrow(/job numbers start at 1/);
  });
});
