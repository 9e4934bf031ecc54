// Configuration key names, from every source a cluster command reads (-D, -yD, loom.yaml): a typo
// of a key Loom reads is an error naming the key and the one meant, before anything reaches the
// cluster; a Flink option Loom does not support is a warning and the command goes on; Hadoop's
// keys pass silently and apply to the Hadoop configuration.
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runListClusters } from '../../../cli/commands/list-clusters.js';
import { runApplication } from '../../../cli/commands/run-application.js';
import { runJob } from '../../../cli/commands/run.js';
import { runYarnSession } from '../../../cli/commands/yarn-session.js';
import { YarnClient } from '../../../client/hadoop/yarn/yarn-client.js';
import { confWith, siteXml, TempConfDirs } from './temp-conf-dir.js';
import { FakeWebHdfsServer } from '../hadoop/hdfs/fake-webhdfs-server.mjs';
import { rmConfValues, startMiniRm, type MiniRm } from '../hadoop/yarn/mini-rm-harness.js';
import { closedPort, STACK_FRAME } from '../../cli/cli-process.js';

const dirs = new TempConfDirs();
let rm: MiniRm;
let nn: FakeWebHdfsServer;
let work: string;
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  rm = await startMiniRm();
  nn = await new FakeWebHdfsServer().start();
  nn.addFile('/user/alice/.keep', 0);
  const confDir = dirs.make({
    'core-site.xml': siteXml({ 'fs.defaultFS': `webhdfs://127.0.0.1:${nn.port}` }),
    'yarn-site.xml': siteXml(rmConfValues(rm)),
  });
  work = dirs.make({ 'job.mjs': 'export async function f() { return 1; }\n' });
  env = { HADOOP_CONF_DIR: confDir, HADOOP_USER_NAME: 'alice', LOOM_CONF_DIR: dirs.make({ 'loom.yaml': '{}\n' }), TMPDIR: work };
});

afterEach(async () => {
  await rm.stop();
  await nn.stop();
  dirs.cleanup();
});

type Command = (
  argv: string[],
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; env?: NodeJS.ProcessEnv; cwd?: string },
) => Promise<number>;

async function run(fn: Command, argv: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await fn(argv, { stdout, stderr, env: { ...env, ...extraEnv }, cwd: work });
  return { code, out, err };
}

/** The applications the RM knows of: none means nothing was submitted. */
async function applications(): Promise<number> {
  const yc = YarnClient.createFromConf(confWith(rmConfValues(rm)), { user: 'alice' });
  try {
    return (await yc.getApplications({})).length;
  } finally {
    await yc.close();
  }
}

const typo = (where: string, key: string, meant: string) =>
  `${where} ${key} is not a key Loom knows; did you mean ${meant}? (correct it, or Loom runs without the setting)`;

describe('a mistyped key is an error before anything reaches the cluster', () => {
  it('-D with loom run, -yD with loom run, -D with yarn-session and run-application', async () => {
    const job = join(work, 'job.mjs');
    const cases: [Command, string[], string][] = [
      [
        runJob,
        ['-D', 'loom.task.max-attemps=5', '-c', 'f', job],
        `loom run: ${typo('-D', 'loom.task.max-attemps', 'loom.task.max-attempts')}`,
      ],
      [runJob, ['-Dloom.task.max-attemps=5', job], `loom run: ${typo('-D', 'loom.task.max-attemps', 'loom.task.max-attempts')}`],
      [
        runJob,
        ['-m', 'yarn-cluster', '-yD', 'taskmanager.numberOfTaskSlot=2', job],
        `loom run: ${typo('-D', 'taskmanager.numberOfTaskSlot', 'taskmanager.numberOfTaskSlots')}`,
      ],
      [
        runYarnSession,
        ['-D', 'taskmanager.numberOfTaskSlot=2', '-d'],
        `yarn-session: ${typo('-D', 'taskmanager.numberOfTaskSlot', 'taskmanager.numberOfTaskSlots')}`,
      ],
      [
        runApplication,
        ['-t', 'yarn-application', '-D', 'yarn.application-atempts=3', job],
        `loom run-application: ${typo('-D', 'yarn.application-atempts', 'yarn.application-attempts')}`,
      ],
      [
        runJob,
        ['-D', 'loom.task.retries=5', '-c', 'f', job],
        "loom run: -D loom.task.retries is not a key Loom knows; Loom's own keys are ",
      ],
    ];
    for (const [fn, argv, line] of cases) {
      const r = await run(fn, argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err.split('\n').length, r.err).toBe(2); // one line and its newline
      expect(r.err.startsWith(line), r.err).toBe(true);
      expect(r.err).not.toMatch(STACK_FRAME);
    }
    expect(nn.requests).toEqual([]);
    expect(await applications()).toBe(0);
  });

  it('a mistyped key in loom.yaml names the file and the line', async () => {
    const confDir = dirs.make({ 'loom.yaml': 'taskmanager.numberOfTaskSlots: 2\nloom:\n  task:\n    max-attemps: 5\n' });
    const r = await run(runJob, ['-c', 'f', join(work, 'job.mjs')], { LOOM_CONF_DIR: confDir });
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `loom run: ${join(confDir, 'loom.yaml')}:4: loom.task.max-attemps is not a key Loom knows; did you mean loom.task.max-attempts? (correct it, or Loom runs without the setting)\n`,
    );
    expect(nn.requests).toEqual([]);
    expect(await applications()).toBe(0);
  });
});

describe('keys that are not typos', () => {
  it("a Flink option Loom does not support is a warning, and the command goes on; Hadoop and the user's own keys pass silently", async () => {
    const r = await run(runListClusters, [
      '-D',
      'state.backend.type=rocksdb',
      '-D',
      'dfs.replication=2',
      '-D',
      'my.own.setting=1',
      '-D',
      'yarn.ship-archives=a.zip',
    ]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe('no running Loom sessions or other Loom clusters of alice\n');
    expect(r.err).toBe(
      'warning: -D state.backend.type is a Flink option Loom does not support; it has no effect\n' +
        'warning: -D yarn.ship-archives is a Flink option Loom does not support; it has no effect\n',
    );
  });

  it("a Hadoop key given with -D (or as Flink's flink.hadoop.<key>) sets the Hadoop configuration", async () => {
    // The site files name a dead ResourceManager; -D points at the live one.
    const dead = await closedPort();
    const confDir = dirs.make({
      'core-site.xml': siteXml({ 'fs.defaultFS': `webhdfs://127.0.0.1:${nn.port}` }),
      'yarn-site.xml': siteXml({
        ...rmConfValues(rm),
        'yarn.resourcemanager.address': `127.0.0.1:${dead}`,
        'yarn.resourcemanager.connect.max-wait.ms': '0',
      }),
    });
    const direct = await run(runListClusters, ['-D', `yarn.resourcemanager.address=127.0.0.1:${rm.clientPort}`], {
      HADOOP_CONF_DIR: confDir,
    });
    expect(direct.code, direct.err).toBe(0);
    expect(direct.err).toBe('');
    const flinkStyle = await run(runListClusters, ['-D', `flink.hadoop.yarn.resourcemanager.address=127.0.0.1:${rm.clientPort}`], {
      HADOOP_CONF_DIR: confDir,
    });
    expect(flinkStyle.code, flinkStyle.err).toBe(0);
    const without = await run(runListClusters, [], { HADOOP_CONF_DIR: confDir });
    expect(without.code).toBe(1);
    expect(without.err).toContain(`cannot reach the ResourceManager at 127.0.0.1:${dead}`);
  });
});
