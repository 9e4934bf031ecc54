import { ConfigurationError } from './configuration-error.js';

/** Hadoop stops expanding after this many substitutions in one value (Configuration.MAX_SUBST). */
export const MAX_SUBSTITUTIONS = 20;

export interface VariableSources {
  /** Environment for `${env.NAME}`. */
  env: Record<string, string | undefined>;
  /** Java-system-property-like names (`user.name`, ...); consulted before configuration keys, as Hadoop does. */
  systemProperty(name: string): string | undefined;
  /** Unexpanded configuration value. */
  configValue(name: string): string | undefined;
}

const VARIABLE = /\$\{([^${}]+)\}/g;

/**
 * Expand `${...}` references in the value of `key` the way Hadoop's Configuration.substituteVars does:
 * innermost references first, `${env.NAME}` (with `${env.NAME:-fallback}` when unset or empty and
 * `${env.NAME-fallback}` when unset), system properties, then other keys. An unknown reference is
 * left as written. More than 20 substitutions is an error naming the key (usually a reference loop).
 */
export function expandVariables(key: string, raw: string, sources: VariableSources): string {
  let value = raw;
  for (let round = 0; round <= MAX_SUBSTITUTIONS; round++) {
    const next = firstResolvable(value, sources);
    if (!next) return value;
    if (round === MAX_SUBSTITUTIONS) break;
    value = value.slice(0, next.start) + next.replacement + value.slice(next.end);
  }
  throw new ConfigurationError(
    `cannot expand ${key}: more than ${MAX_SUBSTITUTIONS} \${...} substitutions (Hadoop's limit); ` +
      `check for a reference loop such as a=\${b}, b=\${a}. Raw value: ${JSON.stringify(raw)}`,
    key,
  );
}

function firstResolvable(value: string, sources: VariableSources): { start: number; end: number; replacement: string } | undefined {
  for (const match of value.matchAll(VARIABLE)) {
    const replacement = resolve(match[1], sources);
    if (replacement !== undefined) return { start: match.index, end: match.index + match[0].length, replacement };
  }
  return undefined;
}

function resolve(variable: string, sources: VariableSources): string | undefined {
  if (variable.startsWith('env.') && variable.length > 4) return resolveEnv(variable.slice(4), sources.env);
  return sources.systemProperty(variable) ?? sources.configValue(variable);
}

function resolveEnv(spec: string, env: Record<string, string | undefined>): string | undefined {
  const colonDash = spec.indexOf(':-');
  const dash = spec.indexOf('-');
  if (colonDash > 0 && (dash < 0 || colonDash < dash)) {
    const v = env[spec.slice(0, colonDash)];
    return v === undefined || v === '' ? spec.slice(colonDash + 2) : v;
  }
  if (dash > 0) return env[spec.slice(0, dash)] ?? spec.slice(dash + 1);
  return env[spec];
}
