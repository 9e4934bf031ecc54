import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { ConfigurationError } from './configuration-error.js';
import { requireKnownKeys } from './config-key-check.js';
import { ALL_LOOM_OPTIONS, LoomOptions, type LoomOption, type RestartStrategy } from './loom-config-options.js';
import { readLoomYaml } from './loom-config-yaml.js';

export { LoomOptions, type LoomOption, type RestartStrategy } from './loom-config-options.js';

type Env = Record<string, string | undefined>;

/** Source recorded for -D values. */
export const DYNAMIC_PROPERTY_SOURCE = '-D';
export const LOOM_CONF_FILE = 'loom.yaml';

interface Entry {
  value: string;
  origin: string;
}

export interface LoomConfigLoadOptions {
  /** Directory holding loom.yaml; else $LOOM_CONF_DIR; else ./conf (where a missing file is fine). */
  confDir?: string;
  /** -D key=value overrides, applied over the file, as given on the command line. */
  dynamicProperties?: readonly string[] | Readonly<Record<string, string>>;
  env?: Env;
  cwd?: string;
}

/**
 * Loom's own configuration: conf/loom.yaml, then -D overrides. Values are kept as text; typed
 * readings (`get(LoomOptions.taskSlots)`) apply defaults and check every known key when the config
 * is built, so a bad value fails before anything is uploaded. Key names are checked by
 * config-key-check.ts: a typo of a key Loom reads is an error, a Flink option Loom does not support
 * a warning; Hadoop's keys and the user's own are kept and shipped (user code may read them).
 */
export class LoomConfig {
  private readonly entries = new Map<string, Entry>();
  private readonly warningList: string[] = [];
  /** The loom.yaml that was read, if any. */
  file: string | undefined;

  private constructor() {
    // Made by LoomConfig.empty() and LoomConfig.load().
  }

  static empty(): LoomConfig {
    return new LoomConfig();
  }

  /** loom.yaml from the conf dir, then the -D overrides; checks every known key. */
  static load(opts: LoomConfigLoadOptions = {}): LoomConfig {
    const env = opts.env ?? process.env;
    const explicitDir = opts.confDir ?? (env.LOOM_CONF_DIR ? env.LOOM_CONF_DIR : undefined);
    const dir = resolve(opts.cwd ?? process.cwd(), explicitDir ?? 'conf');
    const path = join(dir, LOOM_CONF_FILE);
    const config = new LoomConfig();
    if (existsSync(path)) {
      config.addYaml(readFileSync(path, 'utf8'), path);
    } else if (explicitDir !== undefined) {
      const from = opts.confDir !== undefined ? 'the configuration directory given' : 'LOOM_CONF_DIR';
      throw new ConfigurationError(
        `${path} does not exist (${from} is ${dir}): create ${LOOM_CONF_FILE} there, or point LOOM_CONF_DIR at the directory that holds it`,
      );
    }
    if (opts.dynamicProperties) config.addDynamicProperties(opts.dynamicProperties);
    config.validate();
    return config;
  }

  /** A config from YAML text (e.g. the file shipped to the AM); `fileName` is used in messages. */
  static fromYaml(text: string, fileName = LOOM_CONF_FILE): LoomConfig {
    const config = new LoomConfig();
    config.addYaml(text, fileName);
    config.validate();
    return config;
  }

  /** Merge YAML text over the current values. */
  addYaml(text: string, fileName: string): this {
    const { entries, warnings } = readLoomYaml(text, fileName);
    this.file ??= fileName;
    this.warningList.push(...warnings);
    for (const e of entries) this.put(e.key, e.value, e.origin);
    return this;
  }

  /** Apply `key=value` strings (or a map) as -D overrides; a malformed one is an error. */
  addDynamicProperties(props: readonly string[] | Readonly<Record<string, string>>): this {
    const pairs = Array.isArray(props) ? (props as readonly string[]).map(parseDynamicProperty) : Object.entries(props);
    for (const [key, value] of pairs) this.put(key, value, DYNAMIC_PROPERTY_SOURCE);
    return this;
  }

  /** Set one value from code (and check it if the key is known). */
  set(key: string, value: string, origin = 'programmatically'): this {
    const option = ALL_LOOM_OPTIONS.find((o) => o.key === key || o.fallbackKeys?.includes(key));
    if (option) parseEntry(option, key, { value, origin });
    this.put(key, value, origin);
    return this;
  }

  unset(key: string): this {
    this.entries.delete(key);
    return this;
  }

  /** The typed value of an option: its own key, then its fallback keys, then its default. */
  get<T>(option: LoomOption<T>): T {
    for (const key of [option.key, ...(option.fallbackKeys ?? [])]) {
      const e = this.entries.get(key);
      if (e) return parseEntry(option, key, e);
    }
    return option.defaultValue;
  }

  /** The text of any key as set, known or not. */
  getString(key: string): string | undefined {
    return this.entries.get(key)?.value;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Where a key's value came from: `path/loom.yaml:12`, `-D`, or `programmatically`. */
  sourceOf(key: string): string | undefined {
    return this.entries.get(key)?.origin;
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  warnings(): string[] {
    return [...this.warningList];
  }

  /** The configured strategy; restart-strategy.type unset: fixed-delay with loom.task.max-attempts - 1 attempts and no delay. */
  restartStrategy(): RestartStrategy {
    const type = this.get(LoomOptions.restartStrategy);
    if (type === undefined)
      return { type: 'fixed-delay', attempts: this.get(LoomOptions.taskMaxAttempts) - 1, delayMs: 0, fromTaskMaxAttempts: true };
    if (type === 'fixed-delay')
      return { type, attempts: this.get(LoomOptions.fixedDelayAttempts), delayMs: this.get(LoomOptions.fixedDelayDelay) };
    if (type === 'failure-rate') {
      return {
        type,
        maxFailuresPerInterval: this.get(LoomOptions.failureRateMaxFailures),
        intervalMs: this.get(LoomOptions.failureRateInterval),
        delayMs: this.get(LoomOptions.failureRateDelay),
      };
    }
    if (type === 'exponential-delay') {
      return {
        type,
        initialBackoffMs: this.get(LoomOptions.exponentialInitialBackoff),
        maxBackoffMs: this.get(LoomOptions.exponentialMaxBackoff),
        multiplier: this.get(LoomOptions.exponentialMultiplier),
        resetThresholdMs: this.get(LoomOptions.exponentialResetThreshold),
        jitter: this.get(LoomOptions.exponentialJitter),
        attempts: this.get(LoomOptions.exponentialAttempts),
      };
    }
    return { type: 'none' };
  }

  /** Every key as text, sorted. */
  toRecord(opts: { includeDefaults?: boolean } = {}): Record<string, string> {
    const out: Record<string, string> = {};
    if (opts.includeDefaults) {
      for (const o of ALL_LOOM_OPTIONS)
        if (o.defaultText !== undefined && !o.fallbackKeys?.some((k) => this.entries.has(k))) out[o.key] = o.defaultText;
    }
    for (const [k, e] of this.entries) out[k] = e.value;
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
  }

  /**
   * The effective configuration as flat-key YAML (flink-conf.yaml style), to ship to the AM and
   * TaskExecutors; `LoomConfig.fromYaml` reads it back to the same values.
   */
  toYaml(opts: { includeDefaults?: boolean } = {}): string {
    const record = this.toRecord(opts);
    if (Object.keys(record).length === 0) return '{}\n';
    // Values are strings on purpose: `1.50` or `0x1F` must come back exactly as written.
    return stringify(record, { defaultStringType: 'PLAIN', defaultKeyType: 'PLAIN', lineWidth: 0 });
  }

  /**
   * Check every key's name (a typo of a key Loom reads is an error, see config-key-check.ts), then
   * every known key's value; one error lists all problems.
   */
  validate(): this {
    const keyWarnings = requireKnownKeys([...this.entries].map(([key, e]) => ({ key, origin: e.origin })));
    for (const w of keyWarnings) if (!this.warningList.includes(w)) this.warningList.push(w);
    const problems: { key: string; message: string }[] = [];
    for (const option of ALL_LOOM_OPTIONS) {
      for (const key of [option.key, ...(option.fallbackKeys ?? [])]) {
        const e = this.entries.get(key);
        if (!e) continue;
        try {
          parseEntry(option, key, e);
        } catch (err) {
          problems.push({ key, message: (err as Error).message });
        }
      }
    }
    if (problems.length === 1) throw new ConfigurationError(problems[0].message, problems[0].key);
    if (problems.length > 1)
      throw new ConfigurationError(
        `${problems.length} configuration values are invalid:\n  ${problems.map((p) => p.message).join('\n  ')}`,
      );
    return this;
  }

  private put(key: string, value: string, origin: string): void {
    if (key.trim() === '')
      throw new ConfigurationError(`an empty configuration key (from ${origin}): write key=value, e.g. -Dtaskmanager.numberOfTaskSlots=2`);
    this.entries.set(key, { value, origin });
  }
}

/** Parse a value read under `key` (the option's own key or a fallback), naming that key in errors. */
function parseEntry<T>(option: LoomOption<T>, key: string, e: Entry): T {
  try {
    return option.parse(e.value, e.origin);
  } catch (err) {
    if (key === option.key || !(err instanceof ConfigurationError)) throw err;
    throw new ConfigurationError(err.message.replace(option.key, key), key);
  }
}

/** `key=value` from -D; the value may contain `=`. */
export function parseDynamicProperty(text: string): [string, string] {
  const eq = text.indexOf('=');
  const key = eq < 0 ? '' : text.slice(0, eq).trim();
  if (key === '') throw new ConfigurationError(`-D ${JSON.stringify(text)} is not key=value: write e.g. -Dtaskmanager.numberOfTaskSlots=2`);
  return [key, text.slice(eq + 1).trim()];
}
