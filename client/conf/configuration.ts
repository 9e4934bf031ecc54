import { userInfo } from 'node:os';
import { ConfigurationError } from './configuration-error.js';
import {
  parseBooleanValue,
  parseBytesValue,
  parseIntValue,
  parseLongValue,
  parseTimeDurationValue,
  type TimeUnit,
} from './configuration-values.js';
import { findHadoopConfDir, siteFilesIn } from './hadoop-conf-dir.js';
import { DEPRECATED_KEYS, HADOOP_DEFAULTS } from './hadoop-defaults.js';
import { expandVariables } from './variable-expansion.js';
import { parseConfigurationSource, type ConfigurationSource } from './xml-configuration-parser.js';
import { isXmlChar } from './xml-document.js';

export { ConfigurationError } from './configuration-error.js';

type Env = Record<string, string | undefined>;

interface Entry {
  value: string;
  source: string;
}

/** Source recorded for values set from code or the command line (Hadoop says "programmatically"). */
export const PROGRAMMATIC_SOURCE = 'programmatically';

/**
 * Hadoop-compatible configuration: Hadoop's defaults for the keys Loom reads, then site files,
 * then values set from code. Keys marked `final` in a file cannot be overridden later; attempts are
 * ignored and recorded in `warnings()`, as Hadoop logs them.
 */
export class Configuration {
  private readonly entries = new Map<string, Entry>();
  private readonly finals = new Set<string>();
  private readonly warningList: string[] = [];
  /** The directory the site files were looked for in, when loaded with `load()`. */
  confDir: string | undefined;

  private constructor(private readonly env: Env) {}

  /**
   * Defaults, then core-site.xml, hdfs-site.xml, yarn-site.xml from the first of opts.confDir,
   * $HADOOP_CONF_DIR, $YARN_CONF_DIR, $HADOOP_HOME/etc/hadoop (hadoop-conf-dir.ts). Missing site
   * files are skipped, as Hadoop does, but a directory that is named and does not exist or holds
   * none of them is a ConfigurationError naming what named it (`confDirNamedBy` labels opts.confDir,
   * e.g. "--conf"). With no directory named, `confDir` stays undefined: only the defaults apply.
   */
  static load(opts: { confDir?: string; confDirNamedBy?: string; env?: Env } = {}): Configuration {
    const env = opts.env ?? process.env;
    const conf = Configuration.withDefaults(env);
    const chosen = findHadoopConfDir(env, { dir: opts.confDir, namedBy: opts.confDirNamedBy ?? 'the configuration directory given' });
    if (chosen) {
      const files = siteFilesIn(chosen);
      conf.confDir = chosen.dir;
      for (const path of files) conf.addResource(path);
    }
    return conf;
  }

  /** Hadoop's defaults only; no files are read. `env` feeds `${env.X}` and `${user.name}`. */
  static withDefaults(env: Env = process.env): Configuration {
    const conf = new Configuration(env);
    for (const { file, values } of HADOOP_DEFAULTS) {
      for (const [name, value] of Object.entries(values)) conf.entries.set(name, { value, source: file });
    }
    return conf;
  }

  /** Read a configuration file (an error if it is missing) or XML text named for messages. */
  addResource(source: ConfigurationSource): this {
    const parsed = parseConfigurationSource(source);
    this.warningList.push(...parsed.warnings);
    for (const p of parsed.properties) {
      const name = this.canonical(p.name);
      if (p.value !== undefined) {
        if (this.finals.has(name)) {
          if (this.entries.get(name)?.value !== p.value) {
            this.warningList.push(
              `${p.resource}:${p.line}: an attempt to override final parameter ${name} ignored (final in ${this.sourceOf(name)})`,
            );
          }
        } else {
          this.entries.set(name, { value: p.value, source: p.resource });
        }
      }
      if (p.final) this.finals.add(name);
    }
    return this;
  }

  /** Set a value from code or `-D`; a key marked final in a file keeps its value and a warning is recorded. */
  set(name: string, value: string, source: string = PROGRAMMATIC_SOURCE): this {
    const key = this.canonical(name);
    if (this.finals.has(key)) {
      this.warningList.push(`${source}: ${key} is final in ${this.sourceOf(key)}; the value ${JSON.stringify(value)} was ignored`);
      return this;
    }
    this.entries.set(key, { value, source });
    return this;
  }

  /** Remove a value (including a default); refused for final keys like set(). */
  unset(name: string): this {
    const key = this.canonical(name);
    if (this.finals.has(key)) this.warningList.push(`${key} is final in ${this.sourceOf(key)}; unset ignored`);
    else this.entries.delete(key);
    return this;
  }

  get(name: string): string | undefined;
  get(name: string, fallback: string): string;
  get(name: string, fallback?: string): string | undefined {
    const key = this.canonical(name);
    const raw = this.entries.get(key)?.value;
    if (raw === undefined) return fallback;
    return expandVariables(key, raw, {
      env: this.env,
      systemProperty: (n) => this.systemProperty(n),
      configValue: (n) => this.entries.get(this.canonical(n))?.value,
    });
  }

  /** The value as written, without `${}` expansion. */
  getRaw(name: string): string | undefined {
    return this.entries.get(this.canonical(name))?.value;
  }

  /** Expanded and trimmed; empty counts as unset (Hadoop's getTrimmed + the way address keys are read). */
  getTrimmed(name: string): string | undefined {
    const v = this.get(name)?.trim();
    return v === '' ? undefined : v;
  }

  getInt(name: string, fallback: number): number {
    return this.typed(name, fallback, parseIntValue);
  }

  getLong(name: string, fallback: number): number {
    return this.typed(name, fallback, parseLongValue);
  }

  getBoolean(name: string, fallback: boolean): boolean {
    return this.typed(name, fallback, parseBooleanValue);
  }

  /** Hadoop's suffixes ns, us, ms, s, m, h, d; a bare number is in `unit`. */
  getTimeDuration(name: string, fallback: number, unit: TimeUnit): number {
    return this.typed(name, fallback, (key, value, origin) => parseTimeDurationValue(key, value, unit, origin));
  }

  /** Bytes with binary prefixes k, m, g, t, p, e (Configuration.getLongBytes). */
  getLongBytes(name: string, fallback: number): number {
    return this.typed(name, fallback, parseBytesValue);
  }

  /** Comma (or newline) separated, each trimmed, empty items dropped. */
  getTrimmedStrings(name: string): string[] {
    const v = this.get(name);
    if (v === undefined) return [];
    return v
      .split(/[,\n]/)
      .map((s) => s.trim())
      .filter((s) => s !== '');
  }

  isFinal(name: string): boolean {
    return this.finals.has(this.canonical(name));
  }

  /** The file (or `programmatically`, or a default file name such as `yarn-default.xml`) that set the key. */
  sourceOf(name: string): string | undefined {
    return this.entries.get(this.canonical(name))?.source;
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** Ignored final overrides and ignored properties, in the order they happened. */
  warnings(): string[] {
    return [...this.warningList];
  }

  clone(): Configuration {
    const copy = new Configuration(this.env);
    for (const [k, e] of this.entries) copy.entries.set(k, { ...e });
    for (const k of this.finals) copy.finals.add(k);
    copy.warningList.push(...this.warningList);
    copy.confDir = this.confDir;
    return copy;
  }

  /**
   * A Hadoop configuration XML document of the raw values (`${}` kept, as Hadoop's writeXml does).
   * Built-in defaults are left out unless asked for, so a written site file holds only what differs.
   */
  toXml(opts: { includeDefaults?: boolean } = {}): string {
    const defaultFiles = new Set<string>(HADOOP_DEFAULTS.map((d) => d.file));
    const lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<configuration>'];
    for (const [name, entry] of this.entries) {
      if (!opts.includeDefaults && defaultFiles.has(entry.source)) continue;
      const final = this.finals.has(name) ? '<final>true</final>' : '';
      lines.push(
        `  <property><name>${escapeXml(name, name)}</name><value>${escapeXml(name, entry.value)}</value>${final}` +
          `<source>${escapeXml(name, entry.source)}</source></property>`,
      );
    }
    lines.push('</configuration>', '');
    return lines.join('\n');
  }

  private typed<T>(name: string, fallback: T, parse: (key: string, value: string, origin?: string) => T): T {
    const key = this.canonical(name);
    const v = this.get(key);
    // Hadoop treats an empty (or all-blank) value as unset for typed getters.
    if (v === undefined || v.trim() === '') return fallback;
    return parse(key, v, this.sourceOf(key));
  }

  private canonical(name: string): string {
    return DEPRECATED_KEYS[name] ?? name;
  }

  /** The Java system properties Hadoop configurations commonly reference, derived from the environment. */
  private systemProperty(name: string): string | undefined {
    const env = this.env;
    switch (name) {
      case 'user.name':
        return env.USER || env.LOGNAME || safeUserName();
      case 'user.home':
        return env.HOME || undefined;
      case 'java.io.tmpdir':
        return '/tmp';
      case 'hadoop.home.dir':
        return env.HADOOP_HOME || undefined;
      case 'hadoop.log.dir':
        return env.HADOOP_LOG_DIR || undefined;
      case 'yarn.log.dir':
        return env.YARN_LOG_DIR || env.HADOOP_LOG_DIR || undefined;
      default:
        return undefined;
    }
  }
}

function safeUserName(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}

function escapeXml(key: string, text: string): string {
  for (const ch of text) {
    // `ch` is one whole code point (iterating a string yields them), so there is always one to read.
    const code = ch.codePointAt(0) ?? 0;
    if (!isXmlChar(code)) {
      throw new ConfigurationError(
        `${key}: the value contains character U+${code.toString(16).padStart(4, '0')}, which XML 1.0 cannot represent`,
        key,
      );
    }
  }
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\r/g, '&#13;');
}
