// The programmatic client's per-job and application modes (LoomClient.runPerJob and
// deployApplication) on a mini cluster in this process, with real AM and TaskExecutor processes:
// a job in a cluster of its own that ends with it (attached and detached), and a program whose
// main() runs in the AM (attached with its output and result, from hdfs:// failing, detached
// and killed).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationDetachedError, ApplicationFailedError } from '../../client/api/application-errors.js';
import { LoomClient } from '../../client/api/loom-client.js';
import type { ProgramOutputLine } from '../../client/api/loom-application.js';
import { DetachedResultError } from '../../client/program/program-errors.js';
import { startMiniCluster, type MiniCluster } from '../../minicluster/mini-cluster.js';

/** The runtime archive the e2e tests share: built once from the same dist/. */
const SHARED_CACHE = join(tmpdir(), 'loom-e2e-runtime-cache');

const JOBS_MJS = `
export function square(task) {
  return task.args[0] * (task.index + 1);
}
export default async function main(ctx) {
  ctx.log('main starts with ' + ctx.args.join(' '));
  console.log('to stdout');
  const values = await ctx.run({ exportName: 'square', parallelism: 2, args: [Number(ctx.args[0])] });
  return { mode: ctx.mode, values };
}
export async function fails() {
  throw new Error('main failed on purpose');
}
export async function waits() {
  await new Promise((resolve) => setTimeout(resolve, 600_000));
}
`;

let dir: string;
let bundle: string;
let cluster: MiniCluster | undefined;
let client: LoomClient | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-per-job-application-'));
  bundle = join(dir, 'jobs.mjs');
  await writeFile(bundle, JOBS_MJS);
  cluster = await startMiniCluster({ nodes: 2, heartbeatMs: 50, rmConfig: { minimumAllocationMb: 128 }, hdfsLatency: 'none' });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HADOOP_CONF_DIR: cluster.confDir,
    HADOOP_USER_NAME: userInfo().username,
    LOOM_CACHE_DIR: SHARED_CACHE,
  };
  delete env.LOOM_CONF_DIR;
  client = LoomClient.create({
    env,
    cwd: dir,
    properties: {
      'loom.node.path': process.execPath,
      'jobmanager.memory.process.size': '512m',
      'taskmanager.memory.process.size': '512m',
      'taskmanager.numberOfTaskSlots': '2',
      'yarn.properties-file.location': dir,
    },
  });
}, 60_000);

afterAll(async () => {
  await client?.close();
  await cluster?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('per-job mode through the programmatic client', () => {
  it('runs one job in a cluster of its own, follows it to its results and ends the cluster SUCCEEDED', async () => {
    const job = await client!.runPerJob({ bundle, exportName: 'square', parallelism: 3, args: [10], name: 'squares' });
    expect(job.applicationId).toMatch(/^application_\d+_\d+$/);
    expect(job.id).toMatch(/^[0-9a-f]{32}$/);
    expect(job.detached).toBe(false);
    expect(job.trackingUrl).toContain(job.applicationId);
    expect((await job.details()).name).toBe('squares');
    expect(await job.result()).toEqual([10, 20, 30]);
    const ended = await job.waitForEnd();
    expect([ended.state, ended.finalStatus]).toEqual(['FINISHED', 'SUCCEEDED']);
  }, 120_000);

  it('detached: resolves once YARN accepted the cluster, which ends with its job; result() is not followed', async () => {
    const job = await client!.runPerJob({ bundle, exportName: 'square', parallelism: 1, args: [2] }, { detached: true });
    expect(job.detached).toBe(true);
    await expect(job.result()).rejects.toBeInstanceOf(DetachedResultError);
    const ended = await job.waitForEnd();
    expect([ended.state, ended.finalStatus]).toEqual(['FINISHED', 'SUCCEEDED']);
  }, 120_000);
});

describe('application mode through the programmatic client', () => {
  it("attached: hands main()'s lines to onOutput as it runs and resolves with what main() returned", async () => {
    const lines: ProgramOutputLine[] = [];
    const app = await client!.deployApplication(bundle, { args: ['7'], attached: true, onOutput: (line) => lines.push(line) });
    expect(app.attached).toBe(true);
    expect(app.applicationId).toMatch(/^application_\d+_\d+$/);
    expect(app.trackingUrl).toContain(app.applicationId);
    expect(await app.result()).toEqual({ mode: 'application', values: [7, 14] });
    const ended = await app.waitForEnd();
    expect([ended.state, ended.finalStatus]).toEqual(['FINISHED', 'SUCCEEDED']);
    expect(lines.map((l) => [l.stream, l.text])).toEqual(
      expect.arrayContaining([
        ['log', 'main starts with 7'],
        ['stdout', 'to stdout'],
      ]),
    );
  }, 120_000);

  it("from an hdfs:// bundle: nothing uploaded for it, and main()'s error rejects result() with an ApplicationFailedError", async () => {
    const path = `${await client!.hdfs.getHomeDirectory()}/apps/jobs.mjs`;
    await client!.hdfs.create(path, Buffer.from(JOBS_MJS), { overwrite: true });
    // hdfs:/// names the default file system, as the CLI takes it.
    const app = await client!.deployApplication(`hdfs://${path}`, { mainExport: 'fails', attached: true });
    const err = await app.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApplicationFailedError);
    expect((err as ApplicationFailedError).message).toContain('main failed on purpose');
    expect((err as ApplicationFailedError).report.finalStatus).toBe('FAILED');
  }, 120_000);

  it('detached: runs on alone until it is killed; result() is not followed', async () => {
    const app = await client!.deployApplication(bundle, { mainExport: 'waits' });
    expect(app.attached).toBe(false);
    await expect(app.result()).rejects.toBeInstanceOf(ApplicationDetachedError);
    expect((await app.report()).state).toBe('RUNNING');
    const killed = await app.kill();
    expect([killed.state, killed.finalStatus]).toEqual(['KILLED', 'KILLED']);
  }, 120_000);
});
