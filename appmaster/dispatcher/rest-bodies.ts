import type {
  ExceptionEntryJson,
  JobExceptionsJson,
  TaskExecutorHistoryJson,
  TaskExecutorRecord,
  JobDetailsJson,
  JobIdsJson,
  JobOverviewJson,
  OverviewJson,
  TaskJson,
  TaskManagerJson,
} from '../../client/contracts/dispatcher-rest-types.js';
import { TASK_STATES } from '../../client/contracts/job-states.js';
import type { ClusterOverview, JobStatus, TaskExecutorInfo } from '../cluster-api.js';

/** The AM's own records (cluster-api.ts) written in the REST shapes (dispatcher-rest-types.ts). */

export function overviewJson(o: ClusterOverview, loomVersion: string): OverviewJson {
  return {
    taskmanagers: o.taskExecutors,
    'slots-total': o.slotsTotal,
    'slots-available': o.slotsAvailable,
    'jobs-running': o.jobsRunning,
    'jobs-finished': o.jobsFinished,
    'jobs-cancelled': o.jobsCanceled,
    'jobs-failed': o.jobsFailed,
    'loom-version': loomVersion,
    ...(o.applicationId !== undefined ? { 'application-id': o.applicationId } : {}),
    mode: o.mode,
    'start-time': o.startedAt,
  };
}

export function taskManagerJson(t: TaskExecutorInfo): TaskManagerJson {
  return {
    id: t.id,
    host: t.host,
    slotsNumber: t.slots,
    freeSlots: t.freeSlots,
    timeSinceLastHeartbeat: t.lastHeartbeatAt,
    registeredAt: t.registeredAt,
    ...(t.memoryMb !== undefined ? { memoryMb: t.memoryMb } : {}),
    ...(t.nodeHttpAddress !== undefined ? { nodeHttpAddress: t.nodeHttpAddress } : {}),
  };
}

/**
 * The NodeManager's page of a container's logs, as YARN's web UI links it
 * (`<nodeHttpAddress>/node/containerlogs/<containerId>/<user>`; the NM redirects to the log server
 * once the logs are aggregated). The scheme follows yarn.http.policy (HTTP_ONLY by default).
 */
export function containerLogsUrl(nodeHttpAddress: string, containerId: string, user: string, scheme = 'http'): string {
  return `${scheme}://${nodeHttpAddress}/node/containerlogs/${encodeURIComponent(containerId)}/${encodeURIComponent(user)}`;
}

/** `user`: whose containers they are (the NM's log page needs it); without it, no log links. */
export function taskExecutorHistoryJson(
  records: TaskExecutorRecord[],
  kept: number,
  user?: string,
  scheme?: string,
): TaskExecutorHistoryJson {
  return {
    taskmanagers: records.map((r) => ({
      ...r,
      ...(r.nodeHttpAddress && user ? { logs: containerLogsUrl(r.nodeHttpAddress, r.id, user, scheme) } : {}),
    })),
    kept,
  };
}

/**
 * A job's failures newest first, as Flink's Exceptions tab lists them: each failed task attempt
 * (also those that ran again) with where and when, and the job's own failure as its root exception.
 */
export function jobExceptionsJson(j: JobStatus): JobExceptionsJson {
  const entries: ExceptionEntryJson[] = [];
  const fallback = j.endedAt ?? j.submittedAt;
  for (const t of j.tasks) {
    const attempts = [...(t.previousAttempts ?? [])];
    if (t.state === 'FAILED' && t.error !== undefined)
      attempts.push({
        attempt: t.attempt,
        state: t.state,
        error: t.error,
        ...(t.taskExecutorId !== undefined ? { containerId: t.taskExecutorId } : {}),
        ...(t.host !== undefined ? { host: t.host } : {}),
        ...(t.endTime !== undefined ? { endTime: t.endTime } : {}),
      });
    for (const a of attempts) {
      if (a.error === undefined) continue;
      entries.push({
        timestamp: a.endTime ?? fallback,
        kind: 'task',
        taskIndex: t.index,
        attempt: a.attempt,
        ...(a.containerId !== undefined ? { containerId: a.containerId } : {}),
        ...(a.host !== undefined ? { host: a.host } : {}),
        exception: a.error,
      });
    }
  }
  if (j.error !== undefined) entries.push({ timestamp: fallback, kind: 'job', exception: j.error });
  entries.sort((a, b) => b.timestamp - a.timestamp || (a.kind === 'job' ? -1 : b.kind === 'job' ? 1 : 0));
  return {
    jid: j.id,
    ...(j.error !== undefined ? { 'root-exception': j.error, timestamp: fallback } : {}),
    entries,
  };
}

export function jobIdsJson(jobs: JobStatus[]): JobIdsJson {
  return { jobs: jobs.map((j) => ({ id: j.id, status: j.state })) };
}

function times(j: JobStatus, now: number) {
  return {
    'start-time': j.submittedAt,
    'end-time': j.endedAt ?? -1,
    duration: (j.endedAt ?? now) - j.submittedAt,
  };
}

export function jobOverviewJson(j: JobStatus, now: number): JobOverviewJson {
  const tasks: Record<string, number> = { total: j.tasks.length };
  for (const s of TASK_STATES) tasks[s.toLowerCase()] = 0;
  for (const t of j.tasks) tasks[t.state.toLowerCase()] = (tasks[t.state.toLowerCase()] ?? 0) + 1;
  return { jid: j.id, name: j.name, state: j.state, ...times(j, now), parallelism: j.parallelism, tasks, progress: jobProgress(j) };
}

/** A finished task counts 1, another its latest reported fraction (0 without one); the mean over the job's tasks. */
function jobProgress(j: JobStatus): number {
  if (j.tasks.length === 0) return 0;
  const sum = j.tasks.reduce((acc, t) => acc + (t.state === 'FINISHED' ? 1 : (t.progress?.fraction ?? 0)), 0);
  return sum / j.tasks.length;
}

/** `withResults` false: without the tasks' results (what the web proxy path gets: states and errors, not the job's data). */
export function jobDetailsJson(j: JobStatus, now: number, { withResults = true }: { withResults?: boolean } = {}): JobDetailsJson {
  const tasks: TaskJson[] = j.tasks.map((t) => ({
    index: t.index,
    state: t.state,
    attempt: t.attempt,
    ...(t.taskExecutorId !== undefined ? { 'taskmanager-id': t.taskExecutorId } : {}),
    ...(withResults && t.result !== undefined ? { result: t.result } : {}),
    ...(t.error !== undefined ? { error: t.error } : {}),
    ...(t.taskExecutorId !== undefined ? { containerId: t.taskExecutorId } : {}),
    ...(t.host !== undefined ? { host: t.host } : {}),
    ...(t.nodeHttpAddress !== undefined ? { nodeHttpAddress: t.nodeHttpAddress } : {}),
    ...(t.startTime !== undefined ? { startTime: t.startTime } : {}),
    ...(t.endTime !== undefined ? { endTime: t.endTime } : {}),
    ...(t.previousAttempts?.length ? { previousAttempts: t.previousAttempts } : {}),
    ...(t.progress ? { progress: t.progress } : {}),
  }));
  return {
    jid: j.id,
    name: j.name,
    state: j.state,
    ...times(j, now),
    now,
    parallelism: j.parallelism,
    'export-name': j.exportName,
    tasks,
    ...(withResults && j.results !== undefined ? { results: j.results } : {}),
    ...(j.error !== undefined ? { error: j.error } : {}),
  };
}
