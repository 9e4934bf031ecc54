import { ConfigurationError } from './configuration-error.js';

/**
 * Memory sizes as Flink and Hadoop users write them: `1024m`, `4g`, `1.5g`, `2048 mb`, `512`.
 * All units are binary (1k = 1024 bytes), as in both projects. A number without a unit is read in
 * `defaultUnit`: MiB for Loom's memory options and the CLI (`-jm 1024`, as Flink's CLI), because a
 * process size in bytes is never what anyone means.
 */

export type MemoryUnit = 'b' | 'k' | 'm' | 'g' | 't';

export interface MemorySize {
  bytes: number;
  /** Whole MiB, rounded down: what YARN resource requests and `--max-old-space-size` take. */
  mebibytes: number;
}

const MiB = 1024 * 1024;

const UNIT_FACTORS: Record<MemoryUnit, number> = { b: 1, k: 1024, m: MiB, g: 1024 * MiB, t: 1024 * 1024 * MiB };

/** Every spelling accepted, lower-case, mapped to its unit. */
const SPELLINGS_BY_UNIT: readonly (readonly [MemoryUnit, readonly string[]])[] = [
  ['b', ['b', 'byte', 'bytes']],
  ['k', ['k', 'kb', 'kib', 'kibibyte', 'kibibytes']],
  ['m', ['m', 'mb', 'mib', 'mebibyte', 'mebibytes']],
  ['g', ['g', 'gb', 'gib', 'gibibyte', 'gibibytes']],
  ['t', ['t', 'tb', 'tib', 'tebibyte', 'tebibytes']],
];
const UNIT_SPELLINGS: ReadonlyMap<string, MemoryUnit> = new Map(
  SPELLINGS_BY_UNIT.flatMap(([unit, words]) => words.map((word) => [word, unit] as const)),
);

export interface ParseMemorySizeOptions {
  /** The option or flag being read, named in errors (`jobmanager.memory.process.size`, `-jm`). */
  key?: string;
  /** Unit of a bare number; MiB unless told otherwise. */
  defaultUnit?: MemoryUnit;
  /** Where the value came from, for errors (`conf/loom.yaml:3`, `-D`). */
  origin?: string;
  /** The smallest size allowed, and what needs it (named in the error with the size and its unit). */
  atLeast?: MemoryMinimum;
}

export interface MemoryMinimum {
  /** As written in the fix, e.g. `512m`. */
  text: string;
  /** e.g. `a Loom ApplicationMaster (Node.js does not fit in less under YARN's virtual memory check)`. */
  needs: string;
}

/** Parse a memory size; throws a ConfigurationError naming the key, the value and an example. */
export function parseMemorySize(value: string | number, opts: ParseMemorySizeOptions = {}): MemorySize {
  const text = String(value).trim();
  const m = /^([0-9]+(?:\.[0-9]+)?|\.[0-9]+)\s*([a-zA-Z]*)$/.exec(text);
  const unitWord = m?.[2]?.toLowerCase() ?? '';
  const unit = unitWord === '' ? (opts.defaultUnit ?? 'm') : UNIT_SPELLINGS.get(unitWord);
  if (!m || unit === undefined) {
    const problem = !m ? 'is not a memory size' : `has an unknown unit "${m[2]}"`;
    throw memoryError(text, opts, problem);
  }
  const bytes = Math.floor(Number(m[1]) * UNIT_FACTORS[unit]);
  if (!Number.isSafeInteger(bytes)) throw memoryError(text, opts, 'is too large');
  if (opts.atLeast) checkAtLeast(text, bytes, opts.atLeast, opts);
  return { bytes, mebibytes: Math.floor(bytes / MiB) };
}

/** A size below `minimum` (0 included): one line with the value, the minimum with its unit, and the fix. */
function checkAtLeast(text: string, bytes: number, minimum: MemoryMinimum, opts: ParseMemorySizeOptions): void {
  const least = parseMemorySize(minimum.text, { defaultUnit: 'b' });
  if (bytes >= least.bytes) return;
  const what = opts.key ? `${opts.key}=${JSON.stringify(text)}` : JSON.stringify(text);
  const from = opts.origin ? ` (from ${opts.origin})` : '';
  const fix = opts.key?.startsWith('-') ? `${opts.key} ${minimum.text}` : opts.key ? `${opts.key}=${minimum.text}` : minimum.text;
  throw new ConfigurationError(
    `${what}${from} is ${describeBytes(bytes)}, less than the ${describeBytes(least.bytes)} ${minimum.needs}: give ${fix} or more`,
    opts.key,
  );
}

/** `0 bytes`, `1 KiB`, `100 MiB`, `1.5 GiB`: the size with its unit, for messages. */
export function describeBytes(bytes: number): string {
  const units: [number, string][] = [
    [1024 * 1024 * MiB, 'TiB'],
    [1024 * MiB, 'GiB'],
    [MiB, 'MiB'],
    [1024, 'KiB'],
  ];
  for (const [factor, name] of units) {
    if (bytes >= factor) return `${Number((bytes / factor).toFixed(2))} ${name}`;
  }
  return bytes === 1 ? '1 byte' : `${bytes} bytes`;
}

/** The shortest exact spelling with a unit (`1536m`, `4g`, `100k`, `7b`), for writing configs back. */
export function formatMemorySize(bytes: number): string {
  if (!Number.isSafeInteger(bytes) || bytes < 0)
    throw new RangeError(`formatMemorySize: ${bytes} is not a non-negative whole number of bytes`);
  for (const unit of ['t', 'g', 'm', 'k'] as const) {
    const f = UNIT_FACTORS[unit];
    if (bytes !== 0 && bytes % f === 0) return `${bytes / f}${unit}`;
  }
  return `${bytes}b`;
}

function memoryError(text: string, opts: ParseMemorySizeOptions, problem: string): ConfigurationError {
  const what = opts.key ? `${opts.key}=${JSON.stringify(text)}` : JSON.stringify(text);
  const from = opts.origin ? ` (from ${opts.origin})` : '';
  const bare =
    (opts.defaultUnit ?? 'm') === 'm'
      ? '; a number alone means MiB'
      : `; a number alone means ${opts.defaultUnit === 'b' ? 'bytes' : opts.defaultUnit}`;
  return new ConfigurationError(
    `${what}${from} ${problem}: write a number with a unit, e.g. 1024m, 4g or 1.5g (units b, k, m, g, t; kb, mb, gb also accepted${bare})`,
    opts.key,
  );
}
