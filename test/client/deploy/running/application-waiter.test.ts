import { describe, expect, it } from 'vitest';
import {
  ApplicationEndedError,
  ApplicationWaitTimeoutError,
  waitUntilAmRegistered,
  waitUntilRestReady,
} from '../../../../client/deploy/running/application-waiter.js';
import { amFailureHints } from '../../../../client/deploy/submit/am-failure-hints.js';
import { rejectionOf } from '../../../support/rejection-of.js';
import type { ApplicationReport } from '../../../../client/hadoop/yarn/cluster-reports.js';

const APP = 'application_1_0001';

function report(over: Partial<ApplicationReport>): ApplicationReport {
  return {
    applicationId: APP,
    currentAttemptId: undefined,
    user: 'alice',
    queue: 'default',
    name: 'loom',
    host: 'N/A',
    rpcPort: -1,
    state: 'ACCEPTED',
    finalStatus: 'UNDEFINED',
    trackingUrl: `http://localhost:8088/proxy/${APP}/`,
    originalTrackingUrl: 'N/A',
    diagnostics: '',
    startTime: 0,
    finishTime: 0,
    launchTime: 0,
    submitTime: 0,
    progress: 0,
    applicationType: 'Loom',
    applicationTags: [],
    priority: 0,
    unmanaged: false,
    logAggregationStatus: undefined,
    appNodeLabelExpression: undefined,
    amNodeLabelExpression: undefined,
    resourceUsage: undefined,
    timeouts: [],
    amRmToken: undefined,
    clientToAmToken: undefined,
    ...over,
  };
}

/** Reports in order, the last one repeated. */
function sequence(...reports: ApplicationReport[]): () => Promise<ApplicationReport> {
  let i = 0;
  return async () => reports[Math.min(i++, reports.length - 1)];
}

describe('waiting for a submitted application', () => {
  it('resolves once RUNNING with a registered host and port, telling each state once', async () => {
    const states: string[] = [];
    const r = await waitUntilAmRegistered({
      applicationId: APP,
      report: sequence(
        report({}),
        report({}),
        report({ state: 'RUNNING' }),
        report({ state: 'RUNNING', host: '127.0.0.1', rpcPort: 4321 }),
      ),
      timeoutMs: 5000,
      pollMs: 1,
      onState: (s) => states.push(s),
    });
    expect(r.rpcPort).toBe(4321);
    expect(states).toEqual(['ACCEPTED', 'RUNNING']);
  });

  it("fails with YARN's diagnostics when the application ends first", async () => {
    const failed = report({
      state: 'FAILED',
      finalStatus: 'FAILED',
      diagnostics: 'AM Container exited with  exitCode: 3\nLast 4096 bytes of appmaster.stderr :\nboom',
    });
    const err = await rejectionOf(
      waitUntilAmRegistered({ applicationId: APP, report: sequence(report({}), failed), timeoutMs: 5000, pollMs: 1 }),
    );
    expect(err).toBeInstanceOf(ApplicationEndedError);
    expect(err.message).toMatch(
      /^application application_1_0001 ended FAILED\/FAILED while waiting for its ApplicationMaster to register:\nAM Container/,
    );
    expect(err.message).toContain('boom');
    const killed = await rejectionOf(
      waitUntilAmRegistered({
        applicationId: APP,
        report: sequence(report({ state: 'KILLED', finalStatus: 'KILLED' })),
        timeoutMs: 5000,
      }),
    );
    expect(killed.message).toMatch(/ended KILLED\/KILLED .*\(YARN gave no diagnostics\)/);
  });

  it('adds a hint for a node that needs a newer glibc than the nodes have (CentOS 7), shaped as the recorded failed-app diagnostics', async () => {
    const loader = (lib: string, v: string) => `./loom-node: /lib64/${lib}: version \`${v}' not found (required by ./loom-node)`;
    const stderrTail = [loader('libm.so.6', 'GLIBC_2.27'), loader('libc.so.6', 'GLIBC_2.28'), loader('libc.so.6', 'GLIBC_2.25')].join('\n');
    const attempt = (n: number) =>
      `[2026-11-23 19:13:10.137]Exception from container-launch.\nContainer id: container_1795460840938_0009_0${n}_000001\nExit code: 1\n\n` +
      `[2026-11-23 19:13:10.141]Container exited with a non-zero exit code 1. Error file: prelaunch.err.\nLast 4096 bytes of prelaunch.err :\n` +
      `Last 4096 bytes of appmaster.stderr :\n${stderrTail}\n\n`;
    const diagnostics =
      `Application ${APP} failed 2 times due to AM Container for appattempt_1795460840938_0009_000002 exited with  exitCode: 1\n` +
      `Failing this attempt.Diagnostics: ${attempt(2)}${attempt(2)}For more detailed output, check the application tracking page: http://localhost:8088/cluster/app/${APP} Then click on links to logs of each attempt.\n. Failing the application.`;
    const err = await rejectionOf(
      waitUntilAmRegistered({
        applicationId: APP,
        report: async () => report({ state: 'FAILED', finalStatus: 'FAILED', diagnostics }),
        timeoutMs: 1000,
      }),
    );
    expect(err).toBeInstanceOf(ApplicationEndedError);
    const hints = err.message.split('\n').filter((l) => l.startsWith('Hint: '));
    expect(hints).toHaveLength(1);
    expect(hints[0]).toContain('GLIBC_2.28 not found');
    expect(hints[0]).toMatch(/-Dloom\.node\.binary=<path>.*linux-x64-glibc-217.*-Dloom\.node\.path=<path>/);
    expect(amFailureHints('AM Container exited with  exitCode: 3\nboom')).toEqual([]);
  });

  it('adds a hint for a container YARN killed for its virtual memory', () => {
    const hints = amFailureHints(
      "exited with  exitCode: -103\nFailing this attempt.Diagnostics: [2026-11-29 22:32:45.167]Container [pid=1,containerID=container_1_0001_01_000001] is running 1B beyond the 'VIRTUAL' memory limit.",
    );
    expect(hints).toHaveLength(1);
    expect(hints[0]).toMatch(/at least 512m \(-jm/);
  });

  it('times out naming the state and where to look', async () => {
    const err = await rejectionOf(waitUntilAmRegistered({ applicationId: APP, report: sequence(report({})), timeoutMs: 20, pollMs: 5 }));
    expect(err).toBeInstanceOf(ApplicationWaitTimeoutError);
    expect(err.message).toMatch(
      /still ACCEPTED after 0 s of waiting for its ApplicationMaster to register \(is the queue full.*see http:\/\/localhost:8088\/proxy/,
    );
  });

  it('waits for the REST endpoint, and fails if the application dies meanwhile', async () => {
    const running = report({ state: 'RUNNING', host: '127.0.0.1', rpcPort: 4321 });
    let tries = 0;
    const ok = await waitUntilRestReady({
      applicationId: APP,
      report: sequence(running),
      timeoutMs: 5000,
      pollMs: 1,
      ready: async () => ++tries >= 3,
    });
    expect(ok.rpcPort).toBe(4321);
    expect(tries).toBe(3);
    const died = await rejectionOf(
      waitUntilRestReady({
        applicationId: APP,
        report: sequence(running, report({ state: 'FAILED', finalStatus: 'FAILED', diagnostics: 'gone' })),
        timeoutMs: 5000,
        pollMs: 1,
        ready: async () => false,
      }),
    );
    expect(died.message).toMatch(/while waiting for its REST endpoint to answer:\ngone/);
  });
});
