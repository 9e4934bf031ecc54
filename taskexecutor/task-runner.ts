/**
 * Runs the tasks the AM deploys, one worker thread each, within the TaskExecutor's slots, and
 * reports every state change (RUNNING, then FINISHED, FAILED or CANCELED) exactly once per attempt.
 * A cancel terminates the thread; one that arrives while the bundle is still being fetched stops
 * the task before it starts. With `output` set, the thread's stdout and stderr come to the
 * TaskExecutor (Worker's `stdout: true, stderr: true`) and are captured per attempt
 * (task-output-capture.ts); the attempt's final update goes out only once its streams have ended
 * and its last lines were handed on, so they reach the AM before the update does. With
 * `onProgress` set, the thread's `task.progress()` reports go there coalesced per attempt
 * (task-progress-coalescer.ts), the last one before the attempt's final update.
 */
import { finished } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';
import { isRetryable } from '../client/errors/loom-error.js';
import {
  taskKey,
  type DeployTaskMessage,
  type TaskOutputLine,
  type TaskProgressMessage,
  type TaskRef,
  type TaskUpdateMessage,
} from '../client/contracts/taskexecutor-protocol.js';
import type { BundleRef } from '../client/contracts/bundle-ref.js';
import { workerThreadLimits, type WorkerThreadLimits } from '../client/contracts/am-container-contract.js';
import { bundleRoot, relativeToBundle } from './bundle-frames.js';
import { TASK_WORKER_PROGRESS, type TaskWorkerInput, type TaskWorkerOutput, type TaskWorkerProgress } from './task-worker-messages.js';
import { TaskOutputCapture } from './task-output-capture.js';
import { TASK_PROGRESS_MESSAGE_MAX_CHARS } from '../client/program/task-progress.js';
import { TaskProgressCoalescer, type CoalescerTimers } from './task-progress-coalescer.js';

/** Where task attempts' output goes; without it, task threads write to the TaskExecutor's own stdout and stderr. */
export interface TaskOutputSink {
  /** The container's log dir: each attempt's file goes there. */
  logDir: string;
  onLine(task: TaskRef, line: TaskOutputLine): void;
  /** The attempt's thread is gone and its last line was handed to onLine; its final update follows. */
  attemptEnded(task: TaskRef): void;
}

export interface TaskRunnerOptions {
  slots: number;
  bundles: { modulePath(bundle: BundleRef): Promise<string> };
  /** dist/taskexecutor/task-worker.js */
  workerScript: URL | string;
  hdfs: TaskWorkerInput['hdfs'];
  onUpdate(update: TaskUpdateMessage): void;
  log(message: string): void;
  /** Default 16 MiB: results travel inline to the AM. */
  maxResultBytes?: number;
  /** Per-task V8 limits: workerThreadLimits(heap, slots). */
  workerLimits?: WorkerThreadLimits;
  output?: TaskOutputSink;
  /** Where the tasks' progress goes (at most one per attempt every `progressIntervalMs`, default 250 ms); dropped without it. */
  onProgress?(progress: TaskProgressMessage): void;
  progressIntervalMs?: number;
  progressTimers?: CoalescerTimers;
}

interface RunningTask {
  ref: TaskRef;
  worker?: Worker;
  cancelled: boolean;
  outcome?: TaskWorkerOutput;
  ended: boolean;
  exited?: Promise<void>;
  /** Where the task's bundle sits in the cache: errors name its files relative to it. */
  bundleRoot?: string;
}

export const DEFAULT_MAX_RESULT_BYTES = 16 * 1024 * 1024;

export class TaskRunner {
  private readonly tasks = new Map<string, RunningTask>();
  private readonly progress: TaskProgressCoalescer | undefined;

  constructor(private readonly opts: TaskRunnerOptions) {
    const onProgress = opts.onProgress?.bind(opts);
    this.progress =
      onProgress &&
      new TaskProgressCoalescer({
        send: onProgress,
        ...(opts.progressIntervalMs !== undefined ? { intervalMs: opts.progressIntervalMs } : {}),
        ...(opts.progressTimers ? { timers: opts.progressTimers } : {}),
      });
  }

  deploy(d: DeployTaskMessage): void {
    const key = taskKey(d.task);
    if (this.tasks.has(key)) return; // a repeated deploy of the same attempt
    if (this.tasks.size >= this.opts.slots) {
      this.opts.onUpdate({ task: d.task, state: 'FAILED', error: `no free slot (all ${this.opts.slots} in use)`, retryable: true });
      return;
    }
    const rt: RunningTask = { ref: d.task, cancelled: false, ended: false };
    this.tasks.set(key, rt);
    this.run(rt, d).catch((err: unknown) =>
      this.end(rt, {
        state: 'FAILED',
        error: `the TaskExecutor could not run the task: ${err instanceof Error ? err.message : String(err)}`,
        retryable: true,
      }),
    );
  }

  cancel(ref: TaskRef): void {
    const rt = this.tasks.get(taskKey(ref));
    if (!rt) {
      // Unknown here (already ended): confirm, so the AM frees the slot it may still count.
      this.opts.onUpdate({ task: ref, state: 'CANCELED' });
      return;
    }
    rt.cancelled = true;
    void rt.worker?.terminate();
  }

  running(): TaskRef[] {
    return [...this.tasks.values()].map((t) => t.ref);
  }

  freeSlots(): number {
    return Math.max(0, this.opts.slots - this.tasks.size);
  }

  /** Terminates every task (the TaskExecutor is exiting); no updates are sent for them. */
  async stopAll(): Promise<void> {
    const all = [...this.tasks.values()];
    for (const rt of all) {
      rt.cancelled = true;
      rt.ended = true;
      void rt.worker?.terminate();
    }
    this.tasks.clear();
    this.progress?.close();
    await Promise.all(all.flatMap((rt) => rt.exited ?? []));
  }

  private async run(rt: RunningTask, d: DeployTaskMessage): Promise<void> {
    let args: unknown;
    try {
      args = JSON.parse(d.argsJson);
    } catch (err) {
      this.end(rt, { state: 'FAILED', error: `the job's arguments are not valid JSON (${(err as Error).message})` });
      return;
    }
    let modulePath: string;
    try {
      modulePath = await this.opts.bundles.modulePath(d.bundle);
    } catch (err) {
      const retryable = isRetryable(err);
      this.end(rt, { state: 'FAILED', error: (err as Error).message, ...(retryable ? { retryable } : {}) });
      return;
    }
    if (rt.cancelled) {
      this.end(rt, { state: 'CANCELED' });
      return;
    }

    const root = bundleRoot(modulePath, d.bundle);
    rt.bundleRoot = root;
    const input: TaskWorkerInput = {
      modulePath,
      bundleRoot: root,
      exportName: d.exportName,
      task: {
        jobId: d.task.jobId,
        jobName: d.jobName,
        index: d.task.taskIndex,
        parallelism: d.parallelism,
        attempt: d.task.attempt,
        args: Array.isArray(args) ? args : [args],
      },
      hdfs: this.opts.hdfs,
      maxResultBytes: this.opts.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES,
    };
    const output = this.opts.output;
    const worker = new Worker(this.opts.workerScript, {
      workerData: input,
      resourceLimits: this.opts.workerLimits ?? workerThreadLimits(0, 1),
      ...(output ? { stdout: true, stderr: true } : {}),
    });
    rt.worker = worker;
    const capture = output && this.capture(rt.ref, worker, output);
    let crash: Error | undefined;
    rt.exited = new Promise<void>((resolve) => {
      worker.once('exit', (code) => {
        // Node ends the thread's stdio streams on exit, after the last chunk it wrote.
        void (capture ?? Promise.resolve()).then(() => {
          resolve();
          this.end(rt, this.finalUpdate(rt, crash, code));
        });
      });
    });
    worker.on('message', (out: unknown) => {
      if (isWorkerProgress(out)) {
        if (!rt.outcome && !rt.ended)
          this.progress?.report({ task: rt.ref, fraction: out.fraction, message: out.message.slice(0, TASK_PROGRESS_MESSAGE_MAX_CHARS) });
        return;
      }
      // The first answer counts; anything else user code posts on the port is ignored.
      if (rt.outcome || !isWorkerOutput(out)) return;
      rt.outcome = out;
      // Done: timers or sockets the task left open must not keep its slot.
      void worker.terminate();
    });
    worker.on('error', (err) => {
      crash ??= err;
    });
    this.opts.onUpdate({ task: rt.ref, state: 'RUNNING' });
  }

  /** Captures the thread's stdout and stderr; resolves once both ended and the last lines were handed on. */
  private async capture(task: TaskRef, worker: Worker, output: TaskOutputSink): Promise<void> {
    const capture = new TaskOutputCapture({
      task,
      logDir: output.logDir,
      onLine: (line) => output.onLine(task, line),
      log: (message) => this.opts.log(message),
    });
    worker.stdout.on('data', (chunk: Buffer) => capture.write('stdout', chunk));
    worker.stderr.on('data', (chunk: Buffer) => capture.write('stderr', chunk));
    await Promise.all([finished(worker.stdout), finished(worker.stderr)]).catch(() => undefined);
    capture.end();
    output.attemptEnded(task);
  }

  private finalUpdate(rt: RunningTask, crash: Error | undefined, code: number): Omit<TaskUpdateMessage, 'task'> {
    const out = rt.outcome;
    if (out?.ok) return { state: 'FINISHED', resultJson: out.resultJson };
    if (out) return { state: 'FAILED', error: out.message, ...(out.stack ? { errorStack: out.stack } : {}) };
    if (rt.cancelled) return { state: 'CANCELED' };
    // Thrown outside the awaited call (a timer, an event handler), or the thread ran out of memory.
    if (crash) {
      const inBundle = (text: string) => (rt.bundleRoot ? relativeToBundle(text, rt.bundleRoot) : text);
      return { state: 'FAILED', error: inBundle(crash.message), ...(crash.stack ? { errorStack: inBundle(crash.stack) } : {}) };
    }
    return { state: 'FAILED', error: `the task's thread exited with code ${code} before the task returned (did it call process.exit?)` };
  }

  private end(rt: RunningTask, update: Omit<TaskUpdateMessage, 'task'>): void {
    if (rt.ended) return;
    rt.ended = true;
    this.tasks.delete(taskKey(rt.ref));
    this.progress?.attemptEnded(rt.ref);
    this.opts.onUpdate({ task: rt.ref, ...update });
  }
}

function isWorkerOutput(m: unknown): m is TaskWorkerOutput {
  if (typeof m !== 'object' || m === null) return false;
  const o = m as Record<string, unknown>;
  return (o.ok === true && typeof o.resultJson === 'string') || (o.ok === false && typeof o.message === 'string');
}

/** A task.progress() report from the thread, checked there; checked again, as user code may post on the port too. */
function isWorkerProgress(m: unknown): m is TaskWorkerProgress {
  if (typeof m !== 'object' || m === null) return false;
  const o = m as Record<string, unknown>;
  return (
    o.type === TASK_WORKER_PROGRESS && typeof o.fraction === 'number' && o.fraction >= 0 && o.fraction <= 1 && typeof o.message === 'string'
  );
}
