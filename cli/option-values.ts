/**
 * The one place where the commands read typed values from a command line: whole numbers in a
 * range, memory sizes, YARN application ids, Loom job ids and `key=value` pairs. Each returns
 * the value or throws a UsageError that names the flag, quotes what was given and shows a good
 * value, so every command refuses a bad argument the same way and before any cluster work.
 */
import { ConfigurationError } from '../client/conf/configuration-error.js';
import { parseMemorySize, type MemorySize } from '../client/conf/memory-size.js';
import { isJobId } from '../client/contracts/job-id-format.js';
import { formatApplicationId, parseApplicationId } from '../client/wire/codec/yarn-ids.js';
import { UsageError } from './usage-error.js';

/** Java's Integer.MAX_VALUE: Hadoop and Flink read these numbers with Integer.parseInt, so nothing larger means anything to them. */
export const JAVA_INT_MAX = 2_147_483_647;

export interface WholeNumberSpec {
  /** The flag as the user typed it: `-p`, `-s`, `--nodes`. */
  flag: string;
  /** What the number counts, with its article: `a parallelism`, `a number of slots`. */
  noun: string;
  min: number;
  /** Default: JAVA_INT_MAX. */
  max?: number;
  /** A good value, shown in the message. */
  example: number;
}

/** A whole number written in decimal digits, from `min` to `max`. */
export function wholeNumberOption(value: string, spec: WholeNumberSpec): number {
  const text = value.trim();
  const max = spec.max ?? JAVA_INT_MAX;
  const example = `e.g. ${spec.flag} ${spec.example}`;
  if (/^[0-9]+$/.test(text) && Number(text) > max) {
    throw new UsageError(`${spec.flag} "${value}" is too large: give at most ${max}, ${example}`);
  }
  if (!/^[0-9]+$/.test(text) || Number(text) < spec.min) {
    const range = max === JAVA_INT_MAX ? `of at least ${spec.min}` : `from ${spec.min} to ${max}`;
    throw new UsageError(`${spec.flag} "${value}" is not ${spec.noun}: give a whole number ${range}, ${example}`);
  }
  return Number(text);
}

/** A memory size as Flink's and Hadoop's users write it (`1024m`, `4g`; a number alone is MiB). */
export function memorySizeOption(value: string, flag: string): MemorySize {
  try {
    return parseMemorySize(value, { key: flag });
  } catch (err) {
    if (err instanceof ConfigurationError) throw new UsageError(err.message);
    throw err;
  }
}

/**
 * A YARN application id (`application_<clusterTimestamp>_<sequence>`), in Hadoop's text form (`application_1_1` -> `application_1_0001`).
 */
export function applicationIdOption(value: string, flag: string): string {
  try {
    return formatApplicationId(parseApplicationId(value.trim()));
  } catch {
    throw new UsageError(
      `${flag} "${value}" is not a YARN application id: write application_<clusterTimestamp>_<sequence>, as loom list-clusters and loom yarn application -list print it`,
    );
  }
}

/** A Loom job id: 32 hex digits (upper-case is read as lower-case). */
export function jobIdOption(value: string): string {
  const id = value.trim().toLowerCase();
  if (!isJobId(id)) throw new UsageError(`"${value}" is not a Loom job id: job ids are 32 hex digits, as loom list prints them`);
  return id;
}

/** `key=value` (of -D): the key is not empty; the value may be. */
export function keyValueOption(value: string, flag: string, example: string): [string, string] {
  const eq = value.indexOf('=');
  const key = eq < 0 ? '' : value.slice(0, eq).trim();
  if (key === '') throw new UsageError(`${flag} "${value}" is not key=value: write e.g. ${flag} ${example}`);
  return [key, value.slice(eq + 1)];
}
