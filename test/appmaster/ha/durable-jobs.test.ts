// Jobs through the HA store, attempt after attempt (in-process, the mini cluster's WebHDFS):
// attempt 1 records each submission before running it and each end when it happens; attempt 2,
// reading the same store, serves the ended job from it and runs the unfinished one again under
// its id; nothing is recorded after close (the application ends on purpose).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobSpec } from '../../../appmaster/cluster-api.js';
import { DurableJobs } from '../../../appmaster/ha/durable-jobs.js';
import { HaStore } from '../../../appmaster/ha/ha-store.js';
import { JobMaster } from '../../../appmaster/jobs/job-master.js';
import { TaskExecutorRegistry } from '../../../appmaster/taskexecutors/taskexecutor-registry.js';
import type { WebHdfsClient } from '../../../client/hadoop/hdfs/webhdfs-client.js';
import { FakeTaskExecutor } from '../jobs/fake-taskexecutors.js';
import { waitFor } from '../../minicluster/mini-cluster-kit.js';
import { clientAt, startStoreWebHdfs, type StoreWebHdfs } from '../../e2e/ha/store-webhdfs.js';

const STORE = '/user/alice/app/ha';
let hdfs: StoreWebHdfs;
let client: WebHdfsClient;

const spec = (args: unknown[]): JobSpec => ({
  bundle: { url: 'hdfs://nn/b.mjs', kind: 'file', size: 1, modificationTime: 1 },
  exportName: 'run',
  parallelism: 1,
  args,
});

function attempt(): { registry: TaskExecutorRegistry; master: JobMaster; jobs: DurableJobs; log: string[] } {
  const registry = new TaskExecutorRegistry({ heartbeatIntervalMs: 1_000, heartbeatTimeoutMs: 10_000, amTimeoutMs: 30_000 });
  const master = new JobMaster(registry, { slotsPerTaskExecutor: 1, cancelTimeoutMs: 50 });
  const log: string[] = [];
  return { registry, master, jobs: new DurableJobs(master, new HaStore(client, STORE), (l) => log.push(l)), log };
}

/** The store once the end of job `id` is recorded in it (written after the job ends, in the background). */
const endRecorded = (id: string) =>
  waitFor(async () => {
    const state = await new HaStore(client, STORE).read();
    return state.ended.has(id) && state;
  }, `the end of job ${id} in the HA store`);

beforeEach(async () => {
  hdfs = await startStoreWebHdfs();
  client = hdfs.client;
});
afterEach(() => hdfs.close());

describe('DurableJobs', () => {
  it('attempt 2 serves the job that ended under attempt 1 and runs the unfinished one again under its id', async () => {
    const one = attempt();
    const done = await one.jobs.submit(spec(['done']));
    const pending = await one.jobs.submit(spec(['pending']));
    const te = new FakeTaskExecutor(one.registry, 'c1', 1).register();
    te.update(te.deployed()[0].task, 'FINISHED', { resultJson: '{"r":1}' });
    const stored = await endRecorded(done.id);
    expect(stored.jobs.map((j) => [j.seq, j.id])).toEqual([
      [1, done.id],
      [2, pending.id],
    ]);
    expect([...stored.ended.keys()]).toEqual([done.id]);

    // Attempt 1 dies here. Attempt 2:
    const two = attempt();
    const recovered = await two.jobs.recover(stored, Date.now());
    expect(recovered).toEqual({ restored: [done.id], resubmitted: [pending.id] });
    expect(two.master.job(done.id)).toMatchObject({ state: 'FINISHED', results: [{ r: 1 }] });
    expect(two.master.job(pending.id)).toMatchObject({ state: 'RUNNING', submittedAt: pending.submittedAt });
    // New submissions continue the order; a resumed one is not recorded twice.
    const third = await two.jobs.submit(spec(['third']));
    expect(await two.jobs.submit(spec(['done']), { id: done.id, resume: true })).toMatchObject({ id: done.id, state: 'FINISHED' });
    const te2 = new FakeTaskExecutor(two.registry, 'c2', 1).register();
    te2.update(te2.deployed()[0].task, 'FINISHED', { resultJson: '2' });
    const after = await endRecorded(pending.id);
    expect(after.jobs.map((j) => [j.seq, j.id])).toEqual([
      [1, done.id],
      [2, pending.id],
      [3, third.id],
    ]);
    expect(after.ended.get(pending.id)).toMatchObject({ state: 'FINISHED', results: [2] });

    // The application ends on purpose: jobs cancelled by the shutdown are not recorded.
    await two.jobs.close();
    two.master.close('stopped');
    // The third job's end is the event that would record it; close() again waits for any write
    // that end started (DurableJobs tracks its writes), so nothing can land after the read below.
    expect(await two.master.waitForJob(third.id)).toMatchObject({ state: 'CANCELED' });
    await two.jobs.close();
    expect((await new HaStore(client, STORE).read()).ended.has(third.id)).toBe(false);
    expect(two.log).toEqual([]);
  });

  it('refuses a job it cannot record, naming the store, and does not start it', async () => {
    const registry = new TaskExecutorRegistry({ heartbeatIntervalMs: 1_000, heartbeatTimeoutMs: 10_000, amTimeoutMs: 30_000 });
    const master = new JobMaster(registry, { slotsPerTaskExecutor: 1, cancelTimeoutMs: 50 });
    const nowhere = clientAt(1, 'alice');
    const jobs = new DurableJobs(master, new HaStore(nowhere, 'webhdfs://127.0.0.1:1/app/ha'), () => {});
    await expect(jobs.submit(spec([]))).rejects.toThrow(
      /^the job could not be recorded in the HA store webhdfs:\/\/127\.0\.0\.1:1\/app\/ha \(.+\); it was not started$/,
    );
    expect(master.jobs()).toEqual([]);
    nowhere.close();
  });
});
