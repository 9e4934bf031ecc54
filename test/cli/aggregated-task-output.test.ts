// loom logs <jobId> after the application ended: the task output files in its aggregated logs
// (one TFile per node, as the NodeManagers upload them), and what it says when there are none.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  findArchivedApplicationOfJob,
  readAggregatedTaskOutput,
  TaskOutputNotAggregatedError,
  TaskOutputNotFoundError,
} from '../../cli/commands/aggregated-task-output.js';
import { printAggregatedTaskOutput } from '../../cli/commands/job-logs.js';
import { Configuration } from '../../client/conf/configuration.js';
import { encodeAggregatedLogFile, remoteAppLogDir, remoteAppLogDirSettings } from '../../client/hadoop/aggregated-logs/index.js';
import type { WebHdfsClient } from '../../client/hadoop/hdfs/webhdfs-client.js';
import { FileNotFoundError } from '../../client/hadoop/hdfs/webhdfs-errors.js';

const APP = 'application_1765000000000_0007';
const JOB = 'a'.repeat(32);
const OTHER = 'b'.repeat(32);
const conf = (aggregation?: string) => {
  const c = Configuration.withDefaults({});
  if (aggregation !== undefined) c.set('yarn.log-aggregation-enable', aggregation);
  return c;
};
const notFound = (path: string) =>
  new FileNotFoundError(
    { exception: 'FileNotFoundException', javaClassName: 'java.io.FileNotFoundException', message: path },
    404,
    `LISTSTATUS ${path}`,
  );

/** A WebHDFS client over an in-memory tree: directory path -> its files' bytes. */
function fakeFs(files: Record<string, Uint8Array>): WebHdfsClient {
  const children = (dir: string) =>
    Object.keys(files)
      .filter((p) => p.startsWith(`${dir}/`))
      .map((p) => p.slice(dir.length + 1));
  return {
    listStatus: async (dir: string) => {
      const names = children(dir);
      if (names.length === 0) throw notFound(dir);
      return [...new Set(names.map((n) => n.split('/')[0]))].map((n) => ({
        pathSuffix: n,
        type: names.includes(n) ? 'FILE' : 'DIRECTORY',
        modificationTime: Date.parse('2026-12-07T18:00:00Z'),
        length: (files[`${dir}/${n}`] as Uint8Array | undefined)?.length ?? 0,
      }));
    },
    getFileStatus: async (path: string) => {
      if (!(path in files)) throw notFound(path);
      return { pathSuffix: '', type: 'FILE' };
    },
    open: async (path: string) => Readable.from([Buffer.from(files[path])]),
    getHomeDirectory: async () => '/user/alice',
  } as unknown as WebHdfsClient;
}

const text = (lines: string[]) => new TextEncoder().encode(lines.map((l) => `${l}\n`).join(''));
const dir = remoteAppLogDir(remoteAppLogDirSettings(conf()), 'alice', APP);
const nodeFile = encodeAggregatedLogFile({
  owner: 'alice',
  containers: [
    {
      containerId: 'container_1765000000000_0007_01_000002',
      files: [
        { fileName: 'taskexecutor.out', content: text(['not task output']) },
        { fileName: `task-${JOB}-1-1.log`, content: text(['2026-12-07T18:00:00.000Z stdout before the kill 1']) },
        {
          fileName: `task-${JOB}-0-1.log`,
          content: text(['2026-12-07T18:00:00.000Z stdout out 0', '2026-12-07T18:00:00.001Z stderr err 0']),
        },
      ],
    },
    {
      containerId: 'container_1765000000000_0007_01_000003',
      files: [
        { fileName: `task-${JOB}-1-2.log`, content: new TextEncoder().encode('2026-12-07T18:00:01.000Z stdout last without newline') },
        { fileName: `task-${OTHER}-0-1.log`, content: text(['2026-12-07T18:00:02.000Z stdout other job']) },
      ],
    },
  ],
});
const fs = fakeFs({ [`${dir}/node1.example.com_45454`]: nodeFile });

describe('task output from the aggregated logs', () => {
  it("prints each of the job's attempts under the live form's heading, task by task and attempt by attempt", async () => {
    const outputs = await readAggregatedTaskOutput(fs, conf('true'), {
      appId: APP,
      jobId: JOB,
      appOwner: 'alice',
      aggregationStatus: 'SUCCEEDED',
    });
    let printed = '';
    printAggregatedTaskOutput(outputs, (t) => (printed += t));
    expect(printed).toBe(
      `==> job ${JOB} task 0 attempt 1 (container_1765000000000_0007_01_000002, node1.example.com) <==\n` +
        '2026-12-07T18:00:00.000Z stdout out 0\n2026-12-07T18:00:00.001Z stderr err 0\n' +
        `==> job ${JOB} task 1 attempt 1 (container_1765000000000_0007_01_000002, node1.example.com) <==\n` +
        '2026-12-07T18:00:00.000Z stdout before the kill 1\n' +
        `==> job ${JOB} task 1 attempt 2 (container_1765000000000_0007_01_000003, node1.example.com) <==\n` +
        '2026-12-07T18:00:01.000Z stdout last without newline\n',
    );
  });

  it('honours --task and --attempt, and names what there is when they match nothing', async () => {
    const one = await readAggregatedTaskOutput(fs, conf('true'), { appId: APP, jobId: JOB, task: 1, attempt: 2 });
    expect(one.map((o) => [o.taskIndex, o.attempt])).toEqual([[1, 2]]);
    await expect(readAggregatedTaskOutput(fs, conf('true'), { appId: APP, jobId: JOB, task: 5 })).rejects.toThrow(
      new TaskOutputNotFoundError(`job ${JOB} has no output of task 5 in the aggregated logs of ${APP} (tasks with output: 0, 1)`),
    );
    await expect(readAggregatedTaskOutput(fs, conf('true'), { appId: APP, jobId: JOB, task: 0, attempt: 3 })).rejects.toThrow(
      /no output of attempt 3 .* \(attempts with output: 1\)/,
    );
    await expect(readAggregatedTaskOutput(fs, conf('true'), { appId: APP, jobId: 'c'.repeat(32) })).rejects.toThrow(
      new TaskOutputNotFoundError(
        `job ${'c'.repeat(32)} has no task output in the aggregated logs of ${APP} (jobs with output there: ${JOB}, ${OTHER}); loom history ${APP} lists the application's jobs`,
      ),
    );
  });

  it('says when aggregation is not finished yet, and when it is off', async () => {
    const empty = fakeFs({});
    const running = readAggregatedTaskOutput(empty, conf('true'), { appId: APP, jobId: JOB, aggregationStatus: 'RUNNING' });
    await expect(running).rejects.toThrow(TaskOutputNotAggregatedError);
    await expect(running).rejects.toThrow(/not aggregated yet \(log aggregation RUNNING\).*try again in a moment/);
    // Partly uploaded: the job's node file is not there yet.
    await expect(
      readAggregatedTaskOutput(fs, conf('true'), { appId: APP, jobId: 'c'.repeat(32), aggregationStatus: 'NOT_START' }),
    ).rejects.toThrow(/not aggregated yet/);
    await expect(readAggregatedTaskOutput(empty, conf(), { appId: APP, jobId: JOB, aggregationStatus: 'DISABLED' })).rejects.toThrow(
      /log aggregation is off \(yarn.log-aggregation-enable is not true\).*turn it on in yarn-site.xml/,
    );
    await expect(readAggregatedTaskOutput(empty, conf('true'), { appId: APP, jobId: JOB, aggregationStatus: 'SUCCEEDED' })).rejects.toThrow(
      /no aggregated logs of application_1765000000000_0007 under \/tmp\/logs.*try again in a moment \(log aggregation status: SUCCEEDED\)/,
    );
  });

  it('finds the application of a job in the job archive, newest application first', async () => {
    const archive = fakeFs({
      [`/user/alice/.loom-history/application_1765000000000_0002/${JOB}.json`]: text(['{}']),
      [`/user/alice/.loom-history/application_1765000000000_0010/${JOB}.json`]: text(['{}']),
      [`/user/alice/.loom-history/application_1765000000000_0011/${OTHER}.json`]: text(['{}']),
    });
    expect(await findArchivedApplicationOfJob(archive, undefined, JOB)).toBe('application_1765000000000_0010');
    expect(await findArchivedApplicationOfJob(archive, undefined, 'c'.repeat(32))).toBeUndefined();
    expect(await findArchivedApplicationOfJob(fakeFs({}), '/elsewhere', JOB)).toBeUndefined();
  });
});
