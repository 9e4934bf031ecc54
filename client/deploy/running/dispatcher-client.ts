import { setTimeout as sleep } from 'node:timers/promises';
import { DispatcherError, restCallFailed } from './dispatcher-error.js';
import {
  APPLICATION_OUTPUT_PATH,
  APPLICATION_PROGRAM_PATH,
  type ApplicationProgramJson,
  type ProgramOutputJson,
  type JobDetailsJson,
  type JobIdsJson,
  type JobSubmission,
  type JobSubmitResponseJson,
  type JobsOverviewJson,
  type ClusterOverview,
  type JobStatus,
  type TaskExecutorInfo,
  type OverviewJson,
  type TaskManagersJson,
  type TaskOutputJson,
} from '../../contracts/dispatcher-rest-types.js';
import { TERMINAL_JOB_STATES, type JobState } from '../../contracts/job-states.js';
import type { PinnedCertificate } from '../../wire/security/pinned-certificate.js';
import { amFetch, pinningFailure, type AmResponse } from './am-rest-fetch.js';

export { DispatcherError } from './dispatcher-error.js';
export type { JobStatus, JobSubmission, TaskStatus } from '../../contracts/dispatcher-rest-types.js';
export type { JobState, TaskState } from '../../contracts/job-states.js';

export interface DispatcherOverview extends ClusterOverview {
  loomVersion: string;
}

export interface JobSummary {
  id: string;
  name: string;
  state: JobState;
  submittedAt: number;
  endedAt?: number;
  durationMs: number;
  parallelism: number;
  /** Tasks per lower-case state, and `total`. */
  taskCounts: Partial<Record<string, number>>;
  /** How far the job is, 0 to 1 (finished tasks count whole, others their task.progress()); absent from AMs before it. */
  progress?: number;
}

export interface DispatcherClientOptions {
  /** `http://host:port` of the AM's REST endpoint (the host and RPC port of the application report); `https://` with `certificate`. */
  baseUrl: string;
  secret: string;
  /** Internal TLS: the certificate the AM must show (pinned); absent: plain HTTP. */
  certificate?: PinnedCertificate;
  /** The cluster's application id, for error messages a person reads. */
  applicationId?: string;
  /** Per request; default 30 s. */
  requestTimeoutMs?: number;
}

export interface WaitForJobOptions {
  /** Called with each new state of the job (any task changed state, attempt or progress), including the first and the last. */
  onProgress?: (job: JobStatus) => void;
  pollMs?: number;
  /** Default: wait without limit. */
  timeoutMs?: number;
}

/** A typed client for the AM's dispatcher REST API, authenticated with the cluster secret. */
export class DispatcherClient {
  readonly baseUrl: string;

  constructor(private readonly opts: DispatcherClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    if (!/^https?:\/\/[^/]+$/.test(this.baseUrl))
      throw new DispatcherError(`the dispatcher address ${JSON.stringify(opts.baseUrl)} is not http://host:port`);
  }

  async overview(): Promise<DispatcherOverview> {
    const o = await this.call<OverviewJson>('GET', '/overview');
    return {
      ...(o['application-id'] !== undefined ? { applicationId: o['application-id'] } : {}),
      mode: o.mode,
      taskExecutors: o.taskmanagers,
      slotsTotal: o['slots-total'],
      slotsAvailable: o['slots-available'],
      jobsRunning: o['jobs-running'],
      jobsFinished: o['jobs-finished'],
      jobsFailed: o['jobs-failed'],
      jobsCanceled: o['jobs-cancelled'],
      startedAt: o['start-time'],
      loomVersion: o['loom-version'],
    };
  }

  async taskExecutors(): Promise<TaskExecutorInfo[]> {
    const { taskmanagers } = await this.call<TaskManagersJson>('GET', '/taskmanagers');
    return taskmanagers.map((t) => ({
      id: t.id,
      host: t.host,
      slots: t.slotsNumber,
      freeSlots: t.freeSlots,
      registeredAt: t.registeredAt,
      lastHeartbeatAt: t.timeSinceLastHeartbeat,
      ...(t.memoryMb !== undefined ? { memoryMb: t.memoryMb } : {}),
    }));
  }

  async listJobs(): Promise<JobSummary[]> {
    const { jobs } = await this.call<JobsOverviewJson>('GET', '/jobs/overview');
    return jobs.map((j) => ({
      id: j.jid,
      name: j.name,
      state: j.state,
      submittedAt: j['start-time'],
      ...(j['end-time'] >= 0 ? { endedAt: j['end-time'] } : {}),
      durationMs: j.duration,
      parallelism: j.parallelism,
      taskCounts: j.tasks,
      ...(j.progress !== undefined ? { progress: j.progress } : {}),
    }));
  }

  /** Ids and states only (Flink's GET /jobs). */
  async jobIds(): Promise<{ id: string; state: JobState }[]> {
    const { jobs } = await this.call<JobIdsJson>('GET', '/jobs');
    return jobs.map((j) => ({ id: j.id, state: j.status }));
  }

  async getJob(id: string): Promise<JobStatus> {
    return toJobStatus(await this.call<JobDetailsJson>('GET', `/jobs/${encodeURIComponent(id)}`));
  }

  /**
   * Submits a job; resolves with its id once the AM accepted it (it runs asynchronously). With
   * `id` (32 lower-case hex digits) the client proposes the job's id (`?jobid=`), so a submission
   * whose answer was lost can be looked up on a new AM attempt; an AM that picks its own answers
   * with another id.
   */
  async submitJob(job: JobSubmission, opts: { id?: string } = {}): Promise<string> {
    const query = opts.id !== undefined ? `?jobid=${encodeURIComponent(opts.id)}` : '';
    const { jobid } = await this.call<JobSubmitResponseJson>('POST', `/jobs${query}`, job);
    return jobid;
  }

  /**
   * The output of one task attempt the AM keeps (GET /jobs/:id/tasks/:index/output): lines with a
   * seq above `after` (default -1: all kept), of `attempt` (default: the task's latest). To follow
   * it, pass each answer's `next` as `after` until `ended` is true.
   */
  async taskOutput(jobId: string, taskIndex: number, opts: { attempt?: number; after?: number } = {}): Promise<TaskOutputJson> {
    const query = new URLSearchParams();
    if (opts.attempt !== undefined) query.set('attempt', String(opts.attempt));
    if (opts.after !== undefined) query.set('after', String(opts.after));
    const q = query.size > 0 ? `?${query.toString()}` : '';
    return this.call<TaskOutputJson>('GET', `/jobs/${encodeURIComponent(jobId)}/tasks/${taskIndex}/output${q}`);
  }

  async cancelJob(id: string): Promise<JobStatus> {
    return toJobStatus(await this.call<JobDetailsJson>('PATCH', `/jobs/${encodeURIComponent(id)}?mode=cancel`));
  }

  /** Polls until the job is FINISHED, FAILED or CANCELED and returns its last state (it does not throw for FAILED). */
  async waitForJob(id: string, opts: WaitForJobOptions = {}): Promise<JobStatus> {
    const pollMs = opts.pollMs ?? 500;
    const deadline = opts.timeoutMs === undefined ? Infinity : Date.now() + opts.timeoutMs;
    let last = '';
    for (;;) {
      const job = await this.getJob(id);
      const fingerprint = JSON.stringify([
        job.state,
        job.tasks.map((t) => [t.state, t.attempt, t.progress?.fraction, t.progress?.message]),
      ]);
      if (fingerprint !== last) {
        last = fingerprint;
        opts.onProgress?.(job);
      }
      if (TERMINAL_JOB_STATES.has(job.state)) return job;
      if (Date.now() + pollMs > deadline) {
        throw new DispatcherError(
          `job ${id} did not end within ${opts.timeoutMs} ms (it is ${job.state}); cancel it with cancelJob("${id}") or wait longer`,
        );
      }
      await sleep(pollMs);
    }
  }

  /** Application mode: main()'s lines after `after` (the `next` of the previous answer; -1 for the first). */
  async programOutput(after: number): Promise<ProgramOutputJson> {
    return this.call<ProgramOutputJson>('GET', `${APPLICATION_OUTPUT_PATH}?after=${after}`);
  }

  /** Application mode: whether main() runs, returned (with its value) or failed. */
  async applicationProgram(): Promise<ApplicationProgramJson> {
    return this.call<ApplicationProgramJson>('GET', APPLICATION_PROGRAM_PATH);
  }

  /** Ends the cluster; the AM unregisters from YARN with this final status. */
  async shutdownCluster(reason: { finalStatus?: 'SUCCEEDED' | 'FAILED' | 'KILLED'; diagnostics?: string } = {}): Promise<void> {
    await this.call<unknown>('DELETE', '/cluster', reason);
  }

  /**
   * Polls GET /overview until the dispatcher answers (connection refused is expected while the AM
   * starts). A wrong secret fails at once: waiting would not help.
   */
  async waitUntilReady(timeoutMs: number, pollMs = 200): Promise<DispatcherOverview> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await this.overview();
      } catch (err) {
        const status = err instanceof DispatcherError ? err.status : undefined;
        if (status === 401 || status === 404) throw err;
        if (Date.now() + pollMs > deadline) {
          throw new DispatcherError(
            `the dispatcher at ${this.baseUrl} was not ready within ${timeoutMs} ms: ${(err as Error).message}`,
            status,
          );
        }
      }
      await sleep(pollMs);
    }
  }

  /** GET /metrics: the AM's metrics in Prometheus' text format (read with client/contracts/metric-samples.ts). */
  metricsText(): Promise<string> {
    return this.request('GET', '/metrics', undefined, 'text/plain');
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const { text, status } = await this.requestWithStatus(method, path, body, 'application/json');
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new DispatcherError(
        `${method} ${path} at ${this.baseUrl} answered ${status} with a body that is not JSON: ${text.slice(0, 200)}`,
        status,
      );
    }
  }

  private async request(method: string, path: string, body: unknown, accept: string): Promise<string> {
    return (await this.requestWithStatus(method, path, body, accept)).text;
  }

  private async requestWithStatus(method: string, path: string, body: unknown, accept: string): Promise<{ text: string; status: number }> {
    const url = this.baseUrl + path;
    let res: AmResponse;
    try {
      res = await amFetch(
        url,
        {
          method,
          headers: {
            Authorization: `Bearer ${this.opts.secret}`,
            Accept: accept,
            ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(this.opts.requestTimeoutMs ?? 30_000),
        },
        this.opts.certificate,
      );
    } catch (err) {
      const mismatch = pinningFailure(err);
      if (mismatch) throw mismatch;
      throw new DispatcherError(connectionProblem(this.baseUrl, method, path, err), undefined, [], { cause: err });
    }
    const text = await res.text().catch(() => '');
    if (!res.ok) {
      const errors = serverErrors(text);
      const answer = errors.length ? errors.join('; ') : text.trim().slice(0, 300) || res.statusText;
      const call = { method, path, baseUrl: this.baseUrl, ...(this.opts.applicationId ? { applicationId: this.opts.applicationId } : {}) };
      throw restCallFailed(call, res.status, errors, answer);
    }
    return { text, status: res.status };
  }
}

function toJobStatus(j: JobDetailsJson): JobStatus {
  return {
    id: j.jid,
    name: j.name,
    state: j.state,
    parallelism: j.parallelism,
    exportName: j['export-name'],
    submittedAt: j['start-time'],
    ...(j['end-time'] >= 0 ? { endedAt: j['end-time'] } : {}),
    tasks: j.tasks.map((t) => ({
      index: t.index,
      state: t.state,
      attempt: t.attempt,
      ...(t['taskmanager-id'] !== undefined ? { taskExecutorId: t['taskmanager-id'] } : {}),
      ...('result' in t ? { result: t.result } : {}),
      ...(t.error !== undefined ? { error: t.error } : {}),
      ...(t.progress !== undefined ? { progress: t.progress } : {}),
    })),
    ...(j.results !== undefined ? { results: j.results } : {}),
    ...(j.error !== undefined ? { error: j.error } : {}),
  };
}

/** The `errors` of a Flink-style error body, if it is one. */
function serverErrors(text: string): string[] {
  try {
    const errors = (JSON.parse(text) as { errors?: unknown }).errors;
    return Array.isArray(errors) ? errors.map(String) : [];
  } catch {
    return [];
  }
}

function connectionProblem(baseUrl: string, method: string, path: string, err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  const code = e.cause?.code ?? (e as { code?: string }).code;
  if (e.name === 'TimeoutError' || e.name === 'AbortError')
    return `the Loom dispatcher at ${baseUrl} did not answer ${method} ${path} in time`;
  if (code === 'ECONNREFUSED')
    return `cannot connect to the Loom dispatcher at ${baseUrl}: connection refused. Is the cluster still running? (yarn application -status <applicationId>)`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot resolve the host of the Loom dispatcher at ${baseUrl} (${code})`;
  return `cannot reach the Loom dispatcher at ${baseUrl}: ${e.cause?.message ?? e.message}${code ? ` (${code})` : ''}`;
}
