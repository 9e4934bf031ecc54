/**
 * Application mode's program thread (dist/appmaster/modes/program-worker.js): imports the
 * localized bundle, runs its main(ctx) with a ctx whose jobs go to the AM's own job master (by
 * messages to the main thread), waits for the jobs' ends, and reports how main() ended. A thread
 * of its own keeps a busy or crashing main() away from the AM's heartbeats and servers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Configuration } from '../../client/conf/configuration.js';
import { webHdfsClientFromConf } from '../../client/hadoop/hdfs/webhdfs-client-from-conf.js';
import { createProgramContext, type JobSubmitter, type ProgramContextOptions } from '../../client/program/program-context.js';
import { describeProgramError, JobFailedError } from '../../client/program/program-errors.js';
import { loadProgram } from '../../client/program/program-loader.js';
import { runProgram } from '../../client/program/run-program.js';
import type { ProgramWorkerInput, ProgramWorkerReply, ProgramWorkerRequest } from './program-worker-messages.js';

if (!parentPort) throw new Error('program-worker.js runs inside the ApplicationMaster as a worker thread, not on its own');
const port = parentPort;
const input = workerData as ProgramWorkerInput;

const pending = new Map<number, (reply: ProgramWorkerReply) => void>();
let nextRequestId = 1;
port.on('message', (reply: ProgramWorkerReply) => {
  const answer = pending.get(reply.requestId);
  pending.delete(reply.requestId);
  answer?.(reply);
});

function post(message: ProgramWorkerRequest): void {
  port.postMessage(message);
}

function ask(make: (requestId: number) => ProgramWorkerRequest): Promise<ProgramWorkerReply> {
  const requestId = nextRequestId++;
  return new Promise((resolve) => {
    pending.set(requestId, resolve);
    post(make(requestId));
  });
}

const submitter: JobSubmitter = {
  async submit(plan) {
    const reply = await ask((requestId) => ({ type: 'submit', requestId, plan }));
    if (reply.type === 'failed') throw new Error(reply.message);
    if (reply.type !== 'submitted') throw new Error(`unexpected answer ${reply.type} to a job submission`);
    const jobId = reply.jobId;
    return {
      id: jobId,
      applicationId: input.applicationId,
      result: async () => {
        const end = await ask((requestId) => ({ type: 'awaitJob', requestId, jobId }));
        if (end.type === 'failed') throw new Error(end.message);
        if (end.type !== 'jobEnded') throw new Error(`unexpected answer ${end.type} while waiting for job ${jobId}`);
        if (end.state !== 'FINISHED') throw new JobFailedError(jobId, end.state, end.error);
        return end.results ?? [];
      },
    };
  },
};

const contextOptions: ProgramContextOptions = {
  args: input.args,
  mode: 'application',
  submitter,
  defaultParallelism: input.defaultParallelism,
  bundleName: input.bundleName,
  hdfs: () =>
    webHdfsClientFromConf(Configuration.load(input.hdfs.confDir ? { confDir: input.hdfs.confDir } : {}), { user: input.hdfs.user }),
  log: (line: string) => post({ type: 'log', line }),
};

/** What main() returned as JSON text; a value JSON cannot carry (a BigInt, a cycle) is said in a line instead. */
function resultJson(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  try {
    return JSON.stringify(value);
  } catch (err) {
    console.error(`main() returned a value JSON cannot carry: ${describeProgramError(err)}`);
    return undefined;
  }
}

/** console.* of this thread reaches the AM as stream data: flushed first, so it arrives before main()'s end. */
async function flushConsole(): Promise<void> {
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  await new Promise<void>((resolve) => process.stderr.write('', () => resolve()));
}

let done: ProgramWorkerRequest;
try {
  const { main, module } = await loadProgram(input.modulePath, input.entryExport);
  // Each job's export is looked up in the bundle before the job is submitted.
  const outcome = await runProgram(main, createProgramContext({ ...contextOptions, bundleModule: module }));
  const result = resultJson(outcome.value);
  done = { type: 'done', ok: true, jobs: outcome.jobs.length, ...(result !== undefined ? { result } : {}) };
} catch (err) {
  done = { type: 'done', ok: false, error: describeProgramError(err) };
}
await flushConsole();
post(done);
