import { ConfigurationError } from './configuration-error.js';

/**
 * Durations as Flink's configuration writes them: `30 s`, `30s`, `500ms`, `1 min`, `2 h`, `1d`.
 * A number alone is milliseconds (Flink's rule). Results are whole milliseconds.
 */

const MS_PER_UNIT: [number, string[]][] = [
  [1e-6, ['ns', 'nano', 'nanos', 'nanosecond', 'nanoseconds']],
  [1e-3, ['us', 'µs', 'micro', 'micros', 'microsecond', 'microseconds']],
  [1, ['ms', 'milli', 'millis', 'millisecond', 'milliseconds']],
  [1000, ['s', 'sec', 'secs', 'second', 'seconds']],
  [60_000, ['m', 'min', 'mins', 'minute', 'minutes']],
  [3_600_000, ['h', 'hour', 'hours']],
  [86_400_000, ['d', 'day', 'days']],
];

const FACTOR = new Map<string, number>(MS_PER_UNIT.flatMap(([f, words]) => words.map((w) => [w, f] as [string, number])));

/** Milliseconds; throws a ConfigurationError naming the key, the value and an example. */
export function parseLoomDuration(value: string, key?: string, origin?: string): number {
  const text = value.trim();
  const m = /^([0-9]+)\s*([a-zA-Zµ]*)$/.exec(text);
  const factor = m ? (m[2] === '' ? 1 : FACTOR.get(m[2].toLowerCase())) : undefined;
  if (!m || factor === undefined) {
    const what = key ? `${key}=${JSON.stringify(text)}` : JSON.stringify(text);
    const from = origin ? ` (from ${origin})` : '';
    throw new ConfigurationError(
      `${what}${from} is not a duration: write a whole number with a unit, e.g. 30 s, 500 ms, 5 min or 1 h (units ms, s, min, h, d; a number alone means milliseconds)`,
      key,
    );
  }
  return Math.floor(Number(m[1]) * factor);
}

/** The largest exact unit (`90 s`, `5 min`, `250 ms`), for writing configs back. */
export function formatLoomDuration(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  for (const [factor, label] of units) if (ms !== 0 && ms % factor === 0) return `${ms / factor} ${label}`;
  return `${ms} ms`;
}
