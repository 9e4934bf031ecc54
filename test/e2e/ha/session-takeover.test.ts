// A session survives its AM (mini cluster, real processes): one job finished and one running when
// the AM is SIGKILLed. Attempt 2 takes back the TaskExecutors and both jobs: the finished one is
// listed with its results from the HA store, the running one finishes where it ran. The dashboard
// URL (YARN's proxy URL) stays the same, the secret and the REST API work on the new attempt, the
// CLI finds it, and stopping the session ends it SUCCEEDED with its staging dir gone.
import { afterEach, describe, expect, it } from 'vitest';
import { startSessionKit, type SessionKit } from '../session-kit.js';
import { allocations, attemptServing, exists, marksByJob, restOf, stagingDirOf, THREE_JOBS, withSession } from './ha-kit.js';

let kit: SessionKit | undefined;
afterEach(async () => {
  await kit?.stop();
  kit = undefined;
});

describe('a session across an AM restart', () => {
  it('keeps its jobs, TaskExecutors, dashboard URL, secret and REST API on attempt 2', async () => {
    kit = await startSessionKit({ loomConf: { 'loom.taskexecutor.idle-timeout': '10min', 'loom.taskexecutor.am-timeout': '30s' } });
    const k = kit;
    const marks = `/user/${k.user}/ha-session/marks`;
    const release = `/user/${k.user}/ha-session/release`;
    await withSession(k, async ({ id, report: first, secret }) => {
      // Before the kill: one job finished, one running on all four slots of two TaskExecutors.
      const finished = await k.loom(['run', '-c', 'mark', '-p', '2', '--name', 'finished before', THREE_JOBS, marks, 'job1']);
      expect(finished.code, finished.stderr).toBe(0);
      const finishedResults = JSON.parse(finished.stdout) as unknown[];
      const running = await k.loom([
        'run',
        '-d',
        '-c',
        'markAndWait',
        '-p',
        '4',
        '--name',
        'running at the kill',
        THREE_JOBS,
        marks,
        'job2',
        release,
      ]);
      expect(running.code, running.stderr).toBe(0);
      const runningId = running.stdout.trim();
      await k.waitFor('the running job on every slot', async () => (await marksByJob(k, marks)).job2 === 4, 30_000);
      const taskExecutors = allocations(k, id)
        .filter((a) => !a.isAm)
        .map((a) => a.containerId)
        .sort();
      expect(taskExecutors).toHaveLength(2);

      await k.cluster.faults.failAmAttempt(id);

      const second = await attemptServing(k, id, 2);
      expect(second.trackingUrl).toBe(first.trackingUrl);
      expect(`${second.host}:${second.rpcPort}`).not.toBe(`${first.host}:${first.rpcPort}`);
      const rest = restOf(second, secret);
      const back = await k.waitFor('both TaskExecutors on attempt 2', async () => {
        const t = await rest.taskExecutors();
        return t.length === 2 ? t.map((x) => x.id).sort() : undefined;
      });
      expect(back).toEqual(taskExecutors);
      const jobs = await rest.listJobs();
      expect(jobs.map((j) => [j.name, j.state]).sort()).toEqual([
        ['finished before', 'FINISHED'],
        ['running at the kill', 'RUNNING'],
      ]);
      const stored = await rest.getJob(jobs.find((j) => j.state === 'FINISHED')!.id);
      expect(stored.results).toEqual(finishedResults);
      expect((await rest.getJob(runningId)).tasks.map((t) => t.state)).toEqual(['RUNNING', 'RUNNING', 'RUNNING', 'RUNNING']);

      // The same dashboard URL, served by attempt 2 through YARN's proxy, without the secret.
      const page = await fetch(second.trackingUrl);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<html[\s\S]*taskmanagers/i);
      const overview = (await (await fetch(`${second.trackingUrl}jobs/overview`)).json()) as { jobs: { jid: string }[] };
      expect(overview.jobs.map((j) => j.jid)).toContain(runningId);
      // The CLI finds the new attempt by itself.
      const listed = await k.loom(['list']);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toContain(`session ${id}: 2 jobs`);

      await k.fs.create(release, Buffer.from('go'));
      const done = await rest.waitForJob(runningId, { timeoutMs: 20_000, pollMs: 200 });
      expect(done.state).toBe('FINISHED');
      expect(new Set(done.tasks.map((t) => t.taskExecutorId))).toEqual(new Set(taskExecutors));
      // A job submitted to attempt 2 runs on the TaskExecutors taken back.
      const after = await k.loom(['run', '-c', 'mark', '-p', '2', THREE_JOBS, marks, 'job3']);
      expect(after.code, after.stderr).toBe(0);
      expect(await marksByJob(k, marks)).toEqual({ job1: 2, job2: 4, job3: 2 });
      expect(
        allocations(k, id)
          .filter((a) => a.attemptId.endsWith('_000002'))
          .map((a) => a.isAm),
      ).toEqual([true]);

      const staging = stagingDirOf(k, id);
      expect(await exists(k, `${staging}/ha`)).toBe(true);
      const stopped = await k.loom(['yarn-session', '-id', id], { stdin: 'stop\n' });
      expect(stopped.code, stopped.stderr).toBe(0);
      expect(await k.report(id)).toMatchObject({ state: 'FINISHED', finalStatus: 'SUCCEEDED' });
      expect(await exists(k, staging)).toBe(false);
      await k.waitFor('every container process to end', async () => (await k.processesInCluster()).length === 0, 15_000);
    });
  }, 90_000);
});
