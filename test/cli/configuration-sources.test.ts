// Every configuration source a command is pointed at (HADOOP_CONF_DIR, YARN_CONF_DIR, HADOOP_HOME,
// --conf, LOOM_CONF_DIR, yarn.properties-file.location) that is named but cannot be used is an
// error naming it, the path and the fix, before any network call: never a silent fallback to
// 0.0.0.0:8032. With no Hadoop configuration at all, one line says which defaults are in use.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runJob } from '../../cli/commands/run.js';
import { runYarnSession } from '../../cli/commands/yarn-session.js';
import { siteXml, TempConfDirs } from '../client/conf/temp-conf-dir.js';
import { closedPort, LOOM_BIN, STACK_FRAME, startCli, stopAll } from './cli-process.js';

const dirs = new TempConfDirs();
afterEach(async () => {
  await stopAll();
  dirs.cleanup();
});

const SITE_FIX = "core-site.xml, hdfs-site.xml, yarn-site.xml (or unset it to use Hadoop's defaults)";

/** `loom <args>` as a process with exactly `env`; it must end within 15 s. */
async function loom(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = startCli(LOOM_BIN, args, { HADOOP_USER_NAME: 'alice', HOME: dirs.make(), ...env });
  return Promise.race([
    run.exited,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still running after 15 s; stderr:\n${run.stderr()}`)), 15_000)),
  ]);
}

describe('a named Hadoop configuration directory that cannot be used', () => {
  it('HADOOP_CONF_DIR that does not exist: yarn application -list fails at once, naming the variable, the path and the fix', async () => {
    const missing = join(dirs.make(), 'nonexistent');
    const r = await loom(['yarn', 'application', '-list'], { HADOOP_CONF_DIR: missing });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `loom yarn application -list: HADOOP_CONF_DIR=${missing} does not exist: point HADOOP_CONF_DIR at the directory holding your cluster's ${SITE_FIX}\n`,
    );
  });

  it('an empty HADOOP_CONF_DIR, a YARN_CONF_DIR with no site file, a HADOOP_HOME without etc/hadoop, a --conf dir without site files', async () => {
    const empty = dirs.make();
    const onlyLog4j = dirs.make({ 'log4j.properties': 'log4j.rootLogger=INFO\n' });
    const home = dirs.make();
    const cases: [string[], NodeJS.ProcessEnv, string][] = [
      [
        ['yarn', 'application', '-list'],
        { HADOOP_CONF_DIR: empty },
        `loom yarn application -list: HADOOP_CONF_DIR=${empty} holds none of core-site.xml, hdfs-site.xml, yarn-site.xml: point HADOOP_CONF_DIR at`,
      ],
      [
        ['fs', '-ls', '/'],
        { YARN_CONF_DIR: onlyLog4j },
        `loom fs -ls: YARN_CONF_DIR=${onlyLog4j} holds none of core-site.xml, hdfs-site.xml, yarn-site.xml: point YARN_CONF_DIR at`,
      ],
      [
        ['yarn', 'node', '-list'],
        { HADOOP_HOME: home },
        `loom yarn node -list: HADOOP_HOME's configuration directory ${join(home, 'etc', 'hadoop')} does not exist: point HADOOP_CONF_DIR at`,
      ],
      [
        ['yarn', '--conf', empty, 'application', '-list'],
        {},
        `loom yarn application -list: --conf=${empty} holds none of core-site.xml, hdfs-site.xml, yarn-site.xml: name the directory holding`,
      ],
      [['list-clusters'], { HADOOP_CONF_DIR: empty }, `loom list-clusters: HADOOP_CONF_DIR=${empty} holds none of`],
    ];
    for (const [args, env, start] of cases) {
      const r = await loom(args, env);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.code, args.join(' ')).not.toBeNull();
      expect(r.stderr.startsWith(start), r.stderr).toBe(true);
      expect(r.stderr.split('\n'), r.stderr).toHaveLength(2);
      expect(r.stderr).not.toMatch(STACK_FRAME);
    }
  });
});

describe('no Hadoop configuration at all', () => {
  it('says nothing about defaults once -D configures the command, which then reports its retries', async () => {
    const port = await closedPort();
    const r = await loom(
      [
        'yarn',
        '-D',
        `yarn.resourcemanager.address=127.0.0.1:${port}`,
        '-D',
        'yarn.resourcemanager.connect.max-wait.ms=2000',
        '-D',
        'yarn.resourcemanager.connect.retry-interval.ms=500',
        'application',
        '-list',
      ],
      {},
    );
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      new RegExp(
        `^Retrying connect to the ResourceManager at 127\\.0\\.0\\.1:${port} \\(connection refused\\)\\. Already tried 1 time\\(s\\)`,
      ),
    );
    expect(lines.at(-1)).toMatch(new RegExp(`^loom yarn application -list: cannot reach the ResourceManager at 127\\.0\\.0\\.1:${port}`));
  });

  it('a cluster command with no configuration fails on file:/// in one line that names HADOOP_CONF_DIR', async () => {
    const r = await loom(['list-clusters'], { LOOM_CONF_DIR: dirs.make({ 'loom.yaml': '{}\n' }) });
    expect(r.code).toBe(1);
    const [problem, end] = r.stderr.split('\n');
    expect(problem).toMatch(/^loom list-clusters: fs\.defaultFS is not an hdfs:\/\/ or webhdfs:\/\/ URI.*HADOOP_CONF_DIR/);
    expect(end).toBe('');
  });

  it("names Hadoop's own defaults (RM 0.0.0.0:8032, fs.defaultFS file:///) and then why fs cannot work with them", async () => {
    const r = await loom(['fs', '-ls', '/'], {});
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')).toEqual([
      'loom fs -ls: fs.defaultFS is file:///; set it to an hdfs:// or webhdfs:// URI (HADOOP_CONF_DIR is not set)',
      '',
    ]);
  });
});

describe("Loom's own configuration sources", () => {
  async function inProcess(fn: typeof runJob, argv: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; err: string }> {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (d: Buffer) => (err += d.toString()));
    const cwd = dirs.make();
    const code = await fn(argv, { stdout, stderr, env: { HADOOP_USER_NAME: 'alice', ...env }, cwd });
    return { code, err };
  }

  /** A Hadoop configuration whose ResourceManager and NameNode are at a closed port: reaching them would print retry lines. */
  async function deadCluster(): Promise<string> {
    const port = await closedPort();
    return dirs.make({
      'core-site.xml': siteXml({ 'fs.defaultFS': `webhdfs://127.0.0.1:${port}` }),
      'yarn-site.xml': siteXml({ 'yarn.resourcemanager.address': `127.0.0.1:${port}` }),
    });
  }

  it('LOOM_CONF_DIR without a loom.yaml is an error naming it', async () => {
    const dir = dirs.make();
    const r = await inProcess(runJob, ['-c', 'f', 'job.mjs'], { HADOOP_CONF_DIR: await deadCluster(), LOOM_CONF_DIR: dir });
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `loom run: ${join(dir, 'loom.yaml')} does not exist (LOOM_CONF_DIR is ${dir}): create loom.yaml there, or point LOOM_CONF_DIR at the directory that holds it\n`,
    );
  });

  it('yarn.properties-file.location that does not exist, or is a file, is an error before any session starts', async () => {
    const base = dirs.make({ 'a-file': 'x' });
    const missing = join(base, 'missing');
    const loomConf = dirs.make({ 'loom.yaml': `yarn.properties-file.location: ${join(base, 'a-file')}\n` });
    const hadoop = await deadCluster();
    const session = await inProcess(runYarnSession, ['-D', `yarn.properties-file.location=${missing}`, '-d'], {
      HADOOP_CONF_DIR: hadoop,
      LOOM_CONF_DIR: dirs.make({ 'loom.yaml': '{}\n' }),
    });
    expect(session.code).toBe(2);
    expect(session.err).toBe(
      `yarn-session: yarn.properties-file.location=${missing} (from -D) does not exist: create that directory, or remove the setting to keep the session file in ${tmpdir()}\n`,
    );
    const list = await inProcess(runJob, ['-c', 'f', 'job.mjs'], { HADOOP_CONF_DIR: hadoop, LOOM_CONF_DIR: loomConf });
    expect(list.code).toBe(2);
    expect(list.err).toMatch(
      new RegExp(
        `^loom run: yarn\\.properties-file\\.location=${join(base, 'a-file').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(from ${join(loomConf, 'loom.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1\\) is not a directory: `,
      ),
    );
    expect(list.err.split('\n')).toHaveLength(2);
  });
});
