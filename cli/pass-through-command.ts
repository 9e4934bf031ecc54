import type { Command } from 'commander';
import { Configuration } from '../client/conf/configuration.js';
import { keyValueOption } from './option-values.js';
import { UsageError } from './usage-error.js';
import { defaultsInUseNotice } from '../client/conf/hadoop-conf-dir.js';
import { holdDefaultsNotice } from './defaults-notice.js';
import { EXIT_STATUS } from './exit-statuses.js';

/**
 * Plumbing for sub-commands in the shape of Hadoop's tools, whose single-dash long options
 * (`-list`, `-appStates`) commander cannot parse: commander hands the arguments over untouched
 * and the command parses them itself, then Hadoop's generic options (-D, -conf, -fs) pick the
 * configuration.
 */

export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env?: NodeJS.ProcessEnv;
}

/** Registers `name`; `run` gets the raw arguments and returns the exit code. */
export function registerPassThroughCommand(
  program: Command,
  name: string,
  description: string,
  run: (args: string[], io: CommandIo) => Promise<number>,
): void {
  program
    .command(name)
    .description(description)
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[args...]')
    .action(async (_args: string[], _opts: unknown, cmd: Command) => {
      process.exitCode = await run(cmd.args, { stdout: process.stdout, stderr: process.stderr });
    });
}

export interface GenericOptions {
  /** -D key=value, in order. */
  overrides: [string, string][];
  /** -conf / --conf <dir>: read the site files there instead of HADOOP_CONF_DIR. */
  confDir: string | undefined;
  /** -fs <uri>: the file system to use instead of fs.defaultFS. */
  fsUri: string | undefined;
  /** What follows the generic options. */
  rest: string[];
}

const GENERIC_FLAGS = ['-D', '-conf', '--conf', '-fs'];

/** Leading -D key=value, -conf/--conf <dir> and -fs <uri>, as Hadoop's GenericOptionsParser reads them; throws on a malformed one. */
export function parseGenericOptions(argv: string[]): GenericOptions {
  const rest = [...argv];
  const overrides: [string, string][] = [];
  let confDir: string | undefined;
  let fsUri: string | undefined;
  while (rest.length > 0 && GENERIC_FLAGS.includes(rest[0])) {
    const flag = rest[0];
    const value = rest.at(1);
    if (value === undefined) throw new UsageError(`${flag} needs a value`);
    rest.splice(0, 2);
    if (flag === '-fs') {
      fsUri = value;
      continue;
    }
    if (flag !== '-D') {
      confDir = value;
      continue;
    }
    overrides.push(keyValueOption(value, '-D', 'yarn.resourcemanager.address=rm.example.com:8032'));
  }
  return { overrides, confDir, fsUri, rest };
}

/**
 * The configuration a command runs with: HADOOP_CONF_DIR / YARN_CONF_DIR (or -conf), then the -D
 * values. A named directory that cannot be used is an error; with no configuration at all (no
 * directory, no -D, no -fs), one line on `notes` says which defaults are in use.
 */
export function loadCommandConfiguration(
  generic: GenericOptions,
  env: NodeJS.ProcessEnv,
  notes?: Pick<CommandIo, 'stderr'>,
): Configuration {
  const conf = Configuration.load({ env, ...(generic.confDir ? { confDir: generic.confDir, confDirNamedBy: '--conf' } : {}) });
  for (const [k, v] of generic.overrides) conf.set(k, v);
  const none = conf.confDir === undefined && generic.overrides.length === 0 && generic.fsUri === undefined;
  if (none && notes) holdDefaultsNotice(defaultsInUseNotice(conf), notes.stderr);
  return conf;
}

/** `<name>: <problem> (see <name> -help)`, one line on stderr; exit code 2. `usage` is what -help prints. */
export function usageError(name: string, _usage: string, io: Pick<CommandIo, 'stderr'>, problem: string): number {
  io.stderr.write(`${name}: ${problem} (see ${name} -help)\n`);
  return EXIT_STATUS.usage;
}

/** The commands a usage text lists: the first word of each line indented by two spaces. */
function commandsIn(usage: string): string[] {
  return [...new Set([...usage.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]))];
}

const HELP_WORDS = ['-help', '--help', '-h', 'help'];

/**
 * `<generic options> <command> <args>` of a Hadoop-shaped tool, or its exit code: the usage text
 * for help (0); one line naming the problem for no command or a malformed generic option (2).
 */
export function parseToolLine(
  name: string,
  usage: string,
  argv: string[],
  io: Pick<CommandIo, 'stdout' | 'stderr'>,
): { generic: GenericOptions; command: string; args: string[] } | { code: number } {
  let generic: GenericOptions;
  try {
    generic = parseGenericOptions(argv);
  } catch (err) {
    return { code: usageError(name, usage, io, (err as Error).message) };
  }
  const command = generic.rest.at(0);
  const args = generic.rest.slice(1);
  if (command === undefined) return { code: usageError(name, usage, io, `no command given: use one of ${commandsIn(usage).join(', ')}`) };
  if (HELP_WORDS.includes(command)) {
    io.stdout.write(usage);
    return { code: 0 };
  }
  return { generic, command, args };
}
