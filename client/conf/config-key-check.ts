/**
 * The one check of configuration key names, for every source of Loom's configuration (loom.yaml,
 * -D, -yD and the other -y flags, which arrive as keys): what a key is, and what Loom does about it.
 *
 * - A key Loom reads: fine.
 * - Almost a key Loom reads (a typo: case and punctuation aside the same, or one or two edits
 *   away): an error naming the key, where it came from and the key it probably means. Loom would
 *   otherwise run without the setting, which is easy to miss in a script. So is any other key in
 *   Loom's own loom.* namespace.
 * - A Flink option Loom does not support: a warning naming it as such; the run goes on.
 * - A Hadoop key (yarn.*, dfs.*, fs.*, hadoop.*, ipc.*, mapreduce.*, ...; or Flink's
 *   flink.hadoop.<key>): passes silently, and applies to the Hadoop configuration.
 * - Anything else is the user's own key, kept for their program, silently.
 */
import { ConfigurationError } from './configuration-error.js';
import {
  FLINK_FS_KEYS,
  FLINK_HADOOP_PASSTHROUGH,
  FLINK_PREFIXES,
  FLINK_SINGLE_KEYS,
  FLINK_YARN_KEYS,
  HADOOP_PREFIXES,
} from './config-key-kinds.js';
import { KNOWN_LOOM_KEYS } from './loom-config-options.js';

export type KeyKind =
  | { kind: 'loom' }
  | { kind: 'typo'; meant: string }
  /** In Loom's own loom.* namespace, but not a key Loom reads. */
  | { kind: 'unknown-loom' }
  | { kind: 'flink-unsupported' }
  /** `hadoopKey`: the key as Hadoop names it (flink.hadoop.x -> x). */
  | { kind: 'hadoop'; hadoopKey: string }
  | { kind: 'user' };

export function classifyKey(key: string): KeyKind {
  if (KNOWN_LOOM_KEYS.has(key)) return { kind: 'loom' };
  if (FLINK_YARN_KEYS.has(key) || FLINK_FS_KEYS.has(key) || FLINK_SINGLE_KEYS.has(key)) return { kind: 'flink-unsupported' };
  const meant = likelyMeant(key);
  if (meant) return { kind: 'typo', meant };
  if (key.startsWith('loom.')) return { kind: 'unknown-loom' };
  for (const { prefix, replacement } of FLINK_HADOOP_PASSTHROUGH) {
    if (key.startsWith(prefix) && key.length > prefix.length) return { kind: 'hadoop', hadoopKey: replacement + key.slice(prefix.length) };
  }
  // hadoop-policy.xml's service ACLs (security.<protocol>.protocol.acl) share Flink's security. namespace.
  if (key.startsWith('security.') && key.endsWith('.protocol.acl')) return { kind: 'hadoop', hadoopKey: key };
  if (FLINK_PREFIXES.some((p) => key.startsWith(p))) return { kind: 'flink-unsupported' };
  if (HADOOP_PREFIXES.some((p) => key.startsWith(p))) return { kind: 'hadoop', hadoopKey: key };
  return { kind: 'user' };
}

const LOOM_OWN_KEYS = [...KNOWN_LOOM_KEYS].filter((k) => k.startsWith('loom.')).sort();

export interface KeyCheckResult {
  /** Typos: each names the key, where it came from and the key it probably means. */
  errors: string[];
  /** Flink options Loom does not support. */
  warnings: string[];
}

/** Checks each key; `origin` says where it came from (`-D`, `path/loom.yaml:3`). */
export function checkKeys(entries: Iterable<{ key: string; origin: string }>): KeyCheckResult {
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const { key, origin } of entries) {
    const verdict = classifyKey(key);
    const where = origin === '-D' ? `-D ${key}` : `${origin}: ${key}`;
    if (verdict.kind === 'typo')
      errors.push(`${where} is not a key Loom knows; did you mean ${verdict.meant}? (correct it, or Loom runs without the setting)`);
    if (verdict.kind === 'unknown-loom') errors.push(`${where} is not a key Loom knows; Loom's own keys are ${LOOM_OWN_KEYS.join(', ')}`);
    if (verdict.kind === 'flink-unsupported') warnings.push(`${where} is a Flink option Loom does not support; it has no effect`);
  }
  return { errors, warnings };
}

/** Throws one ConfigurationError (one line) for the typos among `entries`; returns the warnings. */
export function requireKnownKeys(entries: Iterable<{ key: string; origin: string }>): string[] {
  const { errors, warnings } = checkKeys(entries);
  if (errors.length === 1) throw new ConfigurationError(errors[0]);
  if (errors.length > 1) throw new ConfigurationError(`${errors.length} unknown keys: ${errors.join('; ')}`);
  return warnings;
}

/**
 * A key Loom reads that `key` is probably a typo of: the same ignoring case and punctuation, or at
 * most two edits away (one for keys shorter than 12 characters, where two edits make another word).
 */
function likelyMeant(key: string): string | undefined {
  const squash = (s: string) => s.toLowerCase().replace(/[-_.]/g, '');
  const limit = key.length < 12 ? 1 : 2;
  let best: { key: string; d: number } | undefined;
  for (const known of KNOWN_LOOM_KEYS) {
    if (squash(known) === squash(key)) return known;
    if (Math.abs(known.length - key.length) > limit) continue;
    const d = editDistance(known, key, limit + 1);
    if (d <= limit && (!best || d < best.d)) best = { key: known, d };
  }
  return best?.key;
}

/** Levenshtein distance, giving up (returning `cap`) once it reaches cap. */
function editDistance(a: string, b: string, cap: number): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      row.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin >= cap) return cap;
    prev = row;
  }
  return Math.min(prev[b.length], cap);
}
