/**
 * `loom run`, `loom list`, `loom cancel`: jobs and programs on Loom clusters.
 *
 *   loom run [-t yarn-session|remote] -c <export> [-p N] [-d] <bundle> [args...]   one job on the running session
 *   loom run [-t yarn-session|remote] [-p N] <bundle> [args...]                     a program: main(ctx) here, jobs to the session
 *   loom run -t yarn-per-job [-d] [-c <main export>] [-p N] <bundle> [args...]      a program: main(ctx) here, a cluster per job
 *   loom list [-t <target>] [-yid <appId>]                                          a cluster's jobs
 *   loom cancel [-t <target>] [-yid <appId>] <jobId>
 *
 * A program is a bundle whose default export (or the export named with -c in per-job mode) is
 * `async main(ctx)`; in session mode `-c` keeps its older meaning, the task export of one job.
 * Flink's older syntax works: `-m yarn-cluster` (= -t yarn-per-job) and the -y flags (-yjm,
 * -ytm, -ys, -ynm, -yqu, -yD k=v, -yid, -yt). The cluster is the one -yid / -Dyarn.application.id
 * names, else the session the properties file names (written by yarn-session). A bundle is an ES
 * module file or a directory holding one (packed as .tar.gz), uploaded under its content hash.
 * Attached, a client that goes away (Ctrl+C, SIGTERM, SIGHUP, its output closed) cancels its jobs
 * and stops a per-job cluster: Flink's -sae, always on (client/deploy/running/attached-exit.ts).
 */
import { basename } from 'node:path';
import { bundleNames, type BundleNames } from '../../client/deploy/bundle/bundle-names.js';
import type { PackedBundle } from '../../client/deploy/bundle/bundle-pack.js';
import { LoomOptions } from '../../client/conf/loom-config-options.js';
import { attachedWork, nothingToUnregister } from '../../client/deploy/running/attached-exit.js';
import type { DeployContext } from '../../client/deploy/submit/deploy-context.js';
import type { JobStatus } from '../../client/deploy/running/dispatcher-client.js';
import { cancelSessionJob } from '../../client/deploy/running/exit-cleanups.js';
import { describeJobEnd } from '../../client/deploy/running/job-end.js';
import { amRecoveryTimeoutMs, waitForJobAcrossAttempts } from '../../client/deploy/running/job-follow.js';
import { perJobSubmitter } from '../../client/deploy/submit/per-job-submitter.js';
import { packCheckedBundle } from '../../client/deploy/submit/program-bundle.js';
import type { SessionCluster } from '../../client/deploy/running/session-cluster.js';
import { attachToSession } from '../../client/deploy/running/session-attach.js';
import { SessionSubmitter, sessionJobSubmitter, uploadJobBundle } from '../../client/deploy/running/session-job-submitter.js';
import { runClientProgram } from '../../client/program/client-program.js';
import type { JobSubmitter } from '../../client/program/program-context.js';
import { describeMainFailure } from '../../client/program/program-errors.js';
import { printProgramResult } from '../../client/program/program-printing.js';
import { DEFAULT_PROGRAM_EXPORT, localModulePath } from '../../client/program/program-loader.js';
import { jobIdOption } from '../option-values.js';
import { describeErrorVerbosely, verboseErrors } from '../describe-error.js';
import {
  checkTarget,
  clusterCommand,
  parallelismOption,
  parseClusterArgs,
  SAE_HELP,
  UsageError,
  withCluster,
  withContext,
  type ClusterCommandIo,
  type ClusterFlags,
  type ExecutionTarget,
} from './cluster-options.js';
import { EXIT_STATUS } from '../exit-statuses.js';
import { attachedJobProgress, type AttachedJobProgress } from '../terminal/attached-job-progress.js';
import { isQuiet } from '../terminal/quiet-mode.js';

interface RunFlags extends ClusterFlags {
  class?: string;
  parallelism?: string;
  detached?: boolean;
  name?: string;
  entry?: string;
}

export async function runJob(argv: string[], io: ClusterCommandIo): Promise<number> {
  const cmd = clusterCommand('run', io)
    .description('Run a program (a bundle whose default export is main(ctx)) or submit one job to a session; exit 1 if it fails.')
    .option('-m, --jobmanager <yarn-cluster>', "Flink's older spelling of -t yarn-per-job")
    .option('-c, --class <export>', 'session: the export every task of ONE job calls as fn(task); per-job: the export holding main(ctx)')
    .option('-p, --parallelism <n>', "tasks of the job (session -c form), or the programs' default parallelism (parallelism.default)")
    .option('-d, --detached', 'print the job (and per-job application) ids and exit without waiting')
    .option('--shutdownOnAttachedExit', SAE_HELP)
    .option('--name <name>', 'job name for the -c form (default: the bundle and export)')
    .option('--entry <module>', 'for a directory bundle: the module to import, relative to it')
    .argument('<bundle>', 'an .mjs/.js module, or a directory holding one and its node_modules')
    .argument('[args...]', 'arguments for the program (ctx.args) or every task (task.args)')
    .addHelpText(
      'after',
      '\nFlink-style: -m yarn-cluster, -yjm -ytm -ys -ynm -yqu -yD k=v -yid -yt, -sae. Example: loom run -t yarn-per-job wc.mjs /in.txt\n' +
        "Attached (without -d), Loom always behaves as Flink's -sae: Ctrl+C, SIGTERM, SIGHUP or a closed output (| head) cancels the\n" +
        'running job(s) and stops a per-job cluster (KILLED; SUCCEEDED if its job had finished), printing one line of what it did.',
    )
    // Whatever follows the bundle belongs to the program, even when it looks like an option.
    .passThroughOptions();
  const parsed = parseClusterArgs('run', cmd, argv, io);
  if ('code' in parsed) return parsed.code;
  const { args, properties } = parsed;
  const flags = cmd.opts<RunFlags>();
  const [bundlePath, ...programArgs] = args;
  let target: ExecutionTarget;
  let parallelism: number | undefined;
  try {
    target = checkTarget(flags.target, flags.jobmanager, ['remote', 'yarn-session', 'yarn-per-job'], 'yarn-session');
    parallelism = flags.parallelism === undefined ? undefined : parallelismOption(flags.parallelism);
    if (target !== 'yarn-per-job' && flags.class === undefined && flags.detached) {
      throw new UsageError(
        "-d without -c: a program's main() runs in this process, so it cannot detach from a session; use -t yarn-per-job -d, or loom run-application",
      );
    }
  } catch (err) {
    io.stderr.write(`loom run: ${(err as Error).message}\n`);
    return EXIT_STATUS.usage;
  }
  // -c on a session submits that export as one job; without it (or per-job) the program's main() runs.
  const oneJobExport = target !== 'yarn-per-job' ? flags.class : undefined;
  const programProperties = oneJobExport === undefined && parallelism !== undefined ? [`parallelism.default=${parallelism}`] : [];
  return withContext('run', io, flags, [...properties, ...programProperties], async (ctx) => {
    if (oneJobExport !== undefined) return submitOneJob(ctx, io, flags, oneJobExport, parallelism, bundlePath, programArgs);
    return runProgramHere(ctx, io, flags, target, bundlePath, programArgs);
  });
}

/** The session `-c <export> -p N` form: one job, its progress and results. */
async function submitOneJob(
  ctx: DeployContext,
  io: ClusterCommandIo,
  flags: RunFlags,
  exportName: string,
  p: number | undefined,
  bundlePath: string,
  jobArgs: string[],
): Promise<number> {
  // Checked before the session is looked up: a bundle that cannot run is never uploaded.
  const packed = await packCheckedBundle(bundlePath, {
    ...(flags.entry ? { entry: flags.entry } : {}),
    exportName,
    exportRole: 'task',
    log: ctx.log,
  });
  const names = bundleNames(packed, bundlePath);
  let cluster: SessionCluster;
  try {
    cluster = await attachToSession(ctx);
  } catch (err) {
    await packed.cleanup();
    throw err;
  }
  let bundle;
  try {
    bundle = await uploadJobBundle(ctx, cluster, packed);
  } finally {
    await packed.cleanup();
  }
  const parallelism = p ?? ctx.conf.get(LoomOptions.defaultParallelism);
  const submitter = new SessionSubmitter(cluster, amRecoveryTimeoutMs(ctx.conf), (line) => io.stderr.write(`${line}\n`));
  const submitting = submitter.submit({
    name: flags.name ?? `${exportName} (${bundlePath})`,
    bundle,
    exportName,
    parallelism,
    args: jobArgs,
  });
  // Attached: a client that goes away cancels the job, also one still being submitted (attached-exit.ts).
  const unregister = flags.detached
    ? nothingToUnregister
    : attachedWork.register(`job ${exportName}`, cancelSessionJob(cluster, submitting));
  try {
    const jobId = await submitting;
    io.stderr.write(`submitted job ${jobId} to ${cluster.applicationId} (parallelism ${parallelism})\n`);
    if (flags.detached) {
      io.stdout.write(`${jobId}\n`);
      return 0;
    }
    // Across AM attempts: a new attempt takes the job over (HA store), so follow it there.
    const progress = jobProgressReporter(ctx, io);
    let job;
    try {
      job = await waitForJobAcrossAttempts(cluster, jobId, {
        recoveryTimeoutMs: amRecoveryTimeoutMs(ctx.conf),
        log: (line) => progress.log(line),
        onProgress: (j) => progress.observe(j),
      });
    } finally {
      progress.done();
    }
    return reportJob(job, io, names);
  } finally {
    unregister();
  }
}

/**
 * A program: main(ctx) runs here; its jobs go to the session, or each to a cluster of its own
 * (per-job). What main() returns is printed as JSON; its error fails the command with exit 1.
 */
async function runProgramHere(
  ctx: DeployContext,
  io: ClusterCommandIo,
  flags: RunFlags,
  target: ExecutionTarget,
  bundlePath: string,
  programArgs: string[],
): Promise<number> {
  const perJob = target === 'yarn-per-job';
  const entryExport = perJob && flags.class ? flags.class : DEFAULT_PROGRAM_EXPORT;
  const packed: PackedBundle = await packCheckedBundle(bundlePath, {
    ...(flags.entry ? { entry: flags.entry } : {}),
    exportName: entryExport,
    exportRole: 'main',
    log: ctx.log,
  });
  const names = bundleNames(packed, bundlePath);
  const progress = jobProgressReporter(ctx, io);
  try {
    const onProgress = (job: JobStatus) => progress.observe(job);
    let submitter: JobSubmitter;
    if (perJob) {
      submitter = perJobSubmitter(ctx, packed, {
        detached: flags.detached ?? false,
        names,
        onProgress,
        onDeployed: ({ jobId, applicationId }) => {
          io.stderr.write(`job ${jobId} runs in its own cluster ${applicationId}\n`);
          if (flags.detached) io.stdout.write(`${jobId}\t${applicationId}\n`);
        },
      });
    } else {
      submitter = sessionJobSubmitter(ctx, await attachToSession(ctx), packed, onProgress, names);
    }
    let outcome;
    try {
      outcome = await runClientProgram({
        modulePath: localModulePath(bundlePath, packed.description),
        entryExport,
        args: programArgs,
        mode: perJob ? 'per-job' : 'session',
        detached: flags.detached ?? false,
        submitter,
        defaultParallelism: ctx.conf.get(LoomOptions.defaultParallelism),
        bundleName: basename(bundlePath),
        hdfs: () => ctx.programFileSystem(),
        log: (line) => progress.log(line),
      });
    } catch (err) {
      progress.done();
      io.stderr.write(`loom run: ${verboseErrors() ? describeErrorVerbosely(err) : describeMainFailure(err)}\n`);
      return 1;
    }
    progress.done();
    printProgramResult(io, outcome.value);
    return 0;
  } finally {
    progress.done();
    await packed.cleanup();
  }
}

/** State changes as lines; meanwhile a live summary on a TTY, or a line every loom.client.progress-interval otherwise. */
function jobProgressReporter(ctx: DeployContext, io: ClusterCommandIo): AttachedJobProgress {
  return attachedJobProgress(io.stderr, {
    disabled: isQuiet(),
    intervalMs: ctx.conf.get(LoomOptions.clientProgressInterval),
    stateLine: progressLine,
  });
}

export function progressLine(job: JobStatus): string {
  const counts = new Map<string, number>();
  for (const t of job.tasks) counts.set(t.state, (counts.get(t.state) ?? 0) + 1);
  const retried = job.tasks.filter((t) => t.attempt > 1).length;
  const parts = [...counts].map(([state, n]) => `${n} ${state.toLowerCase()}`);
  return `job ${job.id} ${job.state}: ${parts.join(', ') || 'no tasks yet'}${retried ? ` (${retried} retried)` : ''}`;
}

/** Results on stdout as JSON (one value per task, in task order); a failure as one line on stderr (its tasks' stacks with --verbose). */
function reportJob(job: JobStatus, io: ClusterCommandIo, names: BundleNames): number {
  if (job.state === 'FINISHED') {
    io.stdout.write(`${JSON.stringify(job.results ?? job.tasks.map((t) => t.result), null, 2)}\n`);
    return 0;
  }
  const end = describeJobEnd(job, names);
  io.stderr.write(`loom run: ${end.summary}\n`);
  if (verboseErrors() && end.detail) io.stderr.write(`${end.detail}\n`);
  return 1;
}

export async function listJobs(argv: string[], io: ClusterCommandIo): Promise<number> {
  return withCluster(
    'list',
    io,
    argv,
    clusterCommand('list', io).description("List a Loom cluster's jobs."),
    async (cluster) => {
      const [jobs, { mode }] = await Promise.all([cluster.dispatcher.listJobs(), cluster.dispatcher.overview()]);
      io.stdout.write(`${mode} ${cluster.applicationId}: ${jobs.length} job${jobs.length === 1 ? '' : 's'}\n`);
      for (const j of jobs) {
        const done = j.taskCounts.finished ?? 0;
        // With task.progress(): `3/10 tasks, 47%` (finished tasks whole, the others' reported fractions).
        const progress = j.progress !== undefined && j.state === 'RUNNING' ? `, ${Math.floor(j.progress * 100)}%` : '';
        io.stdout.write(
          `${j.id}\t${j.state}\t${done}/${j.parallelism} tasks finished${progress}\t${(j.durationMs / 1000).toFixed(1)} s\t${j.name}\n`,
        );
      }
      return 0;
    },
    listArchivedJobs(io),
  );
}

/** An ended application's jobs, from the job archive its AM wrote (loom history shows one in full). */
function listArchivedJobs(io: ClusterCommandIo) {
  return async (ctx: DeployContext, applicationId: string, gone: Error): Promise<number> => {
    const { archivedJobs, printJobList } = await import('./history.js');
    const jobs = await archivedJobs(ctx, applicationId);
    if (!jobs.length) throw gone;
    printJobList(io, `application ${applicationId} (ended; from the job archive)`, jobs);
    return 0;
  };
}

export async function cancelJob(argv: string[], io: ClusterCommandIo): Promise<number> {
  // A malformed id is refused while parsing, before the cluster is looked for.
  const cmd = clusterCommand('cancel', io)
    .description('Cancel a job of a Loom cluster.')
    .argument('<jobId>', 'the job: 32 hex digits, as loom list prints it', jobIdOption);
  return withCluster('cancel', io, argv, cmd, async (cluster) => {
    const job = await cluster.dispatcher.cancelJob(cmd.processedArgs[0] as string);
    io.stdout.write(`job ${job.id} is ${job.state}\n`);
    return 0;
  });
}
