/**
 * `loom run`, `loom list`, `loom cancel`: jobs on a running session.
 *
 *   loom run -c <export> [-p N] [-d] <bundle> [args...]   submit, print progress and results
 *   loom list                                             the session's jobs
 *   loom cancel <jobId>
 *
 * The session is the one the properties file names (written by yarn-session), or the one given
 * with -Dyarn.application.id=<id> (or -yid <id>, as Flink). A bundle is an ES module file or a
 * directory holding one (packed as .tar.gz); it is uploaded to the session's staging dir under
 * `jobs/`, named by its content hash, so an unchanged bundle is not uploaded twice.
 */
import { Command, CommanderError } from 'commander';
import { packBundle } from '../../bundle/bundle-pack.js';
import { uploadBundle } from '../../bundle/bundle-upload.js';
import { ConfigurationError } from '../../conf/configuration-error.js';
import { LoomOptions } from '../../conf/loom-config-options.js';
import type { DeployContext } from '../../deploy/deploy-context.js';
import type { JobDetails } from '../../deploy/dispatcher-client.js';
import { attachToSession } from '../../deploy/session-attach.js';
import type { SessionCluster } from '../../deploy/session-cluster.js';
import { jobsDir } from '../../deploy/staging-dir.js';
import { registerPassThroughCommand } from '../pass-through-command.js';
import { collect, deployContext, describeClusterError, loadConfigs, normalizeFlags, type ClusterCommandIo } from './cluster-options.js';

const FLINK_FLAGS: Readonly<Record<string, string>> = { '-yid': '--applicationId' };

interface SessionFlags {
  D?: string[];
  applicationId?: string;
}

interface RunFlags extends SessionFlags {
  class?: string;
  parallelism?: string;
  detached?: boolean;
  name?: string;
  entry?: string;
}

export function registerJobCommands(program: Command): void {
  registerPassThroughCommand(program, 'run', 'Submit a job to the running Loom session: loom run -c <export> [-p N] <bundle> [args...]', runJob);
  registerPassThroughCommand(program, 'list', "List the running Loom session's jobs", listJobs);
  registerPassThroughCommand(program, 'cancel', 'Cancel a job of the running Loom session: loom cancel <jobId>', cancelJob);
}

function baseCommand(name: string, io: ClusterCommandIo): Command {
  return new Command(`loom ${name}`)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .option('-D <key=value>', 'configuration override (repeatable)', collect)
    .option('--applicationId <id>', '-yid: the session to use (default: the one yarn-session started last)');
}

/** Parses argv, or the exit code when commander already answered (help, usage error). */
function parse<F extends object>(cmd: Command, argv: string[]): { flags: F; args: string[] } | { code: number } {
  try {
    cmd.parse(normalizeFlags(argv, FLINK_FLAGS), { from: 'user' });
    return { flags: cmd.opts() as F, args: cmd.args };
  } catch (err) {
    if (err instanceof CommanderError) return { code: err.exitCode === 0 || err.code === 'commander.helpDisplayed' ? 0 : 2 };
    throw err;
  }
}

/** Finds the session and runs `fn` on it; errors become one line on stderr and exit code 1 (2 for bad configuration). */
async function withSession(
  name: string,
  io: ClusterCommandIo,
  flags: SessionFlags,
  fn: (cluster: SessionCluster, ctx: DeployContext) => Promise<number>,
): Promise<number> {
  let ctx: DeployContext | undefined;
  try {
    const configs = loadConfigs(io, [...(flags.D ?? []), ...(flags.applicationId ? [`yarn.application.id=${flags.applicationId}`] : [])]);
    ctx = deployContext(io, configs);
    const cluster = await attachToSession(ctx);
    return await fn(cluster, ctx);
  } catch (err) {
    io.stderr.write(`loom ${name}: ${describeClusterError(err)}\n`);
    return err instanceof ConfigurationError ? 2 : 1;
  } finally {
    await ctx?.close();
  }
}

export async function runJob(argv: string[], io: ClusterCommandIo): Promise<number> {
  const cmd = baseCommand('run', io)
    .description('Submit a job to the running Loom session, print its progress and results; exit 1 if it fails.')
    .requiredOption('-c, --class <export>', 'name of the exported function every task calls as fn(task)')
    .option('-p, --parallelism <n>', 'number of parallel tasks (default: parallelism.default)')
    .option('-d, --detached', 'print the job id and exit without waiting')
    .option('--name <name>', 'job name (default: the bundle and export)')
    .option('--entry <module>', 'for a directory bundle: the module to import, relative to it')
    .argument('<bundle>', 'an .mjs/.js module, or a directory holding one and its node_modules')
    .argument('[args...]', 'arguments every task gets as task.args (strings)')
    // Whatever follows the bundle belongs to the job, even when it looks like an option.
    .passThroughOptions();
  const parsed = parse<RunFlags>(cmd, argv);
  if ('code' in parsed) return parsed.code;
  const { flags, args } = parsed;
  const [bundlePath, ...jobArgs] = args;
  if (flags.parallelism !== undefined && !/^[1-9][0-9]*$/.test(flags.parallelism.trim())) {
    io.stderr.write(`loom run: -p "${flags.parallelism}" is not a parallelism: give a whole number of at least 1, e.g. -p 4\n`);
    return 2;
  }
  return withSession('run', io, flags, async (cluster, ctx) => {
    const packed = await packBundle(bundlePath!, flags.entry ? { entry: flags.entry } : {});
    let bundle;
    try {
      bundle = await uploadBundle({ client: ctx.fs, packed, dir: jobsDir(cluster.stagingDir), fsUri: ctx.fsUri });
    } finally {
      await packed.cleanup();
    }
    const parallelism = flags.parallelism ? Number(flags.parallelism) : ctx.conf.get(LoomOptions.defaultParallelism);
    const jobId = await cluster.dispatcher.submitJob({
      name: flags.name ?? `${flags.class} (${bundlePath})`,
      bundle,
      exportName: flags.class!,
      parallelism,
      args: jobArgs,
    });
    io.stderr.write(`submitted job ${jobId} to ${cluster.applicationId} (parallelism ${parallelism})\n`);
    if (flags.detached) {
      io.stdout.write(`${jobId}\n`);
      return 0;
    }
    const job = await waitWithCancelOnInterrupt(cluster, jobId, io);
    return reportJob(job, io);
  });
}

/** Ctrl+C while waiting cancels the job (the session stays). */
async function waitWithCancelOnInterrupt(cluster: SessionCluster, jobId: string, io: ClusterCommandIo): Promise<JobDetails> {
  const onSignal = () => {
    io.stderr.write(`cancelling job ${jobId}\n`);
    cluster.dispatcher.cancelJob(jobId).catch((err: Error) => io.stderr.write(`could not cancel job ${jobId}: ${err.message}\n`));
  };
  process.on('SIGINT', onSignal);
  try {
    return await cluster.dispatcher.waitForJob(jobId, { onProgress: (job) => io.stderr.write(`${progressLine(job)}\n`) });
  } finally {
    process.off('SIGINT', onSignal);
  }
}

export function progressLine(job: JobDetails): string {
  const counts = new Map<string, number>();
  for (const t of job.tasks) counts.set(t.state, (counts.get(t.state) ?? 0) + 1);
  const retried = job.tasks.filter((t) => t.attempt > 1).length;
  const parts = [...counts].map(([state, n]) => `${n} ${state.toLowerCase()}`);
  return `job ${job.id} ${job.state}: ${parts.join(', ') || 'no tasks yet'}${retried ? ` (${retried} retried)` : ''}`;
}

/** Results on stdout as JSON (one value per task, in task order); a failure's reasons on stderr. */
function reportJob(job: JobDetails, io: ClusterCommandIo): number {
  if (job.state === 'FINISHED') {
    io.stdout.write(`${JSON.stringify(job.results ?? job.tasks.map((t) => t.result), null, 2)}\n`);
    return 0;
  }
  io.stderr.write(`job ${job.id} ${job.state}${job.error ? `: ${job.error}` : ''}\n`);
  for (const t of job.tasks) if (t.error) io.stderr.write(`  task ${t.index} (attempt ${t.attempt}): ${t.error}\n`);
  return 1;
}

export async function listJobs(argv: string[], io: ClusterCommandIo): Promise<number> {
  const parsed = parse<SessionFlags>(baseCommand('list', io).description("List the running Loom session's jobs."), argv);
  if ('code' in parsed) return parsed.code;
  return withSession('list', io, parsed.flags, async (cluster) => {
    const jobs = await cluster.dispatcher.listJobs();
    io.stdout.write(`session ${cluster.applicationId}: ${jobs.length} job${jobs.length === 1 ? '' : 's'}\n`);
    for (const j of jobs) {
      const done = j.taskCounts['finished'] ?? 0;
      io.stdout.write(`${j.id}\t${j.state}\t${done}/${j.parallelism} tasks finished\t${(j.durationMs / 1000).toFixed(1)} s\t${j.name}\n`);
    }
    return 0;
  });
}

export async function cancelJob(argv: string[], io: ClusterCommandIo): Promise<number> {
  const cmd = baseCommand('cancel', io).description('Cancel a job of the running Loom session.').argument('<jobId>');
  const parsed = parse<SessionFlags>(cmd, argv);
  if ('code' in parsed) return parsed.code;
  return withSession('cancel', io, parsed.flags, async (cluster) => {
    const job = await cluster.dispatcher.cancelJob(parsed.args[0]!);
    io.stdout.write(`job ${job.id} is ${job.state}\n`);
    return 0;
  });
}
