// Job control on any mode's cluster, and programs on a session, with real processes on the mini
// cluster: list, info and cancel find a cluster by -t and its application id (its secret from the
// owner-only file in its staging dir); loom run without -t runs main() here with jobs on the session.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { applicationIdIn, startSessionKit, type SessionKit } from '../session-kit.js';
import { expectedCounts, loomApplicationId, readHdfsText, stagingRootEntries, uploadInput, WORD_COUNT } from './word-count-kit.js';

const SLEEPY = join(import.meta.dirname, 'programs', 'sleepy-program.mjs');

let kit: SessionKit | undefined;
afterEach(async () => {
  await kit?.stop();
  kit = undefined;
});

describe('job control and session programs', () => {
  it('an application-mode cluster: list and info by -t and application id, cancel its job, and main() fails with the cancellation', async () => {
    kit = await startSessionKit();
    const started = await kit.loom(['run-application', '-t', 'yarn-application', SLEEPY, '60000']);
    expect(started.code, started.stderr).toBe(0);
    const appId = loomApplicationId(started.stdout);
    const target = ['-t', 'yarn-application', `-Dyarn.application.id=${appId}`];
    const jobId = await kit.waitFor('the sleeping job to run', async () => {
      const listed = await kit!.loom(['list', ...target]);
      expect(listed.stdout).toMatch(new RegExp(`^application ${appId}: 1 job\n`));
      return /^([0-9a-f]{32})\tRUNNING\t/m.exec(listed.stdout)?.[1];
    });
    const info = await kit.loom(['info', '-t', 'yarn-application', '-yid', appId]);
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout).toMatch(new RegExp(`^Loom cluster ${appId} \\(application mode`));
    expect(info.stdout).toMatch(/TaskExecutors: 1 \(2 slots, 1 free\)/);
    expect(info.stdout).toMatch(new RegExp(`${jobId}\\tRUNNING\\t0/1 tasks finished\\tsleep \\(sleepy-program\\.mjs\\)`));

    const cancelled = await kit.loom(['cancel', ...target, jobId]);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toBe(`job ${jobId} is CANCELED\n`);
    const ended = await kit.waitFor('the application to end', async () => {
      const r = await kit!.report(appId);
      return ['FINISHED', 'FAILED', 'KILLED'].includes(r.state) ? r : undefined;
    });
    expect(ended).toMatchObject({ state: 'FINISHED', finalStatus: 'FAILED' });
    expect(ended.diagnostics).toMatch(new RegExp(`^main\\(\\) failed: JobFailedError: job ${jobId} CANCELED`));
    await kit.waitFor('the staging dir to be gone', async () => JSON.stringify(await stagingRootEntries(kit!)) === '["runtime"]', 10_000);
  }, 60_000);

  it('loom run without -t runs main() in the client with its jobs on the running session; info shows the session', async () => {
    kit = await startSessionKit();
    const session = await kit.loom(['yarn-session', '-d']);
    expect(session.code, session.stderr).toBe(0);
    const appId = applicationIdIn(session.stdout);
    const { input, output } = await uploadInput(kit, 'wc-session');
    const run = await kit.loom(['run', '-p', '2', WORD_COUNT, input, output]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(new RegExp(`submitted job [0-9a-f]{32} \\(word count of ${input}\\) to ${appId}`));
    expect(JSON.parse(await readHdfsText(kit, `${output}/counts.json`))).toEqual(await expectedCounts());
    expect(await kit.yarn.getApplications()).toHaveLength(1); // no cluster of its own

    const info = await kit.loom(['info']);
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout).toMatch(new RegExp(`^Loom cluster ${appId} \\(session mode`));
    expect(info.stdout).toMatch(/Jobs: +0 running, 1 finished, 0 failed, 0 cancelled/);
    const stopped = await kit.loom(['yarn-session', '-id', appId], { stdin: 'stop\n' });
    expect(stopped.code, stopped.stderr).toBe(0);
  }, 60_000);
});
