// The distributed-shell pattern end to end: Loom's YarnClient submits an AM that is a real node
// process built on Loom's AMRMClient and NMClient (minicluster/distributed-shell/, compiled into
// dist/ by `npm test`); it asks for 3 containers, runs a shell command in each, collects the exit
// codes and unregisters.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Configuration } from '../../../client/conf/configuration.js';
import { buildContainerLaunchContext } from '../../../client/hadoop/yarn/container-launch-context.js';
import { YarnClient } from '../../../client/hadoop/yarn/yarn-client.js';
import { startMiniCluster, type MiniCluster } from '../../../minicluster/mini-cluster.js';
import { amContainerOf, waitFor } from '../mini-cluster-kit.js';

const AM_SCRIPT = resolve(__dirname, '../../../dist/minicluster/distributed-shell/distributed-shell-am.js');

let cluster: MiniCluster | undefined;
let yarn: YarnClient | undefined;
afterEach(async () => {
  await yarn?.close();
  await cluster?.stop();
  yarn = undefined;
  cluster = undefined;
});

describe('distributed shell on the mini cluster', () => {
  it('an AM on AMRMClient + NMClient runs a command in 3 containers; the app ends FINISHED/SUCCEEDED with the outputs in the log dirs', async () => {
    cluster = await startMiniCluster({ nodes: 2, heartbeatMs: 50, rmConfig: { minimumAllocationMb: 128 } });
    const c = cluster;
    yarn = YarnClient.createFromConf(Configuration.load({ confDir: c.confDir, env: {} }), { user: 'loomtest' });
    const app = await yarn.getNewApplication();
    await yarn.submitApplication({
      applicationId: app.applicationId,
      name: 'loom-distributed-shell',
      // node's idle VmSize (~0.7 GiB) needs 512 MiB under the vmem check (2.1 x).
      amResource: { memoryMb: 512, vcores: 1 },
      amContainer: buildContainerLaunchContext({
        commands: [
          `${process.execPath} ${AM_SCRIPT} --command 'echo hello-from-ds-task' --containers 3 --memory 128 1><LOG_DIR>/am.stdout 2><LOG_DIR>/am.stderr`,
        ],
      }),
      maxAppAttempts: 1,
    });
    const am = await waitFor(() => amContainerOf(c, app.applicationId), 'the AM container');
    const amNode = c.nodes.find((n) => n.nodeId === am.nodeId)!;

    const report = await waitFor(
      async () => {
        const r = await yarn!.getApplicationReport(app.applicationId);
        return ['FINISHED', 'FAILED', 'KILLED'].includes(r.state) ? r : undefined;
      },
      'the application to end',
      30_000,
    );
    const amStdout = await readFile(join(amNode.containerLogDir(am.containerId), 'am.stdout'), 'utf8');
    const amStderr = await readFile(join(amNode.containerLogDir(am.containerId), 'am.stderr'), 'utf8');
    expect({ state: report.state, finalStatus: report.finalStatus, amStderr }).toEqual({
      state: 'FINISHED',
      finalStatus: 'SUCCEEDED',
      amStderr: '',
    });
    expect(report.diagnostics).toBe('all 3 containers exited 0');

    const completed = [...amStdout.matchAll(/^completed (container_\S+) exit (-?\d+)$/gm)].map((m) => [m[1], Number(m[2])] as const);
    expect(completed).toHaveLength(3);
    for (const [id, code] of completed) {
      expect(code).toBe(0);
      const node = c.nodes.find((n) => n.containerStates().some((s) => s.id === id))!;
      expect(await readFile(join(node.containerLogDir(id), 'stdout'), 'utf8')).toBe('hello-from-ds-task\n');
    }
    // The AM ran as its own process in its container: after unregistering it exits 0 and the RM's
    // application leaves FINISHING (reported as FINISHED already) for FINISHED.
    await waitFor(() => amNode.containerStates().find((s) => s.id === am.containerId && s.state === 'DONE'), 'the AM process to exit');
    expect(amNode.containerStates().find((s) => s.id === am.containerId)!.exitStatus).toBe(0);
    await waitFor(() => c.resourceManager.core.appRecord(app.applicationId).state === 'FINISHED', 'FINISHING -> FINISHED');
  });
});
