// `loom logs -applicationId <app>` against Java's `yarn logs -applicationId <app>` (Hadoop's
// LogsCLI) on the real cluster with log aggregation on (yarn.log-aggregation-enable): a
// distributed shell application runs to its end, the NodeManagers upload its containers' logs
// (the RM's app report says logAggregationStatus SUCCEEDED), and both clients print the aggregated
// TFiles; their stdout must be the same bytes. Needs the real-hadoop.sh runner and its Hadoop 3.3.6
// install (HADOOP_HOME) for the Java side; skips with one line otherwise.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, realClusterMissing, startRealYarnKit, type RealYarnKit } from './real-yarn-kit.js';

const RUNNER = resolve(ROOT, '..', 'shared', 'tools', 'real-hadoop.sh');
const HADOOP_HOME = process.env.HADOOP_HOME ?? join(process.env.TMPDIR ?? '/tmp', 'hadoop');
const DS_JAR = join(HADOOP_HOME, 'share', 'hadoop', 'yarn', 'hadoop-yarn-applications-distributedshell-3.3.6.jar');
const missing =
  (await realClusterMissing()) ??
  (!existsSync(RUNNER) || !existsSync(DS_JAR) ? `no Hadoop 3.3.6 at HADOOP_HOME=${HADOOP_HOME} or no ${RUNNER}` : undefined);
if (missing) console.log(`loom logs against yarn logs skipped: ${missing}`);

/** `real-hadoop.sh run CLASS ARGS` with the cluster's configuration (HADOOP_CONF_DIR); stdout as bytes. */
function hadoop(...args: string[]): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((done) => {
    execFile(
      RUNNER,
      ['run', ...args],
      { env: { ...process.env, HADOOP_HOME }, timeout: 540_000, maxBuffer: 256 << 20, encoding: 'buffer' },
      (err, stdout, stderr) => done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr: stderr.toString('utf8') }),
    );
  });
}

let kit: RealYarnKit | undefined;
let started: string | undefined;
afterEach(async () => {
  // An application this test started and left live is killed (distributed shell's client kills its own on timeout too).
  if (kit && started && !['FINISHED', 'FAILED', 'KILLED'].includes((await kit.report(started)).state))
    await kit.yarn.killApplication(started, { diagnostics: 'killed by the loom logs real-YARN test' });
  await kit?.stop();
  kit = undefined;
  started = undefined;
});

describe.skipIf(missing !== undefined)('loom logs -applicationId on real YARN', () => {
  it("prints an ended application's aggregated container logs byte for byte as Java's yarn logs does", async () => {
    kit = await startRealYarnKit();
    const k = kit;
    const ds = await hadoop(
      'org.apache.hadoop.yarn.applications.distributedshell.Client',
      '-jar',
      DS_JAR,
      '-shell_command',
      'echo out from distributed shell; echo err from distributed shell >&2',
      '-num_containers',
      '2',
      '-container_memory',
      '256',
      '-master_memory',
      '512',
    );
    const output = `${ds.stdout.toString('utf8')}${ds.stderr}`;
    started = /(application_\d+_\d+)/.exec(output)?.[1];
    expect(started, output.slice(-3000)).toBeDefined();
    expect(ds.code, output.slice(-3000)).toBe(0);
    const appId = started!;

    const web =
      k.conf.getTrimmed('yarn.resourcemanager.webapp.address') ?? `${k.conf.getTrimmed('yarn.resourcemanager.hostname') ?? '0.0.0.0'}:8088`;
    await k.waitFor(
      `the log aggregation of ${appId} to succeed`,
      async () => {
        const res = await fetch(`http://${web}/ws/v1/cluster/apps/${appId}`, { headers: { Accept: 'application/json' } });
        const status = ((await res.json()) as { app?: { logAggregationStatus?: string } }).app?.logAggregationStatus;
        if (status === 'FAILED' || status === 'TIME_OUT' || status === 'DISABLED')
          throw new Error(`log aggregation of ${appId}: ${status}`);
        return status === 'SUCCEEDED';
      },
      180_000,
    );

    const java = await hadoop('org.apache.hadoop.yarn.client.cli.LogsCLI', '-applicationId', appId);
    expect(java.code, java.stderr.slice(-3000)).toBe(0);
    const loom = await k.loom(['logs', '-applicationId', appId]);
    expect(loom.code, loom.stderr).toBe(0);
    expect(java.stdout.toString('utf8')).toContain('out from distributed shell');
    expect(java.stdout.toString('utf8')).toContain('err from distributed shell');
    console.log(`loom logs and yarn logs of ${appId}: ${java.stdout.length} bytes from Java, ${Buffer.byteLength(loom.stdout)} from Loom`);
    expect(Buffer.from(loom.stdout, 'utf8').equals(java.stdout), loom.stdout).toBe(true);

    // One container, one file: the same selection both ways.
    const container = /^Container: (container_\S+) on /m.exec(java.stdout.toString('utf8'))![1];
    const javaOne = await hadoop(
      'org.apache.hadoop.yarn.client.cli.LogsCLI',
      '-applicationId',
      appId,
      '-containerId',
      container,
      '-log_files',
      'stdout',
    );
    const loomOne = await k.loom(['logs', '-applicationId', appId, '-containerId', container, '-log_files', 'stdout']);
    expect(loomOne.code, loomOne.stderr).toBe(0);
    expect(Buffer.from(loomOne.stdout, 'utf8').equals(javaOne.stdout), loomOne.stdout).toBe(true);
  });
});
