/**
 * Option parsing of `hdfs dfs` commands, as Hadoop's org.apache.hadoop.fs.shell.CommandFormat
 * does it: options come first, each is one whole word (`-R`, `-skipTrash`; `-rf` is not `-r -f`
 * but the illegal option "-rf"), `--` ends them, `-` alone is an argument, and the number of
 * arguments left must be within [min, max]. Unknown options are refused by name:
 * "Illegal option -Z".
 */
import { ShellUsageError, unsupportedFlag } from './shell-errors.js';

export interface CommandFormatSpec {
  /** Fewest and most arguments after the options. */
  min: number;
  max: number;
  /** Flags without a value, without the dash: `['R', 'h', 'skipTrash']`. */
  flags?: readonly string[];
  /** Options that take a value (`-s <sleep interval>`). */
  valued?: readonly string[];
  /** Hadoop's flags that loom fs refuses by name, with the reason. */
  unsupported?: Readonly<Record<string, string>>;
  /** Keep unknown options among the arguments instead of refusing them (Hadoop's `null` option; -chmod). */
  ignoreUnknown?: boolean;
  /** The command, for the "not supported" message. */
  command: string;
}

export interface ParsedOptions {
  flags: Set<string>;
  values: Map<string, string>;
}

/** Takes the first argument out of `args`, where parseCommandFormat has checked that there is one. */
export function shiftArgument(args: string[]): string {
  const first = args.shift();
  if (first === undefined) throw new ShellUsageError('Not enough arguments: expected 1 but got 0');
  return first;
}

/** Removes the options from `args` (in place, as CommandFormat.parse does) and returns them. */
export function parseCommandFormat(args: string[], spec: CommandFormatSpec): ParsedOptions {
  const flags = new Set<string>();
  const values = new Map<string, string>();
  let pos = 0;
  while (pos < args.length) {
    const arg = args[pos];
    if (!arg.startsWith('-') || arg === '-') break;
    if (arg === '--') {
      args.splice(pos, 1);
      break;
    }
    const opt = arg.slice(1);
    if (spec.flags?.includes(opt)) {
      args.splice(pos, 1);
      flags.add(opt);
    } else if (spec.valued?.includes(opt)) {
      args.splice(pos, 1);
      // CommandFormat takes the next word as the value only when it is no option and enough arguments remain.
      const next = args.at(pos);
      const takesNext = next !== undefined && args.length > spec.min && !next.startsWith('-');
      if (takesNext) args.splice(pos, 1);
      values.set(opt, takesNext ? next : '');
    } else if (spec.unsupported && opt in spec.unsupported) {
      throw unsupportedFlag(spec.command, arg, spec.unsupported[opt]);
    } else if (spec.ignoreUnknown) {
      pos++;
    } else {
      throw new ShellUsageError(`Illegal option ${arg}`);
    }
  }
  checkArgumentCount(args, spec.min, spec.max);
  return { flags, values };
}

export function checkArgumentCount(args: readonly string[], min: number, max: number): void {
  if (args.length < min) throw new ShellUsageError(`Not enough arguments: expected ${min} but got ${args.length}`);
  if (args.length > max) throw new ShellUsageError(`Too many arguments: expected ${max} but got ${args.length}`);
}

export const UNLIMITED = Number.MAX_SAFE_INTEGER;
