// One rule for an attached client that goes away (Ctrl+C, SIGTERM, SIGHUP, its output closed),
// with real processes on the mini cluster, for every attached form: the running job is cancelled,
// a per-job or application cluster is stopped (KILLED; SUCCEEDED when its job had FINISHED), one
// line on stderr says what was done, and the client exits with 128 + the signal (141 for a closed
// pipe); all within the 15 s. A client that cannot clean up (SIGKILL) leaves it to the
// lease, which never ends a cluster whose job FINISHED as KILLED.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalResourceNames } from '../../client/contracts/am-container-contract.js';
import { parseClusterSecret } from '../../client/contracts/cluster-secret.js';
import { DispatcherClient } from '../../client/deploy/running/dispatcher-client.js';
import { restUrlOf } from '../../client/deploy/running/session-cluster.js';
import type { ApplicationReport } from '../../client/hadoop/yarn/cluster-reports.js';
import { applicationIdIn, startSessionKit, type RunningCli, type SessionKit } from './session-kit.js';

const PROGRAM = join(import.meta.dirname, 'jobs', 'attached-program.mjs');
/** The bound for a client that goes away: its job cancelled, its cluster ended. */
const BOUND_MS = 15_000;
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

let kit: SessionKit | undefined;
afterEach(async () => {
  // Every CLI process (also a SIGSTOPped one) is SIGKILLed, then the cluster stopped with its containers.
  await kit?.stop();
  kit = undefined;
});

let gates = 0;
/** A new gate path; `<gate>.running-0` appears once the held task runs. */
function newGate(k: SessionKit): string {
  return join(k.dir, `gate-${++gates}`);
}

async function whenHeld(k: SessionKit, gate: string, run: RunningCli): Promise<void> {
  await k.waitFor(
    'the held task to run',
    () => existsSync(`${gate}.running-0`) || (run.child.exitCode !== null && `exited: ${run.stderr()}`),
    60_000,
  );
  expect(run.child.exitCode, run.stderr()).toBeNull();
}

/** Sends `signal` and resolves with the client's result, which must come within the bound. */
async function interrupt(k: SessionKit, run: RunningCli, signal: keyof typeof EXIT_CODES) {
  run.child.kill(signal);
  const result = await k.waitFor(
    'the client to exit',
    async () => (run.child.exitCode !== null || run.child.signalCode !== null) && (await run.exited),
    BOUND_MS,
  );
  expect(result.code, result.stderr).toBe(EXIT_CODES[signal]);
  return result;
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}

async function endedWithin(k: SessionKit, appId: string, ms = BOUND_MS): Promise<ApplicationReport> {
  return k.waitFor(
    `${appId} to end`,
    async () => {
      const r = await k.report(appId);
      return ['FINISHED', 'FAILED', 'KILLED'].includes(r.state) && r;
    },
    ms,
  );
}

function perJobIds(stderr: string): { jobId: string; appId: string } {
  const m = /job ([0-9a-f]{32}) runs in its own cluster (application_\d+_\d+)/.exec(stderr);
  if (!m) throw new Error(`no "runs in its own cluster" line in:\n${stderr}`);
  return { jobId: m[1], appId: m[2] };
}

/** The state of a session job as `loom list` shows it. */
async function jobState(k: SessionKit, jobId: string): Promise<string | undefined> {
  const listed = await k.loom(['list']);
  return new RegExp(`^${jobId}\\t(\\w+)\\t`, 'm').exec(listed.stdout)?.[1];
}

/** The AM's REST API of a running cluster, with the secret from its owner-only staging dir. */
async function restOf(k: SessionKit, appId: string): Promise<DispatcherClient> {
  const chunks: Buffer[] = [];
  for await (const c of await k.fs.open(`/user/${k.user}/.loom/${appId}/${LocalResourceNames.secret}`)) chunks.push(c as Buffer);
  return new DispatcherClient({
    baseUrl: restUrlOf(await k.report(appId)),
    secret: parseClusterSecret(Buffer.concat(chunks).toString('utf8'), 'loom-secret'),
  });
}

async function stagingDirGone(k: SessionKit, appId: string): Promise<boolean> {
  return k.fs.getFileStatus(`/user/${k.user}/.loom/${appId}`).then(
    () => false,
    () => true,
  );
}

describe('an attached client that goes away', () => {
  it('session: the -c form (SIGINT, SIGTERM, SIGHUP) and the program form (SIGINT) cancel their job, print one line, and leave the session running', async () => {
    kit = await startSessionKit();
    const k = kit;
    const started = await k.loom(['yarn-session', '-d']);
    expect(started.code, started.stderr).toBe(0);
    const sessionId = applicationIdIn(started.stdout);

    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      const gate = newGate(k);
      const run = k.spawnLoom(['run', '-c', 'held', '-p', '1', PROGRAM, gate]);
      await whenHeld(k, gate, run);
      const result = await interrupt(k, run, signal);
      const jobId = /submitted job ([0-9a-f]{32})/.exec(result.stderr)![1];
      expect(lastLine(result.stderr)).toBe(`loom: interrupted (${signal}): cancelled job ${jobId}`);
      expect(await jobState(k, jobId)).toBe('CANCELED');
    }

    // The program form: main() runs here; it used to die silently and leave its job running.
    const gate = newGate(k);
    const run = k.spawnLoom(['run', PROGRAM, gate]);
    await whenHeld(k, gate, run);
    const result = await interrupt(k, run, 'SIGINT');
    const jobId = /held job ([0-9a-f]{32})/.exec(result.stderr)![1];
    expect(lastLine(result.stderr)).toBe(`loom: interrupted (SIGINT): cancelled job ${jobId}`);
    expect(result.stderr.match(/loom: /g)).toHaveLength(1);
    expect(await jobState(k, jobId)).toBe('CANCELED');
    expect((await k.report(sessionId)).state).toBe('RUNNING');
  }, 180_000);

  it('per-job, the program form and the -c <main export> form: SIGINT cancels the job and stops its cluster KILLED, not left RUNNING', async () => {
    kit = await startSessionKit();
    const k = kit;
    for (const form of [[], ['-c', 'heldMain']]) {
      const gate = newGate(k);
      const run = k.spawnLoom(['run', '-t', 'yarn-per-job', ...form, PROGRAM, gate]);
      await whenHeld(k, gate, run);
      const signalledAt = Date.now();
      const result = await interrupt(k, run, 'SIGINT');
      const { jobId, appId } = perJobIds(result.stderr);
      expect(lastLine(result.stderr)).toBe(`loom: interrupted (SIGINT): cancelled job ${jobId}; stopped cluster ${appId} (KILLED)`);
      const ended = await endedWithin(k, appId, Math.max(1, signalledAt + BOUND_MS - Date.now()));
      expect(ended).toMatchObject({ state: 'FINISHED', finalStatus: 'KILLED' });
      expect(ended.diagnostics).toBe(`job ${jobId} CANCELED: the attached Loom client was interrupted (SIGINT)`);
      expect(await stagingDirGone(k, appId)).toBe(true);
    }
  }, 180_000);

  it('application --attached: SIGINT stops the application KILLED, its running job cancelled', async () => {
    kit = await startSessionKit();
    const k = kit;
    const gate = newGate(k);
    const run = k.spawnLoom(['run-application', '--attached', PROGRAM, gate]);
    await whenHeld(k, gate, run);
    const signalledAt = Date.now();
    const result = await interrupt(k, run, 'SIGINT');
    const appId = /Loom application (application_\d+_\d+) is running/.exec(result.stdout)![1];
    expect(lastLine(result.stderr)).toMatch(
      new RegExp(`^loom: interrupted \\(SIGINT\\): cancelled job [0-9a-f]{32}; stopped cluster ${appId} \\(KILLED\\)$`),
    );
    const ended = await endedWithin(k, appId, Math.max(1, signalledAt + BOUND_MS - Date.now()));
    expect(ended).toMatchObject({ state: 'FINISHED', finalStatus: 'KILLED' });
    expect(ended.diagnostics).toContain('the attached Loom client was interrupted (SIGINT)');
  }, 120_000);

  it('per-job | head: a closed output while the job runs cancels it (KILLED); after the job FINISHED the cluster ends SUCCEEDED', async () => {
    kit = await startSessionKit();
    const k = kit;

    // The reader goes away while the job runs: the next progress line meets EPIPE.
    const gate = newGate(k);
    const running = k.spawnLoom(['run', '-t', 'yarn-per-job', PROGRAM, gate]);
    await whenHeld(k, gate, running);
    const closedAt = Date.now();
    running.child.stdout!.destroy();
    const cut = await k.waitFor('the client to exit', async () => running.child.exitCode !== null && (await running.exited), BOUND_MS);
    const first = perJobIds(cut.stderr);
    expect(cut.code, cut.stderr).toBe(141);
    expect(lastLine(cut.stderr)).toBe(`loom: output closed (EPIPE): cancelled job ${first.jobId}; stopped cluster ${first.appId} (KILLED)`);
    expect(await endedWithin(k, first.appId, Math.max(1, closedAt + BOUND_MS - Date.now()))).toMatchObject({
      state: 'FINISHED',
      finalStatus: 'KILLED',
    });

    // The job FINISHED while the client could not look (stopped), then its reader went away.
    const gate2 = newGate(k);
    const done = k.spawnLoom(['run', '-t', 'yarn-per-job', PROGRAM, gate2]);
    await whenHeld(k, gate2, done);
    const { jobId, appId } = perJobIds(done.stderr());
    done.child.kill('SIGSTOP');
    await writeFile(gate2, '');
    const rest = await restOf(k, appId);
    await k.waitFor('the job to finish on its cluster', async () => (await rest.getJob(jobId)).state === 'FINISHED');
    done.child.stdout!.destroy();
    const resumedAt = Date.now();
    done.child.kill('SIGCONT');
    const ended = await endedWithin(k, appId, BOUND_MS);
    expect(ended.finalStatus, ended.diagnostics).toBe('SUCCEEDED');
    expect(ended.state).toBe('FINISHED');
    const exited = await k.waitFor(
      'the client to exit',
      async () => done.child.exitCode !== null && (await done.exited),
      Math.max(1, resumedAt + BOUND_MS - Date.now()),
    );
    expect(exited.stderr).not.toMatch(/KILLED|cancelled job/);
  }, 180_000);

  it('SIGKILL (no cleanup possible): the lease ends the per-job cluster SUCCEEDED when its job FINISHED before the lease lapsed, never KILLED', async () => {
    kit = await startSessionKit();
    const k = kit;
    const gate = newGate(k);
    const run = k.spawnLoom(['run', '-t', 'yarn-per-job', '-Dloom.client.heartbeat-timeout=5s', PROGRAM, gate]);
    await whenHeld(k, gate, run);
    const { jobId, appId } = perJobIds(run.stderr());
    run.child.kill('SIGKILL');
    await writeFile(gate, '');
    const ended = await endedWithin(k, appId, 5000 + BOUND_MS);
    expect(ended).toMatchObject({ state: 'FINISHED', finalStatus: 'SUCCEEDED' });
    expect(ended.diagnostics).toMatch(
      new RegExp(`^job ${jobId} FINISHED; the attached client went away before it stopped the cluster: Loom client lease expired`),
    );
    await k.waitFor('the staging dir to go', () => stagingDirGone(k, appId), 10_000);
  }, 120_000);
});
