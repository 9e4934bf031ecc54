// `loom minicluster` as a user runs it: a real process that prints HADOOP_CONF_DIR, serves real
// clients through that directory, and stops cleanly on SIGTERM. Runs the compiled CLI (npm test builds it).
import { spawn, type ChildProcess, execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runMiniCluster } from '../../../cli/commands/minicluster.js';
import { Configuration } from '../../../client/conf/configuration.js';
import { listeningPorts, waitFor } from '../../minicluster/mini-cluster-kit.js';

const LOOM = resolve(__dirname, '../../../bin/loom.js');
const run = promisify(execFile);

let child: ChildProcess | undefined;
afterEach(() => {
  if (child?.exitCode === null) child.kill('SIGKILL');
  child = undefined;
});

describe('loom minicluster', () => {
  it('prints HADOOP_CONF_DIR, serves loom fs and loom yarn through it, and stops on SIGTERM', async () => {
    child = spawn(process.execPath, [LOOM, 'minicluster', '--nodes', '2', '--heartbeat-ms', '100'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    await waitFor(
      () => out.includes('Serving until interrupted') || (child!.exitCode !== null && Promise.reject(new Error(err))),
      'the mini cluster to start',
      20_000,
    );
    const confDir = /^HADOOP_CONF_DIR=(.*)$/m.exec(out)![1];

    // The written configuration is what a Hadoop client reads, and says what the cluster does.
    const conf = Configuration.load({ confDir, env: {} });
    expect(conf.get('fs.defaultFS')).toMatch(/^webhdfs:\/\/127\.0\.0\.1:\d+$/);
    expect(conf.get('yarn.resourcemanager.address')).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(conf.get('yarn.nodemanager.vmem-check-enabled')).toBe('true');
    expect(conf.get('yarn.nodemanager.vmem-pmem-ratio')).toBe('2.1');
    const ports = [
      'yarn.resourcemanager.address',
      'yarn.resourcemanager.scheduler.address',
      'yarn.resourcemanager.webapp.address',
      'dfs.namenode.http-address',
    ].map((k) => Number(conf.get(k)!.split(':')[1]));
    for (const p of ports) expect(listeningPorts().has(p)).toBe(true);

    const env = { ...process.env, HADOOP_CONF_DIR: confDir };
    await run(process.execPath, [LOOM, 'fs', '-mkdir', '-p', '/tmp/cli-check'], { env });
    const ls = await run(process.execPath, [LOOM, 'fs', '-ls', '/tmp'], { env });
    expect(ls.stdout).toContain('/tmp/cli-check');
    const nodes = await run(process.execPath, [LOOM, 'yarn', 'node', '-list'], { env });
    expect(nodes.stdout).toMatch(/Total Nodes:2/);

    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child!.once('exit', (c) => r(c)));
    expect(code).toBe(0);
    expect(out).toContain('Stopped.');
    const after = listeningPorts();
    for (const p of ports) expect(after.has(p)).toBe(false);
    expect(existsSync(confDir)).toBe(false); // its own temp dir goes with it
  });

  it('refuses bad options with a clear message and exit code 2', async () => {
    const stderr = new PassThrough();
    let text = '';
    stderr.on('data', (d: Buffer) => (text += d.toString()));
    const code = await runMiniCluster({ nodes: '0', define: [] }, { stdout: new PassThrough(), stderr });
    expect(code).toBe(2);
    expect(text).toContain('--nodes "0" is not a number of NodeManagers: give a whole number of at least 1, e.g. --nodes 2');
    const bad = await runMiniCluster({ nodes: '1', define: ['novalue'] }, { stdout: new PassThrough(), stderr });
    expect(bad).toBe(2);
    expect(text).toContain('-D "novalue" is not key=value: write e.g. -D yarn.nodemanager.vmem-check-enabled=false');
    const latency = await runMiniCluster({ nodes: '1', hdfsLatency: 'fast', define: [] }, { stdout: new PassThrough(), stderr });
    expect(latency).toBe(2);
    expect(text).toContain('--hdfs-latency must be real, none or a scale >= 0 (e.g. 0.5), got "fast"');
  });

  it('-d needs --dir, --stop needs a running one; each says what to do', async () => {
    const stderr = new PassThrough();
    let text = '';
    stderr.on('data', (d: Buffer) => (text += d.toString()));
    expect(await runMiniCluster({ nodes: '1', define: [], detach: true }, { stdout: new PassThrough(), stderr })).toBe(2);
    expect(text).toContain('-d needs --dir <dir>');
    const dir = mkdtempSync(join(tmpdir(), 'loom-mc-stop-'));
    try {
      writeFileSync(join(dir, 'minicluster.pid'), '999999999\n'); // a stale pid file
      expect(await runMiniCluster({ nodes: '1', define: [], stop: true, dir }, { stdout: new PassThrough(), stderr })).toBe(1);
      expect(text).toContain(`no mini cluster runs from ${dir}`);
      expect(existsSync(join(dir, 'minicluster.pid'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--hdfs-latency sets the WebHDFS delays and the banner says which', async () => {
    const stdout = new PassThrough();
    let text = '';
    stdout.on('data', (d: Buffer) => (text += d.toString()));
    let scale = -1;
    const code = await runMiniCluster(
      { nodes: '1', hdfsLatency: '0.5', define: [] },
      { stdout, stderr: new PassThrough(), untilStopped: async () => {}, onStarted: (c) => (scale = c.webHdfs.latency.scale) },
    );
    expect(code).toBe(0);
    expect(scale).toBe(0.5);
    expect(text).toMatch(/^WebHDFS webhdfs:\/\/127\.0\.0\.1:\d+ \(DataNode 127\.0\.0\.1:\d+, latency real x0\.5 \(seed \d+\)\)$/m);
  });

  it('keeps a --dir it was given and writes the conf there', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const dir = await mkdtemp(join((await import('node:os')).tmpdir(), 'loom-mc-cli-'));
    try {
      let confDir = '';
      const code = await runMiniCluster(
        { nodes: '1', dir, define: ['yarn.nodemanager.container-monitor.interval-ms=500'] },
        { stdout: new PassThrough(), stderr: new PassThrough(), untilStopped: async () => {}, onStarted: (c) => (confDir = c.confDir) },
      );
      expect(code).toBe(0);
      expect(confDir).toBe(join(dir, 'conf'));
      expect(readFileSync(join(confDir, 'yarn-site.xml'), 'utf8')).toContain(
        '<name>yarn.nodemanager.container-monitor.interval-ms</name><value>500</value>',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
