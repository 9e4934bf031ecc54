// Ending a session other than by `stop`: killed through YARN (the AM gets no time to clean up, so
// the next Loom command removes the staging dir), killed by the client library (which removes the
// staging dir itself), or Ctrl+C in an attached yarn-session (a stop). No container process is left.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { LoomConfig } from '../../client/conf/loom-config.js';
import { DeployContext } from '../../client/deploy/submit/deploy-context.js';
import { attachToSession } from '../../client/deploy/running/session-attach.js';
import { FileNotFoundError } from '../../client/hadoop/hdfs/webhdfs-errors.js';
import { applicationIdIn, startSessionKit, type SessionKit } from './session-kit.js';

const JOBS = join(import.meta.dirname, 'jobs', 'test-jobs.mjs');

let kit: SessionKit | undefined;
afterEach(async () => {
  await kit?.stop();
  kit = undefined;
});

async function gone(k: SessionKit, path: string): Promise<boolean> {
  return k.fs.getFileStatus(path).then(
    () => false,
    (err: unknown) => err instanceof FileNotFoundError,
  );
}

describe('killing a Loom session', () => {
  it('through YARN: containers end, and the next loom command removes the staging dir the AM could not', async () => {
    kit = await startSessionKit();
    const started = await kit.loom(['yarn-session', '-d']);
    expect(started.code, started.stderr).toBe(0);
    const appId = applicationIdIn(started.stdout);
    const job = await kit.loom(['run', '-c', 'square', '-p', '2', JOBS]);
    expect(job.code, job.stderr).toBe(0);
    expect((await kit.processesInCluster()).length).toBeGreaterThanOrEqual(2); // the AM and a TaskExecutor

    const killed = await kit.loom(['yarn', 'application', '-kill', appId]);
    expect(killed.code, killed.stderr).toBe(0);
    expect(await kit.report(appId)).toMatchObject({ state: 'KILLED', finalStatus: 'KILLED' });
    await kit.waitFor('every container process to end', async () => (await kit!.processesInCluster()).length === 0, 15_000);

    const stagingDir = `/user/${kit.user}/.loom/${appId}`;
    // Whatever the AM managed in its 250 ms, a Loom command finds the application ended and removes the rest.
    const next = await kit.loom(['yarn-session', '-l']);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stdout).toContain('no running Loom sessions');
    expect(await gone(kit, stagingDir)).toBe(true);
    // The runtime archive is shared by the user's sessions and stays.
    expect((await kit.fs.listStatus(`/user/${kit.user}/.loom`)).map((s) => s.pathSuffix)).toEqual(['runtime']);
  }, 60_000);

  it('from the client library: kill() ends the application KILLED and removes the staging dir at once', async () => {
    kit = await startSessionKit();
    const started = await kit.loom(['yarn-session', '-d']);
    expect(started.code, started.stderr).toBe(0);
    const appId = applicationIdIn(started.stdout);
    const ctx = new DeployContext({ hadoopConf: kit.hadoopConf, conf: LoomConfig.load({ env: kit.env }), env: kit.env });
    try {
      const cluster = await attachToSession(ctx, { applicationId: appId });
      const job = await kit.loom(['run', '-c', 'square', '-p', '2', JOBS]);
      expect(job.code, job.stderr).toBe(0);
      const final = await cluster.kill();
      expect(final).toMatchObject({ state: 'KILLED', finalStatus: 'KILLED' });
      expect(await gone(kit, cluster.stagingDir)).toBe(true);
    } finally {
      await ctx.close();
    }
    await kit.waitFor('every container process to end', async () => (await kit!.processesInCluster()).length === 0, 15_000);
  }, 60_000);

  it('attached: Ctrl+C stops the session FINISHED/SUCCEEDED', async () => {
    kit = await startSessionKit();
    const session = kit.spawnLoom(['yarn-session']);
    const appId = await kit.waitFor(
      'the session to run',
      () => (/Loom session (application_\d+_\d+) is running/.exec(session.stdout()) ?? [])[1],
      40_000,
    );
    await kit.waitFor('the stop prompt', () => session.stdout().includes('Type "stop"'));
    session.child.kill('SIGINT');
    const result = await session.exited;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`session ${appId} ended FINISHED/SUCCEEDED`);
    expect(await gone(kit, `/user/${kit.user}/.loom/${appId}`)).toBe(true);
    await kit.waitFor('every container process to end', async () => (await kit!.processesInCluster()).length === 0, 15_000);
  }, 60_000);
});
