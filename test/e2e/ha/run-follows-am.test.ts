// An attached `loom run` follows its job to a new AM attempt (mini cluster, real processes): a
// program's main() runs in the client with its jobs on a session; while job 2's tasks wait for a
// release file, the AM is SIGKILLed. The client finds attempt 2 through YARN's report, says so in
// one line, follows job 2 there (taken over, not run again), submits job 3 to attempt 2, and exits
// 0 with every job's results.
import { afterEach, describe, expect, it } from 'vitest';
import { startSessionKit, type SessionKit } from '../session-kit.js';
import { readHdfsText } from '../modes/word-count-kit.js';
import { attemptServing, marksByJob, restOf, THREE_JOBS, withSession } from './ha-kit.js';

let kit: SessionKit | undefined;
afterEach(async () => {
  await kit?.stop();
  kit = undefined;
});

describe('loom run across an AM restart', () => {
  it('follows its job to attempt 2 and exits 0 with the results', async () => {
    kit = await startSessionKit({ loomConf: { 'loom.taskexecutor.idle-timeout': '10min', 'loom.taskexecutor.am-timeout': '30s' } });
    const k = kit;
    const marks = `/user/${k.user}/run-follows/marks`;
    const release = `/user/${k.user}/run-follows/release`;
    await withSession(k, async ({ id, report: first, secret }) => {
      const run = k.spawnLoom(['run', THREE_JOBS, marks, release, '2']);
      try {
        await k.waitFor('job 2 on both slots', async () => (await marksByJob(k, marks)).job2 === 2, 30_000);
        const job2 = /submitted job ([0-9a-f]{32}) \(job 2\)/.exec(run.stderr())?.[1];
        expect(job2, run.stderr()).toBeDefined();
        // Killed once attempt 1 knows both tasks run (a task still deploying at the kill may run again).
        await k.waitFor(
          'job 2 running on attempt 1',
          async () => (await restOf(first, secret).getJob(job2!)).tasks.every((t) => t.state === 'RUNNING'),
          10_000,
        );

        await k.cluster.faults.failAmAttempt(id);
        const second = await attemptServing(k, id, 2);
        expect(`${second.host}:${second.rpcPort}`).not.toBe(`${first.host}:${first.rpcPort}`);
        const moved = `the ApplicationMaster moved to ${second.host}:${second.rpcPort} (attempt 2); following job ${job2} there`;
        await k.waitFor('the move line', () => run.stderr().includes(moved), 20_000);
        expect(run.child.exitCode).toBeNull();

        // Released once attempt 2 has the TaskExecutor back with job 2's tasks: a task that ends while
        // no AM listens is run again (the takeover's business, not the client's).
        await k.waitFor(
          'job 2 running on attempt 2',
          async () => (await restOf(second, secret).getJob(job2!)).tasks.every((t) => t.state === 'RUNNING' && t.taskExecutorId),
          20_000,
        );
        await k.fs.create(release, Buffer.from('go'));
        const done = await run.exited;
        expect(done.code, done.stderr).toBe(0);
        expect(done.stderr.split('\n').filter((l) => l.includes('the ApplicationMaster moved'))).toEqual([moved]);
        const expected = ['job1', 'job2', 'job3'].map((job) => [0, 1].map((index) => ({ job, index })));
        expect(JSON.parse(done.stdout)).toEqual(expected);
        expect(JSON.parse(await readHdfsText(k, `${marks}/main-results.json`))).toEqual(expected);
        // Job 2 finished where it ran (taken over by attempt 2), not again.
        expect(await marksByJob(k, marks)).toEqual({ job1: 2, job2: 2, job3: 2 });
        expect((await k.report(id)).currentAttemptId).toMatch(/_000002$/);
      } finally {
        if (run.child.exitCode === null) run.child.kill('SIGKILL');
      }
    });
  }, 60_000);

  it('loom run -c <export> (one job, no program) also follows its job to attempt 2', async () => {
    kit = await startSessionKit({ loomConf: { 'loom.taskexecutor.idle-timeout': '10min', 'loom.taskexecutor.am-timeout': '30s' } });
    const k = kit;
    const marks = `/user/${k.user}/run-c-follows/marks`;
    const release = `/user/${k.user}/run-c-follows/release`;
    await withSession(k, async ({ id, report: first, secret }) => {
      const run = k.spawnLoom(['run', '-c', 'markAndWait', '-p', '2', THREE_JOBS, marks, 'job7', release]);
      try {
        await k.waitFor('both tasks marked', async () => (await marksByJob(k, marks)).job7 === 2, 30_000);
        const jobId = /submitted job ([0-9a-f]{32})/.exec(run.stderr())?.[1];
        expect(jobId, run.stderr()).toBeDefined();
        await k.waitFor(
          'running on attempt 1',
          async () => (await restOf(first, secret).getJob(jobId!)).tasks.every((t) => t.state === 'RUNNING'),
          10_000,
        );
        await k.cluster.faults.failAmAttempt(id);
        const second = await attemptServing(k, id, 2);
        await k.waitFor('the move line', () => run.stderr().includes(`(attempt 2); following job ${jobId} there`), 20_000);
        await k.waitFor(
          'running on attempt 2',
          async () => (await restOf(second, secret).getJob(jobId!)).tasks.every((t) => t.state === 'RUNNING' && t.taskExecutorId),
          20_000,
        );
        await k.fs.create(release, Buffer.from('go'));
        const done = await run.exited;
        expect(done.code, done.stderr).toBe(0);
        expect(await marksByJob(k, marks)).toEqual({ job7: 2 });
      } finally {
        if (run.child.exitCode === null) run.child.kill('SIGKILL');
      }
    });
  }, 60_000);
});
