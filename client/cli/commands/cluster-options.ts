/**
 * What the cluster commands (yarn-session, run, list, cancel) share: Flink's multi-letter short
 * flags (`-jm`, `-nm`, `-id`...), which commander does not accept, rewritten to long options;
 * `-Dkey=value` glued or not; loading the Hadoop configuration (HADOOP_CONF_DIR) and Loom's own
 * (conf/loom.yaml or LOOM_CONF_DIR, then -D); and the deploy context built from both.
 */
import { Configuration } from '../../conf/configuration.js';
import { LoomConfig } from '../../conf/loom-config.js';
import { ApplicationEndedError } from '../../deploy/application-waiter.js';
import { DeployContext } from '../../deploy/deploy-context.js';
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
