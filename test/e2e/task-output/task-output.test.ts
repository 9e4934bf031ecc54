// On the mini cluster with real processes: a job whose tasks print to stdout and stderr. Each
// attempt's lines are in task-<jobId>-<index>-<attempt>.log in its TaskExecutor container's log
// dir, in the TaskExecutor's own taskexecutor.out/.err with the attempt as prefix, and the AM
// serves them (GET /jobs/:id/tasks/:index/output); the lines of a task whose TaskExecutor was
// killed with SIGKILL, written before the kill, stay in its file.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseTaskOutputFileLine } from '../../../client/contracts/task-output-file.js';
import { DispatcherClient } from '../../../client/deploy/running/dispatcher-client.js';
import { readSessionProperties } from '../../../client/deploy/submit/properties-file.js';
import { applicationIdIn, startSessionKit, type SessionKit } from '../session-kit.js';

const JOBS = join(import.meta.dirname, 'output-jobs.mjs');
const KILLED = 1;

let kit: SessionKit | undefined;
afterEach(async () => {
  await kit?.stop();
  kit = undefined;
});

describe('task output on the mini cluster', () => {
  it("keeps every attempt's lines in its container's log dir and at the AM, also those a SIGKILLed TaskExecutor wrote before the kill", async () => {
    kit = await startSessionKit({ nodes: 1, loomConf: { 'taskmanager.numberOfTaskSlots': '1', 'yarn.maximum-failed-containers': '10' } });
    const k = kit;
    const started = await k.loom(['yarn-session', '-d']);
    expect(started.code, started.stderr).toBe(0);
    const appId = applicationIdIn(started.stdout);
    const report = await k.report(appId);
    const { secret } = (await readSessionProperties(join(k.dir, `.loom-session-${k.user}`)))!;
    const rest = new DispatcherClient({ baseUrl: `http://${report.host}:${report.rpcPort}`, secret });
    const [nm] = k.cluster.nodes;
    const fileOf = (container: string, jobId: string, index: number, attempt: number) =>
      join(nm.containerLogDir(container), `task-${jobId}-${index}-${attempt}.log`);

    const run = k.spawnLoom(['run', '-c', 'chatty', '-p', '3', JOBS, String(KILLED)]);

    // The task to kill has printed; its line is in its file and at the AM before the kill.
    const { jobId, container } = await k.waitFor(
      'the task to kill to print its last line',
      async () => {
        const job = (await rest.listJobs()).at(0);
        if (!job) return undefined;
        const t = (await rest.getJob(job.id)).tasks[KILLED];
        if (t.state !== 'RUNNING' || t.attempt !== 1 || !t.taskExecutorId) return undefined;
        const text = await readFile(fileOf(t.taskExecutorId, job.id, KILLED, 1), 'utf8').catch(() => '');
        const atAm = await rest.taskOutput(job.id, KILLED);
        return text.includes(`before the kill ${KILLED}`) && atAm.lines.some((l) => l.text === `before the kill ${KILLED}`)
          ? { jobId: job.id, container: t.taskExecutorId }
          : undefined;
      },
      60_000,
    );
    expect(nm.signalContainer(container, 'SIGKILL')).toBe(true);

    const result = await run.exited;
    expect(result.code, result.stderr).toBe(0);
    const job = await rest.getJob(jobId);
    expect(job.state).toBe('FINISHED');
    expect(job.tasks[KILLED]?.attempt).toBe(2);

    // The killed attempt: what it wrote before the kill is in its file, in the contract's format.
    const killedLines = (await readFile(fileOf(container, jobId, KILLED, 1), 'utf8')).split('\n').filter(Boolean);
    const parsed = killedLines.map((l) => parseTaskOutputFileLine(l));
    expect(parsed.every((p) => p !== undefined)).toBe(true);
    const killedStream = (stream: string) => parsed.filter((p) => p!.stream === stream).map((p) => p!.text);
    expect(killedStream('stdout')).toEqual([`out ${KILLED} attempt 1`, `write ${KILLED}`, `before the kill ${KILLED}`]);
    expect(killedStream('stderr')).toEqual([`err ${KILLED} attempt 1`, `warn ${KILLED}`]);
    const killedAtAm = await rest.taskOutput(jobId, KILLED, { attempt: 1 });
    expect(killedAtAm).toMatchObject({ attempt: 1, ended: true, containerId: container });
    expect(killedAtAm.lines.map((l) => l.text)).toContain(`before the kill ${KILLED}`);

    // Every task's last attempt: its file and the AM's copy hold the same lines, the partial last one included.
    for (const task of job.tasks) {
      const out = await rest.taskOutput(jobId, task.index);
      expect(out).toMatchObject({ jobId, taskIndex: task.index, attempt: task.attempt, ended: true, dropped: 0 });
      expect(out.containerId).toBe(task.taskExecutorId);
      expect(out.host).toBeTruthy();
      expect(out.nodeHttpAddress).toMatch(new RegExp(`:${nm.httpPort}$`));
      const expected = [
        ['stdout', `out ${task.index} attempt ${task.attempt}`],
        ['stderr', `err ${task.index} attempt ${task.attempt}`],
        ['stderr', `warn ${task.index}`],
        ['stdout', `write ${task.index}`],
        ['stdout', `last ${task.index} without newline`],
      ];
      const byStream = (s: string, lines: { stream: string; text: string }[]) => lines.filter((l) => l.stream === s).map((l) => l.text);
      for (const s of ['stdout', 'stderr']) expect(byStream(s, out.lines)).toEqual(expected.filter(([x]) => x === s).map(([, t]) => t));
      const file = (await readFile(fileOf(out.containerId!, jobId, task.index, task.attempt), 'utf8')).split('\n').filter(Boolean);
      const fromFile = file.map((l) => parseTaskOutputFileLine(l)!);
      expect(fromFile.map((l) => [l.stream, l.text])).toEqual(out.lines.map((l) => [l.stream, l.text]));
      expect(fromFile.map((l) => l.timeMs)).toEqual(out.lines.map((l) => l.time));
      // The TaskExecutor's own log has them too, each with its attempt.
      const teOut = await readFile(join(nm.containerLogDir(out.containerId!), 'taskexecutor.out'), 'utf8');
      expect(teOut).toContain(`[${jobId} task ${task.index}#${task.attempt}] out ${task.index} attempt ${task.attempt}\n`);
    }
  }, 120_000);
});
