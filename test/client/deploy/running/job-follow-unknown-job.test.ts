// A client follows a job whose id it chose (per-job mode, session submissions with ?jobid=): a
// 404 from the AM for that id is never a reason to give the cluster up by itself. While YARN
// reports the application RUNNING the client asks again (one line says so); when the application
// has ended, YARN's final status and diagnostics are the answer; after the recovery timeout it
// gives up naming the setting. The AM is a real DispatcherServer over a fake cluster control whose
// job appears when the test says.
import { afterEach, describe, expect, it } from 'vitest';
import { ApplicationEndedError } from '../../../../client/deploy/running/application-waiter.js';
import { DispatcherClient, DispatcherError } from '../../../../client/deploy/running/dispatcher-client.js';
import { waitForJobAcrossAttempts, type FollowedCluster } from '../../../../client/deploy/running/job-follow.js';
import type { ApplicationReport } from '../../../../client/hadoop/yarn/cluster-reports.js';
import { DispatcherKit } from '../../../appmaster/dispatcher/dispatcher-kit.js';

const APP = 'application_1700000000000_0009';
const JOB = 'cd'.repeat(16);
const spec = {
  bundle: { url: 'hdfs://nn/wc.mjs', kind: 'file' as const, size: 1, modificationTime: 1 },
  exportName: 'count',
  parallelism: 2,
  args: [],
};

const kit = new DispatcherKit();
afterEach(() => kit.stopAll());

function report(over: Partial<ApplicationReport>): ApplicationReport {
  const base = {
    applicationId: APP,
    host: '127.0.0.1',
    rpcPort: 1,
    state: 'RUNNING',
    finalStatus: 'UNDEFINED',
    diagnostics: '',
    trackingUrl: '',
    currentAttemptId: undefined,
  };
  return { ...base, ...over } as ApplicationReport;
}

async function clusterWith(reportNow: () => ApplicationReport) {
  const am = await kit.start();
  const cluster: FollowedCluster & { reports: number } = {
    applicationId: APP,
    secret: am.secret,
    restUrl: am.baseUrl,
    reports: 0,
    dispatcher: new DispatcherClient({ baseUrl: am.baseUrl, secret: am.secret }),
    async report() {
      cluster.reports++;
      return reportNow();
    },
  };
  return { am, cluster };
}

describe('following a job the AM does not know (yet)', () => {
  it('asks again while the application runs and follows the job once the AM has it', async () => {
    const { am, cluster } = await clusterWith(() => report({}));
    const logs: string[] = [];
    const following = waitForJobAcrossAttempts(cluster, JOB, { recoveryTimeoutMs: 20_000, pollMs: 20, log: (l) => logs.push(l) });
    // The AM learns the job only after the client has been told 404 a few times.
    while (cluster.reports < 3) await new Promise((r) => setTimeout(r, 10));
    await am.control.submitJob(spec, { id: JOB });
    am.control.finishJob(JOB);
    const job = await following;
    expect(job).toMatchObject({ id: JOB, state: 'FINISHED', results: [0, 10] });
    expect(logs).toEqual([`the ApplicationMaster of ${APP} does not know job ${JOB} yet; waiting up to 20 s for it`]);
  });

  it('answers with the final status and diagnostics when the application ended without the job', async () => {
    const diagnostics = `job ${JOB} could not be submitted: the job could not be recorded in the HA store`;
    const { cluster } = await clusterWith(() => report({ state: 'FINISHED', finalStatus: 'FAILED', diagnostics }));
    const err = await waitForJobAcrossAttempts(cluster, JOB, { recoveryTimeoutMs: 20_000, pollMs: 20 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationEndedError);
    expect((err as Error).message).toContain(`application ${APP} ended FINISHED/FAILED while waiting for job ${JOB}`);
    expect((err as Error).message).toContain(diagnostics);
  });

  it('gives up after the recovery timeout while the application runs, naming the setting', async () => {
    const { cluster } = await clusterWith(() => report({}));
    const started = Date.now();
    const err = await waitForJobAcrossAttempts(cluster, JOB, { recoveryTimeoutMs: 300, pollMs: 20 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(err).toBeInstanceOf(DispatcherError);
    expect((err as DispatcherError).status).toBe(404);
    expect((err as Error).message).toMatch(
      new RegExp(`has not known job ${JOB} for \\d+ s .*has no job ${JOB}.*the application is RUNNING.*loom\\.client\\.heartbeat-timeout`),
    );
  });
});
