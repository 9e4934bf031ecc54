// Loom's CLI as a real child process, for tests of what a person sees: stdout, stderr, the exit
// code, how long it took; every process started is killed in stopAll() (call it in afterEach).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const LOOM_BIN = fileURLToPath(new URL('../../bin/loom.js', import.meta.url));
export const YARN_SESSION_BIN = fileURLToPath(new URL('../../bin/yarn-session.js', import.meta.url));

export interface CliRun {
  child: ChildProcess;
  stderr(): string;
  stdout(): string;
  /** Resolves at exit with the code and the milliseconds since the start. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }>;
  /** Resolves with stderr once `pattern` matches it, or rejects after `timeoutMs` or at exit. */
  waitForStderr(pattern: RegExp, timeoutMs: number): Promise<{ text: string; ms: number }>;
}

const running = new Set<ChildProcess>();

/** Starts `node <bin> <args>` with exactly `env` (plus PATH), cwd `cwd`. */
export function startCli(bin: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): CliRun {
  const started = Date.now();
  const child = spawn(process.execPath, [bin, ...args], {
    env: { PATH: process.env.PATH, ...env },
    ...(cwd ? { cwd } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
    for (const w of waiters) w();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }>(
    (resolve) =>
      child.on('close', (code, signal) => {
        running.delete(child);
        for (const w of waiters) w();
        resolve({ code, signal, stdout: out, stderr: err, ms: Date.now() - started });
      }),
  );
  return {
    child,
    stderr: () => err,
    stdout: () => out,
    exited,
    waitForStderr(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => finish(new Error(`no stderr line matching ${pattern} within ${timeoutMs} ms; stderr so far:\n${err}`)),
          timeoutMs,
        );
        const check = () => {
          if (pattern.test(err)) finish(undefined);
          else if (child.exitCode !== null || child.signalCode !== null)
            finish(new Error(`exited (${child.exitCode ?? child.signalCode}) without a stderr line matching ${pattern}; stderr:\n${err}`));
        };
        const finish = (e: Error | undefined) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (e) reject(e);
          else resolve({ text: err, ms: Date.now() - started });
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** Kills every CLI process still running and waits for them to end. */
export async function stopAll(): Promise<void> {
  await Promise.all(
    [...running].map(
      (c) =>
        new Promise<void>((resolve) => {
          c.once('close', () => resolve());
          c.kill('SIGKILL');
        }),
    ),
  );
}

/** A port on 127.0.0.1 with nothing listening: bound, then released, so connecting is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A stack frame line ("    at fn (file:1:2)"): never shown to a person without --verbose. */
export const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;
