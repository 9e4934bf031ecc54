/**
 * Loom's one rule for an attached client that goes away before its work ended: Ctrl+C (SIGINT),
 * SIGTERM, SIGHUP, or the reader of its output gone (EPIPE, `loom run ... | head`). The work it
 * was attached to goes with it: its running jobs are cancelled, and a cluster that exists for
 * them (per-job, application) is stopped with the status that follows from its jobs (KILLED
 * when a job had to be cancelled; SUCCEEDED when the job had FINISHED). A session outlives the
 * client; only the client's jobs on it are cancelled. Detached runs register nothing here.
 *
 * This is Flink's `-sae` (--shutdownOnAttachedExit, DeploymentOptions.SHUTDOWN_IF_ATTACHED):
 * ContextEnvironment adds a JVM shutdown hook that cancels the attached job (waiting a moment for
 * the answer) and removes the hook once the job's result is in; a per-job cluster ends with its
 * cancelled job, which a Flink YARN application reports as KILLED. Loom does it for every attached
 * run, and the client lease (loom.client.heartbeat-timeout) does the same on the AM's side when the
 * client cannot (SIGKILL, a lost machine).
 *
 * Each attached form registers what it would undo while its work runs and unregisters when the
 * work ended; the CLI runs what is registered when the client goes away (cli/client-exit.ts).
 */

/** What a detached run calls where an attached one unregisters its cleanup: it registered none. */
export function nothingToUnregister(): void {
  // Detached work leaves nothing to undo when the client goes away.
}

/** Undoes one attached piece of work; resolves with what it did, in a few words each ("cancelled job <id>"). */
export type ExitCleanup = (why: ClientExitReason) => Promise<string[]>;

/** Why the client goes away, for diagnostics: `SIGINT`, `SIGTERM`, `SIGHUP` or `EPIPE`. */
export type ClientExitReason = 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'EPIPE';

export interface ExitCleanupOutcome {
  /** What the cleanups did, in registration order. */
  done: string[];
  /** Cleanups that failed or did not finish in time, each as a few words. */
  unfinished: string[];
}

/** The attached work of this process. One per process, as the JVM's shutdown hooks are. */
export class AttachedWork {
  private readonly cleanups = new Map<number, { what: string; cleanup: ExitCleanup }>();
  private next = 0;
  private running: Promise<unknown> | undefined;

  /** Registers `cleanup` for `what` (e.g. `job <id>`); call the returned function once the work ended. */
  register(what: string, cleanup: ExitCleanup): () => void {
    const key = this.next++;
    this.cleanups.set(key, { what, cleanup });
    return () => void this.cleanups.delete(key);
  }

  get size(): number {
    return this.cleanups.size;
  }

  /**
   * Resolves once no cleanup is under way. A command awaits it before it closes its clients: its
   * own flow ends too when the cleanup cancels its job, and must not close what the cleanup uses.
   */
  async untilCleanedUp(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  /** Runs every registered cleanup at once, for at most `timeoutMs`; each runs once (they are unregistered). */
  runAll(why: ClientExitReason, timeoutMs: number): Promise<ExitCleanupOutcome> {
    const run = this.cleanUp(why, timeoutMs);
    this.running = run;
    return run;
  }

  private async cleanUp(why: ClientExitReason, timeoutMs: number): Promise<ExitCleanupOutcome> {
    const entries = [...this.cleanups.values()];
    this.cleanups.clear();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), timeoutMs);
    });
    try {
      const results = await Promise.all(
        entries.map(async ({ what, cleanup }) => {
          const outcome = await Promise.race([
            cleanup(why).then(
              (done) => ({ done }),
              (err: unknown) => ({ err }),
            ),
            late,
          ]);
          if (outcome === 'late') return { done: [], unfinished: [`${what} (not done within ${Math.round(timeoutMs / 100) / 10} s)`] };
          if ('err' in outcome) return { done: [], unfinished: [`${what} (${describe(outcome.err)})`] };
          return { done: outcome.done, unfinished: [] };
        }),
      );
      return { done: results.flatMap((r) => r.done), unfinished: results.flatMap((r) => r.unfinished) };
    } finally {
      clearTimeout(timer);
    }
  }
}

export const attachedWork = new AttachedWork();

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
