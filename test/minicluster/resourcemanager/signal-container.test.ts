// `yarn container -signal` against the mini cluster, as ClientRMService and the NodeManager do
// it: the RM accepts a signal for a live container of a known application and hands it to the
// container's node on its next heartbeat; the NM sends the matching POSIX signal to the
// container's process group (FORCEFUL_SHUTDOWN: SIGKILL, so the AM's attempt ends with exit 137).
// Anything else is "Trying to signal an absent container". The real-YARN suite delivers its
// faults this way, so the same scenarios run on the mini cluster.
import { afterEach, describe, expect, it } from 'vitest';
import { Configuration } from '../../../client/conf/configuration.js';
import { YarnClient } from '../../../client/hadoop/yarn/yarn-client.js';
import { AM_LAUNCHED_WAITING_FOR_REGISTER } from '../../../minicluster/resourcemanager/rm-diagnostics.js';
import { amContainerOf, commandOf, startClusterWithClients, submitAm, USER, waitFor, waitForState } from '../mini-cluster-kit.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (stops.length) await stops.pop()!().catch(() => undefined);
});

describe('signalToContainer', () => {
  it('FORCEFUL_SHUTDOWN reaches the container on its next node heartbeat as SIGKILL; an absent container is refused', async () => {
    const { c, k } = await startClusterWithClients({ nodes: 1, heartbeatMs: 40, rmConfig: { minimumAllocationMb: 128 } }, stops);
    const yarn = YarnClient.createFromConf(Configuration.load({ confDir: c.confDir }), { user: USER });
    stops.push(() => yarn.close());
    const appId = await submitAm(k.rm, { command: 'exec sleep 600' });
    await waitFor(
      async () => ((await waitForState(k.rm, appId, ['ACCEPTED'])).diagnostics === AM_LAUNCHED_WAITING_FOR_REGISTER ? true : undefined),
      'the AM to be launched',
    );
    const am = amContainerOf(c, appId)!;
    // As on a NodeManager, a container whose process has not started yet is not signalled, and until
    // the session leader has exec'd the command its process group may not exist (the pid file comes
    // before `exec setsid`): wait for the command itself.
    await waitFor(() => {
      const pid = c.nodes[0].livePids().get(am.containerId);
      return pid !== undefined && commandOf(pid) === 'sleep';
    }, "the AM container's command");

    await yarn.signalToContainer(am.containerId, 'FORCEFUL_SHUTDOWN');
    const report = await waitForState(k.rm, appId, ['FAILED']);
    expect(report.diagnostics).toContain(
      `AM Container for ${appId.replace('application_', 'appattempt_')}_000001 exited with  exitCode: 137`,
    );

    const gone = yarn.signalToContainer(am.containerId, 'FORCEFUL_SHUTDOWN');
    await expect(gone).rejects.toMatchObject({ className: 'org.apache.hadoop.yarn.exceptions.YarnException' });
    await expect(gone).rejects.toThrow(`Trying to signal an absent container ${am.containerId}`);
    await expect(yarn.signalToContainer('container_1_0099_01_000001', 'GRACEFUL_SHUTDOWN')).rejects.toThrow(
      'Trying to signal an absent container container_1_0099_01_000001',
    );
  });
});
