// The session journey with real processes on the mini cluster: yarn-session -d (with ship files),
// two jobs on the same two TaskExecutors, idle release, then yarn-session -id + stop.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DispatcherClient } from '../../client/deploy/running/dispatcher-client.js';
import { readSessionProperties } from '../../client/deploy/submit/properties-file.js';
import { FileNotFoundError } from '../../client/hadoop/hdfs/webhdfs-errors.js';
import { applicationIdIn, startSessionKit, type SessionKit } from './session-kit.js';

const JOBS = join(import.meta.dirname, 'jobs', 'test-jobs.mjs');

let kit: SessionKit | undefined;

/** Every container the NodeManagers started for the application, running or ended. */
function containersOf(k: SessionKit, appId: string): string[] {
  const prefix = appId.replace('application_', 'container_') + '_';
  return k.cluster.nodes.flatMap((n) => n.containerStates().map((c) => c.id)).filter((id) => id.startsWith(prefix));
}
afterEach(async () => {
  await kit?.stop();
  kit = undefined;
});

describe('a Loom session on the mini cluster', () => {
  it('starts detached, runs two jobs on the same two TaskExecutors, releases them when idle, and stops FINISHED/SUCCEEDED without leftovers', async () => {
    // Jobs must find the TaskExecutors of the job before still there: an idle timeout of 10 s, not
    // the kit's 3 s, so a `loom run` slow to start on a loaded machine does not outlast it.
    kit = await startSessionKit({ loomConf: { 'loom.taskexecutor.idle-timeout': '10s' } });
    const shipDir = join(kit.dir, 'assets');
    await mkdir(join(shipDir, 'nested'), { recursive: true });
    await writeFile(join(shipDir, 'nested', 'inner.txt'), 'from a shipped directory');
    await writeFile(join(kit.dir, 'greeting.txt'), 'hello from a ship file');
    const started = await kit.loom(['yarn-session', '-d', '-nm', 'e2e session', '-t', join(kit.dir, 'greeting.txt'), '-t', shipDir]);
    expect(started.code, started.stderr).toBe(0);
    const appId = applicationIdIn(started.stdout);
    const report = await kit.report(appId);
    expect(report).toMatchObject({ state: 'RUNNING', applicationType: 'Loom', name: 'e2e session' });
    expect(started.stdout).toContain(`Dashboard: ${report.trackingUrl}`);

    const stagingDir = `/user/${kit.user}/.loom/${appId}`;
    expect((await kit.fs.getFileStatus(stagingDir)).permission).toBe('700');
    const staged = (await kit.fs.listStatus(stagingDir)).map((s) => [s.pathSuffix, s.permission]);
    expect(staged).toEqual(
      expect.arrayContaining([
        ['loom-conf.yaml', expect.any(String)],
        ['loom-secret', '600'],
      ]),
    );
    const propertiesFile = join(kit.dir, `.loom-session-${kit.user}`);
    expect((await stat(propertiesFile)).mode & 0o777).toBe(0o600);
    const props = (await readSessionProperties(propertiesFile))!;
    expect(props.applicationId).toBe(appId);
    const rest = new DispatcherClient({ baseUrl: `http://${report.host}:${report.rpcPort}`, secret: props.secret });

    // Parallelism 4 on TaskExecutors of 2 slots: the AM starts 2 of them, and no more. The tasks
    // wait at a gate until all 4 run at once (otherwise the first TaskExecutor could run them all
    // before the second registers).
    const gate = join(kit.dir, 'gate-open');
    const firstRun = kit.spawnLoom(['run', '-c', 'gated', '-p', '4', JOBS, gate]);
    await kit.waitFor('4 tasks running on 2 TaskExecutors', async () => {
      const job = (await rest.listJobs()).at(0);
      const details = job && (await rest.getJob(job.id));
      return details && details.tasks.every((t) => t.state === 'RUNNING') && new Set(details.tasks.map((t) => t.taskExecutorId)).size === 2;
    });
    const executors = await rest.taskExecutors();
    await writeFile(gate, '');
    const first = await firstRun.exited;
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout).map((r: { square: number }) => r.square)).toEqual([0, 1, 4, 9]);
    expect(executors.map((t) => t.slots)).toEqual([2, 2]);
    const executorIds = executors.map((t) => t.id).sort();
    expect(containersOf(kit, appId)).toHaveLength(3); // the AM and 2 TaskExecutors

    // A second job reuses them: its 4 tasks fill both TaskExecutors' slots, nothing new starts.
    const second = await kit.loom(['run', '-c', 'slow', '-p', '4', JOBS, '1000']);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout).map((r: { sleptMs: number }) => r.sleptMs)).toEqual([1000, 1000, 1000, 1000]);
    expect((await rest.taskExecutors()).map((t) => t.id).sort()).toEqual(executorIds);
    const jobs = await rest.listJobs();
    expect(jobs.map((j) => j.state)).toEqual(['FINISHED', 'FINISHED']);
    const secondJob = await rest.getJob(jobs.reduce((a, b) => (a.submittedAt > b.submittedAt ? a : b)).id);
    expect([...new Set(secondJob.tasks.map((t) => t.taskExecutorId))].sort()).toEqual(executorIds);
    expect(containersOf(kit, appId)).toHaveLength(3);

    // Ship files (-t) are in every container's working dir: a file by its name, a directory unpacked.
    const shipped = await kit.loom(['run', '-c', 'readShipped', '-p', '1', JOBS, 'greeting.txt', 'assets/nested/inner.txt']);
    expect(shipped.code, shipped.stderr).toBe(0);
    expect(JSON.parse(shipped.stdout)).toEqual([['hello from a ship file', 'from a shipped directory']]);

    const listed = await kit.loom(['list']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/3 jobs/);

    // Idle longer than loom.taskexecutor.idle-timeout (10 s here): released, their containers gone.
    await kit.waitFor('the idle TaskExecutors to be released', async () => (await rest.taskExecutors()).length === 0, 40_000);

    // Attach by id, type stop: the application ends FINISHED/SUCCEEDED and leaves nothing behind.
    const stopped = await kit.loom(['yarn-session', '-id', appId], { stdin: 'stop\n' });
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toContain(`session ${appId} ended FINISHED/SUCCEEDED`);
    expect(await kit.report(appId)).toMatchObject({ state: 'FINISHED', finalStatus: 'SUCCEEDED' });
    await expect(kit.fs.getFileStatus(stagingDir)).rejects.toBeInstanceOf(FileNotFoundError);
    expect(await readSessionProperties(propertiesFile)).toBeUndefined();
    await kit.waitFor('every container process to end', async () => (await kit!.processesInCluster()).length === 0, 15_000);
  }, 120_000);
});
