// Per-job mode on a real YARN: the mode whose start-up race the mini cluster hid (the client's
// first GET came before the AM had recorded its job on HDFS). Attached runs PER_JOB_RUNS times in
// a row, detached runs REPEAT times; each ends FINISHED/SUCCEEDED with the right counts and
// leaves nothing behind.
import { describe, expect, it } from 'vitest';
import { countsFromParts, countsJson, freshOutput, runLine, useJourneys } from './journey-kit.js';
import { applicationIdIn, PER_JOB_RUNS, realClusterMissing, REPEAT, WORD_COUNT } from './real-yarn-kit.js';

const missing = await realClusterMissing();

describe.skipIf(missing !== undefined)('per-job mode on real YARN', () => {
  const shared = useJourneys();

  it.each(Array.from({ length: PER_JOB_RUNS }, (_, i) => i + 1))(
    'loom run -t yarn-per-job (attached) succeeds and stops its cluster (run %i)',
    async (run) => {
      const { kit, wc, summary } = shared;
      const started = Date.now();
      const output = await freshOutput(kit, `per-job-${run}`);
      const result = await kit.loom(['run', '-t', 'yarn-per-job', '-p', '2', WORD_COUNT, wc.input, output]);
      expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
      const appId = applicationIdIn(/runs in its own cluster (application_\d+_\d+)/.exec(result.stderr + result.stdout)?.[0] ?? '');
      expect(await countsJson(kit, output)).toEqual(wc.expected);
      const report = await kit.waitForEnd(appId);
      expect([report.state, report.finalStatus]).toEqual(['FINISHED', 'SUCCEEDED']);
      await kit.expectClean();
      summary.push(runLine('per-job attached', run, started, appId, `${report.state}/${report.finalStatus}`));
    },
  );

  it.each(Array.from({ length: REPEAT }, (_, i) => i + 1))(
    'loom run -t yarn-per-job -d returns at once; the cluster ends with its job (run %i)',
    async (run) => {
      const { kit, wc, summary } = shared;
      const started = Date.now();
      const output = await freshOutput(kit, `per-job-d-${run}`);
      const result = await kit.loom(['run', '-t', 'yarn-per-job', '-d', '-p', '2', WORD_COUNT, wc.input, output]);
      expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
      const appId = applicationIdIn(result.stdout + result.stderr);
      const report = await kit.waitForEnd(appId);
      expect([report.state, report.finalStatus], report.diagnostics).toEqual(['FINISHED', 'SUCCEEDED']);
      expect(await countsFromParts(kit, output)).toEqual(wc.expected);
      await kit.expectClean();
      summary.push(runLine('per-job detached', run, started, appId, `${report.state}/${report.finalStatus}`));
    },
  );
});
