/**
 * What the AM takes from its process: the environment the NodeManager set, where log lines go
 * (stdout, which the NodeManager redirects into the container's log dir) and how it exits.
 * Tests pass their own.
 */
export interface AmProcess {
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  exit: (code: number) => void;
}

export function amLog(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
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
