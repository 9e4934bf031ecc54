// A job is visible under its id from the moment the AM accepts it: while its record is being
// written to the HA store (30 to 470 ms for a WebHDFS CREATE on a real cluster) it is
// INITIALIZING, never missing. The store here is a fake whose writes end when the test says, so
// the window the per-job start-up race lived in is held open on purpose.
import { describe, expect, it } from 'vitest';
import type { JobSpec } from '../../../appmaster/cluster-api.js';
import { DurableJobs } from '../../../appmaster/ha/durable-jobs.js';
import type { HaStore, StoredJob } from '../../../appmaster/ha/ha-store.js';
import { JobMaster } from '../../../appmaster/jobs/job-master.js';
import { TaskExecutorRegistry } from '../../../appmaster/taskexecutors/taskexecutor-registry.js';
import { FakeTaskExecutor } from '../jobs/fake-taskexecutors.js';

const ID = 'c0ffee'.padEnd(32, '0');
const spec: JobSpec = {
  bundle: { url: 'hdfs://nn/user/alice/wc.mjs', kind: 'file', size: 1, modificationTime: 1 },
  exportName: 'count',
  parallelism: 2,
  args: [],
};

/** A store whose job writes wait until release() (or fail with fail()). */
class HeldStore {
  readonly url = 'webhdfs://nn/user/alice/.loom/app/ha';
  readonly written: StoredJob[] = [];
  private pending: { job: StoredJob; resolve: () => void; reject: (e: Error) => void }[] = [];

  writeJob(job: StoredJob): Promise<void> {
    return new Promise((resolve, reject) => this.pending.push({ job, resolve, reject }));
  }

  async writeEnded(): Promise<void> {}

  get waiting(): number {
    return this.pending.length;
  }

  release(): void {
    for (const p of this.pending.splice(0)) {
      this.written.push(p.job);
      p.resolve();
    }
  }

  fail(message: string): void {
    for (const p of this.pending.splice(0)) p.reject(new Error(message));
  }
}

function am(): { jobs: DurableJobs; master: JobMaster; registry: TaskExecutorRegistry; store: HeldStore } {
  const registry = new TaskExecutorRegistry({ heartbeatIntervalMs: 1_000, heartbeatTimeoutMs: 10_000, amTimeoutMs: 30_000 });
  const master = new JobMaster(registry, { slotsPerTaskExecutor: 2, cancelTimeoutMs: 50 });
  const store = new HeldStore();
  return { jobs: new DurableJobs(master, store as unknown as HaStore, () => {}), master, registry, store };
}

/** Until the fake store has the write (the submission reached the await). */
async function untilWriting(store: HeldStore): Promise<void> {
  while (store.waiting === 0) await new Promise((r) => setImmediate(r));
}

describe('jobs accepted but not yet recorded', () => {
  it('are INITIALIZING under their id while the HA store write is under way, then RUNNING', async () => {
    const { jobs, store } = am();
    const submitted = jobs.submit(spec, { id: ID });
    // Synchronously visible: a GET that comes in the same tick as the POST finds the job.
    expect(jobs.job(ID)).toMatchObject({
      id: ID,
      state: 'INITIALIZING',
      parallelism: 2,
      exportName: 'count',
      name: 'count (wc.mjs)',
      tasks: [],
    });
    expect(jobs.jobs().map((j) => [j.id, j.state])).toEqual([[ID, 'INITIALIZING']]);
    expect(jobs.initializingCount).toBe(1);
    await untilWriting(store);
    expect(jobs.job(ID)?.state).toBe('INITIALIZING');
    // A second submission under the same id while the first is being recorded is refused.
    await expect(jobs.submit(spec, { id: ID })).rejects.toThrow(`a job with id ${ID} was submitted already`);
    store.release();
    expect(await submitted).toMatchObject({ id: ID, state: 'RUNNING' });
    expect(jobs.job(ID)?.state).toBe('RUNNING');
    expect(jobs.jobs()).toHaveLength(1);
    expect(jobs.initializingCount).toBe(0);
    expect(store.written.map((j) => j.id)).toEqual([ID]);
  });

  it('a job declared before the AM serves (per-job mode) is INITIALIZING until submitted; a taken-over one is left alone', async () => {
    const { jobs, master, store } = am();
    jobs.declare(ID, spec);
    expect(jobs.job(ID)?.state).toBe('INITIALIZING');
    expect(master.job(ID)).toBeUndefined();
    const submitted = jobs.submit(spec, { id: ID, resume: true });
    await untilWriting(store);
    expect(jobs.job(ID)?.state).toBe('INITIALIZING');
    store.release();
    expect((await submitted).state).toBe('RUNNING');

    // A new attempt that took the job over from the store: declaring changes nothing.
    const other = 'beef'.padEnd(32, '1');
    await master.submitJob(spec, { id: other });
    jobs.declare(other, spec);
    expect(jobs.job(other)?.state).toBe('RUNNING');
    expect(jobs.jobs().filter((j) => j.id === other)).toHaveLength(1);
  });

  it('a job whose record cannot be written stays visible as FAILED with the reason, and is never run', async () => {
    const { jobs, master, store } = am();
    const submitted = jobs.submit(spec, { id: ID });
    await untilWriting(store);
    store.fail('Connection refused');
    await expect(submitted).rejects.toThrow(
      /could not be recorded in the HA store webhdfs:\/\/nn\/user\/alice\/\.loom\/app\/ha \(Connection refused\); it was not started/,
    );
    expect(jobs.job(ID)).toMatchObject({ state: 'FAILED', error: expect.stringContaining('Connection refused') });
    expect(master.job(ID)).toBeUndefined();
    expect(jobs.initializingCount).toBe(0);
  });

  it('a cancel that comes while the job initializes cancels it as soon as it runs; its tasks never deploy', async () => {
    const { jobs, registry, store } = am();
    const te = new FakeTaskExecutor(registry, 'c1', 2).register();
    const submitted = jobs.submit(spec, { id: ID });
    await untilWriting(store);
    expect(await jobs.cancel(ID)).toMatchObject({ id: ID, state: 'CANCELLING' });
    expect(jobs.job(ID)?.state).toBe('CANCELLING');
    store.release();
    expect(await submitted).toMatchObject({ id: ID, state: 'CANCELED' });
    // Deployed and cancelled in the same turn at most: nothing stays running.
    expect(
      te
        .deployed()
        .map((d) => d.task.taskIndex)
        .sort(),
    ).toEqual(
      te
        .cancelled()
        .map((t) => t.taskIndex)
        .sort(),
    );
  });

  it('the AM ending while a job initializes ends it CANCELED with the reason', async () => {
    const { jobs, master, store } = am();
    const submitted = jobs.submit(spec, { id: ID });
    await untilWriting(store);
    await Promise.all([jobs.close('the client stopped the cluster'), (async () => store.release())()]);
    master.close('the client stopped the cluster');
    await submitted.catch(() => undefined);
    expect(jobs.job(ID)).toMatchObject({ state: 'CANCELED', error: 'the client stopped the cluster' });
  });
});
