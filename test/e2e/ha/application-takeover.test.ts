// Application mode survives its AM (mini cluster, real processes): main() submits three
// sequential jobs; the AM is SIGKILLed while job 2's tasks run. Attempt 2 takes the running
// TaskExecutors back (the RM allocates it nothing but its own container), adopts job 2's running
// tasks, re-runs main() whose job 1 answers from the HA store (its tasks do not run again), and
// the application ends SUCCEEDED with the staging dir kept until then and removed at the end.
import { afterEach, describe, expect, it } from 'vitest';
import { startSessionKit, type SessionKit } from '../session-kit.js';
import { loomApplicationId, readHdfsText } from '../modes/word-count-kit.js';
import {
  allocations,
  attemptServing,
  exists,
  livePids,
  marksByJob,
  restOf,
  secretOf,
  stagingDirOf,
  THREE_JOBS,
  withLogs,
} from './ha-kit.js';

const PARALLELISM = 4; // two TaskExecutors of two slots

let kit: SessionKit | undefined;
afterEach(async () => {
  await kit?.stop();
  kit = undefined;
});

describe('application mode across an AM restart', () => {
  it('attempt 2 takes back the TaskExecutors and job 2, job 1 is not run again, job 3 runs, the application SUCCEEDS', async () => {
    kit = await startSessionKit({ loomConf: { 'loom.taskexecutor.idle-timeout': '10min', 'loom.taskexecutor.am-timeout': '30s' } });
    const k = kit;
    const marks = `/user/${k.user}/ha-app/marks`;
    const release = `/user/${k.user}/ha-app/release`;
    let appId: string | undefined;
    await withLogs(
      k,
      () => appId,
      async () => {
        const submitted = await k.loom(['run-application', '-t', 'yarn-application', THREE_JOBS, marks, release, String(PARALLELISM)]);
        expect(submitted.code, submitted.stderr).toBe(0);
        const id = loomApplicationId(submitted.stdout);
        appId = id;
        const staging = stagingDirOf(k, id);

        // Job 2 runs: all its tasks have started (and wait for the release file).
        await k.waitFor('job 2 to run on every slot', async () => (await marksByJob(k, marks)).job2 === PARALLELISM, 40_000);
        const first = await attemptServing(k, id, 1);
        const before = allocations(k, id).filter((a) => !a.isAm);
        expect(before).toHaveLength(2);
        const taskExecutors = before.map((a) => a.containerId).sort();
        const pidsBefore = livePids(k, id);
        expect(await exists(k, staging)).toBe(true);

        await k.cluster.faults.failAmAttempt(id);

        // Attempt 2 serves: the same secret works on its REST API, the TaskExecutors are back in the same processes.
        const second = await attemptServing(k, id, 2);
        expect(second.trackingUrl).toBe(first.trackingUrl);
        const rest = restOf(second, await secretOf(k, id));
        const back = await k.waitFor('both TaskExecutors to register with attempt 2', async () => {
          const t = await rest.taskExecutors();
          return t.length === 2 ? t.map((x) => x.id).sort() : undefined;
        });
        expect(back).toEqual(taskExecutors);
        for (const c of taskExecutors) expect(livePids(k, id).get(c)).toBe(pidsBefore.get(c));
        // Job 1 answers from the store; job 2 was taken over with its tasks still running where they ran.
        const jobs = await k.waitFor('jobs 1 and 2 on attempt 2', async () => {
          const list = await rest.listJobs();
          return list.length >= 2 ? list : undefined;
        });
        const byName = new Map(jobs.map((j) => [j.name, j]));
        expect(byName.get('job 1')?.state).toBe('FINISHED');
        const job2 = await rest.getJob(byName.get('job 2')!.id);
        expect(job2.state).toBe('RUNNING');
        expect(job2.tasks.map((t) => [t.state, t.attempt])).toEqual(Array.from({ length: PARALLELISM }, () => ['RUNNING', 1]));
        expect(new Set(job2.tasks.map((t) => t.taskExecutorId))).toEqual(new Set(taskExecutors));
        expect(await exists(k, staging)).toBe(true);

        await k.fs.create(release, Buffer.from('go'));
        const ended = await k.waitFor(
          'the application to end',
          async () => {
            const r = await k.report(id);
            return ['FINISHED', 'FAILED', 'KILLED'].includes(r.state) ? r : undefined;
          },
          40_000,
        );
        expect(ended).toMatchObject({ state: 'FINISHED', finalStatus: 'SUCCEEDED' });
        expect(ended.diagnostics).toMatch(/main\(\) returned; its 3 job\(s\) ended/);

        // Each task ran once: job 1 was not run again, job 2's tasks were adopted, job 3 ran.
        expect(await marksByJob(k, marks)).toEqual({ job1: PARALLELISM, job2: PARALLELISM, job3: PARALLELISM });
        const results = JSON.parse(await readHdfsText(k, `${marks}/main-results.json`)) as { job: string; index: number }[][];
        expect(results).toEqual(['job1', 'job2', 'job3'].map((job) => Array.from({ length: PARALLELISM }, (_, index) => ({ job, index }))));
        // The allocation log: attempt 2 got its AM container and nothing else; no TaskExecutor container was asked for again.
        const after = allocations(k, id);
        expect(
          after
            .filter((a) => !a.isAm)
            .map((a) => a.containerId)
            .sort(),
        ).toEqual(taskExecutors);
        expect(after.filter((a) => a.attemptId.endsWith('_000002')).map((a) => a.isAm)).toEqual([true]);
        await k.waitFor('the staging dir to be gone', async () => !(await exists(k, staging)), 15_000);
      },
    );
  }, 90_000);
});
