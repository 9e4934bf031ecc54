// The AM killed on its last attempt (mini cluster, real processes): YARN ends the application
// FAILED. Neither attempt could know it was the last, so neither removed the staging dir (with
// its HA store); the next `loom` command sees the application has ended and removes it.
import { afterEach, describe, expect, it } from 'vitest';
import { startSessionKit, type SessionKit } from '../session-kit.js';
import { attemptServing, exists, livePids, stagingDirOf, TEST_JOBS, withSession } from './ha-kit.js';

let kit: SessionKit | undefined;
afterEach(async () => {
  await kit?.stop();
  kit = undefined;
});

describe('the AM killed on its last attempt', () => {
  it('ends the application FAILED; the next loom command removes the leftover staging dir', async () => {
    kit = await startSessionKit({
      nodes: 1,
      // Both kills count against yarn.application-attempts (2).
      loomConf: { 'yarn.application-attempt-failures-validity-interval': '10min', 'loom.taskexecutor.idle-timeout': '10min' },
    });
    const k = kit;
    await withSession(k, async ({ id }) => {
      const staging = stagingDirOf(k, id);
      const job = await k.loom(['run', '-c', 'square', '-p', '2', TEST_JOBS]);
      expect(job.code, job.stderr).toBe(0);
      await k.waitFor('the HA store to record the job', async () => (await k.fs.listStatus(`${staging}/ha/ended`)).length === 1);

      await k.cluster.faults.failAmAttempt(id);
      await attemptServing(k, id, 2);
      // Attempt 2 took the store over and kept everything: it cannot tell it is the last.
      await k.waitFor(
        'attempt 2 to record itself in the HA store',
        async () => (await k.fs.listStatus(`${staging}/ha/masters`)).length === 2,
      );
      await k.cluster.faults.failAmAttempt(id);

      const ended = await k.waitFor('the application to end', async () => {
        const r = await k.report(id);
        return ['FINISHED', 'FAILED', 'KILLED'].includes(r.state) ? r : undefined;
      });
      expect(ended).toMatchObject({ state: 'FAILED', finalStatus: 'FAILED' });
      expect(ended.diagnostics).toMatch(/failed 2 times/);
      await k.waitFor('every container of the application to end', () => livePids(k, id).size === 0, 15_000);
      expect(await exists(k, staging)).toBe(true);

      const listed = await k.loom(['list-clusters']);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stderr).toContain(`removed the staging dir ${staging} of an application that has ended`);
      expect(await exists(k, staging)).toBe(false);
    });
  }, 90_000);
});
