import type {
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
  return { jid: j.id, name: j.name, state: j.state, ...times(j, now), parallelism: j.parallelism, tasks };
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
