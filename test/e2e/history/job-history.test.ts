// The job archive on the mini cluster: a detached job's results, and a failed job's error, read
// back with `loom history` and `loom list` after the application (a session) ended and its AM
// and staging dir are gone.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { applicationIdIn, startSessionKit, type SessionKit } from '../session-kit.js';

const JOBS = join(import.meta.dirname, '..', 'jobs', 'test-jobs.mjs');

let kit: SessionKit | undefined;
afterEach(async () => {
  await kit?.stop();
  kit = undefined;
});

describe('job history after the application ended', () => {
  it('loom history lists and shows the archived jobs with results and errors; loom list reads the archive', async () => {
    kit = await startSessionKit();
    const started = await kit.loom(['yarn-session', '-d']);
    expect(started.code, started.stderr).toBe(0);
    const appId = applicationIdIn(started.stdout);

    const detached = await kit.loom(['run', '-d', '-c', 'square', '-p', '2', JOBS, '3']);
    expect(detached.code, detached.stderr).toBe(0);
    const jobId = /job ([0-9a-f]{32})/.exec(detached.stdout + detached.stderr)?.[1];
    expect(jobId, detached.stdout + detached.stderr).toBeDefined();
    const broken = await kit.loom(['run', '-c', 'broken', '-p', '1', JOBS]);
    expect(broken.code).not.toBe(0);
    await kit.waitFor('the detached job to end', async () => {
      const listed = await kit!.loom(['list']);
      return listed.stdout.includes(`${jobId}\tFINISHED`) && listed.stdout.includes('\tFAILED\t');
    });

    const stopped = await kit.loom(['yarn-session', '-id', appId], { stdin: 'stop\n' });
    expect(stopped.code, stopped.stderr).toBe(0);
    await kit.waitFor('the application to end', async () => ['FINISHED', 'KILLED', 'FAILED'].includes((await kit!.report(appId)).state));

    const history = await kit.loom(['history', appId]);
    expect(history.code, history.stderr).toBe(0);
    expect(history.stdout).toMatch(new RegExp(`^application ${appId} \\(archived\\): 2 jobs\n`));
    expect(history.stdout).toMatch(new RegExp(`^${jobId}\tFINISHED\t2/2 tasks finished\t`, 'm'));
    expect(history.stdout).toMatch(/^[0-9a-f]{32}\tFAILED\t0\/1 tasks finished\t/m);

    const one = await kit.loom(['history', appId, jobId!]);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toContain(`job ${jobId} (`);
    expect(one.stdout).toMatch(/task 0\tFINISHED\tattempt 1\tcontainer_/);
    const results = JSON.parse(/results: (.*)$/m.exec(one.stdout)![1]) as { index: number; square: number }[];
    expect(results.map((r) => [r.index, r.square])).toEqual([
      [0, 9],
      [1, 16],
    ]);
    const failedId = /^([0-9a-f]{32})\tFAILED/m.exec(history.stdout)![1];
    const failed = await kit.loom(['history', appId, failedId]);
    expect(failed.stdout).toMatch(/task 0\tFAILED\tattempt 1\tcontainer_\S+\t(Error: )?task 0 is broken on purpose/);

    const listed = await kit.loom(['list', '--applicationId', appId]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^application ${appId} \\(ended; from the job archive\\): 2 jobs\n`));
    expect(listed.stdout).toContain(`${jobId}\tFINISHED\t2/2 tasks finished`);

    const unknown = await kit.loom(['history', appId, 'f'.repeat(32)]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/is not in the archive of .*loom history application_/);
  }, 180_000);
});
