import { Logger, type LineLog } from '../../client/logging/logger.js';

/**
 * What the AM takes from its process: the environment the NodeManager set, where log lines go
 * (stdout, which the NodeManager redirects into the container's log dir) and how it exits.
 * Tests pass their own.
 */
export interface AmProcess {
  env: NodeJS.ProcessEnv;
  /** The AM's root logger (component `appmaster`); its level and format are set once the shipped configuration is read. */
  logger: Logger;
  /** The root logger as a `log(line)` function. */
  log: LineLog;
  exit: (code: number) => void;
}

/** The AM process's logger: lines go to stdout (appmaster.stdout), held until loom.log.level and loom.log.format are read. */
export function amProcessLogger(write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Logger {
  return Logger.create({ component: 'appmaster', write, holdUntilConfigured: true });
}

/** The logger of the AM process (main.ts, and the AM's own default). */
export const amLogger = amProcessLogger();

export const amLog: LineLog = amLogger.lineLog();

/** What one component of the AM is handed as its `log(line)`: its lines name it (`[component]`). */
export function componentLog(proc: AmProcess, component: string): LineLog {
  return proc.logger.child({ component }).lineLog();
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A host in a URL or host:port (IPv6 literals in brackets). */
export function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Bounds a shutdown step, so an unreachable ResourceManager or NameNode cannot keep the process alive. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${what} took longer than ${ms} ms`));
    }, ms);
  });
  return Promise.race([work, timeout]).finally(() => {
    clearTimeout(timer);
  });
}
