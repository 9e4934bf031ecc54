/**
 * `loom logs <jobId> [--task N] [--attempt A] [-f]`: a Loom job's task output, each task attempt
 * under its own heading, `tail`-style:
 *
 *   ==> job <jobId> task 3 attempt 0 (container_..., host) <==
 *   2026-12-07T16:34:15.123Z stdout a line
 *   2026-12-07T16:34:15.124Z stderr a line on stderr
 *
 * While the ApplicationMaster runs it reads GET /jobs/:id/tasks/:index/output (the contract in
 * client/contracts/dispatcher-rest-types.ts); `-f` follows each task's attempts in turn until the
 * task is done (polling with after=next). The cluster is the session the other commands use
 * (properties file, --applicationId / -applicationId / -yid). After the application ended (named,
 * or found by the job in the job archive) the same headings and lines come from the task output
 * files in its aggregated logs (./aggregated-task-output.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobStatus, TaskOutputJson, TaskOutputLineJson } from '../../client/contracts/dispatcher-rest-types.js';
import { isTerminalJobState } from '../../client/contracts/job-states.js';
import { LoomOptions } from '../../client/conf/loom-config-options.js';
import { ENDED_STATES } from '../../client/deploy/running/application-waiter.js';
import { DispatcherError } from '../../client/deploy/running/dispatcher-error.js';
import { attachToSession, SessionNotFoundError } from '../../client/deploy/running/session-attach.js';
import type { SessionCluster } from '../../client/deploy/running/session-cluster.js';
import type { DeployContext } from '../../client/deploy/submit/deploy-context.js';
import type { ApplicationReport } from '../../client/hadoop/yarn/cluster-reports.js';
import { isRemoteException } from '../../client/wire/ipc/remote-exception.js';
import { jobIdOption } from '../option-values.js';
import type { CommandIo } from '../pass-through-command.js';
import {
  aggregationUnderWay,
  findArchivedApplicationOfJob,
  readAggregatedTaskOutput,
  TaskOutputNotFoundError,
  type AggregatedTaskOutput,
} from './aggregated-task-output.js';
import { clusterCommand, parseClusterArgs, withContext, type ClusterCommandIo, type ClusterFlags } from './cluster-options.js';

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

/** Where a followed task is: the attempt being read (0: none yet) and the last line's seq. */
interface FollowCursor {
  attempt: number;
  after: number;
  ended: boolean;
  done: boolean;
}

/** Prints the job's task output; returns the exit code. */
export async function printJobLogs(req: JobLogsRequest, source: TaskOutputSource, write: (text: string) => void): Promise<number> {
  const printer = headingPrinter(write);
  if (req.follow) return followJobLogs(req, source, printer);
  const job = await source.job(req.jobId);
  const indexes = req.task !== undefined ? [req.task] : job.tasks.map((t) => t.index);
  for (const index of indexes) {
    const t = job.tasks.find((x) => x.index === index);
    // Attempts count from 1 (TaskStatus.attempt is the latest; 0: never deployed, nothing to print).
    const attempts = req.attempt !== undefined ? [req.attempt] : Array.from({ length: t?.attempt ?? 0 }, (_, a) => a + 1);
    for (const attempt of attempts) printer.chunk(await source.taskOutput(req.jobId, index, { attempt, after: -1 }), true);
  }
  return 0;
}

/**
 * -f: each task's attempts in turn, from its first deployed one (or --attempt) to its last, polling
 * with after=next; a task is done when its followed attempt ended and no later one can come (the
 * task finished, or the job ended). Headings as `tail -f` prints them: when the task printing changes.
 */
async function followJobLogs(req: JobLogsRequest, source: TaskOutputSource, printer: HeadingPrinter): Promise<number> {
  const cursors = new Map<number, FollowCursor>();
  for (;;) {
    const job = await source.job(req.jobId);
    const jobEnded = isTerminalJobState(job.state);
    for (const t of job.tasks) {
      if (req.task !== undefined && t.index !== req.task) continue;
      let c = cursors.get(t.index);
      if (!c) cursors.set(t.index, (c = { attempt: 0, after: -1, ended: false, done: false }));
      if (c.done) continue;
      const next = req.attempt ?? (c.attempt === 0 ? Math.min(t.attempt, 1) : c.attempt + 1);
      if ((c.attempt === 0 || (c.ended && req.attempt === undefined)) && next >= 1 && next <= t.attempt && next !== c.attempt)
        Object.assign(c, { attempt: next, after: -1, ended: false });
      if (c.attempt >= 1 && !c.ended) {
        const o = await source.taskOutput(req.jobId, t.index, { attempt: c.attempt, after: c.after });
        printer.chunk(o, c.after < 0);
        c.after = o.next;
        c.ended = o.ended;
      }
      // No attempt comes after this one: the task finished or was cancelled, or the job ended (a failed task may be retried until then).
      const taskOver = t.state === 'FINISHED' || t.state === 'CANCELED' || jobEnded;
      const lastWanted = req.attempt ?? t.attempt;
      c.done = c.attempt === 0 ? taskOver : c.ended && c.attempt >= lastWanted && (req.attempt !== undefined || taskOver);
    }
    if (cursors.size > 0 && [...cursors.values()].every((c) => c.done)) return 0;
    if (jobEnded && cursors.size === 0) return 0;
    await sleep(req.pollMs ?? 500);
  }
}

interface HeadingPrinter {
  /** One read of an attempt's output; `first`: its first read (its heading is printed even without lines, once its container is known). */
  chunk(o: TaskOutputJson, first: boolean): void;
}

/** Prints a heading before lines of another attempt than the last printed (as `tail` does between files). */
function headingPrinter(write: (text: string) => void): HeadingPrinter {
  let last = '';
  return {
    chunk(o, first) {
      const heading = taskOutputHeading(o);
      // A first read with no lines shows that the attempt exists, once the AM knows where it runs (or it
      // ended): an attempt just deployed may not have its container yet, and its heading would change.
      const announce = first && (o.ended || Boolean(o.containerId));
      if ((announce || o.lines.length > 0) && heading !== last) {
        write(`${heading}\n`);
        last = heading;
      }
      if (o.dropped > 0 && first) write(`(${String(o.dropped)} earlier lines were dropped by the ApplicationMaster's bound)\n`);
      for (const l of o.lines) write(`${taskOutputLine(l)}\n`);
    },
  };
}

/** The attempts' output from the aggregated logs, under the same headings as the live form. */
export function printAggregatedTaskOutput(outputs: readonly AggregatedTaskOutput[], write: (text: string) => void): void {
  for (const o of outputs) {
    write(`${taskOutputHeading(o)}\n`);
    for (const line of o.lines) write(`${line}\n`);
  }
}

function wholeNumber(flag: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value)) throw new Error(`${flag} ${value} is not a whole number`);
    return Number(value);
  };
}

/** Hadoop's spellings of the application option (as `loom logs -applicationId` takes them), for the job form too. */
const APPLICATION_ID_SPELLINGS: ReadonlySet<string> = new Set(['-applicationId', '-appId', '--application-id']);

/**
 * `loom logs <jobId> ...`: from the running cluster's AM (its REST routes), or, when that
 * application has ended (named with -applicationId, or found in the job archive), from its
 * aggregated logs.
 */
export async function runJobLogs(argv: string[], io: CommandIo): Promise<number> {
  const cio = io as ClusterCommandIo;
  const cmd = clusterCommand('logs', cio)
    .description("Print a Loom job's task output, each task attempt under its own heading.")
    .option('--task <n>', 'only this task index', wholeNumber('--task'))
    .option('--attempt <a>', 'only this attempt', wholeNumber('--attempt'))
    .option('-f, --follow', 'follow the output until the attempts end')
    .argument('<jobId>', 'the job: 32 hex digits, as loom list prints it', jobIdOption);
  const parsed = parseClusterArgs(
    'logs',
    cmd,
    argv.map((a) => (APPLICATION_ID_SPELLINGS.has(a) ? '--applicationId' : a)),
    cio,
  );
  if ('code' in parsed) return parsed.code;
  const flags = cmd.opts<ClusterFlags & { task?: number; attempt?: number; follow?: boolean }>();
  const req: JobLogsRequest = {
    jobId: cmd.processedArgs[0] as string,
    follow: flags.follow ?? false,
    ...(flags.task !== undefined ? { task: flags.task } : {}),
    ...(flags.attempt !== undefined ? { attempt: flags.attempt } : {}),
  };
  const write = (text: string) => void io.stdout.write(text);
  return withContext('logs', cio, flags, parsed.properties, async (ctx) => {
    const named = ctx.conf.get(LoomOptions.applicationId);
    const archivedApplication = () => findArchivedApplicationOfJob(ctx.fs, ctx.conf.get(LoomOptions.jobArchiveDir), req.jobId);
    let cluster: SessionCluster;
    try {
      cluster = await attachToSession(ctx);
    } catch (err) {
      if (!(err instanceof SessionNotFoundError)) throw err;
      const appId = named ?? (await archivedApplication());
      if (appId === undefined)
        throw new TaskOutputNotFoundError(
          `${err.message}; and no application's job archive has job ${req.jobId}: name the application that ran it with -applicationId <applicationId>`,
        );
      return printEndedJobLogs(ctx, appId, req, io, err);
    }
    try {
      return await printJobLogs(
        req,
        {
          job: (id) => cluster.dispatcher.getJob(id),
          taskOutput: (jobId, index, opts) => cluster.dispatcher.taskOutput(jobId, index, opts),
        },
        write,
      );
    } catch (err) {
      // Not a job of the running session: it may be one of an ended application.
      if (named === undefined && err instanceof DispatcherError && err.status === 404) {
        const appId = await archivedApplication();
        if (appId !== undefined && appId !== cluster.applicationId) return printEndedJobLogs(ctx, appId, req, io, err);
      }
      throw err;
    }
  });
}

/** The job's output from its ended application's aggregated logs; `notLive` is thrown when the application still runs. */
async function printEndedJobLogs(ctx: DeployContext, appId: string, req: JobLogsRequest, io: CommandIo, notLive: Error): Promise<number> {
  let report: ApplicationReport | undefined;
  try {
    report = await ctx.yarn.getApplicationReport(appId);
  } catch (err) {
    // The ResourceManager forgot it (restarted, or past yarn.resourcemanager.max-completed-applications): its logs may still be there.
    if (!isRemoteException(err, 'org.apache.hadoop.yarn.exceptions.ApplicationNotFoundException')) throw err;
  }
  if (report && !ENDED_STATES.has(report.state)) throw notLive;
  const status = report?.logAggregationStatus;
  const outputs = await readAggregatedTaskOutput(ctx.fs, ctx.hadoopConf, {
    appId,
    jobId: req.jobId,
    ...(req.task !== undefined ? { task: req.task } : {}),
    ...(req.attempt !== undefined ? { attempt: req.attempt } : {}),
    ...(report ? { appOwner: report.user } : {}),
    ...(status !== undefined ? { aggregationStatus: status } : {}),
  });
  if (aggregationUnderWay(status))
    io.stderr.write(
      `loom logs: log aggregation of ${appId} is ${status ?? ''}: containers not uploaded yet are missing below; run again when it is done\n`,
    );
  else if (req.follow) io.stderr.write(`loom logs: ${appId} has ended: its task output from the aggregated logs follows\n`);
  printAggregatedTaskOutput(outputs, (text) => void io.stdout.write(text));
  return 0;
}
