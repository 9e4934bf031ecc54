// Application mode with real processes on the mini cluster: the word-count example's main() runs
// in the AM, its job on TaskExecutors the AM starts; the application ends with main().
import { afterEach, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startSessionKit, type SessionKit } from '../session-kit.js';
import { expectedCounts, hdfsUri, loomApplicationId, readHdfsText, stagingRootEntries, uploadInput, WORD_COUNT } from './word-count-kit.js';

let kit: SessionKit | undefined;
afterEach(async () => {
  await kit?.stop();
  kit = undefined;
});

describe('application mode (run-application -t yarn-application)', () => {
  it('a local bundle, attached: main() counts the words in the AM, the application ends FINISHED/SUCCEEDED, exit 0, staging dir gone', async () => {
    kit = await startSessionKit();
    const { input, output } = await uploadInput(kit, 'wc-app-local');
    const run = await kit.loom(['run-application', '-t', 'yarn-application', '--attached', '-p', '3', WORD_COUNT, input, output]);
    expect(run.code, run.stderr).toBe(0);
    const appId = loomApplicationId(run.stdout);
    expect(run.stdout).toContain(`application ${appId} ended FINISHED/SUCCEEDED`);
    expect(run.stderr).toMatch(
      new RegExp(`wrote \\d+ file\\(s\\) to HDFS: .*/\\.loom/${appId}/word-count-[0-9a-f]{12}\\.mjs \\(\\d+ bytes\\)`),
    );
    expect(JSON.parse(await readHdfsText(kit, `${output}/counts.json`))).toEqual(await expectedCounts());
    // -p 3 reached main()'s job through parallelism.default: one part per task.
    expect(
      (await kit.fs.listStatus(output))
        .map((s) => s.pathSuffix)
        .filter((n) => n.startsWith('part-'))
        .sort(),
    ).toEqual(['part-0.json', 'part-1.json', 'part-2.json']);
    const report = await kit.report(appId);
    expect(report).toMatchObject({ state: 'FINISHED', finalStatus: 'SUCCEEDED', applicationType: 'Loom' });
    expect(report.name).toBe('Loom application: word-count.mjs');
    expect(report.diagnostics).toMatch(/main\(\) returned; its 1 job\(s\) ended/);
    expect(await stagingRootEntries(kit)).toEqual(['runtime']);
  }, 60_000);

  it("attached: main()'s ctx.log and console lines reach the client, and what it returned is printed as loom run prints it", async () => {
    kit = await startSessionKit();
    const program = fileURLToPath(new URL('./programs/talking-program.mjs', import.meta.url));
    const run = await kit.loom(['run-application', '-t', 'yarn-application', '--attached', program]);
    expect(run.code, run.stderr).toBe(0);
    const appId = loomApplicationId(run.stdout);
    // ctx.log and console.error on stderr, console.log and the value on stdout, in main()'s order.
    const stderrLines = run.stderr.split('\n').filter((l) => l.startsWith('talking: '));
    expect(stderrLines).toEqual([
      'talking: starting',
      'talking: console.error after the job, results 0,1',
      'talking: last line before returning',
    ]);
    expect(run.stdout).toContain('talking: console.log before the job\n');
    const value = `${JSON.stringify({ squares: [0, 1], note: 'from main()' }, null, 2)}\n`;
    expect(run.stdout).toContain(value);
    // The value comes before the application's end line.
    expect(run.stdout.indexOf(value)).toBeLessThan(run.stdout.indexOf(`application ${appId} ended FINISHED/SUCCEEDED`));
  }, 60_000);

  it('a bundle on HDFS, detached: nothing of it is uploaded, the command exits at once, the application ends SUCCEEDED by itself', async () => {
    kit = await startSessionKit();
    const { input, output } = await uploadInput(kit, 'wc-app-hdfs');
    const bundlePath = `/user/${kit.user}/bundles/word-count.mjs`;
    await kit.fs.mkdirs(`/user/${kit.user}/bundles`);
    await kit.fs.create(bundlePath, await readFile(WORD_COUNT));
    const run = await kit.loom(['run-application', '-t', 'yarn-application', hdfsUri(kit, bundlePath), input, output]);
    expect(run.code, run.stderr).toBe(0);
    const appId = loomApplicationId(run.stdout);
    expect(run.stdout).toMatch(/Dashboard: http:\/\/\S+/);
    expect(run.stdout).not.toContain('ended');
    const ended = await kit.waitFor(
      'the application to end',
      async () => {
        const r = await kit!.report(appId);
        return ['FINISHED', 'FAILED', 'KILLED'].includes(r.state) ? r : undefined;
      },
      45_000,
    );
    expect(ended).toMatchObject({ state: 'FINISHED', finalStatus: 'SUCCEEDED' });
    expect(JSON.parse(await readHdfsText(kit, `${output}/counts.json`))).toEqual(await expectedCounts());
    // The client wrote the configuration and the secret, and no copy of the bundle.
    const written = /this submission wrote \d+ file\(s\) to HDFS: (.*)/
      .exec(run.stderr)![1]
      .split(', ')
      .map((f) => f.replace(/^.*\//, ''));
    expect(written.map((f) => f.replace(/ \(\d+ bytes\)$/, '')).filter((f) => !f.startsWith('loom-runtime-'))).toEqual([
      'loom-conf.yaml',
      'loom-secret',
    ]);
    expect((await kit.fs.listStatus(`/user/${kit.user}/bundles`)).map((s) => s.pathSuffix)).toEqual(['word-count.mjs']);
    await kit.waitFor('the staging dir to be gone', async () => JSON.stringify(await stagingRootEntries(kit!)) === '["runtime"]', 10_000);
  }, 60_000);
});
