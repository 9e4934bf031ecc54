import { ConfigurationError } from './configuration-error.js';

/**
 * Typed readings of configuration strings with Hadoop's syntax (hex integers, duration suffixes,
 * binary size prefixes). Every failure names the key, the value and where it came from.
 */

export type TimeUnit = 'ns' | 'us' | 'ms' | 's' | 'm' | 'h' | 'd';

const NANOS: Record<TimeUnit, bigint> = {
  ns: 1n,
  us: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
};

/** Hadoop checks suffixes in this order, so "ms" wins over "s". */
const SUFFIX_ORDER: TimeUnit[] = ['ns', 'us', 'ms', 's', 'm', 'h', 'd'];

const BYTE_PREFIXES = 'kmgtpe';

function bad(key: string, value: string, origin: string | undefined, expected: string): ConfigurationError {
  const from = origin ? ` (set in ${origin})` : '';
  return new ConfigurationError(
    `${key}=${JSON.stringify(value)}${from} is not ${expected}; fix the value or remove the property to use the default`,
    key,
  );
}

/** Decimal or `0x` hexadecimal integer, optionally negative, as Configuration.getInt/getLong accept. */
function parseInteger(text: string): bigint | undefined {
  const m = /^([+-]?)(?:0[xX]([0-9A-Fa-f]+)|([0-9]+))$/.exec(text);
  if (!m) return undefined;
  const hex = m.at(2);
  const magnitude = hex !== undefined ? BigInt(`0x${hex}`) : BigInt(m[3]);
  return m[1] === '-' ? -magnitude : magnitude;
}

export function parseIntValue(key: string, value: string, origin?: string): number {
  const n = parseInteger(value.trim());
  if (n === undefined || n < -(2n ** 31n) || n >= 2n ** 31n) throw bad(key, value, origin, 'a 32-bit integer');
  return Number(n);
}

export function parseLongValue(key: string, value: string, origin?: string): number {
  const n = parseInteger(value.trim());
  if (n === undefined) throw bad(key, value, origin, 'an integer');
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER))
    throw bad(key, value, origin, `an integer Loom can hold exactly (|n| <= 2^53-1)`);
  return Number(n);
}

export function parseBooleanValue(key: string, value: string, origin?: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw bad(key, value, origin, 'true or false');
}

/** `30s`, `500ms`, `2h`...; a bare number is in `unit`. Converted to `unit`, truncating like TimeUnit.convert. */
export function parseTimeDurationValue(key: string, value: string, unit: TimeUnit, origin?: string): number {
  const v = value.trim().toLowerCase();
  const suffix = SUFFIX_ORDER.find((s) => v.endsWith(s));
  const digits = suffix ? v.slice(0, v.length - suffix.length).trim() : v;
  const n = /^[+-]?[0-9]+$/.test(digits) ? BigInt(digits) : undefined;
  if (n === undefined) throw bad(key, value, origin, 'a time duration (an integer with an optional suffix ns, us, ms, s, m, h or d)');
  const converted = (n * NANOS[suffix ?? unit]) / NANOS[unit];
  if (converted > BigInt(Number.MAX_SAFE_INTEGER) || converted < BigInt(Number.MIN_SAFE_INTEGER))
    throw bad(key, value, origin, 'a duration in range');
  return Number(converted);
}

/** Bytes with Hadoop's binary prefixes (`128m` = 134217728), as Configuration.getLongBytes reads them. */
export function parseBytesValue(key: string, value: string, origin?: string): number {
  const v = value.trim().toLowerCase();
  const prefix = BYTE_PREFIXES.indexOf(v.slice(-1));
  const digits = prefix >= 0 ? v.slice(0, -1).trim() : v;
  if (!/^[+-]?[0-9]+$/.test(digits)) throw bad(key, value, origin, 'a size in bytes (an integer with an optional k, m, g, t, p or e)');
  const n = BigInt(digits) * 1024n ** BigInt(prefix + 1);
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER))
    throw bad(key, value, origin, 'a size Loom can hold exactly');
  return Number(n);
}
