/**
 * What the cluster commands (yarn-session, run, run-application, list, cancel, info) share: Flink's
 * multi-letter short flags (`-jm`, `-nm`, `-id`...), which commander does not accept, rewritten to
 * long options; the older `-y` flags of `run` (`-yjm`, `-yD k=v`...) and targets (`-t`, `-m yarn-cluster`);
 * `-Dkey=value` glued or not; loading the Hadoop configuration (HADOOP_CONF_DIR) and Loom's own
 * (conf/loom.yaml or LOOM_CONF_DIR, then -D); and the deploy context built from both.
 */
import { Command, CommanderError } from 'commander';
import { Configuration } from '../../client/conf/configuration.js';
import { ConfigurationError } from '../../client/conf/configuration-error.js';
import { loadClientConfigs } from '../../client/conf/client-configs.js';
import { holdDefaultsNotice } from '../defaults-notice.js';
import { LoomOptions } from '../../client/conf/loom-config-options.js';
import { LoomConfig } from '../../client/conf/loom-config.js';
import { attachedWork } from '../../client/deploy/running/attached-exit.js';
import { DeployContext } from '../../client/deploy/submit/deploy-context.js';
import { attachToSession, SessionGoneError } from '../../client/deploy/running/session-attach.js';
import type { SessionCluster } from '../../client/deploy/running/session-cluster.js';
import { MAX_PARALLELISM } from '../../client/program/job-limits.js';
import { oneLineCommanderErrors } from '../commander-errors.js';
import { setVerboseErrors } from '../describe-error.js';
import { isQuiet, setQuiet } from '../terminal/quiet-mode.js';
import { transferProgressOutput } from '../terminal/transfer-progress-output.js';
import { applicationIdOption, keyValueOption, wholeNumberOption } from '../option-values.js';
import type { CommandIo } from '../pass-through-command.js';
import { UsageError } from '../usage-error.js';
import { errorLine, EXIT_STATUS, exitStatusFor } from '../exit-statuses.js';

export { UsageError };

export interface ClusterCommandIo extends CommandIo {
  /** Attached yarn-session reads `stop` from it. */
  stdin?: NodeJS.ReadableStream;
  /** Where ./conf/loom.yaml is looked for (default: the process's cwd). */
  cwd?: string;
}

/** Rewrites Flink-style flags to commander's long options and splits `-Dk=v` into `-D k=v`. */
export function normalizeFlags(argv: readonly string[], aliases: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const alias = aliases[arg];
    if (alias) out.push(alias);
    else if (/^-D[^=\s]+=/.test(arg)) out.push('-D', arg.slice(2));
    else out.push(arg);
  }
  return out;
}

/** commander's collector for repeatable options. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export interface LoadedConfigs {
  hadoopConf: Configuration;
  conf: LoomConfig;
}

/**
 * Both configurations; a bad Loom value (memory size, count...), a mistyped key or an unusable
 * HADOOP_CONF_DIR throws here, before any network call. Hadoop keys set in loom.yaml or with -D
 * apply to the Hadoop configuration too; with no Hadoop configuration at all (no directory, no
 * Hadoop key) one line says which defaults are in use.
 */
export function loadConfigs(io: ClusterCommandIo, dynamicProperties: readonly string[]): LoadedConfigs {
  const { hadoopConf, conf, warnings, defaultsNotice } = loadClientConfigs({
    env: io.env ?? process.env,
    dynamicProperties,
    ...(io.cwd ? { cwd: io.cwd } : {}),
  });
  for (const w of warnings) io.stderr.write(`warning: ${w}\n`);
  if (defaultsNotice !== undefined) holdDefaultsNotice(defaultsNotice, io.stderr);
  return { hadoopConf, conf };
}

/** The deploy context of a command: its lines on stderr, and the progress of its uploads there (none with --quiet). */
export function deployContext(io: ClusterCommandIo, configs: LoadedConfigs): DeployContext {
  const progress = transferProgressOutput(io.stderr, { disabled: isQuiet() });
  return new DeployContext({ ...configs, env: io.env ?? process.env, log: (line) => progress.log(line), transfers: progress });
}

/** One line for a person; an application's end keeps YARN's diagnostics (several lines), indented (cli/exit-statuses.ts). */
export const describeClusterError = errorLine;

/** Where a command sends its work (`-t`, Flink's execution.target); `-m yarn-cluster` is Flink's older per-job spelling. */
export type ExecutionTarget = 'remote' | 'yarn-session' | 'yarn-per-job' | 'yarn-application';

export function checkTarget(
  given: string | undefined,
  jobManager: string | undefined,
  valid: readonly ExecutionTarget[],
  fallback: ExecutionTarget,
): ExecutionTarget {
  if (jobManager !== undefined) {
    if (jobManager !== 'yarn-cluster')
      throw new UsageError(
        `-m ${jobManager} is not supported: the only -m Loom knows is yarn-cluster (= -t yarn-per-job); sessions are found by -yid or the properties file`,
      );
    if (given !== undefined && given !== 'yarn-per-job')
      throw new UsageError(`-m yarn-cluster means -t yarn-per-job, but -t ${given} was given too: keep one`);
    given = 'yarn-per-job';
  }
  const target = given ?? fallback;
  if (!(valid as readonly string[]).includes(target)) {
    const hint =
      target === 'yarn-application' ? ' (application mode has its own command: loom run-application -t yarn-application ...)' : '';
    throw new UsageError(`unknown target -t ${target}: use one of ${valid.join(', ')}${hint}`);
  }
  return target as ExecutionTarget;
}

/** Flink's older `-y` flags of `run`, as configuration keys (-yid and -yt are handled the same way); `check` returns the value to use. */
const YARN_FLAGS: Readonly<Partial<Record<string, { key: string; check?: (v: string, flag: string) => string; list?: boolean }>>> = {
  '-yjm': { key: LoomOptions.jobManagerMemory.key, check: (v, f) => (LoomOptions.jobManagerMemory.parseFlag(f, v), v) },
  '-ytm': { key: LoomOptions.taskManagerMemory.key, check: (v, f) => (LoomOptions.taskManagerMemory.parseFlag(f, v), v) },
  '-ys': { key: 'taskmanager.numberOfTaskSlots', check: (v, f) => String(slotsOption(v, f)) },
  '-ynm': { key: 'yarn.application.name' },
  '-yqu': { key: 'yarn.application.queue' },
  '-yid': { key: 'yarn.application.id', check: applicationIdOption },
  '-yt': { key: 'yarn.ship-files', list: true },
  '-yD': { key: '' },
};

export const KNOWN_YARN_FLAGS: readonly string[] = Object.keys(YARN_FLAGS);

/** `-p`: a parallelism, checked before anything else happens; at most what the AM accepts. */
export function parallelismOption(value: string): number {
  return wholeNumberOption(value, { flag: '-p', noun: 'a parallelism', min: 1, max: MAX_PARALLELISM, example: 4 });
}

/** `-s` / `-ys`: slots per TaskExecutor. */
export function slotsOption(value: string, flag: string): number {
  return wholeNumberOption(value, { flag, noun: 'a number of slots', min: 1, example: 2 });
}

/**
 * Takes Flink's `-y` flags out of `argv`, up to the first positional argument (what follows the
 * bundle belongs to the program), and returns them as `key=value` properties. `valueOptions` are
 * the command's options that take a value, so their values are not mistaken for the bundle.
 */
export function extractYarnFlags(argv: readonly string[], valueOptions: ReadonlySet<string>): { argv: string[]; properties: string[] } {
  const rest: string[] = [];
  const properties: string[] = [];
  const ships: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--' || !arg.startsWith('-')) break;
    if (valueOptions.has(arg)) {
      rest.push(arg, ...(i + 1 < argv.length ? [argv[++i]] : []));
      continue;
    }
    // Flink's -sae (--shutdownOnAttachedExit): a multi-letter short flag commander cannot take.
    if (arg === '-sae') {
      rest.push('--shutdownOnAttachedExit');
      continue;
    }
    if (!arg.startsWith('-y')) {
      rest.push(arg);
      continue;
    }
    const glued = arg.startsWith('-yD') && arg.length > 3 ? arg.slice(3) : undefined;
    const flag = glued !== undefined ? '-yD' : arg;
    const spec = YARN_FLAGS[flag];
    if (!spec)
      throw new UsageError(`unknown flag ${arg}: the -y flags Loom knows are ${KNOWN_YARN_FLAGS.join(', ')} (or use -D <key>=<value>)`);
    const value = glued ?? argv.at(++i);
    if (value === undefined) throw new UsageError(`${flag} needs a value`);
    if (flag === '-yD') {
      keyValueOption(value, '-yD', 'taskmanager.numberOfTaskSlots=2');
      properties.push(value);
    } else if (spec.list) ships.push(value);
    else properties.push(`${spec.key}=${spec.check ? spec.check(value, flag) : value}`);
  }
  if (ships.length) properties.push(`yarn.ship-files=${ships.join(';')}`);
  return { argv: [...rest, ...argv.slice(i)], properties };
}

/**
 * Flink's -sae (--shutdownOnAttachedExit) of run and run-application: what Loom always does for an attached run
 * (client/deploy/running/attached-exit.ts).
 */
export const SAE_HELP = "-sae: shut down on attached exit (Flink's flag); Loom's default for every attached run, so it changes nothing";

/** Options of run, run-application, list, cancel and info that take a value: what follows them is not the bundle. */
export const VALUE_OPTIONS: ReadonlySet<string> = new Set([
  '-t',
  '--target',
  '-m',
  '--jobmanager',
  '-c',
  '--class',
  '-p',
  '--parallelism',
  '-D',
  '--name',
  '--entry',
  '--applicationId',
]);
export const ANY_CLUSTER: readonly ExecutionTarget[] = ['remote', 'yarn-session', 'yarn-per-job', 'yarn-application'];

export interface ClusterFlags {
  D?: string[];
  applicationId?: string;
  target?: string;
  jobmanager?: string;
}

/** A Loom command that writes to io's streams, ends in exit codes instead of exiting, and takes -D key=value. */
export function loomCommand(name: string, io: ClusterCommandIo): Command {
  return new Command(name)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .option('-D <key=value>', 'configuration override (repeatable)', collect)
    .option('--verbose', 'errors with their stack traces and causes (as loom --verbose)')
    .option('--quiet', 'no progress output (as loom --quiet)');
}

/** A command's own --verbose and --quiet turn on the global ones. */
function noteGlobalFlags(cmd: Command): void {
  if (cmd.opts().verbose === true) setVerboseErrors(true);
  if (cmd.opts().quiet === true) setQuiet(true);
}

/**
 * Parses argv (Flink aliases rewritten) into cmd, whose `opts<Flags>()` then holds the flags; or the exit code when commander
 * already answered: 0 for help, 2 for bad usage (one line on stderr).
 */
export function parseCommand(
  cmd: Command,
  argv: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
): { args: string[] } | { code: number } {
  try {
    oneLineCommanderErrors(cmd, cmd.name(), aliases).parse(normalizeFlags(argv, aliases), { from: 'user' });
    noteGlobalFlags(cmd);
    return { args: cmd.args };
  } catch (err) {
    if (err instanceof CommanderError) return { code: commanderExitCode(err) };
    throw err;
  }
}

function commanderExitCode(err: CommanderError): number {
  return err.exitCode === 0 || err.code === 'commander.helpDisplayed' ? EXIT_STATUS.success : EXIT_STATUS.usage;
}

/** A cluster command with -D, -t and -yid/--applicationId. */
export function clusterCommand(name: string, io: ClusterCommandIo): Command {
  return loomCommand(`loom ${name}`, io)
    .option('-t, --target <target>', `where to: ${ANY_CLUSTER.join(', ')} (all find the cluster by -yid / -Dyarn.application.id)`)
    .option('--applicationId <id>', '-yid: the cluster to use (default: the session yarn-session started last)');
}

/**
 * Parses argv (Flink's -y flags first) into cmd, whose `opts<Flags>()` then holds the flags (the application id checked); or the
 * exit code when commander or the flags already answered.
 */
export function parseClusterArgs(
  name: string,
  cmd: Command,
  argv: string[],
  io: ClusterCommandIo,
): { args: string[]; properties: string[] } | { code: number } {
  try {
    const { argv: rest, properties } = extractYarnFlags(argv, VALUE_OPTIONS);
    oneLineCommanderErrors(cmd, cmd.name()).parse(normalizeFlags(rest, {}), { from: 'user' });
    noteGlobalFlags(cmd);
    const { applicationId } = cmd.opts<ClusterFlags>();
    if (applicationId !== undefined) cmd.setOptionValue('applicationId', applicationIdOption(applicationId, '--applicationId'));
    return { args: cmd.args, properties };
  } catch (err) {
    if (err instanceof CommanderError) return { code: commanderExitCode(err) };
    if (err instanceof UsageError || err instanceof ConfigurationError) {
      io.stderr.write(`loom ${name}: ${err.message}\n`);
      return { code: exitStatusFor(err) };
    }
    throw err;
  }
}

/** Loads the configurations and runs `fn`; errors become one line on stderr and exit code 1 (2 for bad usage or configuration). */
export async function withContext(
  name: string,
  io: ClusterCommandIo,
  flags: ClusterFlags,
  properties: string[],
  fn: (ctx: DeployContext) => Promise<number>,
): Promise<number> {
  let ctx: DeployContext | undefined;
  try {
    const configs = loadConfigs(io, [
      ...(flags.D ?? []),
      ...properties,
      ...(flags.applicationId ? [`yarn.application.id=${flags.applicationId}`] : []),
    ]);
    ctx = deployContext(io, configs);
    return await fn(ctx);
  } catch (err) {
    io.stderr.write(`loom ${name}: ${describeClusterError(err)}\n`);
    return exitStatusFor(err);
  } finally {
    // A client going away ends this flow too (its job cancelled): the cleanup still uses ctx.
    await attachedWork.untilCleanedUp();
    await ctx?.close();
  }
}

/** The cluster -t / -yid / the properties file name, for list, cancel and info. */
export async function withCluster(
  name: string,
  io: ClusterCommandIo,
  argv: string[],
  cmd: Command,
  fn: (cluster: SessionCluster, ctx: DeployContext, args: string[]) => Promise<number>,
  /** The named application has ended (its AM is gone): what to answer instead of the error, e.g. from the job archive. */
  ended?: (ctx: DeployContext, applicationId: string, gone: SessionGoneError) => Promise<number>,
): Promise<number> {
  const parsed = parseClusterArgs(name, cmd, argv, io);
  if ('code' in parsed) return parsed.code;
  const { args, properties } = parsed;
  const flags = cmd.opts<ClusterFlags>();
  try {
    checkTarget(flags.target, undefined, ANY_CLUSTER, 'yarn-session');
  } catch (err) {
    io.stderr.write(`loom ${name}: ${(err as Error).message}\n`);
    return EXIT_STATUS.usage;
  }
  return withContext(name, io, flags, properties, async (ctx) => {
    let cluster: SessionCluster;
    try {
      cluster = await attachToSession(ctx);
    } catch (err) {
      const named = ctx.conf.get(LoomOptions.applicationId);
      if (ended && named && err instanceof SessionGoneError) return ended(ctx, named, err);
      throw err;
    }
    return fn(cluster, ctx, args);
  });
}
