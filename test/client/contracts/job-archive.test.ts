// The job archive against the mini cluster's WebHDFS: written by temp file + rename (a leftover
// temp file is skipped by readers), read back whole, results left out above the bound, and the
// AM's archiver only warns when it cannot write.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  archiveRecord,
  jobArchiveDir,
  JobArchiveError,
  parseArchivedJob,
  readArchivedJobs,
  writeArchivedJob,
} from '../../../client/contracts/job-archive.js';
import type { JobStatus } from '../../../client/contracts/dispatcher-rest-types.js';
import { JobArchiver } from '../../../appmaster/history/job-archiver.js';
import { startStoreWebHdfs, type StoreWebHdfs } from '../../e2e/ha/store-webhdfs.js';

const APP = 'application_1_0001';
let hdfs: StoreWebHdfs;

const job = (id: string, submittedAt: number, extra: Partial<JobStatus> = {}): JobStatus => ({
  id,
  name: 'squares',
  state: 'FINISHED',
  parallelism: 2,
  exportName: 'square',
  submittedAt,
  endedAt: submittedAt + 5,
  tasks: [0, 1].map((index) => ({ index, state: 'FINISHED' as const, attempt: 1, result: { index } })),
  results: [{ index: 0 }, { index: 1 }],
  ...extra,
});

beforeEach(async () => {
  hdfs = await startStoreWebHdfs();
});
afterEach(() => hdfs.close());

describe('job archive', () => {
  it("defaults to .loom-history/<applicationId> under the user's home, or under jobmanager.archive.fs.dir", async () => {
    const home = await hdfs.client.getHomeDirectory();
    expect(await jobArchiveDir(hdfs.client, undefined, APP)).toBe(`${home}/.loom-history/${APP}`);
    expect(await jobArchiveDir(hdfs.client, 'hdfs://nn:8020/archive/', APP)).toBe(`/archive/${APP}`);
  });

  it('reads back each job whole, in submission order, skipping temporary files of unfinished writes', async () => {
    const dir = await jobArchiveDir(hdfs.client, undefined, APP);
    const failed = job('b'.repeat(32), 10, {
      state: 'FAILED',
      error: 'task 1 failed: boom',
      tasks: [
        { index: 0, state: 'FAILED', attempt: 3, taskExecutorId: 'container_1_0001_01_000002', error: 'boom\n    at f (job.mjs:1:1)' },
      ],
    });
    delete failed.results;
    await writeArchivedJob(hdfs.client, dir, APP, failed, 100);
    await writeArchivedJob(hdfs.client, dir, APP, job('a'.repeat(32), 5), 101);
    await hdfs.client.create(`${dir}/${'c'.repeat(32)}.json.tmp-abc`, Buffer.from('{"half'));
    const names = (await hdfs.client.listStatus(dir)).map((s) => s.pathSuffix).sort();
    expect(names).toEqual([`${'a'.repeat(32)}.json`, `${'b'.repeat(32)}.json`, `${'c'.repeat(32)}.json.tmp-abc`]);

    const read = await readArchivedJobs(hdfs.client, dir);
    expect(read.map((r) => r.job.id)).toEqual(['a'.repeat(32), 'b'.repeat(32)]);
    expect(read[0]).toEqual({ applicationId: APP, archivedAt: 101, job: job('a'.repeat(32), 5) });
    expect(read[1].job.tasks[0]).toMatchObject({ attempt: 3, error: 'boom\n    at f (job.mjs:1:1)' });
    // Written again (a later AM attempt): replaced, still one file.
    await writeArchivedJob(hdfs.client, dir, APP, job('a'.repeat(32), 5), 102);
    expect((await readArchivedJobs(hdfs.client, dir)).find((r) => r.job.id === 'a'.repeat(32))?.archivedAt).toBe(102);
    expect(await readArchivedJobs(hdfs.client, `${dir}-none`)).toEqual([]);
  });

  it('leaves the results out when the record would exceed the bound, and says so', () => {
    const big = job('a'.repeat(32), 1, { results: ['x'.repeat(2000), 'y'] });
    const slim = parseArchivedJob(archiveRecord(APP, big, 1, 1000), 'test');
    expect(slim.resultsLeftOut).toBe(true);
    expect(slim.job.results).toBeUndefined();
    expect(slim.job.tasks.every((t) => !('result' in t))).toBe(true);
    expect(parseArchivedJob(archiveRecord(APP, big, 1), 'test').job.results).toEqual(['x'.repeat(2000), 'y']);
  });

  it('refuses a file that is not an archived ended job, naming it', () => {
    expect(() => parseArchivedJob('{', '/h/x.json')).toThrow(JobArchiveError);
    expect(() =>
      parseArchivedJob(JSON.stringify({ applicationId: APP, job: { ...job('a'.repeat(32), 1), state: 'RUNNING' } }), '/h/x.json'),
    ).toThrow(/\/h\/x\.json is not an archived Loom job/);
  });

  it("the AM's archiver writes the record and only logs a warning when it cannot", async () => {
    const lines: string[] = [];
    const home = await hdfs.client.getHomeDirectory();
    const archiver = new JobArchiver(
      () => hdfs.client,
      `${home}/archive`,
      APP,
      (l) => lines.push(l),
    );
    await archiver.archive(job('a'.repeat(32), 1));
    expect(lines).toEqual([`archived job ${'a'.repeat(32)} (FINISHED) to ${home}/archive/${APP}/${'a'.repeat(32)}.json`]);
    // A dir the user may not write (the root): the archive call still resolves, with a warning.
    const blocked = new JobArchiver(
      () => hdfs.client,
      '/archive',
      APP,
      (l) => lines.push(l),
    );
    await expect(blocked.archive(job('b'.repeat(32), 1))).resolves.toBeUndefined();
    expect(lines[1]).toMatch(/^WARN could not archive job b{32} to the job archive/);
  });
});
