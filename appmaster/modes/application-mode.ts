/**
 * Application mode in the AM: main() of the user's bundle runs here, in a worker thread (so a
 * CPU-bound or crashing main() cannot stall the AM's heartbeats or take its servers down, and
 * the AM can stop it when the application ends), and its jobs go to the AM's own job master.
 * The application ends when main() returned and its jobs ended: SUCCEEDED, or FAILED with
 * main()'s error (message and the head of its stack) as the diagnostics.
 */
import { copyFileSync, existsSync } from 'node:fs';
import { makeDirWithModeSync, OWNER_ONLY_DIR } from '../../client/wire/security/local-file-modes.js';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { LoomConfig } from '../../client/conf/loom-config.js';
import { LoomOptions } from '../../client/conf/loom-config-options.js';
import { heapMbForContainer, workerThreadLimits, type WorkerThreadLimits } from '../../client/contracts/am-container-contract.js';
import { readApplicationProgram } from '../../client/contracts/am-env.js';
import { programLinkName, type ApplicationProgram } from '../../client/contracts/program-contract.js';
import { describeProgramError } from '../../client/program/program-errors.js';
import { localResourcePath, type AmEnvironment } from '../am-runtime/am-environment.js';
import { applicationJobId } from '../jobs/job-ids.js';
import type { ModeHost, ModeRunner } from './mode-runner.js';
import type { ProgramWorkerInput, ProgramWorkerReply, ProgramWorkerRequest } from './program-worker-messages.js';
import { ProgramOutput, type ProgramEnd } from './program-output.js';

/** How long an ending application waits for its attached client to read main()'s last lines and result. */
const CLIENT_COLLECT_TIMEOUT_MS = 10_000;

export interface ApplicationModeOptions {
  /** The worker's module; default: program-worker.js next to this file. */
  workerUrl?: URL;
}

export function prepareApplicationMode(
  am: Pick<AmEnvironment, 'workDir' | 'applicationIdText' | 'user' | 'hadoopConfDir'>,
  config: LoomConfig,
  env: NodeJS.ProcessEnv,
  opts: ApplicationModeOptions = {},
): ModeRunner {
  const program = readApplicationProgram(env);
  const linked = localResourcePath(am, programLinkName(program.bundle));
  // An archive's entry is there (readApplicationProgram checks it).
  const entry = program.bundle.kind === 'archive' ? program.bundle.entry : undefined;
  let modulePath = entry !== undefined ? localResourcePath({ workDir: linked }, entry) : linked;
  if (!existsSync(modulePath)) {
    const what =
      program.bundle.kind === 'archive'
        ? `the entry module ${program.bundle.entry} in the archive ${program.bundle.url}`
        : program.bundle.url;
    throw new Error(
      `the program is not in the container: ${modulePath} is missing (${what}); give the module inside the archive with --entry`,
    );
  }
  if (program.bundle.kind === 'file' && /\.js$/i.test(program.bundle.url)) modulePath = asEsModule(am, modulePath, program.bundle.url);
  const input: ProgramWorkerInput = {
    modulePath,
    entryExport: program.entryExport,
    args: program.args,
    applicationId: am.applicationIdText,
    defaultParallelism: config.get(LoomOptions.defaultParallelism),
    bundleName: program.bundleName ?? posix.basename(program.bundle.url),
    hdfs: { ...(am.hadoopConfDir ? { confDir: am.hadoopConfDir } : {}), user: am.user },
  };
  // main() shares the AM's heap with the AM itself; its code range stays small for YARN's vmem check.
  const limits = workerThreadLimits(heapMbForContainer(config.get(LoomOptions.jobManagerMemory).mebibytes), 1);
  const attached = config.get(LoomOptions.clientAttached);
  return new ApplicationMode(program, input, opts.workerUrl ?? new URL('./program-worker.js', import.meta.url), limits, attached);
}

/**
 * Node imports the link's target, whose `.js` name with no package.json around it would load as
 * CommonJS; a copy named `.mjs` loads as the ES module it is (as TaskExecutors load it).
 */
function asEsModule(am: Pick<AmEnvironment, 'workDir'>, linked: string, url: string): string {
  const dir = localResourcePath(am, 'loom-program-module');
  makeDirWithModeSync(dir, OWNER_ONLY_DIR); // the user's code, in a container dir its group may enter (710)
  const copy = join(dir, posix.basename(url).replace(/\.js$/i, '.mjs'));
  copyFileSync(linked, copy);
  return copy;
}

class ApplicationMode implements ModeRunner {
  readonly mode = 'application' as const;
  private worker: Worker | undefined;
  private ended = false;
  /** main()'s submissions so far: the n-th gets the same id in every AM attempt. */
  private submitted = 0;
  /** main()'s lines and end, for the attached client (GET /application/output, GET /application). */
  readonly programOutput = new ProgramOutput();
  /** main() reported its end: the thread's exit that follows is not a crash. */
  private mainEnded = false;

  constructor(
    private readonly program: ApplicationProgram,
    private readonly input: ProgramWorkerInput,
    private readonly workerUrl: URL,
    private readonly limits: WorkerThreadLimits,
    /** An attached client reads main()'s lines: the end waits (bounded) until it has read them. */
    private readonly attached: boolean,
  ) {}

  start(host: ModeHost): void {
    const finish: ModeHost['finish'] = (status, diagnostics) => {
      if (this.ended) return;
      this.ended = true;
      host.finish(status, diagnostics);
    };
    host.log(
      `application: running main() of ${this.program.bundle.url} (export ${this.program.entryExport}) with ${JSON.stringify(this.program.args)}`,
    );
    // console.* of main() comes here as streams: into the output for the client, and the AM's log as before.
    const worker = new Worker(this.workerUrl, { workerData: this.input, resourceLimits: this.limits, stdout: true, stderr: true });
    this.worker = worker;
    const consoleEnded = Promise.all([
      forwardLines(worker.stdout, (line) => {
        this.programOutput.append('stdout', line);
        host.log(`[main stdout] ${line}`);
      }),
      forwardLines(worker.stderr, (line) => {
        this.programOutput.append('stderr', line);
        host.log(`[main stderr] ${line}`);
      }),
    ]);
    const endWith = async (end: ProgramEnd, status: 'SUCCEEDED' | 'FAILED', diagnostics: string) => {
      this.mainEnded = true;
      await worker.terminate();
      await consoleEnded;
      this.programOutput.finish(end);
      if (this.attached) await this.programOutput.collected(CLIENT_COLLECT_TIMEOUT_MS);
      finish(status, diagnostics);
    };
    const reply = (message: ProgramWorkerReply) => worker.postMessage(message);
    worker.on('message', (m: ProgramWorkerRequest) => {
      switch (m.type) {
        case 'log':
          this.programOutput.append('log', m.line);
          host.log(`[main] ${m.line}`);
          return;
        case 'submit': {
          // A new AM attempt runs main() again: its jobs that ended answer with their stored ends, the running one is the one taken over.
          const id = applicationJobId(this.input.applicationId, ++this.submitted);
          host
            .submitJob(
              {
                name: m.plan.name,
                bundle: this.program.bundle,
                exportName: m.plan.exportName,
                parallelism: m.plan.parallelism,
                args: m.plan.args,
              },
              { id, resume: true },
            )
            .then((job) => reply({ type: 'submitted', requestId: m.requestId, jobId: job.id }))
            .catch((err: unknown) =>
              reply({ type: 'failed', requestId: m.requestId, message: err instanceof Error ? err.message : String(err) }),
            );
          return;
        }
        case 'awaitJob':
          host
            .waitForJob(m.jobId)
            .then((job) =>
              reply({
                type: 'jobEnded',
                requestId: m.requestId,
                state: job.state,
                ...(job.results ? { results: job.results } : {}),
                ...(job.error ? { error: job.error } : {}),
              }),
            )
            .catch((err: unknown) =>
              reply({ type: 'failed', requestId: m.requestId, message: err instanceof Error ? err.message : String(err) }),
            );
          return;
        case 'done':
          if (m.ok)
            void endWith(
              { ok: true, ...(m.result !== undefined ? { result: JSON.parse(m.result) as unknown } : {}) },
              'SUCCEEDED',
              `main() returned; its ${m.jobs} job(s) ended`,
            );
          else void endWith({ ok: false, error: m.error }, 'FAILED', `main() failed: ${m.error}`);
          return;
      }
    });
    const crashed = (diagnostics: string) => {
      if (this.mainEnded) return;
      this.programOutput.finish({ ok: false, error: diagnostics });
      finish('FAILED', diagnostics);
    };
    worker.on('error', (err) => crashed(`main() failed: ${describeProgramError(err)}`));
    worker.on('exit', (code) => crashed(`main()'s thread ended (exit code ${code}) before main() returned`));
  }

  async stop(): Promise<void> {
    this.ended = true;
    await this.worker?.terminate();
  }

  /** The attached client went away: main() failing on its cancelled jobs must not end the application FAILED first. */
  clientLost(): void {
    this.ended = true;
  }
}

/** Calls `onLine` with each line of a text stream (the last one also without a newline); resolves when the stream ended. */
function forwardLines(stream: Readable, onLine: (line: string) => void): Promise<void> {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) onLine(line.replace(/\r$/, ''));
  });
  return new Promise((resolve) => {
    const ended = () => {
      if (partial) onLine(partial);
      partial = '';
      resolve();
    };
    stream.once('end', ended);
    stream.once('close', ended);
  });
}
