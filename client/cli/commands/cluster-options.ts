/**
 * What the cluster commands (yarn-session, run, run-application, list, cancel, info) share: Flink's
 * multi-letter short flags (`-jm`, `-nm`, `-id`...), which commander does not accept, rewritten to
 * long options; the older `-y` flags of `run` (`-yjm`, `-yD k=v`...) and targets (`-t`, `-m yarn-cluster`);
 * `-Dkey=value` glued or not; loading the Hadoop configuration (HADOOP_CONF_DIR) and Loom's own
 * (conf/loom.yaml or LOOM_CONF_DIR, then -D); and the deploy context built from both.
 */
import { Command, CommanderError } from 'commander';
import { Configuration } from '../../conf/configuration.js';
import { ConfigurationError } from '../../conf/configuration-error.js';
import { LoomOptions } from '../../conf/loom-config-options.js';
import { LoomConfig } from '../../conf/loom-config.js';
import { ApplicationEndedError } from '../../deploy/application-waiter.js';
import { DeployContext } from '../../deploy/deploy-context.js';
import { attachToSession } from '../../deploy/session-attach.js';
import type { SessionCluster } from '../../deploy/session-cluster.js';
import { describeError } from '../describe-error.js';
import type { CommandIo } from '../pass-through-command.js';

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
    const arg = argv[i]!;
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

/** Both configurations; a bad Loom value (memory size, count...) throws here, before any network call. */
export function loadConfigs(io: ClusterCommandIo, dynamicProperties: readonly string[]): LoadedConfigs {
  const env = io.env ?? process.env;
  const conf = LoomConfig.load({ env, dynamicProperties, ...(io.cwd ? { cwd: io.cwd } : {}) });
  for (const w of conf.warnings()) io.stderr.write(`warning: ${w}\n`);
  return { hadoopConf: Configuration.load({ env }), conf };
}

export function deployContext(io: ClusterCommandIo, configs: LoadedConfigs): DeployContext {
  return new DeployContext({ ...configs, env: io.env ?? process.env, log: (line) => io.stderr.write(`${line}\n`) });
}

/** One line for a person; an application's end keeps YARN's diagnostics (several lines), indented. */
export function describeClusterError(err: unknown): string {
  if (err instanceof ApplicationEndedError) return err.message.split('\n').join('\n  ');
  return describeError(err);
}

/** A bad flag or target: exit code 2, like commander's own usage errors. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Where a command sends its work (`-t`, Flink's execution.target); `-m yarn-cluster` is Flink's older per-job spelling. */
export type ExecutionTarget = 'remote' | 'yarn-session' | 'yarn-per-job' | 'yarn-application';

export function checkTarget(given: string | undefined, jobManager: string | undefined, valid: readonly ExecutionTarget[], fallback: ExecutionTarget): ExecutionTarget {
  if (jobManager !== undefined) {
    if (jobManager !== 'yarn-cluster') throw new UsageError(`-m ${jobManager} is not supported: the only -m Loom knows is yarn-cluster (= -t yarn-per-job); sessions are found by -yid or the properties file`);
    if (given !== undefined && given !== 'yarn-per-job') throw new UsageError(`-m yarn-cluster means -t yarn-per-job, but -t ${given} was given too: keep one`);
    given = 'yarn-per-job';
  }
  const target = given ?? fallback;
  if (!(valid as readonly string[]).includes(target)) {
    const hint = target === 'yarn-application' ? ' (application mode has its own command: loom run-application -t yarn-application ...)' : '';
    throw new UsageError(`unknown target -t ${target}: use one of ${valid.join(', ')}${hint}`);
  }
  return target as ExecutionTarget;
}

/** Flink's older `-y` flags of `run`, as configuration keys (-yid and -yt are handled the same way). */
const YARN_FLAGS: Readonly<Record<string, { key: string; check?: (v: string, flag: string) => void; list?: boolean }>> = {
  '-yjm': { key: LoomOptions.jobManagerMemory.key, check: (v, f) => void LoomOptions.jobManagerMemory.parseFlag(f, v) },
  '-ytm': { key: LoomOptions.taskManagerMemory.key, check: (v, f) => void LoomOptions.taskManagerMemory.parseFlag(f, v) },
  '-ys': { key: 'taskmanager.numberOfTaskSlots', check: checkWholeNumber },
  '-ynm': { key: 'yarn.application.name' },
  '-yqu': { key: 'yarn.application.queue' },
  '-yid': { key: 'yarn.application.id' },
  '-yt': { key: 'yarn.ship-files', list: true },
  '-yD': { key: '' },
};

export const KNOWN_YARN_FLAGS: readonly string[] = Object.keys(YARN_FLAGS);

/** `-p`: a parallelism, checked before anything else happens. */
export function checkParallelism(value: string | undefined): void {
  if (value !== undefined && !/^[1-9][0-9]*$/.test(value.trim())) {
    throw new UsageError(`-p "${value}" is not a parallelism: give a whole number of at least 1, e.g. -p 4`);
  }
}

function checkWholeNumber(v: string, flag: string): void {
  if (!/^[1-9][0-9]*$/.test(v.trim())) throw new ConfigurationError(`${flag} "${v}" is not a whole number of at least 1, e.g. ${flag} 2`);
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
    const arg = argv[i]!;
    if (arg === '--' || !arg.startsWith('-')) break;
    if (valueOptions.has(arg)) {
      rest.push(arg, ...(i + 1 < argv.length ? [argv[++i]!] : []));
      continue;
    }
    if (!arg.startsWith('-y')) {
      rest.push(arg);
      continue;
    }
    const glued = arg.startsWith('-yD') && arg.length > 3 ? arg.slice(3) : undefined;
    const flag = glued !== undefined ? '-yD' : arg;
    const spec = YARN_FLAGS[flag];
    if (!spec) throw new UsageError(`unknown flag ${arg}: the -y flags Loom knows are ${KNOWN_YARN_FLAGS.join(', ')} (or use -D <key>=<value>)`);
    const value = glued ?? argv[++i];
    if (value === undefined) throw new UsageError(`${flag} needs a value`);
    if (flag === '-yD') {
      if (!/^[^=\s]+=/.test(value)) throw new UsageError(`-yD ${value} is not <key>=<value>`);
      properties.push(value);
    } else if (spec.list) ships.push(value);
    else {
      spec.check?.(value, flag);
      properties.push(`${spec.key}=${value}`);
    }
  }
  if (ships.length) properties.push(`yarn.ship-files=${ships.join(';')}`);
  return { argv: [...rest, ...argv.slice(i)], properties };
}

/** Options of run, run-application, list, cancel and info that take a value: what follows them is not the bundle. */
export const VALUE_OPTIONS: ReadonlySet<string> = new Set(['-t', '--target', '-m', '--jobmanager', '-c', '--class', '-p', '--parallelism', '-D', '--name', '--entry', '--applicationId']);
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
    .option('-D <key=value>', 'configuration override (repeatable)', collect);
}

/** Parses argv (Flink aliases rewritten), or the exit code when commander already answered: 0 for help, 2 for bad usage. */
export function parseCommand<F extends object>(cmd: Command, argv: readonly string[], aliases: Readonly<Record<string, string>> = {}): { flags: F; args: string[] } | { code: number } {
  try {
    cmd.parse(normalizeFlags(argv, aliases), { from: 'user' });
    return { flags: cmd.opts() as F, args: cmd.args };
  } catch (err) {
    if (err instanceof CommanderError) return { code: commanderExitCode(err) };
    throw err;
  }
}

function commanderExitCode(err: CommanderError): number {
  return err.exitCode === 0 || err.code === 'commander.helpDisplayed' ? 0 : 2;
}

/** A cluster command with -D, -t and -yid/--applicationId. */
export function clusterCommand(name: string, io: ClusterCommandIo): Command {
  return loomCommand(`loom ${name}`, io)
    .option('-t, --target <target>', `where to: ${ANY_CLUSTER.join(', ')} (all find the cluster by -yid / -Dyarn.application.id)`)
    .option('--applicationId <id>', '-yid: the cluster to use (default: the session yarn-session started last)');
}

/** Parses argv (Flink's -y flags first), or the exit code when commander or the flags already answered. */
export function parseClusterArgs<F extends object>(name: string, cmd: Command, argv: string[], io: ClusterCommandIo): { flags: F; args: string[]; properties: string[] } | { code: number } {
  try {
    const { argv: rest, properties } = extractYarnFlags(argv, VALUE_OPTIONS);
    cmd.parse(normalizeFlags(rest, {}), { from: 'user' });
    return { flags: cmd.opts() as F, args: cmd.args, properties };
  } catch (err) {
    if (err instanceof CommanderError) return { code: commanderExitCode(err) };
    if (err instanceof UsageError || err instanceof ConfigurationError) {
      io.stderr.write(`loom ${name}: ${err.message}\n`);
      return { code: 2 };
    }
    throw err;
  }
}

/** Loads the configurations and runs `fn`; errors become one line on stderr and exit code 1 (2 for bad usage or configuration). */
export async function withContext(name: string, io: ClusterCommandIo, flags: ClusterFlags, properties: string[], fn: (ctx: DeployContext) => Promise<number>): Promise<number> {
  let ctx: DeployContext | undefined;
  try {
    const configs = loadConfigs(io, [...(flags.D ?? []), ...properties, ...(flags.applicationId ? [`yarn.application.id=${flags.applicationId}`] : [])]);
    ctx = deployContext(io, configs);
    return await fn(ctx);
  } catch (err) {
    io.stderr.write(`loom ${name}: ${describeClusterError(err)}\n`);
    return err instanceof ConfigurationError || err instanceof UsageError ? 2 : 1;
  } finally {
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
): Promise<number> {
  const parsed = parseClusterArgs<ClusterFlags>(name, cmd, argv, io);
  if ('code' in parsed) return parsed.code;
  const { flags, args, properties } = parsed;
  try {
    checkTarget(flags.target, undefined, ANY_CLUSTER, 'yarn-session');
  } catch (err) {
    io.stderr.write(`loom ${name}: ${(err as Error).message}\n`);
    return 2;
  }
  return withContext(name, io, flags, properties, async (ctx) => fn(await attachToSession(ctx), ctx, args));
}

