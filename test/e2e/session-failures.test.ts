// Failures on a running session: a TaskExecutor killed mid-job (mini cluster fault injection) is
// replaced and its tasks retried; a failing job makes `loom run` exit non-zero with the reason; a
// job is cancelled with `loom cancel`;
// past yarn.maximum-failed-containers the application fails with diagnostics.
import { afterEach, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DispatcherClient } from '../../client/deploy/running/dispatcher-client.js';
import { readSessionProperties } from '../../client/deploy/submit/properties-file.js';
import { applicationIdIn, startSessionKit, type SessionKit } from './session-kit.js';

const JOBS = join(import.meta.dirname, 'jobs', 'test-jobs.mjs');

let kit: SessionKit | undefined;
afterEach(async () => {
  await kit?.stop();
  kit = undefined;
});

async function session(k: SessionKit): Promise<{ appId: string; rest: DispatcherClient }> {
  const started = await k.loom(['yarn-session', '-d']);
  expect(started.code, started.stderr).toBe(0);
  const appId = applicationIdIn(started.stdout);
  const report = await k.report(appId);
  const { secret } = (await readSessionProperties(join(k.dir, `.loom-session-${k.user}`)))!;
  return { appId, rest: new DispatcherClient({ baseUrl: `http://${report.host}:${report.rpcPort}`, secret }) };
}

describe('failures in a Loom session', () => {
  it('replaces a TaskExecutor killed mid-job and retries its tasks; a failing job exits 1 with its error', async () => {
    // No idle release in this test: the TaskExecutors must still be there when it counts them.
    kit = await startSessionKit({ loomConf: { 'loom.taskexecutor.idle-timeout': '10min' } });
    const { appId, rest } = await session(kit);
    // The tasks wait at a gate, so all 4 run at once on 2 TaskExecutors however slowly the second
    // starts, and the survivor's slots stay taken: the retries must go to the replacement.
    const gate = join(kit.dir, 'gate-open');
    const run = kit.spawnLoom(['run', '-c', 'gated', '-p', '4', JOBS, gate]);
    const running = await kit.waitFor('4 tasks running on 2 TaskExecutors', async () => {
      const job = (await rest.listJobs()).at(0);
      const details = job && (await rest.getJob(job.id));
      return details && details.tasks.every((t) => t.state === 'RUNNING') && new Set(details.tasks.map((t) => t.taskExecutorId)).size === 2
        ? details
        : undefined;
    });
    const victim = running.tasks[0].taskExecutorId!;
    kit.cluster.faults.killContainer(victim);
    await kit.waitFor('the retried tasks running on the replacement', async () => {
      const job = await rest.getJob(running.id);
      const retried = job.tasks.filter((t) => t.attempt === 2);
      return retried.length === 2 && retried.every((t) => t.state === 'RUNNING' && t.taskExecutorId !== victim);
    });
    await writeFile(gate, '');

    const result = await run.exited;
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveLength(4);
    expect(result.stderr).toMatch(/FINISHED: 4 finished \(2 retried\)/);
    const job = await rest.getJob(running.id);
    const retried = job.tasks.filter((t) => t.attempt === 2);
    expect(retried.map((t) => t.index).sort()).toEqual(
      running.tasks
        .filter((t) => t.taskExecutorId === victim)
        .map((t) => t.index)
        .sort(),
    );
    for (const t of job.tasks) expect(t.taskExecutorId).not.toBe(victim);
    const executors = (await rest.taskExecutors()).map((t) => t.id);
    expect(executors).toHaveLength(2);
    expect(executors).not.toContain(victim); // its replacement took its place

    const failing = await kit.loom(['run', '-c', 'broken', '-p', '2', JOBS]);
    expect(failing.code).toBe(1);
    expect(failing.stderr).toMatch(/FAILED/);
    expect(failing.stderr).toMatch(/task \d is broken on purpose/);
    // A job can be cancelled from another command; the session stays.
    const detached = await kit.loom(['run', '-d', '-c', 'slow', '-p', '2', JOBS, '30000']);
    expect(detached.code, detached.stderr).toBe(0);
    const jobId = detached.stdout.trim();
    const cancelled = await kit.loom(['cancel', jobId]);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toMatch(new RegExp(`job ${jobId} is (CANCELLING|CANCELED)`));
    await kit.waitFor('the job to be cancelled', async () => (await rest.getJob(jobId)).state === 'CANCELED');

    const stopped = await kit.loom(['yarn-session', '-id', appId], { stdin: 'stop\n' });
    expect(stopped.code, stopped.stderr).toBe(0);
  }, 60_000);

  it('fails the application with diagnostics once more TaskExecutors failed than yarn.maximum-failed-containers', async () => {
    kit = await startSessionKit({ loomConf: { 'yarn.maximum-failed-containers': '1' } });
    const { appId, rest } = await session(kit);
    const run = kit.spawnLoom(['run', '-c', 'slow', '-p', '2', JOBS, '20000']);
    for (let failures = 0; failures < 2; failures++) {
      const id = await kit.waitFor('a registered TaskExecutor', async () => (await rest.taskExecutors())[0]?.id);
      kit.cluster.faults.killContainer(id);
      await kit.waitFor('the TaskExecutor to be gone', async () => !(await rest.taskExecutors().catch(() => [])).some((t) => t.id === id));
    }
    const final = await kit.waitFor('the application to fail', async () => {
      const r = await kit!.report(appId);
      return r.state === 'FINISHED' || r.state === 'FAILED' ? r : undefined;
    });
    expect(final.finalStatus).toBe('FAILED');
    expect(final.diagnostics).toMatch(/container_/);
    const result = await run.exited;
    expect(result.code).not.toBe(0);
    // The next command finds the session ended and says so; the staging dir is gone.
    const list = await kit.loom(['list']);
    expect(list.code).toBe(1);
    expect(list.stderr).toContain(`the properties file names ${appId}, which has ended (FINISHED/FAILED)`);
    await expect(kit.fs.getFileStatus(`/user/${kit.user}/.loom/${appId}`)).rejects.toThrow(/not exist|FileNotFound/i);
  }, 60_000);
});
