import { afterEach, describe, expect, it } from 'vitest';
import { APPLICATION_CLIENT_PROTOCOL } from '../../../../client/wire/codec/hadoop-protocols.js';
import { RemoteException, STANDBY_EXCEPTION } from '../../../../client/wire/ipc/remote-exception.js';
import { RpcServer } from '../../../../minicluster/ipc/rpc-server.js';
import { RpcServerException } from '../../../../minicluster/ipc/rpc-server-exception.js';
import { buildContainerLaunchContext } from '../../../../client/hadoop/yarn/container-launch-context.js';
import { YarnClientError } from '../../../../client/hadoop/yarn/yarn-client-errors.js';
import { YarnClient, type ApplicationSubmission } from '../../../../client/hadoop/yarn/yarn-client.js';
import { confWith } from '../../conf/temp-conf-dir.js';
import { CLUSTER_TS, rmConfValues, startMiniRm, type MiniRm } from './mini-rm-harness.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (stops.length) await stops.pop()!();
});

async function miniRm(): Promise<MiniRm> {
  const rm = await startMiniRm();
  stops.push(() => rm.stop());
  return rm;
}

function yarnClient(values: Record<string, string>, user = 'alice'): YarnClient {
  const client = YarnClient.createFromConf(confWith(values), { user });
  stops.push(() => client.close());
  return client;
}

function submission(applicationId: string, extra: Partial<ApplicationSubmission> = {}): ApplicationSubmission {
  return {
    applicationId,
    name: 'first',
    type: 'LOOM',
    tags: ['Team-A'],
    amResource: { memoryMb: 512, vcores: 1 },
    amContainer: buildContainerLaunchContext({ commands: ['sleep 1'], environment: { LOOM_MODE: 'session' } }),
    ...extra,
  };
}

describe('YarnClient against the mini RM over TCP', () => {
  it('submits, reports, lists with state/type/tag filters and kills', async () => {
    const rm = await miniRm();
    const yc = yarnClient(rmConfValues(rm));

    const first = await yc.getNewApplication();
    expect(first.applicationId).toBe(`application_${CLUSTER_TS}_0001`);
    expect(first.maximumCapability).toEqual({ memoryMb: 8192, vcores: 4 });
    const submitted = await yc.submitApplication(submission(first.applicationId, { maxAppAttempts: 1 }));
    // submit returns once the application left NEW/NEW_SAVING/SUBMITTED
    expect(submitted).toMatchObject({
      applicationId: first.applicationId,
      state: 'ACCEPTED',
      user: 'alice',
      name: 'first',
      applicationType: 'LOOM',
      queue: 'default',
    });
    // what arrived on the wire is what the builder made
    const stored = rm.core.appRecord(first.applicationId);
    expect((stored.amContainerSpec as any).environment).toEqual([{ key: 'LOOM_MODE', value: 'session' }]);
    expect((stored.amContainerSpec as any).command).toEqual(['sleep 1']);
    expect(stored.applicationTags).toEqual(['Team-A']);

    const second = await yc.getNewApplication();
    await yc.submitApplication(submission(second.applicationId, { name: 'second', type: 'OTHER', tags: [] }));

    // the first one's AM comes up and registers: RUNNING
    rm.core.nodeHeartbeat(rm.nodeId);
    const launch = rm.core.takeAmLaunches()[0];
    expect(launch).toBeDefined();
    const attempt = rm.core.appRecord(first.applicationId).attempts[0];
    rm.core.amContainerLaunched(attempt.amContainerId!);
    rm.core.registerApplicationMaster(attempt.id, { host: 'am-host', rpc_port: 4040, tracking_url: 'http://am-host:4040/' });

    const report = await yc.getApplicationReport(first.applicationId);
    expect(report).toMatchObject({
      state: 'RUNNING',
      finalStatus: 'UNDEFINED',
      host: 'am-host',
      rpcPort: 4040,
      originalTrackingUrl: 'http://am-host:4040/',
    });
    expect(report.currentAttemptId).toBe(attempt.id);

    const ids = (list: { applicationId: string }[]) => list.map((a) => a.applicationId).sort();
    expect(ids(await yc.getApplications())).toEqual([first.applicationId, second.applicationId]);
    expect(ids(await yc.getApplications({ states: ['RUNNING'] }))).toEqual([first.applicationId]);
    expect(ids(await yc.getApplications({ states: ['ACCEPTED'] }))).toEqual([second.applicationId]);
    expect(ids(await yc.getApplications({ types: ['OTHER'] }))).toEqual([second.applicationId]);
    expect(ids(await yc.getApplications({ states: ['ACCEPTED'], types: ['LOOM'] }))).toEqual([]);
    expect(ids(await yc.getApplications({ tags: ['team-a'] }))).toEqual([first.applicationId]);

    await yc.killApplication(first.applicationId);
    const killed = await yc.getApplicationReport(first.applicationId);
    expect(killed).toMatchObject({ state: 'KILLED', finalStatus: 'KILLED' });
    expect(killed.diagnostics).toContain('alice');
    expect(ids(await yc.getApplications({ states: ['KILLED'] }))).toEqual([first.applicationId]);
  });

  it("surfaces ApplicationNotFoundException with Hadoop's class name, and a failed submission with the RM's diagnostics", async () => {
    const rm = await miniRm();
    const yc = yarnClient(rmConfValues(rm));
    const missing = `application_${CLUSTER_TS}_0099`;
    const err = await yc.getApplicationReport(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteException);
    expect(err).toMatchObject({ className: 'org.apache.hadoop.yarn.exceptions.ApplicationNotFoundException' });
    expect((err as RemoteException).remoteMessage).toContain(missing);
    await expect(yc.killApplication(missing)).rejects.toMatchObject({ simpleClassName: 'ApplicationNotFoundException' });

    const app = await yc.getNewApplication();
    const failed = await yc.submitApplication(submission(app.applicationId, { queue: 'nosuchqueue' })).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(YarnClientError);
    expect((failed as Error).message).toMatch(new RegExp(`^Failed to submit ${app.applicationId} to YARN : .*nosuchqueue`));

    await expect(yc.getApplicationReport('application_x')).rejects.toThrow(/not a YARN application id/);
  });

  it('reads cluster metrics, node reports and queue info', async () => {
    const rm = await miniRm();
    const yc = yarnClient(rmConfValues(rm));
    expect((await yc.getClusterMetrics()).numNodeManagers).toBe(1);
    const nodes = await yc.getNodeReports(['RUNNING']);
    expect(nodes).toHaveLength(1);
    expect(nodes[0]).toMatchObject({
      nodeId: rm.nodeId,
      state: 'RUNNING',
      httpAddress: 'localhost:8042',
      capability: { memoryMb: 8192, vcores: 8 },
    });
    expect(await yc.getNodeReports(['LOST'])).toEqual([]);
    const queue = await yc.getQueueInfo('default');
    expect(queue).toMatchObject({ queueName: 'default', state: 'RUNNING', capacity: 1, maximumCapacity: 1 });
    await expect(yc.getQueueInfo('nope')).rejects.toMatchObject({ className: 'java.io.IOException' });
  });
});

describe('YarnClient with ResourceManager HA', () => {
  /** An RM in standby: every method answers StandbyException, as Hadoop's standby RM does. */
  async function standbyRm(): Promise<{ port: number; calls: string[] }> {
    const calls: string[] = [];
    const handlers = Object.fromEntries(
      Object.keys(APPLICATION_CLIENT_PROTOCOL.methods).map((m) => [
        m,
        async () => {
          calls.push(m);
          throw new RpcServerException(STANDBY_EXCEPTION, 'Operation category READ is not supported in state standby', 'ERROR_APPLICATION');
        },
      ]),
    );
    const server = new RpcServer({
      host: '127.0.0.1',
      port: 0,
      protocols: [{ protocol: APPLICATION_CLIENT_PROTOCOL, handlers }],
      auth: { simple: true },
    });
    const { port } = await server.listen();
    stops.push(() => server.close());
    return { port, calls };
  }

  function haConf(first: number, second: number): Record<string, string> {
    return {
      'yarn.resourcemanager.ha.enabled': 'true',
      'yarn.resourcemanager.ha.rm-ids': 'rm1,rm2',
      'yarn.resourcemanager.address.rm1': `127.0.0.1:${first}`,
      'yarn.resourcemanager.address.rm2': `127.0.0.1:${second}`,
      'yarn.client.failover-sleep-base-ms': '20',
      'yarn.client.failover-sleep-max-ms': '40',
      'yarn.client.failover-max-attempts': '6',
    };
  }

  it('fails over from a standby RM to the active one and stays there', async () => {
    const standby = await standbyRm();
    const active = await miniRm();
    const yc = yarnClient(haConf(standby.port, active.clientPort));
    const app = await yc.getNewApplication();
    expect(standby.calls).toEqual(['getNewApplication']);
    expect(yc.activeResourceManager).toBe(1);
    await yc.submitApplication(submission(app.applicationId));
    expect(active.core.appRecord(app.applicationId).user).toBe('alice');
    expect((await yc.getApplications()).map((a) => a.applicationId)).toEqual([app.applicationId]);
    expect(standby.calls).toEqual(['getNewApplication']);
  });

  it('fails over past an RM that refuses connections, and reports when every RM is down', async () => {
    const dead = await standbyRm();
    const deadPort = dead.port;
    await stops.pop()!(); // close it: connections to its port are now refused
    const active = await miniRm();
    const yc = yarnClient(haConf(deadPort, active.clientPort));
    expect((await yc.getClusterMetrics()).numNodeManagers).toBe(1);
    expect(yc.activeResourceManager).toBe(1);

    const nowhere = yarnClient(haConf(deadPort, deadPort));
    await expect(nowhere.getClusterMetrics()).rejects.toThrow(
      new RegExp(
        `cannot reach the ResourceManager at 127\\.0\\.0\\.1:${deadPort} and 127\\.0\\.0\\.1:${deadPort} \\(connection refused\\) after 6 attempt\\(s\\).*yarn\\.client\\.failover-max-attempts=6`,
      ),
    );
  });
});
