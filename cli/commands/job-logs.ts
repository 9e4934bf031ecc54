/**
 * `loom logs <jobId> [--task N] [--attempt A] [-f]`: a Loom job's task output, each task attempt
 * under its own heading, `tail`-style:
 *
 *   ==> job <jobId> task 3 attempt 0 (container_..., host) <==
 *   2026-12-07T16:34:15.123Z stdout a line
 *   2026-12-07T16:34:15.124Z stderr a line on stderr
 *
 * While the ApplicationMaster runs it reads GET /jobs/:id/tasks/:index/output (the contract in
 * client/contracts/dispatcher-rest-types.ts); `-f` follows until every shown attempt ended
 * (polling with after=next). The cluster is the session the other commands use (properties file,
 * --applicationId).
 */
import type { JobStatus, TaskOutputJson, TaskOutputLineJson } from '../../client/contracts/dispatcher-rest-types.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { clusterCommand, withCluster, type ClusterCommandIo } from './cluster-options.js';
import { jobIdOption } from '../option-values.js';
import type { CommandIo } from '../pass-through-command.js';

/** One task attempt's output from where it is kept (the AM's REST route while it runs). */
export interface TaskOutputSource {
  job(jobId: string): Promise<Pick<JobStatus, 'id' | 'state' | 'tasks'>>;
  taskOutput(jobId: string, taskIndex: number, opts: { attempt?: number; after?: number }): Promise<TaskOutputJson>;
}

/** `==> job <id> task <n> attempt <a> (<container>, <host>) <==`, the heading of one attempt's lines. */
export function taskOutputHeading(o: Pick<TaskOutputJson, 'jobId' | 'taskIndex' | 'attempt' | 'containerId' | 'host'>): string {
  const where = [o.containerId, o.host].filter((s) => s !== undefined && s !== '').join(', ');
  return `==> job ${o.jobId} task ${String(o.taskIndex)} attempt ${String(o.attempt)}${where ? ` (${where})` : ''} <==`;
}

/** `<time> <stream> <text>`, the line format of the task-<job>-<index>-<attempt>.log files (time ISO-8601 UTC). */
export function taskOutputLine(l: TaskOutputLineJson): string {
  return `${new Date(l.time).toISOString()} ${l.stream} ${l.text}`;
}

export interface JobLogsRequest {
  jobId: string;
  task?: number;
  attempt?: number;
  follow: boolean;
  /** Between polls with -f (default 500 ms). */
  pollMs?: number;
}

/** Prints the job's task output; returns the exit code. */
export async function printJobLogs(req: JobLogsRequest, source: TaskOutputSource, write: (text: string) => void): Promise<number> {
  const job = await source.job(req.jobId);
  const indexes = req.task !== undefined ? [req.task] : job.tasks.map((t) => t.index);
  const cursors = new Map<number, { after: number; attempt?: number; headed: boolean; ended: boolean }>();
  for (const index of indexes) {
    const t = job.tasks.find((x) => x.index === index);
    const attempts =
      req.attempt !== undefined ? [req.attempt] : req.follow ? [undefined] : Array.from({ length: t?.attempt ?? 0 }, (_, a) => a + 1);
    for (const attempt of attempts) {
      // Attempts count from 1 (TaskStatus.attempt is the latest; 0: never deployed, nothing to print).
      // Without -f every attempt is printed once, in order; with -f the latest attempt is followed.
      const o = await source.taskOutput(req.jobId, index, { ...(attempt !== undefined ? { attempt } : {}), after: -1 });
      printChunk(o, true, write);
      if (req.follow) cursors.set(index, { after: o.next, attempt: o.attempt, headed: true, ended: o.ended });
    }
  }
  while (req.follow && [...cursors.values()].some((c) => !c.ended)) {
    await sleep(req.pollMs ?? 500);
    for (const [index, c] of cursors) {
      if (c.ended) continue;
      const o = await source.taskOutput(req.jobId, index, { ...(c.attempt !== undefined ? { attempt: c.attempt } : {}), after: c.after });
      printChunk(o, false, write);
      c.after = o.next;
      c.ended = o.ended;
    }
  }
  return 0;
}

function printChunk(o: TaskOutputJson, heading: boolean, write: (text: string) => void): void {
  if (heading) write(`${taskOutputHeading(o)}\n`);
  else if (o.lines.length > 0) write(`${taskOutputHeading(o)}\n`);
  if (o.dropped > 0 && heading) write(`(${String(o.dropped)} earlier lines were dropped by the ApplicationMaster's bound)\n`);
  for (const l of o.lines) write(`${taskOutputLine(l)}\n`);
}

function wholeNumber(flag: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value)) throw new Error(`${flag} ${value} is not a whole number`);
    return Number(value);
  };
}

/** `loom logs <jobId> ...` against the session cluster (its AM's REST routes). */
export async function runJobLogs(argv: string[], io: CommandIo): Promise<number> {
  const cio = io as ClusterCommandIo;
  const cmd = clusterCommand('logs', cio)
    .description("Print a Loom job's task output, each task attempt under its own heading.")
    .option('--task <n>', 'only this task index', wholeNumber('--task'))
    .option('--attempt <a>', 'only this attempt', wholeNumber('--attempt'))
    .option('-f, --follow', 'follow the output until the attempts end')
    .argument('<jobId>', 'the job: 32 hex digits, as loom list prints it', jobIdOption);
  return withCluster('logs', cio, argv, cmd, async (cluster) => {
    const flags = cmd.opts<{ task?: number; attempt?: number; follow?: boolean }>();
    const source: TaskOutputSource = {
      job: (id) => cluster.dispatcher.getJob(id),
      taskOutput: (jobId, index, opts) => cluster.dispatcher.taskOutput(jobId, index, opts),
    };
    return printJobLogs(
      {
        jobId: cmd.processedArgs[0] as string,
        follow: flags.follow ?? false,
        ...(flags.task !== undefined ? { task: flags.task } : {}),
        ...(flags.attempt !== undefined ? { attempt: flags.attempt } : {}),
      },
      source,
      (text) => io.stdout.write(text),
    );
  });
}
