// Session mode on a real YARN, as the README shows it: yarn-session -d, jobs in both forms, the
// commands that look at and control a session, and stopping it; then an attached yarn-session
// stopped by typing "stop". Each journey REPEAT times in a row; after each, nothing is left.
import { describe, expect, it } from 'vitest';
import { countsJson, freshOutput, runLine, useJourneys } from './journey-kit.js';
import { applicationIdIn, realClusterMissing, REPEAT, SLEEPY, WORD_COUNT } from './real-yarn-kit.js';

const missing = await realClusterMissing();
const runs = Array.from({ length: REPEAT }, (_, i) => i + 1);

describe.skipIf(missing !== undefined)('session mode on real YARN', () => {
  const shared = useJourneys();

  it.each(runs)('yarn-session -d; loom run -c and a program; list, info, list-clusters, cancel; stop (run %i)', async (run) => {
    const { kit, wc, summary } = shared;
    const started = Date.now();
    const session = await kit.yarnSession(['-d', '-s', '2']);
    expect(session.code, session.stderr).toBe(0);
    const appId = applicationIdIn(/Loom session (application_\d+_\d+) is running/.exec(session.stdout)?.[0] ?? '');

    const oneJob = await kit.loom(['run', '-c', 'countWords', '-p', '4', WORD_COUNT, wc.input]);
    expect(oneJob.code, oneJob.stderr).toBe(0);
    expect(oneJob.stderr).toMatch(/FINISHED: 4 finished/);
    const perTask = JSON.parse(oneJob.stdout) as { counts: Record<string, number> }[];
    const summed: Record<string, number> = {};
    for (const t of perTask) for (const [w, n] of Object.entries(t.counts)) summed[w] = (summed[w] ?? 0) + n;
    expect(summed).toEqual(wc.expected);

    const output = await freshOutput(kit, `session-${run}`);
    const program = await kit.loom(['run', '-p', '3', WORD_COUNT, wc.input, output]);
    expect(program.code, program.stderr).toBe(0);
    expect(await countsJson(kit, output)).toEqual(wc.expected);

    const list = await kit.loom(['list']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain(`session ${appId}: 2 jobs`);
    expect(list.stdout.match(/\tFINISHED\t/g)).toHaveLength(2);

    const info = await kit.loom(['info']);
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout).toContain(`Loom cluster ${appId} (session mode`);

    const clusters = await kit.loom(['list-clusters']);
    expect(clusters.code, clusters.stderr).toBe(0);
    expect(clusters.stdout).toMatch(new RegExp(`${appId}\\s+\\S.*session\\s+RUNNING`));

    const sleeping = await kit.loom(['run', '-d', '-c', 'sleep', SLEEPY, '600000']);
    expect(sleeping.code, sleeping.stderr).toBe(0);
    const jobId = sleeping.stdout.trim();
    await kit.waitFor(`job ${jobId} to run`, async () =>
      (await kit.loom(['list'])).stdout.includes(`${jobId}\tRUNNING`) ? true : undefined,
    );
    const cancel = await kit.loom(['cancel', jobId]);
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.stdout).toBe(`job ${jobId} is CANCELED\n`);

    const stop = await kit.yarnSession(['-id', appId], 'stop\n');
    expect(stop.code, stop.stderr).toBe(0);
    expect(stop.stdout + stop.stderr).toContain(`session ${appId} ended FINISHED/SUCCEEDED`);
    const report = await kit.waitForEnd(appId);
    expect([report.state, report.finalStatus]).toEqual(['FINISHED', 'SUCCEEDED']);
    await kit.expectClean();
    summary.push(runLine('session -d', run, started, appId, `${report.state}/${report.finalStatus}`));
  });

  it.each(runs)('an attached yarn-session runs a program and ends when "stop" is typed (run %i)', async (run) => {
    const { kit, wc, summary } = shared;
    const started = Date.now();
    const attached = kit.spawnYarnSession([]);
    const line = await kit.waitFor(
      'the session to run',
      () => /Loom session (application_\d+_\d+) is running/.exec(attached.stdout())?.[1],
      180_000,
    );
    const output = await freshOutput(kit, `attached-session-${run}`);
    const program = await kit.loom(['run', WORD_COUNT, wc.input, output]);
    expect(program.code, program.stderr).toBe(0);
    expect(await countsJson(kit, output)).toEqual(wc.expected);
    attached.child.stdin!.end('stop\n');
    const ended = await attached.exited;
    expect(ended.code, ended.stderr).toBe(0);
    const report = await kit.waitForEnd(line);
    expect([report.state, report.finalStatus]).toEqual(['FINISHED', 'SUCCEEDED']);
    await kit.expectClean();
    summary.push(runLine('session attached', run, started, line, `${report.state}/${report.finalStatus}`));
  });
});
