// Following a job when its AM stops answering, without a cluster: the REST address is a port
// nobody listens on (connection refused) and the application report is scripted. An application
// that ended meanwhile fails the follow with YARN's final status and diagnostics; one that never
// serves again fails after the recovery timeout, saying how to wait longer.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AmRecoveryTimeoutError } from '../../../../client/deploy/running/am-locator.js';
import { ApplicationEndedError } from '../../../../client/deploy/running/application-waiter.js';
import { DispatcherClient } from '../../../../client/deploy/running/dispatcher-client.js';
import { waitForJobAcrossAttempts, type FollowedCluster } from '../../../../client/deploy/running/job-follow.js';
import type { ApplicationReport } from '../../../../client/hadoop/yarn/cluster-reports.js';

const APP = 'application_1700000000000_0007';
const JOB = 'ab'.repeat(16);

/** A port that was free a moment ago: connecting to it is refused. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The fields locating reads; the rest of a report does not matter here. */
function report(over: Partial<ApplicationReport>): ApplicationReport {
  const base = {
    applicationId: APP,
    host: 'N/A',
    rpcPort: -1,
    state: 'RUNNING',
    finalStatus: 'UNDEFINED',
    diagnostics: '',
    trackingUrl: '',
    currentAttemptId: undefined,
  };
  return { ...base, ...over } as ApplicationReport;
}

async function lostCluster(reports: ApplicationReport[]): Promise<FollowedCluster & { asked: number }> {
  const restUrl = `http://127.0.0.1:${await deadPort()}`;
  const cluster = {
    applicationId: APP,
    secret: 'not-used',
    restUrl,
    asked: 0,
    dispatcher: new DispatcherClient({ baseUrl: restUrl, secret: 'not-used', requestTimeoutMs: 2_000 }),
    async report() {
      const r = reports[Math.min(cluster.asked, reports.length - 1)];
      cluster.asked++;
      return r;
    },
  };
  return cluster;
}

describe('following a job whose AM stopped answering', () => {
  it('fails with the final status and diagnostics when the application ended meanwhile', async () => {
    const diagnostics =
      'Application application_1700000000000_0007 failed 2 times due to AM Container for appattempt_1700000000000_0007_000002 exited with exitCode: 137';
    const cluster = await lostCluster([report({ state: 'ACCEPTED' }), report({ state: 'FAILED', finalStatus: 'FAILED', diagnostics })]);
    const logs: string[] = [];
    const err = await waitForJobAcrossAttempts(cluster, JOB, { recoveryTimeoutMs: 10_000, log: (l) => logs.push(l) }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApplicationEndedError);
    const message = (err as Error).message;
    expect(message).toContain(`application ${APP} ended FAILED/FAILED while waiting for job ${JOB}`);
    expect(message).toContain('connection refused');
    expect(message).toContain(diagnostics);
    expect(cluster.asked).toBe(2);
    // the one retry in between is reported as every server's are, with the setting that bounds it
    expect(logs).toEqual([
      `Retrying connect to the Loom dispatcher at ${cluster.restUrl.slice('http://'.length)} (connection refused). Already tried 1 time(s); retrying in 0.3 s, for as long as loom.client.heartbeat-timeout=10s allows`,
    ]);
  });

  it('gives up after the recovery timeout when no attempt serves, naming the setting', async () => {
    const cluster = await lostCluster([report({ state: 'RUNNING' })]);
    // 1.4 s (still "within 1 s" in the message): the locator polls every 250 ms, so even a first
    // look slowed down on a loaded machine leaves room for the second one the test counts.
    const err = await waitForJobAcrossAttempts(cluster, JOB, { recoveryTimeoutMs: 1400 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AmRecoveryTimeoutError);
    expect((err as Error).message).toMatch(
      /found none answering within 1 s \(application RUNNING; last: YARN reports no ApplicationMaster address/,
    );
    expect((err as Error).message).toContain('loom.client.heartbeat-timeout');
    expect(cluster.asked).toBeGreaterThan(1);
  });
});
