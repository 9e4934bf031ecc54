// On the mini cluster with real processes: loom.log.format=json and loom.log.level reach the AM
// (through its shipped configuration) and its TaskExecutors (through their environment): every
// line of their container logs is a JSON record with time, level and component, debug lines
// appear at debug, lines about a job carry its id, and at warn no INFO line is written.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitUntilAmRegistered } from '../../../client/deploy/running/application-waiter.js';
import { DispatcherClient } from '../../../client/deploy/running/dispatcher-client.js';
import { uploadToStaging } from '../../../client/hadoop/hdfs/staging-uploader.js';
import { startMiniCluster, type MiniCluster } from '../../../minicluster/mini-cluster.js';
import { eventually, requireBuild, submitLoomAm, type SubmittedAm } from '../appmaster/am-test-kit.js';

const SMALL_FAST_CLUSTER = {
  'loom.node.path': process.execPath,
  'jobmanager.memory.process.size': '512m',
  'taskmanager.memory.process.size': '512m',
  'yarn.heartbeat.container-request-interval': '100 ms',
  'yarn.heartbeat.interval': '1 s',
};

let cluster: MiniCluster | undefined;
let am: SubmittedAm | undefined;
let scratch: string | undefined;
const savedConfDir = process.env.HADOOP_CONF_DIR;

beforeAll(() => requireBuild());

afterEach(async () => {
  if (am) await am.yarn.killApplication(am.applicationId).catch(() => undefined);
  await am?.close();
  await cluster?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  am = cluster = scratch = undefined;
  if (savedConfDir === undefined) delete process.env.HADOOP_CONF_DIR;
  else process.env.HADOOP_CONF_DIR = savedConfDir;
});

interface Record_ {
  time: string;
  level: string;
  component: string;
  message: string;
  jobId?: string;
  taskIndex?: number;
  attempt?: number;
}

/** Every line of the files, each parsed as a JSON log record with its fields checked. */
function recordsIn(dir: string, files: string[]): Record_[] {
  const records: Record_[] = [];
  for (const file of files) {
    const path = join(dir, file);
    if (!existsSync(path)) continue;
    for (const line of readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l !== '')) {
      let r: Record_;
      try {
        r = JSON.parse(line) as Record_;
      } catch {
        throw new Error(`${file} has a line that is not JSON: ${line}`);
      }
      expect(Number.isNaN(Date.parse(r.time)), `${file}: ${line}`).toBe(false);
      expect(['DEBUG', 'INFO', 'WARN', 'ERROR'], `${file}: ${line}`).toContain(r.level);
      expect(typeof r.component, `${file}: ${line}`).toBe('string');
      expect(typeof r.message, `${file}: ${line}`).toBe('string');
      records.push(r);
    }
  }
  return records;
}

async function startAm(settings: Record<string, string>): Promise<{ baseUrl: string; submitted: SubmittedAm; running: MiniCluster }> {
  const running = await startMiniCluster({ nodes: 1, heartbeatMs: 100 });
  cluster = running;
  process.env.HADOOP_CONF_DIR = running.confDir;
  const submitted = await submitLoomAm(running, { ...SMALL_FAST_CLUSTER, ...settings });
  am = submitted;
  const report = await waitUntilAmRegistered({
    applicationId: submitted.applicationId,
    report: () => submitted.yarn.getApplicationReport(submitted.applicationId),
    timeoutMs: 20_000,
    pollMs: 100,
  });
  return { baseUrl: `http://${report.host}:${report.rpcPort}`, submitted, running };
}

async function stopAm(rest: DispatcherClient, submitted: SubmittedAm): Promise<void> {
  await rest.shutdownCluster({ finalStatus: 'SUCCEEDED', diagnostics: 'stopped by the test' });
  await eventually('the application to finish', async () => {
    const r = await submitted.yarn.getApplicationReport(submitted.applicationId);
    return r.state === 'FINISHED' ? r : undefined;
  });
}

describe("Loom's own logs on the mini cluster", () => {
  it('-D loom.log.format=json -D loom.log.level=debug: the AM and TaskExecutor logs are JSON lines, with debug lines and job ids', async () => {
    const { baseUrl, submitted, running } = await startAm({ 'loom.log.format': 'json', 'loom.log.level': 'debug' });
    const rest = new DispatcherClient({ baseUrl, secret: submitted.secret });
    scratch = mkdtempSync(join(tmpdir(), 'loom-log-job-'));
    writeFileSync(join(scratch, 'job.mjs'), 'export function twice(task) { return task.index * 2; }\n');
    const [bundle] = await uploadToStaging({
      client: submitted.hdfs,
      localPath: join(scratch, 'job.mjs'),
      stagingDir: `${submitted.stagingPath}/jobs`,
    });
    const jobId = await rest.submitJob({
      bundle: { url: `${submitted.fsUri}${bundle.hdfsPath}`, kind: 'file', size: bundle.size, modificationTime: bundle.modificationTime },
      exportName: 'twice',
      parallelism: 2,
      args: [],
    });
    const job = await rest.waitForJob(jobId, { timeoutMs: 20_000, pollMs: 100 });
    expect(job.state).toBe('FINISHED');
    const teIds = (await rest.taskExecutors()).map((e) => e.id);
    await stopAm(rest, submitted);

    const node = running.nodes[0];
    const amContainer = node
      .containerStates()
      .map((c) => c.id)
      .find((id) => id.endsWith('_01_000001'))!;
    const amRecords = recordsIn(node.containerLogDir(amContainer), ['appmaster.stdout', 'appmaster.stderr']);
    expect(amRecords.some((r) => r.level === 'DEBUG')).toBe(true);
    expect(amRecords.filter((r) => r.jobId === jobId).map((r) => r.component)).toContain('job-master');
    expect(amRecords.some((r) => r.jobId === jobId && r.taskIndex === 0 && r.attempt === 1)).toBe(true);
    expect(amRecords.some((r) => r.message.startsWith('registered with the ResourceManager'))).toBe(true);

    expect(teIds.length).toBeGreaterThan(0);
    const teRecords = recordsIn(node.containerLogDir(teIds[0]), ['taskexecutor.out', 'taskexecutor.err']);
    expect(teRecords.some((r) => r.component === 'taskexecutor' && r.message.includes('starting'))).toBe(true);
    expect(teRecords.some((r) => r.level === 'DEBUG' && r.jobId === jobId)).toBe(true);
  }, 60_000);

  it('loom.log.level=warn: the AM writes no INFO or DEBUG line', async () => {
    const { baseUrl, submitted, running } = await startAm({ 'loom.log.level': 'warn', 'loom.log.format': 'json' });
    await stopAm(new DispatcherClient({ baseUrl, secret: submitted.secret }), submitted);
    const node = running.nodes[0];
    const amContainer = node
      .containerStates()
      .map((c) => c.id)
      .find((id) => id.endsWith('_01_000001'))!;
    const levels = recordsIn(node.containerLogDir(amContainer), ['appmaster.stdout', 'appmaster.stderr']).map((r) => r.level);
    expect(levels.filter((l) => l === 'INFO' || l === 'DEBUG')).toEqual([]);
  }, 60_000);
});
