// A ResourceManager or NameNode that does not answer (a closed port on 127.0.0.1): the CLI prints
// a line per retry from the first failure on (the address, the attempt, the setting that bounds
// the wait and its value), as Hadoop's ipc.Client logs "Retrying connect to server ... Already
// tried N time(s)", and ends when that wait runs out with one line naming the address and the
// setting to change; never minutes of silence, never a stack trace.
import { afterEach, describe, expect, it } from 'vitest';
import { siteXml, TempConfDirs } from '../client/conf/temp-conf-dir.js';
import { closedPort, LOOM_BIN, STACK_FRAME, startCli, stopAll } from './cli-process.js';

const dirs = new TempConfDirs();
afterEach(async () => {
  await stopAll();
  dirs.cleanup();
});

/** A HADOOP_CONF_DIR whose ResourceManager and NameNode are at `port`, where nothing listens. */
function deadClusterEnv(port: number): NodeJS.ProcessEnv {
  const dir = dirs.make({
    'core-site.xml': siteXml({ 'fs.defaultFS': `webhdfs://127.0.0.1:${port}` }),
    'yarn-site.xml': siteXml({ 'yarn.resourcemanager.address': `127.0.0.1:${port}` }),
  });
  return { HADOOP_CONF_DIR: dir, HADOOP_USER_NAME: 'alice', HOME: dir };
}

/** The command's end, which must come within the 15 s bound with a failing exit code. */
async function failedWithin15s(run: ReturnType<typeof startCli>): Promise<Awaited<ReturnType<typeof startCli>['exited']>> {
  const end = await Promise.race([
    run.exited,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still running after 15 s; stderr:\n${run.stderr()}`)), 15_000)),
  ]);
  expect(end.code).not.toBe(0);
  expect(end.code).not.toBeNull();
  return end;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('an unreachable ResourceManager', () => {
  it('yarn application -list prints a retry line per attempt and ends with the address and the setting once max-wait runs out', async () => {
    const port = await closedPort();
    const run = startCli(
      LOOM_BIN,
      [
        'yarn',
        '-D',
        'yarn.resourcemanager.connect.max-wait.ms=3000',
        '-D',
        'yarn.resourcemanager.connect.retry-interval.ms=500',
        'application',
        '-list',
      ],
      deadClusterEnv(port),
    );
    const end = await failedWithin15s(run);
    const lines = end.stderr.trimEnd().split('\n');
    const address = `127.0.0.1:${port}`;
    const retry = new RegExp(
      `^Retrying connect to the ResourceManager at ${escape(address)} \\(connection refused\\)\\. Already tried (\\d+) time\\(s\\); retrying in 0\\.5 s, for as long as yarn\\.resourcemanager\\.connect\\.max-wait\\.ms=3000 allows$`,
    );
    const retries = lines.slice(0, -1);
    expect(retries.length).toBeGreaterThanOrEqual(3);
    retries.forEach((line, i) => expect(line.match(retry)?.[1]).toBe(String(i + 1)));
    const last = lines.at(-1)!;
    expect(last).toMatch(
      new RegExp(
        `^loom yarn application -list: cannot reach the ResourceManager at ${escape(address)} \\(connection refused\\) after \\d+ attempt\\(s\\)`,
      ),
    );
    expect(last).toContain('yarn.resourcemanager.connect.max-wait.ms=3000');
    expect(last).toContain('yarn.resourcemanager.address');
    expect(end.stderr).not.toMatch(STACK_FRAME);
    expect(end.stdout).toBe('');
  });

  it('with the default settings (max-wait 900 s) the first retry line comes at once, naming the bound', async () => {
    const port = await closedPort();
    const run = startCli(LOOM_BIN, ['yarn', 'application', '-list'], deadClusterEnv(port));
    const seen = await run.waitForStderr(/Already tried 1 time\(s\)/, 15_000);
    expect(seen.text.split('\n')[0]).toBe(
      `Retrying connect to the ResourceManager at 127.0.0.1:${port} (connection refused). Already tried 1 time(s); retrying in 30 s, for as long as yarn.resourcemanager.connect.max-wait.ms=900000 allows`,
    );
  });
});

describe('an unreachable NameNode', () => {
  it('fs -ls / prints a retry line per attempt and ends with the address and the setting once the attempts are used up', async () => {
    const port = await closedPort();
    const run = startCli(
      LOOM_BIN,
      ['fs', '-D', 'dfs.http.client.failover.max.attempts=4', '-D', 'dfs.http.client.failover.sleep.base.millis=200', '-ls', '/'],
      deadClusterEnv(port),
    );
    const end = await failedWithin15s(run);
    const lines = end.stderr.trimEnd().split('\n');
    const address = `127.0.0.1:${port}`;
    expect(lines.slice(0, -1).map((l) => l.replace(/retrying in [0-9.]+ s/, 'retrying in T'))).toEqual(
      [1, 2, 3].map(
        (n) =>
          `Retrying connect to the NameNode at ${address} (connection refused). Already tried ${n} time(s); retrying in T, for as long as dfs.http.client.failover.max.attempts=4 allows`,
      ),
    );
    const last = lines.at(-1)!;
    expect(last).toMatch(
      new RegExp(`^loom fs -ls: cannot reach the NameNode at ${escape(address)} \\(connection refused\\) after 4 attempt\\(s\\)`),
    );
    expect(last).toContain('dfs.http.client.failover.max.attempts=4');
    expect(last).toContain('fs.defaultFS');
    expect(end.stderr).not.toMatch(STACK_FRAME);
  });

  it('with the default settings the first retry line comes at once, naming the bound', async () => {
    const port = await closedPort();
    const run = startCli(LOOM_BIN, ['fs', '-ls', '/'], deadClusterEnv(port));
    const seen = await run.waitForStderr(/Already tried 1 time\(s\)/, 15_000);
    expect(seen.text.split('\n')[0]).toMatch(
      new RegExp(
        `^Retrying connect to the NameNode at 127\\.0\\.0\\.1:${port} \\(connection refused\\)\\. Already tried 1 time\\(s\\); retrying in [0-9.]+ s, for as long as dfs\\.http\\.client\\.failover\\.max\\.attempts=15 allows$`,
      ),
    );
  });
});

describe('loom run against an unreachable cluster', () => {
  /** A session id to attach to, a task bundle, and the dead cluster's configuration. */
  function runArgs(...bounds: string[]): string[] {
    const work = dirs.make({ 'job.mjs': 'export async function f() { return 1; }\n' });
    return ['run', ...bounds, '-yid', 'application_1700000000000_0001', '-c', 'f', `${work}/job.mjs`];
  }

  it('reports every retry of the NameNode and the ResourceManager and ends with the address and the setting (-D bounds apply)', async () => {
    const port = await closedPort();
    const args = runArgs(
      '-D',
      'yarn.resourcemanager.connect.max-wait.ms=1000',
      '-D',
      'yarn.resourcemanager.connect.retry-interval.ms=500',
      '-D',
      'dfs.http.client.failover.max.attempts=2',
    );
    const run = startCli(LOOM_BIN, args, { ...deadClusterEnv(port), LOOM_CONF_DIR: dirs.make({ 'loom.yaml': '{}\n' }) });
    const end = await Promise.race([
      run.exited,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still running after 15 s; stderr:\n${run.stderr()}`)), 15_000)),
    ]);
    expect(end.code).toBe(1);
    const address = `127.0.0.1:${port}`;
    expect(end.stderr).toContain(`Retrying connect to the NameNode at ${address} (connection refused). Already tried 1 time(s)`);
    expect(end.stderr).toContain('for as long as dfs.http.client.failover.max.attempts=2 allows');
    expect(end.stderr).toContain(
      `Retrying connect to the ResourceManager at ${address} (connection refused). Already tried 1 time(s); retrying in 0.5 s, for as long as yarn.resourcemanager.connect.max-wait.ms=1000 allows`,
    );
    const last = end.stderr.trimEnd().split('\n').at(-1)!;
    expect(last).toMatch(
      new RegExp(
        `^loom run: cannot reach the ResourceManager at ${escape(address)} .*yarn\\.resourcemanager\\.connect\\.max-wait\\.ms=1000.*yarn\\.resourcemanager\\.address`,
      ),
    );
    expect(end.stderr).not.toMatch(STACK_FRAME);
  });

  it('with the default settings the first retry line comes within 15 s', async () => {
    const port = await closedPort();
    const run = startCli(LOOM_BIN, runArgs(), { ...deadClusterEnv(port), LOOM_CONF_DIR: dirs.make({ 'loom.yaml': '{}\n' }) });
    const seen = await run.waitForStderr(/Already tried 1 time\(s\)/, 15_000);
    expect(seen.text.split('\n')[0]).toMatch(
      new RegExp(
        `^Retrying connect to the (NameNode|ResourceManager) at 127\\.0\\.0\\.1:${port} \\(connection refused\\)\\. Already tried 1 time\\(s\\); retrying in [0-9.]+ s, for as long as (dfs\\.http\\.client\\.failover\\.max\\.attempts=15|yarn\\.resourcemanager\\.connect\\.max-wait\\.ms=900000) allows$`,
      ),
    );
  });
});
