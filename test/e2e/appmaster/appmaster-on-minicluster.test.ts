import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitUntilAmRegistered } from '../../../client/deploy/running/application-waiter.js';
import { DispatcherClient } from '../../../client/deploy/running/dispatcher-client.js';
import { uploadToStaging } from '../../../client/hadoop/hdfs/staging-uploader.js';
import { FileNotFoundError } from '../../../client/hadoop/hdfs/webhdfs-errors.js';
import { startMiniCluster, type MiniCluster } from '../../../minicluster/mini-cluster.js';
import { eventually, requireBuild, submitLoomAm, type SubmittedAm } from './am-test-kit.js';

/** Small containers (the smallest node lives in under the vmem check), Node from this process, and quick heartbeats so the tests take seconds. */
const SMALL_FAST_CLUSTER = {
  'loom.node.path': process.execPath,
  'jobmanager.memory.process.size': '512m',
  'taskmanager.memory.process.size': '512m',
  'yarn.heartbeat.container-request-interval': '100 ms',
  'yarn.heartbeat.interval': '1 s',
};
const SLOTS = 2;
const PARALLELISM = 4;

let cluster: MiniCluster | undefined;
let am: SubmittedAm | undefined;
let scratch: string | undefined;
const savedConfDir = process.env.HADOOP_CONF_DIR;

beforeAll(() => requireBuild());

afterEach(async () => {
  if (am) await am.yarn.killApplication(am.applicationId).catch(() => undefined);
  await am?.close();
  await cluster?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  am = cluster = scratch = undefined;
  if (savedConfDir === undefined) delete process.env.HADOOP_CONF_DIR;
  else process.env.HADOOP_CONF_DIR = savedConfDir;
});

/** A real NodeManager hands its HADOOP_CONF_DIR to containers through the env whitelist; the mini NMs read this process's. */
async function startCluster(options: Parameters<typeof startMiniCluster>[0] = {}): Promise<MiniCluster> {
  const c = await startMiniCluster({ nodes: 1, heartbeatMs: 100, ...options });
  process.env.HADOOP_CONF_DIR = c.confDir;
  return c;
}

/** Every container log of the cluster, for a failure message worth reading. */
function containerLogs(c: MiniCluster): string {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/(stdout|stderr|\.out|\.err)$/.test(e.name)) out.push(`--- ${p}\n${readFileSync(p, 'utf8').slice(-3000)}`);
    }
  };
  try {
    walk(c.dir);
  } catch {
    // logs are only for diagnosis
  }
  return out.join('\n');
}

/** The AM deletes it right after unregistering (not before: a failed unregistration may mean another attempt). */
async function stagingDirDeleted(submitted: SubmittedAm): Promise<void> {
  await eventually('the staging dir to be deleted', () =>
    submitted.hdfs.getFileStatus(submitted.stagingPath).then(
      () => undefined,
      (err: unknown) => {
        if (err instanceof FileNotFoundError) return true;
        throw err;
      },
    ),
  );
}

describe('the ApplicationMaster on the mini cluster', () => {
  it('registers, answers with the secret, starts TaskExecutors for a job, and ends FINISHED/SUCCEEDED on DELETE /cluster', async () => {
    cluster = await startCluster();
    am = await submitLoomAm(cluster, {
      ...SMALL_FAST_CLUSTER,
      'taskmanager.numberOfTaskSlots': String(SLOTS),
      'loom.taskexecutor.idle-timeout': '10 min',
    });
    const { applicationId, secret, yarn, hdfs } = am;
    const running = cluster;
    try {
      const report = await waitUntilAmRegistered({
        applicationId,
        report: () => yarn.getApplicationReport(applicationId),
        timeoutMs: 20_000,
        pollMs: 100,
      });
      expect(report.originalTrackingUrl).toBe(`http://${report.host}:${report.rpcPort}/`);
      const baseUrl = `http://${report.host}:${report.rpcPort}`;

      // Changes need the secret. (GETs from this host pass as the web proxy's: the RM's proxy runs here too.)
      for (const [method, path] of [
        ['POST', '/jobs'],
        ['DELETE', '/cluster'],
      ]) {
        const anonymous = await fetch(`${baseUrl}${path}`, { method, body: '{}', headers: { 'content-type': 'application/json' } });
        expect(anonymous.status, `${method} ${path} without the secret`).toBe(401);
        await anonymous.body?.cancel();
      }
      const rest = new DispatcherClient({ baseUrl, secret });
      const overview = await rest.overview();
      expect(overview).toMatchObject({ applicationId, mode: 'session', taskExecutors: 0 });

      // A job of parallelism 4 on TaskExecutors of 2 slots: 2 TaskExecutors.
      scratch = mkdtempSync(join(tmpdir(), 'loom-am-job-'));
      writeFileSync(
        join(scratch, 'job.mjs'),
        'export function square(task) { return { index: task.index, value: task.index * task.args[0] }; }\n',
      );
      const [bundle] = await uploadToStaging({ client: hdfs, localPath: join(scratch, 'job.mjs'), stagingDir: `${am.stagingPath}/jobs` });
      const jobId = await rest.submitJob({
        bundle: { url: `${am.fsUri}${bundle.hdfsPath}`, kind: 'file', size: bundle.size, modificationTime: bundle.modificationTime },
        exportName: 'square',
        parallelism: PARALLELISM,
        args: [7],
      });
      const job = await rest.waitForJob(jobId, { timeoutMs: 20_000, pollMs: 100 });
      expect(job.error).toBeUndefined();
      expect(job.state).toBe('FINISHED');
      expect(job.results).toEqual(Array.from({ length: PARALLELISM }, (_, i) => ({ index: i, value: i * 7 })));
      const executors = await rest.taskExecutors();
      expect(executors).toHaveLength(PARALLELISM / SLOTS);
      // YARN's view: the NodeManager started the AM and exactly those TaskExecutors (a surplus container is released unstarted).
      const node = running.nodes[0];
      const startedTaskExecutors = node
        .containerStates()
        .map((c) => c.id)
        .filter((id) => node.wasStarted(id) && !id.endsWith('_01_000001'));
      expect(startedTaskExecutors.sort()).toEqual(executors.map((e) => e.id).sort());
      for (const t of job.tasks) expect(executors.map((e) => e.id)).toContain(t.taskExecutorId);

      // DELETE /cluster: FINISHED/SUCCEEDED, staging dir gone, no container process left.
      await rest.shutdownCluster({ finalStatus: 'SUCCEEDED', diagnostics: 'stopped by the test' });
      const ended = await eventually('the application to finish', async () => {
        const r = await yarn.getApplicationReport(applicationId);
        return r.state === 'FINISHED' ? r : undefined;
      });
      expect(ended.finalStatus).toBe('SUCCEEDED');
      expect(ended.diagnostics).toContain('stopped by the test');
      await stagingDirDeleted(am);
      await eventually('every container process to exit', async () =>
        running.nodes.every((n) => n.livePids().size === 0) ? true : undefined,
      );
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${containerLogs(running)}`, { cause: err });
    }
  }, 45_000);

  it('replaces a killed TaskExecutor, and past yarn.maximum-failed-containers fails the application with the containers in its diagnostics', async () => {
    cluster = await startCluster();
    am = await submitLoomAm(cluster, {
      ...SMALL_FAST_CLUSTER,
      'taskmanager.numberOfTaskSlots': '1',
      'yarn.maximum-failed-containers': '1',
    });
    const { applicationId, secret, yarn, hdfs } = am;
    const running = cluster;
    const node = running.nodes[0];
    try {
      const report = await waitUntilAmRegistered({
        applicationId,
        report: () => yarn.getApplicationReport(applicationId),
        timeoutMs: 20_000,
        pollMs: 100,
      });
      const rest = new DispatcherClient({ baseUrl: `http://${report.host}:${report.rpcPort}`, secret });
      scratch = mkdtempSync(join(tmpdir(), 'loom-am-job-'));
      writeFileSync(join(scratch, 'hang.mjs'), 'export async function hang() { await new Promise((r) => setTimeout(r, 120_000)); }\n');
      const [bundle] = await uploadToStaging({ client: hdfs, localPath: join(scratch, 'hang.mjs'), stagingDir: `${am.stagingPath}/jobs` });
      const jobId = await rest.submitJob({
        bundle: { url: `${am.fsUri}${bundle.hdfsPath}`, kind: 'file', size: bundle.size, modificationTime: bundle.modificationTime },
        exportName: 'hang',
        parallelism: 1,
        args: [],
      });
      const killed: string[] = [];
      const killRunningTaskExecutor = async (): Promise<void> => {
        const te = await eventually('the task to run on a new TaskExecutor', async () => {
          const task = (await rest.getJob(jobId)).tasks.at(0);
          return task?.state === 'RUNNING' && task.taskExecutorId && !killed.includes(task.taskExecutorId)
            ? task.taskExecutorId
            : undefined;
        });
        expect(node.signalContainer(te, 'SIGKILL')).toBe(true);
        killed.push(te);
      };
      await killRunningTaskExecutor(); // failure 1 of 1 allowed: replaced, the task runs again
      await killRunningTaskExecutor(); // failure 2: the application fails

      const ended = await eventually('the application to end', async () => {
        const r = await yarn.getApplicationReport(applicationId);
        return r.state === 'FINISHED' || r.state === 'FAILED' ? r : undefined;
      });
      // FINISHED/FAILED: the AM unregistered with its diagnostics (a crashed AM would leave FAILED/FAILED).
      expect([ended.state, ended.finalStatus]).toEqual(['FINISHED', 'FAILED']);
      expect(ended.diagnostics).toContain('yarn.maximum-failed-containers=1');
      for (const id of killed) expect(ended.diagnostics).toContain(`${id}: exit code 137`);
      await stagingDirDeleted(am);
      await eventually('every container process to exit', async () =>
        running.nodes.every((n) => n.livePids().size === 0) ? true : undefined,
      );
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${containerLogs(running)}`, { cause: err });
    }
  }, 45_000);

  it("a job that needs containers YARN refuses fails with YARN's message, the AM keeps serving, and a job that fits succeeds", async () => {
    // The queue allows 1 vcore per container, the cluster 4: getNewApplication tells only the
    // cluster's maximum, so a client's check passes a 2-slot session (2 vcores per TaskExecutor).
    cluster = await startCluster({ capacityScheduler: { 'yarn.scheduler.capacity.root.default.maximum-allocation-vcores': '1' } });
    am = await submitLoomAm(cluster, {
      ...SMALL_FAST_CLUSTER,
      'taskmanager.numberOfTaskSlots': '2',
      'loom.taskexecutor.idle-timeout': '10 min',
    });
    const { applicationId, secret, yarn, hdfs } = am;
    const running = cluster;
    try {
      const report = await waitUntilAmRegistered({
        applicationId,
        report: () => yarn.getApplicationReport(applicationId),
        timeoutMs: 20_000,
        pollMs: 100,
      });
      const rest = new DispatcherClient({ baseUrl: `http://${report.host}:${report.rpcPort}`, secret });
      scratch = mkdtempSync(join(tmpdir(), 'loom-am-job-'));
      writeFileSync(join(scratch, 'job.mjs'), 'export function twice(task) { return task.index * 2; }\n');
      const [bundle] = await uploadToStaging({ client: hdfs, localPath: join(scratch, 'job.mjs'), stagingDir: `${am.stagingPath}/jobs` });
      const submit = () =>
        rest.submitJob({
          bundle: { url: `${am!.fsUri}${bundle.hdfsPath}`, kind: 'file', size: bundle.size, modificationTime: bundle.modificationTime },
          exportName: 'twice',
          parallelism: 2,
          args: [],
        });
      const yarnsMessage =
        'InvalidResourceRequestException: Invalid resource request! Cannot allocate containers as requested resource is greater than maximum allowed allocation. ' +
        'Requested resource type=[vcores], Requested resource=<memory:512, vCores:2>, maximum allowed allocation=<memory:8192, vCores:1>';

      const refused = await rest.waitForJob(await submit(), { timeoutMs: 20_000, pollMs: 100 });
      expect(refused.state).toBe('FAILED');
      expect(refused.error).toContain(`YARN refuses the TaskExecutor containers this job needs (512 MiB, 2 vcores): ${yarnsMessage}`);
      expect(refused.error).toContain('-s / taskmanager.numberOfTaskSlots');
      const after = await yarn.getApplicationReport(applicationId);
      expect(after.state).toBe('RUNNING');
      expect(after.diagnostics).toContain(yarnsMessage.slice(yarnsMessage.indexOf(': ') + 2)); // as YARN's RM shows an invalid ask
      const again = await rest.waitForJob(await submit(), { timeoutMs: 20_000, pollMs: 100 });
      expect(again.error).toContain(yarnsMessage); // each job that needs it is told, the AM goes on
      expect((await rest.overview()).jobsFailed).toBe(2);

      // yarn rmadmin -refreshQueues with a larger queue maximum: the next job gets its TaskExecutor.
      running.resourceManager.refreshQueueMaximumAllocation({ vcores: 2 });
      const fits = await rest.waitForJob(await submit(), { timeoutMs: 20_000, pollMs: 100 });
      expect(fits.error).toBeUndefined();
      expect([fits.state, fits.results]).toEqual(['FINISHED', [0, 2]]);
      expect((await yarn.getApplicationReport(applicationId)).state).toBe('RUNNING');
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${containerLogs(running)}`, { cause: err });
    }
  }, 60_000);

  it('a configuration the AM cannot use still ends the application with the reason, not a silent exit', async () => {
    cluster = await startCluster();
    am = await submitLoomAm(cluster, SMALL_FAST_CLUSTER, 'taskmanager.numberOfTaskSlots: many\n');
    const { applicationId, yarn } = am;
    const ended = await eventually('the application to end', async () => {
      const r = await yarn.getApplicationReport(applicationId);
      return r.state === 'FINISHED' || r.state === 'FAILED' ? r : undefined;
    });
    expect([ended.state, ended.finalStatus]).toEqual(['FINISHED', 'FAILED']);
    expect(ended.diagnostics).toMatch(/the ApplicationMaster cannot start: .*taskmanager\.numberOfTaskSlots/);
    await stagingDirDeleted(am);
  });
});
