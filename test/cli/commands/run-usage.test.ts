// Usage errors of run / run-application, in-process: each is exit 2 with the fix in the message,
// reached before any configuration or cluster is looked at.
import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { runJob } from '../../../cli/commands/run.js';
import { runApplication } from '../../../cli/commands/run-application.js';

async function run(fn: typeof runJob, argv: string[]): Promise<{ code: number; err: string }> {
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await fn(argv, { stdout: new PassThrough(), stderr, env: { LOOM_CACHE_DIR: '/nonexistent' }, cwd: '/nonexistent' });
  return { code, err };
}

describe('run and run-application usage', () => {
  it('refuses -d for a program on a session, a bad -p, and a missing bundle, before anything else', async () => {
    expect(await run(runJob, ['-d', 'wc.mjs'])).toEqual({
      code: 2,
      err: "loom run: -d without -c: a program's main() runs in this process, so it cannot detach from a session; use -t yarn-per-job -d, or loom run-application\n",
    });
    expect(await run(runApplication, ['-p', 'many', 'wc.mjs'])).toEqual({
      code: 2,
      err: 'loom run-application: -p "many" is not a parallelism: give a whole number from 1 to 10000, e.g. -p 4\n',
    });
    expect((await run(runApplication, ['-t', 'yarn-application'])).err).toMatch(/missing required argument 'bundle'/);
  });

  it("accepts Flink's -sae (--shutdownOnAttachedExit), Loom's default for an attached run; after the bundle it is the program's", async () => {
    for (const fn of [runJob, runApplication]) {
      for (const flag of ['-sae', '--shutdownOnAttachedExit']) {
        // Parsed like any other flag: the usage error that follows is about -p, not the flag.
        const r = await run(fn, [flag, '-p', 'many', 'wc.mjs']);
        expect(r.code).toBe(2);
        expect(r.err).toMatch(/-p "many" is not a parallelism/);
      }
    }
    expect((await run(runJob, ['-d', 'wc.mjs', '-sae'])).err).toMatch(/-d without -c/);
  });

  it('past the arguments, a missing Hadoop configuration is the first problem, named, exit 1', async () => {
    const r = await run(runApplication, ['-t', 'yarn-application', 'wc.mjs']);
    expect(r.code).toBe(1);
    // one line: why Hadoop's defaults cannot work (the held "using Hadoop's defaults" notice is not said beside a failure)
    const [problem, end] = r.err.split('\n');
    expect(problem).toMatch(/^loom run-application: .*fs\.defaultFS.*HADOOP_CONF_DIR/);
    expect(end).toBe('');
  });
});
