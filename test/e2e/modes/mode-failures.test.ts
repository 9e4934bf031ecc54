// Programs that fail and input that cannot work, with real processes on the mini cluster: main()'s
// error ends the application FAILED with the error as diagnostics; bad input fails before
// anything is submitted or written to HDFS.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startSessionKit, type SessionKit } from '../session-kit.js';
import { hdfsUri, loomApplicationId, stagingRootEntries, uploadInput, WORD_COUNT } from './word-count-kit.js';

let kit: SessionKit | undefined;
afterEach(async () => {
  await kit?.stop();
  kit = undefined;
});

describe('failing programs and bad input', () => {
  it("main() that throws: the application ends FAILED with main()'s error and stack head as diagnostics, run-application --attached exits 1", async () => {
    kit = await startSessionKit();
    // Without arguments, the example's main() throws before it submits anything.
    const run = await kit.loom(['run-application', '-t', 'yarn-application', '--attached', WORD_COUNT]);
    expect(run.code, run.stderr).toBe(1);
    const appId = loomApplicationId(run.stdout);
    expect(run.stdout).toContain(`application ${appId} ended FINISHED/FAILED`);
    expect(run.stdout).toContain('main() failed: word-count needs the HDFS path of a text file');
    const report = await kit.report(appId);
    expect(report).toMatchObject({ state: 'FINISHED', finalStatus: 'FAILED' });
    expect(report.diagnostics).toMatch(
      /^main\(\) failed: word-count needs the HDFS path of a text file: word-count\.mjs <input> \[<output dir>\]\n\s+at main \(file:\/\/\S+\/word-count-[0-9a-f]{12}\.mjs:\d+:\d+\)/,
    );
    // The AM deletes its staging dir once it has unregistered (as MRAppMaster does), so the client
    // can see the application end a moment before the dir is gone.
    const k = kit;
    await k.waitFor('the staging dir removed by the AM', async () => JSON.stringify(await stagingRootEntries(k)) === '["runtime"]', 10_000);
  }, 60_000);

  it('a job that fails fails main() where it awaits the result: per-job attached exits 1 with the task error, its cluster ends FAILED', async () => {
    kit = await startSessionKit();
    const run = await kit.loom(['run', '-t', 'yarn-per-job', WORD_COUNT, `/user/${kit.user}/no-such-input.txt`]);
    expect(run.code).toBe(1);
    // One line in the user's terms: the job, the task and its error; no stack without --verbose.
    expect(run.stderr).toMatch(/^loom run: job [0-9a-f]{32} FAILED: task 0 \(attempt 1\) failed: .*no-such-input\.txt.*$/m);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    const [app] = await kit.yarn.getApplications();
    expect(app).toMatchObject({ state: 'FINISHED', finalStatus: 'FAILED' });
    expect(app.diagnostics).toMatch(/no-such-input\.txt/);
    expect(await stagingRootEntries(kit)).toEqual(['runtime']);
  }, 60_000);

  it('a missing bundle, an hdfs:// bundle that does not exist, an unknown -t, an unknown -y flag: each fails before submission with a clear message and writes nothing to HDFS', async () => {
    kit = await startSessionKit();
    const { input } = await uploadInput(kit, 'wc-bad');
    const missing = join(kit.dir, 'no-such-bundle.mjs');
    const cases: { args: string[]; code: number; message: RegExp }[] = [
      {
        args: ['run-application', '-t', 'yarn-application', missing, input],
        code: 1,
        message: /bundle .*no-such-bundle\.mjs does not exist: give an \.mjs\/\.js file or a directory holding one/,
      },
      { args: ['run', '-t', 'yarn-per-job', missing, input], code: 1, message: /bundle .*no-such-bundle\.mjs does not exist/ },
      {
        args: ['run-application', '-t', 'yarn-application', hdfsUri(kit, `/user/${kit.user}/bundles/nope.mjs`), input],
        code: 1,
        message:
          /bundle hdfs:\/\/\S+\/user\/\S+\/bundles\/nope\.mjs does not exist on HDFS: upload it first \(loom fs -put <file> \/user\/\S+\/bundles\/nope\.mjs\), or give the local file/,
      },
      {
        args: ['run', '-t', 'yarn-perjob', WORD_COUNT, input],
        code: 2,
        message: /unknown target -t yarn-perjob: use one of remote, yarn-session, yarn-per-job/,
      },
      {
        args: ['run-application', '-t', 'yarn-per-job', WORD_COUNT, input],
        code: 2,
        message: /unknown target -t yarn-per-job: use one of yarn-application/,
      },
      {
        args: ['run', '-m', 'localhost:8081', WORD_COUNT, input],
        code: 2,
        message: /-m localhost:8081 is not supported: the only -m Loom knows is yarn-cluster/,
      },
      {
        args: ['run', '-m', 'yarn-cluster', '-yjq', '1', WORD_COUNT, input],
        code: 2,
        message: /unknown flag -yjq: the -y flags Loom knows are -yjm, -ytm, -ys, -ynm, -yqu, -yid, -yt, -yD/,
      },
      { args: ['run-application', '-ytm', '2x', WORD_COUNT, input], code: 2, message: /-ytm="2x" has an unknown unit "x"/ },
    ];
    for (const c of cases) {
      const r = await kit.loom(c.args);
      expect({ args: c.args, code: r.code }).toEqual({ args: c.args, code: c.code });
      expect(r.stderr).toMatch(c.message);
    }
    expect(await kit.yarn.getApplications()).toEqual([]);
    expect(await stagingRootEntries(kit)).toBeUndefined();
  }, 60_000);
});
