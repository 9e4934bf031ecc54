/**
 * The logger of Loom's own processes (the AM, its program worker, TaskExecutors): level methods,
 * `child({component, jobId, taskIndex, attempt})` for lines about one part, job or task, and
 * `lineLog()` for the many components that take a plain `log(line)` function. Every logger made
 * from one root shares the root's output and settings, so the AM can start logging before it has
 * read `loom.log.level` and `loom.log.format`, and `configure` them for all its components at once.
 */
import { DEFAULT_LOG_FORMAT, DEFAULT_LOG_LEVEL, levelEnabled, type LogFormat, type LogLevel } from './log-levels.js';
import { formatLogRecord, type LogContext, type LogRecord } from './log-record-format.js';

export interface LogSettings {
  level: LogLevel;
  format: LogFormat;
}

/**
 * A `log(line)` function, as the AM's and TaskExecutor's components take one, that also has a
 * method per level: a component handed one calls `log(line)` as before, or `log.warn(line)`.
 */
export interface LineLog {
  (line: string): void;
  readonly debug: (line: string) => void;
  readonly info: (line: string) => void;
  readonly warn: (line: string, error?: unknown) => void;
  readonly error: (line: string, error?: unknown) => void;
}

export interface LoggerOptions extends Partial<LogSettings> {
  /** Receives each formatted line, without its newline (a JSON line, or text that may span lines with a stack). */
  write: (line: string) => void;
  component?: string;
  /**
   * Keep the lines (as records) until the first `configure`, which writes them with the settings
   * it gives: a process that logs before it has read its configuration writes every line in the
   * configured format and level.
   */
  holdUntilConfigured?: boolean;
  /** The clock (tests). */
  now?: () => Date;
}

interface LogOutput {
  write: (line: string) => void;
  settings: LogSettings;
  now: () => Date;
  held: LogRecord[] | undefined;
}

/** Lines kept before the first `configure` at most (the oldest go first): a process that never configures stays bounded. */
const MAX_HELD_RECORDS = 10_000;

export class Logger {
  static create(options: LoggerOptions): Logger {
    const output: LogOutput = {
      write: options.write,
      settings: { level: options.level ?? DEFAULT_LOG_LEVEL, format: options.format ?? DEFAULT_LOG_FORMAT },
      now: options.now ?? (() => new Date()),
      held: options.holdUntilConfigured ? [] : undefined,
    };
    return new Logger(output, options.component !== undefined ? { component: options.component } : {});
  }

  private constructor(
    private readonly output: LogOutput,
    readonly context: Readonly<LogContext>,
  ) {}

  /** Changes the level or format of this logger and of every logger of the same root; writes the lines held until now. */
  configure(settings: Partial<LogSettings>): void {
    const output = this.output;
    Object.assign(output.settings, settings);
    const held = output.held;
    output.held = undefined;
    for (const record of held ?? []) this.emit(record);
  }

  get settings(): Readonly<LogSettings> {
    return this.output.settings;
  }

  isEnabled(level: LogLevel): boolean {
    return levelEnabled(level, this.output.settings.level);
  }

  /** A logger whose lines carry `context` besides this one's (a child's values win). */
  child(context: LogContext): Logger {
    return new Logger(this.output, { ...this.context, ...definedOnly(context) });
  }

  debug(message: string): void {
    this.log('debug', message);
  }

  info(message: string): void {
    this.log('info', message);
  }

  warn(message: string, error?: unknown): void {
    this.log('warn', message, error);
  }

  error(message: string, error?: unknown): void {
    this.log('error', message, error);
  }

  log(level: LogLevel, message: string, error?: unknown): void {
    const record: LogRecord = { ...this.context, time: this.output.now(), level, message };
    if (error !== undefined) record.error = errorText(error);
    const held = this.output.held;
    if (held === undefined) this.emit(record);
    else if (held.push(record) > MAX_HELD_RECORDS) held.shift();
  }

  private emit(record: LogRecord): void {
    if (this.isEnabled(record.level)) this.output.write(formatLogRecord(record, this.output.settings.format));
  }

  /** This logger as a `log(line)` function: a plain call logs at the level `levelOfLine` reads from the line. */
  lineLog(): LineLog {
    const log = (line: string): void => {
      this.log(levelOfLine(line), line);
    };
    return Object.assign(log, {
      debug: (line: string) => {
        this.debug(line);
      },
      info: (line: string) => {
        this.info(line);
      },
      warn: (line: string, error?: unknown) => {
        this.warn(line, error);
      },
      error: (line: string, error?: unknown) => {
        this.error(line, error);
      },
    });
  }
}

/**
 * The one place where a line handed to a plain `log(line)` function gets its level: a leading
 * `warning:` or `warn:` makes it WARN, `error:` ERROR (any case), everything else INFO. The line
 * is kept as written. Components that know their level call `log.warn` / `log.error` instead.
 */
export function levelOfLine(line: string): LogLevel {
  const prefix = /^\s*(warning|warn|error)\s*:/i.exec(line)?.[1]?.toLowerCase();
  return prefix === 'error' ? 'error' : prefix === undefined ? 'info' : 'warn';
}

function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
}

function definedOnly(c: LogContext): LogContext {
  return {
    ...(c.component !== undefined ? { component: c.component } : {}),
    ...(c.jobId !== undefined ? { jobId: c.jobId } : {}),
    ...(c.taskIndex !== undefined ? { taskIndex: c.taskIndex } : {}),
    ...(c.attempt !== undefined ? { attempt: c.attempt } : {}),
  };
}
