// Per-job mode with real processes on the mini cluster: main() of the word-count example runs in
// the client, its job gets a cluster of its own that ends with it.
import { afterEach, describe, expect, it } from 'vitest';
import { startSessionKit, type SessionKit } from '../session-kit.js';
import { countsFromParts, expectedCounts, readHdfsText, stagingRootEntries, uploadInput, WORD_COUNT } from './word-count-kit.js';

let kit: SessionKit | undefined;
afterEach(async () => {
  await kit?.stop();
  kit = undefined;
});

describe('per-job mode (run -t yarn-per-job)', () => {
  it("attached: main() gets the results back, the job's cluster ends FINISHED/SUCCEEDED and leaves no staging dir", async () => {
    kit = await startSessionKit();
    const { input, output } = await uploadInput(kit, 'wc-per-job');
    const run = await kit.loom(['run', '-t', 'yarn-per-job', '-p', '2', WORD_COUNT, input, output]);
    expect(run.code, run.stderr).toBe(0);
    const expected = await expectedCounts();
    // What main() returned, printed by the client: the totals it computed from the job's results.
    const returned = JSON.parse(run.stdout) as { words: number; distinct: number; top: [string, number][] };
    expect(returned.words).toBe(Object.values(expected).reduce((a, b) => a + b, 0));
    expect(returned.distinct).toBe(Object.keys(expected).length);
    for (const [word, n] of returned.top) expect(expected[word]).toBe(n);
    expect(JSON.parse(await readHdfsText(kit, `${output}/counts.json`))).toEqual(expected);

    const apps = await kit.yarn.getApplications();
    expect(apps).toHaveLength(1);
    const appId = apps[0].applicationId;
    expect(run.stderr).toMatch(new RegExp(`job [0-9a-f]{32} runs in its own cluster ${appId}`));
    expect(await kit.report(appId)).toMatchObject({
      state: 'FINISHED',
      finalStatus: 'SUCCEEDED',
      name: 'Loom per-job: word count of ' + input,
    });
    expect(await stagingRootEntries(kit)).toEqual(['runtime']);
  }, 60_000);

  it('detached (-d): the command prints the job and application ids and exits; the cluster runs the job and ends SUCCEEDED by itself', async () => {
    kit = await startSessionKit();
    const { input, output } = await uploadInput(kit, 'wc-per-job-d');
    const run = await kit.loom([
      'run',
      '-m',
      'yarn-cluster',
      '-d',
      '-ys',
      '1',
      '-ynm',
      'wc detached',
      '-yD',
      'yarn.application-attempts=1',
      WORD_COUNT,
      input,
      output,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const [jobId, appId] = run.stdout.split('\n')[0].split('\t');
    expect(jobId).toMatch(/^[0-9a-f]{32}$/);
    expect(appId).toMatch(/^application_\d+_\d+$/);
    // main() returned the ids without waiting for the job.
    expect(JSON.parse(run.stdout.slice(run.stdout.indexOf('{')))).toEqual({ job: jobId, applicationId: appId });
    const ended = await kit.waitFor(
      'the per-job cluster to end',
      async () => {
        const r = await kit!.report(appId);
        return ['FINISHED', 'FAILED', 'KILLED'].includes(r.state) ? r : undefined;
      },
      45_000,
    );
    expect(ended).toMatchObject({ state: 'FINISHED', finalStatus: 'SUCCEEDED', name: 'wc detached' });
    expect(ended.diagnostics).toContain(`job ${jobId} FINISHED`);
    expect(await countsFromParts(kit, output)).toEqual(await expectedCounts());
    await kit.waitFor('the staging dir to be gone', async () => JSON.stringify(await stagingRootEntries(kit!)) === '["runtime"]', 10_000);
  }, 60_000);
});
