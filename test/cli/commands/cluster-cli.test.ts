import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { normalizeFlags } from '../../../cli/commands/cluster-options.js';
import { runYarnSession } from '../../../cli/commands/yarn-session.js';
import { cancelJob, listJobs, progressLine, runJob } from '../../../cli/commands/run.js';

/** Runs a command in-process with no Hadoop configuration and no session: only argument handling is reached. */
async function run(fn: typeof runJob, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await fn(argv, { stdout, stderr, env: { LOOM_CACHE_DIR: '/nonexistent' }, cwd: '/nonexistent' });
  return { code, out, err };
}

describe('cluster command arguments', () => {
  it("rewrites Flink's multi-letter short flags and glued -D, and leaves what follows -- alone", () => {
    const aliases = { '-jm': '--jobManagerMemory', '-id': '--applicationId' };
    expect(normalizeFlags(['-jm', '1g', '-Dkey=a=b', '-D', 'x=y', '-id', 'application_1_0001', '--', '-jm'], aliases)).toEqual([
      '--jobManagerMemory',
      '1g',
      '-D',
      'key=a=b',
      '-D',
      'x=y',
      '--applicationId',
      'application_1_0001',
      '--',
      '-jm',
    ]);
  });

  it('yarn-session: help is exit 0, bad flags and values are exit 2 with the flag named', async () => {
    const help = await run(runYarnSession, ['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/-jm: ApplicationMaster container memory/);
    expect((await run(runYarnSession, ['--nonsense'])).code).toBe(2);
    const slots = await run(runYarnSession, ['-s', 'two']);
    expect(slots.code).toBe(2);
    expect(slots.err).toMatch(/-s "two" is not a number of slots/);
    const tm = await run(runYarnSession, ['-tm', '1x']);
    expect(tm.code).toBe(2);
    expect(tm.err).toMatch(/-tm="1x" has an unknown unit "x"/);
  });

  it('run/list/cancel: usage errors are exit 2; the job arguments after the bundle are passed through', async () => {
    // Without -c a bundle is a program (main(ctx)); without a bundle there is nothing to run.
    const noBundle = await run(runJob, []);
    expect(noBundle.code).toBe(2);
    expect(noBundle.err).toMatch(/missing required argument 'bundle'/);
    const badP = await run(runJob, ['-c', 'f', '-p', '0', 'job.mjs']);
    expect(badP.code).toBe(2);
    expect(badP.err).toMatch(/-p "0" is not a parallelism/);
    expect((await run(cancelJob, [])).code).toBe(2);
    // Past argument parsing, a missing Hadoop configuration is the first problem: one line names
    // the default that cannot work and HADOOP_CONF_DIR, exit 1.
    const noConf = await run(listJobs, []);
    expect(noConf.code).toBe(1);
    const [problem, end] = noConf.err.split('\n');
    expect(problem).toMatch(/^loom list: .*fs\.defaultFS.*HADOOP_CONF_DIR/);
    expect(end).toBe('');
  });

  it('progress lines count tasks per state and retried ones', () => {
    const line = progressLine({
      id: 'j1',
      name: 'x',
      state: 'RUNNING',
      parallelism: 3,
      exportName: 'f',
      submittedAt: 0,
      tasks: [
        { index: 0, state: 'FINISHED', attempt: 1 },
        { index: 1, state: 'RUNNING', attempt: 2 },
        { index: 2, state: 'RUNNING', attempt: 1 },
      ],
    });
    expect(line).toBe('job j1 RUNNING: 1 finished, 2 running (1 retried)');
  });
});
