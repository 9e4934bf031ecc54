// Log aggregation on the mini cluster (yarn.log-aggregation-enable true): after an application
// ends, each NodeManager that ran its containers uploads their logs to HDFS as one TFile per node,
// in Hadoop 3.3.6's layout and format, then deletes the local logs; Loom's reader reads them back.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Configuration } from '../../../client/conf/configuration.js';
import {
  formatContainerLogFile,
  readAggregatedLogs,
  remoteAppLogDirSettings,
  type AggregatedLogEntry,
} from '../../../client/hadoop/aggregated-logs/index.js';
import { webHdfsClientFromConf } from '../../../client/hadoop/hdfs/webhdfs-client-from-conf.js';
import type { WebHdfsClient } from '../../../client/hadoop/hdfs/webhdfs-client.js';
import { buildContainerLaunchContext } from '../../../client/hadoop/yarn/container-launch-context.js';
import { YarnClient } from '../../../client/hadoop/yarn/yarn-client.js';
import { startMiniCluster, type MiniCluster } from '../../../minicluster/mini-cluster.js';
import { waitFor } from '../mini-cluster-kit.js';

const AM_SCRIPT = resolve(__dirname, '../../../dist/minicluster/distributed-shell/distributed-shell-am.js');

let cluster: MiniCluster | undefined;
let yarn: YarnClient | undefined;
let fs: WebHdfsClient | undefined;
afterEach(async () => {
  fs?.close();
  await yarn?.close();
  await cluster?.stop();
  fs = undefined;
  yarn = undefined;
  cluster = undefined;
});

async function restLogAggregationStatus(c: MiniCluster, appId: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${c.resourceManager.webAddress.port}/ws/v1/cluster/apps/${appId}`);
  return ((await res.json()) as { app: { logAggregationStatus: string } }).app.logAggregationStatus;
}

async function runShell(c: MiniCluster, command: string): Promise<string> {
  yarn = YarnClient.createFromConf(Configuration.load({ confDir: c.confDir, env: {} }), { user: 'loomtest' });
  const app = await yarn.getNewApplication();
  await yarn.submitApplication({
    applicationId: app.applicationId,
    name: 'loom-log-aggregation',
    amResource: { memoryMb: 512, vcores: 1 },
    amContainer: buildContainerLaunchContext({
      commands: [
        `${process.execPath} ${AM_SCRIPT} --command '${command}' --containers 2 --memory 128 1><LOG_DIR>/am.stdout 2><LOG_DIR>/am.stderr`,
      ],
    }),
    maxAppAttempts: 1,
  });
  await waitFor(
    async () => {
      const r = await yarn!.getApplicationReport(app.applicationId);
      return ['FINISHED', 'FAILED', 'KILLED'].includes(r.state) ? r : undefined;
    },
    'the application to end',
    30_000,
  );
  return app.applicationId;
}

describe('log aggregation on the mini cluster', () => {
  it('uploads every container log of an ended application into one TFile per node, then deletes the local logs', async () => {
    cluster = await startMiniCluster({
      nodes: 2,
      heartbeatMs: 50,
      rmConfig: { minimumAllocationMb: 128 },
      yarnSite: { 'yarn.log-aggregation-enable': 'true', 'yarn.nodemanager.log-aggregation.compression-type': 'gz' },
    });
    const c = cluster;
    const appId = await runShell(c, '(echo out-line; echo err-line >&2)');
    const ran = c.nodes.filter((n) => n.containerStates().some((s) => s.id.includes(appId.slice('application_'.length))));
    expect(ran.length).toBeGreaterThan(0);
    await waitFor(() => ran.every((n) => n.logAggregationStatus(appId) === 'SUCCEEDED') || undefined, 'log aggregation', 20_000);
    // The nodes tell the RM in their next heartbeats; its reports (IPC and REST) then say SUCCEEDED.
    await waitFor(async () => (await restLogAggregationStatus(c, appId)) === 'SUCCEEDED' || undefined, 'the RM to report SUCCEEDED');

    const conf = Configuration.load({ confDir: c.confDir, env: {} });
    fs = webHdfsClientFromConf(conf, { user: 'loomtest' });
    const bucketDir = `/tmp/logs/loomtest/bucket-logs-tfile/${appId.slice(-4)}/${appId}`;
    const listing = await fs.listStatus(bucketDir);
    expect(listing.map((s) => s.pathSuffix).sort()).toEqual(ran.map((n) => n.nodeId.replace(':', '_')).sort());
    expect(listing.every((s) => s.permission === '640' && s.owner === 'loomtest')).toBe(true);

    const entries: AggregatedLogEntry[] = [];
    for await (const e of readAggregatedLogs(fs, { appId, user: 'loomtest', settings: remoteAppLogDirSettings(conf) })) entries.push(e);
    const text = (e: AggregatedLogEntry) => new TextDecoder().decode(e.content);
    const containers = new Set(entries.map((e) => e.containerId));
    expect(containers.size).toBe(3);
    expect(entries.filter((e) => e.fileName === 'stdout').map(text)).toEqual(['out-line\n', 'out-line\n']);
    expect(entries.filter((e) => e.fileName === 'stderr').map(text)).toEqual(['err-line\n', 'err-line\n']);
    expect(entries.some((e) => e.fileName === 'am.stdout' && text(e).includes('completed container_'))).toBe(true);
    const printed = new TextDecoder().decode(formatContainerLogFile(entries.find((e) => e.fileName === 'stdout')!));
    expect(printed).toMatch(/^Container: container_\S+ on localhost_\d+\nLogAggregationType: AGGREGATED\n=+\nLogType:stdout\n/);

    // AppLogAggregatorImpl deletes what it uploaded: the application's local log dir is gone.
    for (const n of ran)
      expect(existsSync(join(n.containerLogDir(`container_${appId.slice('application_'.length)}_01_000001`), '..'))).toBe(false);
  });

  it('keeps the local logs and writes nothing to HDFS when log aggregation is off (the default)', async () => {
    cluster = await startMiniCluster({ nodes: 1, heartbeatMs: 50, rmConfig: { minimumAllocationMb: 128 } });
    const c = cluster;
    const appId = await runShell(c, 'echo out-line');
    const node = c.nodes[0];
    const am = `container_${appId.slice('application_'.length)}_01_000001`;
    await waitFor(() => node.containerStates().every((s) => s.state === 'DONE') || undefined, 'containers to end');
    await new Promise((r) => setTimeout(r, 300));
    expect(node.logAggregationStatus(appId)).toBeUndefined();
    expect(await restLogAggregationStatus(c, appId)).toBe('DISABLED');
    expect(existsSync(join(node.containerLogDir(am), 'am.stdout'))).toBe(true);
    fs = webHdfsClientFromConf(Configuration.load({ confDir: c.confDir, env: {} }), { user: 'loomtest' });
    await expect(fs.getFileStatus('/tmp/logs')).rejects.toThrow(/not exist|FileNotFound/i);
  });
});
