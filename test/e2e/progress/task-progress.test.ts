// On the mini cluster with real processes: a task reports task.progress(0.5, message) and waits;
// the AM serves it in GET /jobs/:id, and an attached `loom run` whose stderr is a pipe prints a
// summary line (elapsed time, task counts, percentage) every loom.client.progress-interval.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { DispatcherClient } from '../../../client/deploy/running/dispatcher-client.js';
import { readSessionProperties } from '../../../client/deploy/submit/properties-file.js';
import { applicationIdIn, startSessionKit, type SessionKit } from '../session-kit.js';

const JOBS = join(import.meta.dirname, 'progress-jobs.mjs');

let kit: SessionKit | undefined;
afterEach(async () => {
  await kit?.stop();
  kit = undefined;
});

describe('task progress on the mini cluster', () => {
  it('reaches /jobs/:id and the attached client prints periodic summary lines on a pipe', async () => {
    kit = await startSessionKit({ nodes: 1 });
    const k = kit;
    const started = await k.loom(['yarn-session', '-d']);
    expect(started.code, started.stderr).toBe(0);
    const appId = applicationIdIn(started.stdout);
    const report = await k.report(appId);
    const { secret } = (await readSessionProperties(join(k.dir, `.loom-session-${k.user}`)))!;
    const rest = new DispatcherClient({ baseUrl: `http://${report.host}:${report.rpcPort}`, secret });
    const marker = join(k.dir, 'progress-marker');

    const run = k.spawnLoom(['run', '-Dloom.client.progress-interval=1s', '-c', 'halfWay', '-p', '1', JOBS, marker]);
    const jobId = await k.waitFor(
      'the task to report its progress',
      async () => {
        const job = (await rest.listJobs()).at(0);
        if (!job) return undefined;
        const t = (await rest.getJob(job.id)).tasks[0];
        return t.progress?.fraction === 0.5 ? job.id : undefined;
      },
      60_000,
    );
    const task = (await rest.getJob(jobId)).tasks[0];
    expect(task.progress).toMatchObject({ fraction: 0.5, message: 'half way through part-0' });
    expect(task.progress!.time).toBeGreaterThan(0);
    expect((await rest.listJobs())[0].progress).toBe(0.5);

    const summary = new RegExp(`job ${jobId} \\(.*\\) RUNNING for \\d+:\\d\\d: tasks 0 done, 1 running, 0 failed of 1, 50%`, 'g');
    await k.waitFor('two summary lines from the attached client', () => (run.stderr().match(summary)?.length ?? 0) >= 2, 30_000);
    await writeFile(marker, '');
    const result = await run.exited;
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([0]);
    expect(result.stderr).not.toContain('\x1b');
    const done = (await rest.getJob(jobId)).tasks[0];
    expect(done.progress).toMatchObject({ fraction: 1, message: 'done' });
    await k.loom(['yarn-session', '-yid', appId, 'stop']).catch(() => undefined);
  }, 180_000);
});
