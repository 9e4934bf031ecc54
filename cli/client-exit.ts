/**
 * For the command-line shims only (bin/loom.js, bin/yarn-session.js), never for in-process
 * callers: how the process ends when its user or its reader goes away. SIGINT (Ctrl+C), SIGTERM,
 * SIGHUP and a closed output pipe (EPIPE: `loom run ... | head`) follow one rule
 * (client/deploy/running/attached-exit.ts): the attached work registered at that moment is undone (running
 * jobs cancelled, a per-job or application cluster stopped) within a bounded time, one line on
 * stderr says what was done, and the process exits with 128 + the signal's number (141, SIGPIPE's,
 * for a closed pipe), as a process ended by that signal would. With nothing attached, a signal ends
 * the process at once unless the command handles it itself (an attached yarn-session stops its
 * session on Ctrl+C), and a closed pipe ends it quietly with the command's exit code, as Unix tools
 * end. A second signal while the work is undone exits at once; the client lease ends what is left.
 */
import { attachedWork, type AttachedWork, type ClientExitReason } from '../client/deploy/running/attached-exit.js';

/** Bound on undoing the attached work: cancelling a job waits for its tasks to stop (loom.job.cancel-timeout), stopping a cluster for YARN. */
const CLEANUP_TIMEOUT_MS = 12_000;
const EXIT_CODES: Readonly<Record<ClientExitReason, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143, EPIPE: 141 };
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export interface ClientExitOptions {
  /** How the lines begin: `loom` or `yarn-session`. */
  name: string;
  work?: AttachedWork;
  timeoutMs?: number;
  exit?: (code: number) => never;
}

export function handleClientExit(opts: ClientExitOptions): void {
  const work = opts.work ?? attachedWork;
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let ending: ClientExitReason | undefined;
  let say: (line: string) => void = (line) => void process.stderr.write(`${line}\n`);

  const goAway = (why: ClientExitReason): void => {
    if (ending !== undefined) {
      // Writes that were under way fail too; only another signal means "now".
      if (why === 'EPIPE') return;
      say(`${opts.name}: ${why} again: exiting without waiting; what is left ends with its client lease (loom.client.heartbeat-timeout)`);
      exit(EXIT_CODES[why]);
    }
    if (work.size === 0) {
      if (why === 'EPIPE') exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
      // The command has its own handler for this signal (an attached yarn-session's stop).
      else if (process.listenerCount(why) > 1) return;
      else exit(EXIT_CODES[why]);
      return;
    }
    ending = why;
    // From now on the command's own output (its job "CANCELED", main()'s error) would only repeat
    // what the one line says, or fail on the closed pipe.
    say = silenceOutput();
    void work.runAll(why, opts.timeoutMs ?? CLEANUP_TIMEOUT_MS).then(({ done, unfinished }) => {
      const what = why === 'EPIPE' ? 'output closed (EPIPE)' : `interrupted (${why})`;
      const parts = [...done];
      if (unfinished.length > 0)
        parts.push(`not done: ${unfinished.join(', ')}; its client lease ends it after loom.client.heartbeat-timeout`);
      say(`${opts.name}: ${what}${parts.length > 0 ? `: ${parts.join('; ')}` : ''}`);
      exit(EXIT_CODES[why]);
    });
  };

  for (const signal of SIGNALS) process.on(signal, () => goAway(signal));
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') {
        goAway('EPIPE');
        return;
      }
      throw err;
    });
  }
}

/** Drops every later write to stdout and stderr; returns a writer of one stderr line that ignores a closed pipe. */
function silenceOutput(): (line: string) => void {
  const writeErr = process.stderr.write.bind(process.stderr);
  const drop = ((_chunk: unknown, encodingOrDone?: unknown, done?: unknown) => {
    const callback = typeof encodingOrDone === 'function' ? encodingOrDone : done;
    if (typeof callback === 'function') queueMicrotask(() => (callback as () => void)());
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = drop;
  process.stderr.write = drop;
  return (line) => {
    try {
      writeErr(`${line}\n`);
    } catch {
      // stderr is the closed pipe: nobody to tell.
    }
  };
}
