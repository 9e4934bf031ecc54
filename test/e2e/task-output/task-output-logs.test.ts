// `loom logs` on the mini cluster with real processes and log aggregation on: a job whose tasks
// print to stdout and stderr, one of which throws (failing the job, once the others are done) and
// one whose TaskExecutor is SIGKILLed mid-task (its task retried). `loom logs <jobId> -f`, started while the job runs, prints each task
// attempt's lines under its own heading as they come; after the application ended and its logs
// were aggregated, `loom logs <jobId>` prints the same from the aggregated TFiles (the killed
// attempt's lines written before the kill included), and `loom logs -applicationId <app>` shows
// the task output files among the containers' logs, as `yarn logs` does.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DispatcherClient } from '../../../client/deploy/running/dispatcher-client.js';
import { readSessionProperties } from '../../../client/deploy/submit/properties-file.js';
import { applicationIdIn, startSessionKit, type SessionKit } from '../session-kit.js';

const JOBS = join(import.meta.dirname, 'output-jobs.mjs');
const KILLED = 1;
const THROWS = 2;

let kit: SessionKit | undefined;
afterEach(async () => {
  await kit?.stop();
  kit = undefined;
});

/** `loom logs <jobId>` output as heading ("task/attempt") -> the heading line and the lines under it (headings may repeat, tail-style). */
function sections(text: string): Map<string, { heading: string; lines: string[] }> {
  const out = new Map<string, { heading: string; lines: string[] }>();
  let current: { heading: string; lines: string[] } | undefined;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const h = /^==> job [0-9a-f]{32} task (\d+) attempt (\d+) \(container_\S+, \S+\) <==$/.exec(line);
    if (h) {
      const key = `${h[1]}/${h[2]}`;
      current = out.get(key) ?? { heading: line, lines: [] };
      out.set(key, current);
    } else {
      expect(current, `a line before any heading: ${line}`).toBeDefined();
      current!.lines.push(line);
    }
  }
  return out;
}

/** The texts of an attempt's lines of one stream (the lines are `<time> <stream> <text>`). */
const texts = (lines: string[], stream: string) =>
  lines.filter((l) => l.split(' ')[1] === stream).map((l) => l.split(' ').slice(2).join(' '));

describe('loom logs on the mini cluster, live and aggregated', () => {
  it("prints each task attempt's output under its heading with -f while the job runs, and again from the aggregated logs after the application ended", async () => {
    kit = await startSessionKit({
      nodes: 1,
      loomConf: { 'taskmanager.numberOfTaskSlots': '1', 'yarn.maximum-failed-containers': '10' },
      cluster: { yarnSite: { 'yarn.log-aggregation-enable': 'true' } },
    });
    const k = kit;
    const started = await k.loom(['yarn-session', '-d']);
    expect(started.code, started.stderr).toBe(0);
    const appId = applicationIdIn(started.stdout);
    const report = await k.report(appId);
    const { secret } = (await readSessionProperties(join(k.dir, `.loom-session-${k.user}`)))!;
    const rest = new DispatcherClient({ baseUrl: `http://${report.host}:${report.rpcPort}`, secret });
    const [nm] = k.cluster.nodes;

    const throwNow = join(k.dir, 'throw-now');
    const run = k.spawnLoom(['run', '-c', 'chatty', '-p', '3', JOBS, String(KILLED), String(THROWS), throwNow]);
    const jobId = await k.waitFor('the job to be submitted', async () => (await rest.listJobs()).at(0)?.id);
    const follow = k.spawnLoom(['logs', jobId, '-f']);

    const container = await k.waitFor(
      'the task to kill to print its last line',
      async () => {
        const t = (await rest.getJob(jobId)).tasks[KILLED];
        if (t.state !== 'RUNNING' || t.attempt !== 1 || !t.taskExecutorId) return undefined;
        const atAm = await rest.taskOutput(jobId, KILLED);
        return atAm.lines.some((l) => l.text === `before the kill ${KILLED}`) ? t.taskExecutorId : undefined;
      },
      60_000,
    );
    expect(nm.signalContainer(container, 'SIGKILL')).toBe(true);

    await k.waitFor('the killed task to finish its retry', async () => {
      const t = (await rest.getJob(jobId)).tasks[KILLED];
      return t.state === 'FINISHED' && t.attempt === 2;
    });
    await writeFile(throwNow, '');
    const result = await run.exited;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`task ${THROWS} throws on purpose`);
    const job = await rest.getJob(jobId);
    expect(job.state).toBe('FAILED');
    expect(job.tasks.map((t) => [t.state, t.attempt])).toEqual([
      ['FINISHED', 1],
      ['FINISHED', 2],
      ['FAILED', 1],
    ]);

    // Live: -f ended by itself when the job did, every attempt under its own heading.
    const followed = await follow.exited;
    expect(followed.code, followed.stderr).toBe(0);
    const live = sections(followed.stdout);
    expect([...live.keys()].sort()).toEqual(['0/1', '1/1', '1/2', '2/1']);
    for (const [key, { lines }] of live) {
      const [index, attempt] = key.split('/').map(Number);
      expect(texts(lines, 'stderr'), key).toEqual([`err ${index} attempt ${attempt}`, `warn ${index}`]);
      const extra =
        index === KILLED && attempt === 1
          ? [`before the kill ${index}`]
          : index === THROWS && attempt === 1
            ? [`before the throw ${index}`]
            : [];
      const ending = (index === KILLED || index === THROWS) && attempt === 1 ? [] : [`last ${index} without newline`];
      expect(texts(lines, 'stdout'), key).toEqual([`out ${index} attempt ${attempt}`, `write ${index}`, ...extra, ...ending]);
    }
    expect(live.get(`${KILLED}/1`)!.heading).toContain(`(${container}, `);

    // The application ends; its NodeManager uploads the containers' logs.
    const stopped = await k.loom(['yarn-session', '-id', appId], { stdin: 'stop\n' });
    expect(stopped.code, stopped.stderr).toBe(0);
    await k.waitFor('the application to end', async () => ['FINISHED', 'KILLED', 'FAILED'].includes((await k.report(appId)).state));
    // As a user would: the RM's report says the NodeManagers finished uploading (its node heartbeat told it).
    await k.waitFor('log aggregation to finish', async () => (await k.report(appId)).logAggregationStatus === 'SUCCEEDED', 60_000);
    expect(nm.logAggregationStatus(appId)).toBe('SUCCEEDED');

    // Aggregated: the application found through the job archive, then named.
    const ended = await k.loom(['logs', jobId]);
    expect(ended.code, ended.stderr).toBe(0);
    const named = await k.loom(['logs', jobId, '-applicationId', appId]);
    expect(named.code, named.stderr).toBe(0);
    expect(named.stdout).toBe(ended.stdout);
    const aggregated = sections(ended.stdout);
    expect([...aggregated.keys()]).toEqual(['0/1', '1/1', '1/2', '2/1']);
    for (const [key, { heading, lines }] of live) {
      expect(aggregated.get(key)?.heading).toBe(heading);
      expect(aggregated.get(key)?.lines, key).toEqual(lines);
    }

    const one = await k.loom(['logs', jobId, '--task', String(KILLED), '--attempt', '1', '--applicationId', appId]);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toBe(`${live.get(`${KILLED}/1`)!.heading}\n${live.get(`${KILLED}/1`)!.lines.join('\n')}\n`);

    const unknown = await k.loom(['logs', 'f'.repeat(32), '-applicationId', appId]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      new RegExp(`has no task output in the aggregated logs of ${appId} \\(jobs with output there: ${jobId}\\)`),
    );

    // As yarn logs: the task output files among the containers' logs.
    const yarnLogs = await k.loom(['logs', '-applicationId', appId, '-log_files', `task-${jobId}-${KILLED}-1.log`]);
    expect(yarnLogs.code, yarnLogs.stderr).toBe(0);
    expect(yarnLogs.stdout).toContain(`Container: ${container} on `);
    expect(yarnLogs.stdout).toContain(`LogType:task-${jobId}-${KILLED}-1.log\n`);
    expect(yarnLogs.stdout).toContain(` stdout before the kill ${KILLED}\n`);
  }, 180_000);
});
