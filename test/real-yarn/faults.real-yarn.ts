// Faults on a real YARN, delivered by YARN itself (signalToContainer FORCEFUL_SHUTDOWN: the
// NodeManager SIGKILLs the container's process group) or, for the client, by this test: an AM
// killed mid-job in session and in application mode (the next attempt takes the job over), a
// TaskExecutor killed mid-task (the task runs again elsewhere), and an attached client killed
// mid-run (its cluster ends KILLED once loom.client.heartbeat-timeout has passed). After each:
// the state the scenario expects, and nothing left behind.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHdfsText, runLine } from './journey-kit.js';
import { applicationIdIn, realClusterMissing, ROOT, startRealYarnKit, THREE_JOBS, type RealYarnKit } from './real-yarn-kit.js';

const WAIT_FOR_RELEASE = join(ROOT, 'test', 'real-yarn', 'programs', 'wait-for-release.mjs');
const CLIENT_HEARTBEAT_TIMEOUT_S = 15;
const missing = await realClusterMissing();

describe.skipIf(missing !== undefined)('faults on real YARN', () => {
  let kit: RealYarnKit;
  const summary: string[] = [];
  let n = 0;

  beforeAll(async () => {
    kit = await startRealYarnKit();
  });
  afterAll(async () => {
    console.log(summary.join('\n'));
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- undefined when beforeAll failed before assigning it
    await kit?.stop();
  });

  /** A marks dir and a release path of its own for one scenario. */
  async function scenarioDirs(name: string): Promise<{ marks: string; release: string }> {
    const base = `${kit.home}/faults-${name}-${++n}`;
    await kit.fs.delete(base, { recursive: true, ignoreMissing: true });
    await kit.fs.mkdirs(`${base}/marks`);
    return { marks: `${base}/marks`, release: `${base}/release` };
  }

  async function marks(dir: string): Promise<string[]> {
    return (await kit.fs.listStatus(dir)).map((s) => s.pathSuffix).sort();
  }

  async function untilMarks(dir: string, count: number, what: string): Promise<string[]> {
    return kit.waitFor(
      what,
      async () => {
        const m = await marks(dir);
        return m.length >= count ? m : undefined;
      },
      180_000,
    );
  }

  async function startSession(): Promise<string> {
    const session = await kit.yarnSession(['-d', '-s', '2']);
    expect(session.code, session.stderr).toBe(0);
    return applicationIdIn(/Loom session (application_\d+_\d+) is running/.exec(session.stdout)?.[0] ?? '');
  }

  async function stopSession(appId: string): Promise<void> {
    const stop = await kit.yarnSession(['-id', appId], 'stop\n');
    expect(stop.code, stop.stderr).toBe(0);
    const report = await kit.waitForEnd(appId);
    expect([report.state, report.finalStatus], report.diagnostics).toEqual(['FINISHED', 'SUCCEEDED']);
  }

  /** Kills the current AM through YARN and waits until attempt 2 runs. */
  async function killAm(appId: string): Promise<void> {
    const am = await kit.amContainer(appId);
    await kit.killContainer(am);
    await kit.waitFor(
      `attempt 2 of ${appId}`,
      async () => {
        const r = await kit.report(appId);
        return r.currentAttemptId?.endsWith('_000002') && r.state === 'RUNNING' && r.rpcPort > 0 ? r : undefined;
      },
      180_000,
    );
  }

  it('session: the AM SIGKILLed mid-job; attempt 2 takes the job over and the attached client follows it', async () => {
    const started = Date.now();
    const appId = await startSession();
    const { marks: marksDir, release } = await scenarioDirs('session-am');
    const client = kit.spawnLoom(['run', '-c', 'markAndWait', '-p', '2', WAIT_FOR_RELEASE, marksDir, release]);
    await untilMarks(marksDir, 2, 'both tasks to run');
    await killAm(appId);
    await kit.fs.create(release, Buffer.from('go'));
    const done = await client.exited;
    expect(done.code, `${done.stdout}\n${done.stderr}`).toBe(0);
    expect(done.stderr).toMatch(/the ApplicationMaster (moved to|answers again at) .* \(attempt 2\)/);
    expect((JSON.parse(done.stdout) as { index: number }[]).map((r) => r.index)).toEqual([0, 1]);
    await stopSession(appId);
    await kit.expectClean();
    summary.push(runLine('session, AM killed', 1, started, appId, 'FINISHED/SUCCEEDED'));
  });

  it('application mode: the AM SIGKILLed during job 2; attempt 2 does not run job 1 again and the application SUCCEEDS', async () => {
    const started = Date.now();
    const { marks: marksDir, release } = await scenarioDirs('application-am');
    const submitted = await kit.loom(['run-application', '-t', 'yarn-application', THREE_JOBS, marksDir, release, '2']);
    expect(submitted.code, submitted.stderr).toBe(0);
    const appId = applicationIdIn(submitted.stdout);
    await kit.waitFor(
      'job 2 to run',
      async () => ((await marks(marksDir)).filter((m) => m.startsWith('job2-')).length >= 2 ? true : undefined),
      180_000,
    );
    await killAm(appId);
    await kit.fs.create(release, Buffer.from('go'));
    const report = await kit.waitForEnd(appId, 300_000);
    expect([report.state, report.finalStatus], report.diagnostics).toEqual(['FINISHED', 'SUCCEEDED']);
    const all = await marks(marksDir);
    expect(all.filter((m) => m.startsWith('job1-'))).toHaveLength(2);
    expect(all.filter((m) => m.startsWith('job3-'))).toHaveLength(2);
    expect(JSON.parse(await readHdfsText(kit, `${marksDir}/main-results.json`))).toHaveLength(3);
    await kit.expectClean();
    summary.push(runLine('application, AM killed', 1, started, appId, `${report.state}/${report.finalStatus}`));
  });

  it('session: a TaskExecutor SIGKILLed mid-task; its task runs again and the job FINISHES', async () => {
    const started = Date.now();
    const appId = await startSession();
    const { marks: marksDir, release } = await scenarioDirs('taskexecutor');
    const client = kit.spawnLoom(['run', '-c', 'markAndWait', '-p', '2', WAIT_FOR_RELEASE, marksDir, release]);
    await untilMarks(marksDir, 2, 'both tasks to run');
    const executors = await kit.waitFor('a TaskExecutor container', async () => {
      const ids = await kit.taskExecutorContainers(appId);
      return ids.length > 0 ? ids : undefined;
    });
    await kit.killContainer(executors[0]);
    // The lost task runs again: a third mark, from attempt 2 of one task.
    const after = await untilMarks(marksDir, 3, 'the lost task to run again');
    expect(after.some((m) => m.includes('-attempt2-'))).toBe(true);
    await kit.fs.create(release, Buffer.from('go'));
    const done = await client.exited;
    expect(done.code, `${done.stdout}\n${done.stderr}`).toBe(0);
    await stopSession(appId);
    await kit.expectClean();
    summary.push(runLine('session, TaskExecutor killed', 1, started, appId, 'FINISHED/SUCCEEDED'));
  });

  it(`per-job: the attached client SIGKILLed mid-run; the cluster ends KILLED after loom.client.heartbeat-timeout (${CLIENT_HEARTBEAT_TIMEOUT_S} s)`, async () => {
    const started = Date.now();
    const { marks: marksDir, release } = await scenarioDirs('client');
    const client = kit.spawnLoom([
      'run',
      '-t',
      'yarn-per-job',
      '-D',
      `loom.client.heartbeat-timeout=${CLIENT_HEARTBEAT_TIMEOUT_S}s`,
      '-p',
      '2',
      WAIT_FOR_RELEASE,
      marksDir,
      release,
    ]);
    const appId = await kit.waitFor(
      'the per-job application id',
      () => /runs in its own cluster (application_\d+_\d+)/.exec(client.stderr() + client.stdout())?.[1],
      180_000,
    );
    await untilMarks(marksDir, 2, 'both tasks to run');
    client.child.kill('SIGKILL');
    const killedAt = Date.now();
    await client.exited;
    const report = await kit.waitForEnd(appId, (CLIENT_HEARTBEAT_TIMEOUT_S + 60) * 1000);
    const endedAfterS = (Date.now() - killedAt) / 1000;
    // The AM unregisters with final status KILLED: YARN's state is FINISHED, its final status KILLED.
    expect([report.state, report.finalStatus], report.diagnostics).toEqual(['FINISHED', 'KILLED']);
    expect(report.diagnostics).toContain('the attached client went silent');
    // Counted from the client's last heartbeat (it came before the kill), never earlier.
    const silentFor = Number(/its last lease heartbeat came at \S+, ([\d.]+) s ago/.exec(report.diagnostics)?.[1]);
    expect(silentFor).toBeGreaterThanOrEqual(CLIENT_HEARTBEAT_TIMEOUT_S);
    expect(endedAfterS).toBeLessThanOrEqual(CLIENT_HEARTBEAT_TIMEOUT_S + 30);
    await kit.expectClean();
    summary.push(
      runLine(
        `per-job, client killed (ended ${endedAfterS.toFixed(1)} s after the kill)`,
        1,
        started,
        appId,
        `${report.state}/${report.finalStatus}`,
      ),
    );
  });
});
