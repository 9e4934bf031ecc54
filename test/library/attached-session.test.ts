// The programmatic client's attached sessions (LoomClient.deploySession({ attached: true })):
// the session lives while its client heartbeats. close() is the client going away, so the AM ends
// the session once loom.client.heartbeat-timeout passed; detach() releases the lease first, so the
// session runs on until it is stopped. On a mini cluster in this process, with real AM processes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoomClient } from '../../client/api/loom-client.js';
import { Configuration } from '../../client/conf/configuration.js';
import type { ApplicationReport } from '../../client/hadoop/yarn/cluster-reports.js';
import { YarnClient } from '../../client/hadoop/yarn/yarn-client.js';
import { startMiniCluster, type MiniCluster } from '../../minicluster/mini-cluster.js';

/** The runtime archive the e2e tests share: built once from the same dist/. */
const SHARED_CACHE = join(tmpdir(), 'loom-e2e-runtime-cache');
const HEARTBEAT_TIMEOUT_MS = 2000;

let dir: string;
let cluster: MiniCluster | undefined;
let yarn: YarnClient | undefined;
let env: NodeJS.ProcessEnv;
let properties: Record<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-attached-session-'));
  cluster = await startMiniCluster({ nodes: 1, heartbeatMs: 50, rmConfig: { minimumAllocationMb: 128 }, hdfsLatency: 'none' });
  const user = userInfo().username;
  env = { ...process.env, HADOOP_CONF_DIR: cluster.confDir, HADOOP_USER_NAME: user, LOOM_CACHE_DIR: SHARED_CACHE };
  delete env.LOOM_CONF_DIR;
  properties = {
    'loom.node.path': process.execPath,
    'jobmanager.memory.process.size': '512m',
    'taskmanager.memory.process.size': '512m',
    'loom.client.heartbeat-timeout': `${HEARTBEAT_TIMEOUT_MS}ms`,
    'yarn.properties-file.location': dir,
  };
  yarn = YarnClient.createFromConf(Configuration.load({ env }), { user, env });
}, 60_000);

afterAll(async () => {
  await yarn?.close();
  await cluster?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function endOf(applicationId: string, timeoutMs: number): Promise<ApplicationReport> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const report = await yarn!.getApplicationReport(applicationId);
    if (['FINISHED', 'FAILED', 'KILLED'].includes(report.state)) return report;
    if (Date.now() > deadline) throw new Error(`${applicationId} is still ${report.state} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('an attached session of the programmatic client', () => {
  it('ends once its client closed and the heartbeat timeout passed', async () => {
    const client = LoomClient.create({ env, cwd: dir, properties });
    let applicationId: string;
    try {
      applicationId = (await client.deploySession({ attached: true })).applicationId;
    } finally {
      await client.close();
    }
    const closedAt = Date.now();
    const ended = await endOf(applicationId, 30_000);
    expect(ended.finalStatus).toBe('KILLED');
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(HEARTBEAT_TIMEOUT_MS / 2);
  }, 90_000);

  it('runs on after detach() until it is stopped', async () => {
    const client = LoomClient.create({ env, cwd: dir, properties });
    let applicationId: string;
    try {
      const session = await client.deploySession({ attached: true });
      applicationId = session.applicationId;
      await session.detach();
    } finally {
      await client.close();
    }
    await new Promise((r) => setTimeout(r, 2 * HEARTBEAT_TIMEOUT_MS));
    expect((await yarn!.getApplicationReport(applicationId)).state).toBe('RUNNING');

    const again = LoomClient.create({ env, cwd: dir, properties });
    try {
      const stopped = await (await again.attachSession({ applicationId })).stop();
      expect([stopped.state, stopped.finalStatus]).toEqual(['FINISHED', 'SUCCEEDED']);
    } finally {
      await again.close();
    }
  }, 90_000);
});
