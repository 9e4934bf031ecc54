// Application mode on a real YARN: main() in the AM, detached and --attached, with Loom's runtime
// uploaded by the submission and with it provided on HDFS (loom upload-runtime +
// yarn.provided.lib.dirs). Each REPEAT times; each ends FINISHED/SUCCEEDED with main()'s
// counts.json right and nothing left behind.
import { describe, expect, it } from 'vitest';
import { countsJson, freshOutput, runLine, useJourneys } from './journey-kit.js';
import { applicationIdIn, realClusterMissing, REPEAT, WORD_COUNT } from './real-yarn-kit.js';

const missing = await realClusterMissing();
const runs = Array.from({ length: REPEAT }, (_, i) => i + 1);

describe.skipIf(missing !== undefined)('application mode on real YARN', () => {
  let providedLibDirs = '';
  const shared = useJourneys(async ({ kit }) => {
    const upload = await kit.loom([
      'upload-runtime',
      `hdfs://${kit.conf.getTrimmed('fs.defaultFS')!.replace(/^\w+:\/\//, '')}${kit.home}/runtimes`,
    ]);
    expect(upload.code, upload.stderr).toBe(0);
    providedLibDirs = /-D\s*(yarn\.provided\.lib\.dirs=\S+)/.exec(upload.stdout)?.[1] ?? '';
    expect(providedLibDirs, upload.stdout).not.toBe('');
  });

  const variants: { name: string; provided: boolean; attached: boolean }[] = [
    { name: 'detached', provided: false, attached: false },
    { name: '--attached', provided: false, attached: true },
    { name: 'detached, provided lib dirs', provided: true, attached: false },
    { name: '--attached, provided lib dirs', provided: true, attached: true },
  ];
  for (const v of variants) {
    it.each(runs)(`run-application -t yarn-application, ${v.name} (run %i)`, async (run) => {
      const { kit, wc, summary } = shared;
      const started = Date.now();
      const output = await freshOutput(kit, `application-${v.provided ? 'provided-' : ''}${v.attached ? 'attached-' : ''}${run}`);
      const args = [
        'run-application',
        '-t',
        'yarn-application',
        ...(v.provided ? ['-D', providedLibDirs] : []),
        ...(v.attached ? ['--attached'] : []),
        WORD_COUNT,
        wc.input,
        output,
      ];
      const result = await kit.loom(args);
      expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
      const appId = applicationIdIn(result.stdout);
      if (v.attached) expect(result.stdout).toContain(`application ${appId} ended FINISHED/SUCCEEDED`);
      // With the runtime on HDFS the submission writes only its own small files.
      if (v.provided) expect(/this submission wrote .*/.exec(result.stderr + result.stdout)?.[0]).not.toMatch(/loom-runtime|loom-node/);
      const report = await kit.waitForEnd(appId);
      expect([report.state, report.finalStatus], report.diagnostics).toEqual(['FINISHED', 'SUCCEEDED']);
      expect(await countsJson(kit, output)).toEqual(wc.expected);
      await kit.expectClean();
      summary.push(runLine(`application ${v.name}`, run, started, appId, `${report.state}/${report.finalStatus}`));
    });
  }
});
