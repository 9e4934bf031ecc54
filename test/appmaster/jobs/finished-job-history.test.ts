import { beforeEach, describe, expect, it } from 'vitest';
import { FinishedJobHistory, JOB_STORE_DEFAULTS } from '../../../appmaster/jobs/finished-job-history.js';
import { JobMaster, JobNotFoundError } from '../../../appmaster/jobs/job-master.js';
import { jobMasterOptionsFrom } from '../../../appmaster/jobs/job-master-options.js';
import { TaskExecutorRegistry } from '../../../appmaster/taskexecutors/taskexecutor-registry.js';
import type { JobSpec } from '../../../appmaster/cluster-api.js';
import { FakeClock, FakeTaskExecutor } from './fake-taskexecutors.js';

const spec: JobSpec = {
  bundle: { url: 'hdfs://nn:8020/user/a/bundles/job-0123456789ab.mjs', kind: 'file', size: 120, modificationTime: 1_700_000_000_000 },
  exportName: 'run',
  parallelism: 1,
  args: [],
};

describe('FinishedJobHistory (jobstore.max-capacity, jobstore.expiration-time)', () => {
  let clock: FakeClock;
  beforeEach(() => (clock = new FakeClock()));

  it("has Flink's defaults: no count bound, one hour", () => {
    expect(JOB_STORE_DEFAULTS).toEqual({ maxCapacity: 2_147_483_647, expirationMs: 3_600_000 });
    expect(jobMasterOptionsFrom(() => undefined)).toMatchObject({ jobStoreMaxCapacity: 2_147_483_647, jobStoreExpirationSeconds: 3600 });
    expect(jobMasterOptionsFrom((k) => ({ 'jobstore.max-capacity': '5', 'jobstore.expiration-time': '60' })[k])).toMatchObject({
      jobStoreMaxCapacity: 5,
      jobStoreExpirationSeconds: 60,
    });
    expect(() => jobMasterOptionsFrom((k) => (k === 'jobstore.max-capacity' ? 'many' : undefined))).toThrow(/jobstore.max-capacity="many"/);
  });

  it('lets the oldest ended job go beyond max-capacity, and remembers why', () => {
    const h = new FinishedJobHistory({ maxCapacity: 2, expirationMs: 60_000 }, clock.now);
    expect(h.ended('a', 'FINISHED', clock.t)).toEqual([]);
    expect(h.ended('b', 'FAILED', clock.t)).toEqual([]);
    expect(h.ended('c', 'FINISHED', clock.t)).toEqual(['a']);
    expect(h.expiredJob('a')).toEqual({ state: 'FINISHED', endedAt: clock.t, bound: 'jobstore.max-capacity' });
    expect(h.expiredJob('b')).toBeUndefined();
    expect(h.expiredCount('FINISHED')).toBe(1);
    expect(h.describeExpired('a')).toMatch(/job a ended FINISHED .*jobstore.max-capacity: 2 ended jobs are kept.*loom history/);
  });

  it('lets ended jobs go once expiration-time has passed since their end, checked when asked', () => {
    const h = new FinishedJobHistory({ maxCapacity: 10, expirationMs: 60_000 }, clock.now);
    h.ended('a', 'FINISHED', clock.t);
    clock.advance(30_000);
    h.ended('b', 'CANCELED', clock.t);
    clock.advance(29_999);
    expect(h.due()).toEqual([]);
    clock.advance(1);
    expect(h.due()).toEqual(['a']);
    clock.advance(30_000);
    expect(h.due()).toEqual(['b']);
    expect(h.describeExpired('b')).toMatch(/jobstore.expiration-time: ended jobs are kept 60 s/);
    // A job restored already older than the bound leaves at once.
    expect(h.ended('old', 'FINISHED', clock.t - 120_000)).toEqual(['old']);
  });
});

describe('JobMaster with a bounded job store', () => {
  let clock: FakeClock;
  let registry: TaskExecutorRegistry;
  let master: JobMaster;

  beforeEach(() => {
    clock = new FakeClock();
    registry = new TaskExecutorRegistry({ heartbeatIntervalMs: 1_000, heartbeatTimeoutMs: 10_000, amTimeoutMs: 30_000, now: clock.now });
    master = new JobMaster(registry, {
      slotsPerTaskExecutor: 1,
      cancelTimeoutMs: 50,
      jobStoreMaxCapacity: 2,
      jobStoreExpirationSeconds: 600,
      now: clock.now,
    });
  });

  async function runToEnd(te: FakeTaskExecutor): Promise<string> {
    const job = await master.submitJob(spec);
    te.finishAll();
    await master.waitForJob(job.id);
    await Promise.resolve(); // the end reaches the history in the next microtask
    return job.id;
  }

  it('keeps at most max-capacity ended jobs; the others answer a 404 reason, still count, and are never run again', async () => {
    const te = new FakeTaskExecutor(registry, 'c1', 1).register();
    const ids = [await runToEnd(te), await runToEnd(te), await runToEnd(te)];
    expect(master.jobs().map((j) => j.id)).toEqual(ids.slice(1));
    expect(master.job(ids[0])).toBeUndefined();
    expect(master.expiredJob(ids[0])).toMatch(/left the AM's memory \(jobstore.max-capacity: 2 ended jobs are kept\)/);
    expect(master.expiredJob(ids[1])).toBeUndefined();
    expect(master.overview({ mode: 'session', applicationId: 'a', startedAt: 0 }).jobsFinished).toBe(3);
    expect(() => master.waitForJob(ids[0])).toThrow(JobNotFoundError);
    await expect(master.submitJob(spec, { id: ids[0], resume: true })).rejects.toThrow(/jobstore.max-capacity.*not run again/);
  });

  it('lets ended jobs go after expiration-time, running ones never', async () => {
    const te = new FakeTaskExecutor(registry, 'c1', 1).register();
    const ended = await runToEnd(te);
    const running = (await master.submitJob(spec)).id;
    clock.advance(600_000);
    expect(master.jobs().map((j) => j.id)).toEqual([running]);
    expect(master.expiredJob(ended)).toMatch(/jobstore.expiration-time: ended jobs are kept 600 s/);
    expect(master.job(running)?.state).toBe('RUNNING');
  });

  it('bounds ended jobs restored from the HA store too', async () => {
    const te = new FakeTaskExecutor(registry, 'c1', 1).register();
    const ended = master.job(await runToEnd(te));
    if (!ended) throw new Error('the job just ended is here');
    const other = new JobMaster(new TaskExecutorRegistry({ heartbeatIntervalMs: 1_000, heartbeatTimeoutMs: 10_000, amTimeoutMs: 30_000 }), {
      jobStoreMaxCapacity: 10,
      jobStoreExpirationSeconds: 600,
      now: clock.now,
    });
    const restore = (id: string, endedAt: number) => other.restoreEndedJob(spec, { ...ended, id, endedAt });
    expect(restore('0'.repeat(32), clock.t - 700_000).state).toBe('FINISHED'); // older than expiration-time: answered, then gone
    restore('1'.repeat(32), clock.t);
    expect(other.jobs().map((j) => j.id)).toEqual(['1'.repeat(32)]);
    expect(other.expiredJob('0'.repeat(32))).toMatch(/jobstore.expiration-time/);
  });
});
