// On the mini cluster with real processes: a job under `restart-strategy: fixed-delay` with 3
// attempts survives three TaskExecutors killed with SIGKILL (their container's process group)
// and fails at the fourth; `loom run` exits 1 with the job's error, which names the strategy,
// every lost container and how it ended. The session itself keeps running.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DispatcherClient } from '../../../client/deploy/running/dispatcher-client.js';
import { readSessionProperties } from '../../../client/deploy/submit/properties-file.js';
import { applicationIdIn, startSessionKit, type SessionKit } from '../session-kit.js';

const JOBS = join(import.meta.dirname, '..', 'jobs', 'test-jobs.mjs');

let kit: SessionKit | undefined;
afterEach(async () => {
  await kit?.stop();
  kit = undefined;
});

describe('restart-strategy fixed-delay on the mini cluster', () => {
  it('survives three TaskExecutor kills and fails the job at the fourth, naming the strategy and the containers', async () => {
    kit = await startSessionKit({
      nodes: 1,
      loomConf: {
        'restart-strategy.type': 'fixed-delay',
        'restart-strategy.fixed-delay.attempts': '3',
        'restart-strategy.fixed-delay.delay': '200 ms',
        'taskmanager.numberOfTaskSlots': '1',
        // Four containers fail: the application must outlive them to show the job's own limit.
        'yarn.maximum-failed-containers': '10',
      },
    });
    const k = kit;
    const started = await k.loom(['yarn-session', '-d']);
    expect(started.code, started.stderr).toBe(0);
    const appId = applicationIdIn(started.stdout);
    const report = await k.report(appId);
    const { secret } = (await readSessionProperties(join(k.dir, `.loom-session-${k.user}`)))!;
    const rest = new DispatcherClient({ baseUrl: `http://${report.host}:${report.rpcPort}`, secret });

    // One task that would sleep for a minute: only the kills end its attempts.
    const run = k.spawnLoom(['run', '-c', 'slow', '-p', '1', JOBS, '60000']);
    const killed: string[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      const task = await k.waitFor(`attempt ${attempt} of the task to run`, async () => {
        const job = (await rest.listJobs()).at(0);
        const t = job && (await rest.getJob(job.id)).tasks.at(0);
        return t?.state === 'RUNNING' && t.attempt === attempt ? t : undefined;
      });
      const container = task.taskExecutorId!;
      expect(killed).not.toContain(container); // each attempt runs in a new TaskExecutor
      expect(k.cluster.nodes.some((nm) => nm.signalContainer(container, 'SIGKILL'))).toBe(true);
      killed.push(container);
    }

    const result = await run.exited;
    expect(result.code).toBe(1);
    const [job] = await rest.listJobs();
    const details = await rest.getJob(job.id);
    expect(details.state).toBe('FAILED');
    expect(details.tasks[0]).toMatchObject({ state: 'FAILED', attempt: 4 });
    const lines = details.error!.split('\n');
    expect(lines[0]).toBe('restart-strategy fixed-delay with 3 attempts, 200 ms apart exhausted after 4 failure(s) of the job:');
    expect(lines).toHaveLength(5);
    killed.forEach((container, i) => {
      expect(lines[i + 1]).toContain(`TaskExecutor ${container} `);
      // A replacement is only asked for once YARN reported the dead container, so the first
      // three exits are known by the time the fourth kill ends the job.
      if (i < 3) expect(lines[i + 1]).toContain('its container exited with 137');
    });
    // The client's one line names the strategy and the first loss; the job's details (above) list all four.
    expect(result.stderr).toContain('restart-strategy fixed-delay with 3 attempts, 200 ms apart exhausted after 4 failure(s)');
    expect(result.stderr).toContain(killed[0]);

    // The job's limit is not the application's: the session keeps running and takes new jobs.
    expect((await k.report(appId)).state).toBe('RUNNING');
    const next = await k.loom(['run', '-c', 'square', '-p', '1', JOBS, '3']);
    expect(next.code, next.stderr).toBe(0);
    expect(JSON.parse(next.stdout)).toMatchObject([{ square: 9 }]);
  }, 90_000);
});
