/**
 * Runs one task in a worker thread: imports the bundle's module, calls the export as `fn(task)`,
 * and posts back the JSON of its result or its error. Cancelling a task terminates the thread, so
 * user code needs no cooperation to be stopped. Compiled to dist/taskexecutor/task-worker.js.
 */
import { LoomError } from '../client/errors/loom-error.js';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { Configuration } from '../client/conf/configuration.js';
import { webHdfsClientFromConf } from '../client/hadoop/hdfs/webhdfs-client-from-conf.js';
import { findTaskExport } from '../client/program/task-export.js';
import { checkedTaskProgress } from '../client/program/task-progress.js';
import type { WebHdfsClient } from '../client/hadoop/hdfs/webhdfs-client.js';
import type { Task } from '../client/program/program-api.js';
import { relativeToBundle } from './bundle-frames.js';
import { TASK_WORKER_PROGRESS, type TaskWorkerInput, type TaskWorkerOutput, type TaskWorkerProgress } from './task-worker-messages.js';

/** JSON.stringify returns undefined for a function or a symbol, which the lib's type leaves out. */
const stringifyResult: (value: unknown) => string | undefined = JSON.stringify;

class TaskCodeError extends LoomError {
  static override readonly code: string = 'TASK_CODE_FAILED';
  override name = 'TaskCodeError';
}

async function runTask(input: TaskWorkerInput, port: MessagePort): Promise<TaskWorkerOutput> {
  let hdfs: WebHdfsClient | undefined;
  const task: Task = {
    jobId: input.task.jobId,
    jobName: input.task.jobName,
    index: input.task.index,
    parallelism: input.task.parallelism,
    attempt: input.task.attempt,
    args: input.task.args,
    /** A WebHDFS client acting as the application's user; built on first use. */
    get hdfs(): WebHdfsClient {
      hdfs ??= webHdfsClientFromConf(Configuration.load(input.hdfs.confDir ? { confDir: input.hdfs.confDir } : {}), {
        user: input.hdfs.user,
      });
      return hdfs;
    },
    progress(fraction: number, message?: string): void {
      const report: TaskWorkerProgress = { type: TASK_WORKER_PROGRESS, ...checkedTaskProgress(fraction, message) };
      port.postMessage(report);
    },
  };
  try {
    const mod = (await import(pathToFileURL(input.modulePath).href)) as Record<string, unknown>;
    const fn = exportedFunction(mod, input.exportName);
    const value: unknown = await fn(task);
    return { ok: true, resultJson: resultJson(value, input) };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(`a non-Error value was thrown: ${String(err)}`);
    const inBundle = (text: string) => relativeToBundle(text, input.bundleRoot);
    return {
      ok: false,
      message: inBundle(e.message || e.name),
      ...(e.stack && !(e instanceof TaskCodeError) ? { stack: inBundle(e.stack) } : {}),
    };
  } finally {
    hdfs?.close();
  }
}

function exportedFunction(mod: Record<string, unknown>, name: string): (task: unknown) => unknown {
  const found = findTaskExport(mod, name);
  if ('problem' in found) throw new TaskCodeError(found.problem);
  return found.fn;
}

function resultJson(value: unknown, input: TaskWorkerInput): string {
  let json: string | undefined;
  try {
    json = stringifyResult(value === undefined ? null : value);
  } catch (err) {
    throw new TaskCodeError(
      `task ${input.task.index} returned a value that is not JSON-serialisable (${(err as Error).message}); return plain data: objects, arrays, strings, numbers, booleans or null`,
    );
  }
  if (json === undefined) {
    throw new TaskCodeError(
      `task ${input.task.index} returned a ${typeof value}, which is not JSON-serialisable; return plain data: objects, arrays, strings, numbers, booleans or null`,
    );
  }
  const bytes = Buffer.byteLength(json);
  if (bytes > input.maxResultBytes) {
    throw new TaskCodeError(
      `task ${input.task.index} returned ${bytes} bytes of JSON; the limit is ${input.maxResultBytes}: write large results to HDFS (task.hdfs) and return their paths`,
    );
  }
  return json;
}

/**
 * Resolves once what the task wrote to `stream` has reached the TaskExecutor: a worker thread's
 * stdio travels to the parent asynchronously (each write waits for the parent to take the last),
 * and the TaskExecutor ends the thread when the answer comes, so answering first would lose the
 * task's last lines. Bounded, so a parent that stopped reading cannot hold the answer back.
 */
function flushed(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise<void>((resolve) => {
    setTimeout(resolve, 2_000).unref();
    stream.write('', () => resolve());
  });
}

if (!parentPort) throw new Error('task-worker.js runs inside a TaskExecutor worker thread, not on its own');
const answer = await runTask(workerData as TaskWorkerInput, parentPort);
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
parentPort.postMessage(answer);
