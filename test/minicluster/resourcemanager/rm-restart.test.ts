// A work-preserving ResourceManager restart during a running job (mini cluster, real processes):
// the AM keeps running (same attempt, same process), registers again when the restarted RM
// answers ApplicationMasterNotRegisteredException, resends its ask table, and the job completes
// on the TaskExecutors it had. No container is requested twice: the RM's allocation log, before
// and after the restart, holds the AM container and the two TaskExecutors, plus exactly one more
// when a later job needs a third TaskExecutor (the bridge's view of what it holds survived).
import { afterEach, describe, expect, it } from 'vitest';
import type { RmEvent } from '../../../minicluster/resourcemanager/resource-manager-core.js';
import { startSessionKit, type SessionKit } from '../../e2e/session-kit.js';
import { allocations, livePids, marksByJob, restOf, THREE_JOBS, withSession } from '../../e2e/ha/ha-kit.js';

let kit: SessionKit | undefined;
afterEach(async () => {
  await kit?.stop();
  kit = undefined;
});

describe('ResourceManager restart during a running job', () => {
  it('the job completes, the AM re-registers, no container is requested twice', async () => {
    kit = await startSessionKit({ loomConf: { 'loom.taskexecutor.idle-timeout': '10min' } });
    const k = kit;
    const marks = `/user/${k.user}/ha-rm/marks`;
    const release = `/user/${k.user}/ha-rm/release`;
    await withSession(k, async ({ id, report, secret }) => {
      const rest = restOf(report, secret);

      const running = await k.loom(['run', '-d', '-c', 'markAndWait', '-p', '4', THREE_JOBS, marks, 'job1', release]);
      expect(running.code, running.stderr).toBe(0);
      const jobId = running.stdout.trim();
      await k.waitFor('the job on every slot', async () => (await marksByJob(k, marks)).job1 === 4, 30_000);
      const before: RmEvent[] = [...k.cluster.resourceManager.core.events];
      const pidsBefore = [...livePids(k, id)];

      await k.cluster.faults.restartResourceManager();
      // The AM heartbeats into the restarted RM, is told it is not registered, and registers again.
      await k.waitFor(
        'the AM to register with the restarted RM',
        () => k.cluster.resourceManager.core.appRecord(id).attempts.at(-1)!.registered || undefined,
        20_000,
      );

      await k.fs.create(release, Buffer.from('go'));
      const done = await rest.waitForJob(jobId, { timeoutMs: 30_000, pollMs: 200 });
      expect(done.state).toBe('FINISHED');
      // A job of 6 tasks needs a third TaskExecutor: the restarted RM is asked for one, not three.
      // Its tasks wait for a second release file, so 6 can only start once the third TaskExecutor has
      // come (fast tasks could end on 4 slots first, and the late container would rightly be released).
      const release2 = `${release}-2`;
      const next = await k.loom(['run', '-d', '-c', 'markAndWait', '-p', '6', THREE_JOBS, marks, 'job2', release2]);
      expect(next.code, next.stderr).toBe(0);
      await k.waitFor('all 6 tasks of the second job started', async () => (await marksByJob(k, marks)).job2 === 6, 30_000);
      await k.fs.create(release2, Buffer.from('go'));
      expect((await rest.waitForJob(next.stdout.trim(), { timeoutMs: 30_000, pollMs: 200 })).state).toBe('FINISHED');
      expect(await marksByJob(k, marks)).toEqual({ job1: 4, job2: 6 });

      const record = k.cluster.resourceManager.core.appRecord(id);
      expect(record.attempts).toHaveLength(1);
      // The AM and the first TaskExecutors are the processes they were before the restart.
      const now = livePids(k, id);
      for (const [container, pid] of pidsBefore) expect(now.get(container)).toBe(pid);
      const prefix = id.replace('application_', 'appattempt_');
      const allocated = [...before, ...k.cluster.resourceManager.core.events].filter(
        (e): e is Extract<RmEvent, { type: 'allocated' }> => e.type === 'allocated' && e.attemptId.startsWith(prefix),
      );
      expect(allocated.map((a) => a.isAm)).toEqual([true, false, false, false]);
      expect(new Set(allocated.map((a) => a.containerId)).size).toBe(4);
      expect(allocations(k, id).map((a) => a.containerId)).toEqual([allocated[3].containerId]); // the restarted RM's one
      // The AM's view matches the RM's: the three TaskExecutors allocated, all registered (the third may still be starting).
      const expected = JSON.stringify(
        allocated
          .filter((a) => !a.isAm)
          .map((a) => a.containerId)
          .sort(),
      );
      await k.waitFor(
        'the third TaskExecutor to register',
        async () => JSON.stringify((await rest.taskExecutors()).map((t) => t.id).sort()) === expected,
      );
    });
  }, 90_000);
});
