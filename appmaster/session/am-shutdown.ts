export type FinalStatus = 'SUCCEEDED' | 'FAILED' | 'KILLED';

/**
 * How the AM ends:
 * - `finish`: the application ends here (DELETE /cluster, a fatal error, too many failed
 *   TaskExecutors). TaskExecutors are stopped, the AM unregisters with the final status, and the
 *   staging dir goes (nobody needs it once the application is over).
 * - `abandon`: only this process ends (SIGTERM from the NodeManager, AM_SHUTDOWN from the RM).
 *   No unregistration: after a kill the RM has already decided, and when the node or the RM lost
 *   the attempt, unregistering would end an application YARN may still restart. TaskExecutors
 *   are left for YARN (kill) or a later attempt (which takes kept containers back).
 */
export type AmEnd =
  { kind: 'finish'; finalStatus: FinalStatus; diagnostics: string } | { kind: 'abandon'; reason: string; exitCode: number };

/** The steps, each one of the AM's parts; every one is tried even when an earlier one failed. */
export interface AmShutdownSteps {
  /** Stop asking YARN and stop the TaskExecutor containers. */
  stopTaskExecutors(reason: string): Promise<void>;
  unregister(finalStatus: FinalStatus, diagnostics: string): Promise<void>;
  deleteStagingDir(): Promise<void>;
  /** Close servers and clients. */
  closeAll(): Promise<void>;
  exit(code: number): void;
  log(line: string): void;
}

/**
 * Runs the AM's end exactly once, whichever way it is triggered first; later triggers wait for
 * the same end. `whenDurable` resolves once the outcome is recorded (unregistered and staging dir
 * removed), before the servers close, so the REST call that asked for it can still be answered.
 */
export class AmShutdown {
  private ending: { end: AmEnd; durable: Promise<void>; done: Promise<void> } | undefined;
  private unregistered = false;

  constructor(
    private readonly steps: AmShutdownSteps,
    /** Pause between the durable part and closing the servers, for in-flight answers. */
    private readonly closeDelayMs = 200,
  ) {}

  get end(): AmEnd | undefined {
    return this.ending?.end;
  }

  /** Starts the end (or joins the one already under way); resolves when it is durable. */
  request(end: AmEnd): Promise<void> {
    if (!this.ending) {
      const durable = this.durablePart(end);
      const done = durable.then(() => this.closePart(end));
      this.ending = { end, durable, done };
    } else if (end.kind === 'finish' && this.ending.end.kind === 'finish' && end.finalStatus !== this.ending.end.finalStatus) {
      this.steps.log(`already ending with ${this.ending.end.finalStatus}; ignoring a later ${end.finalStatus} (${end.diagnostics})`);
    }
    return this.ending.durable;
  }

  /** Resolves when the process is about to exit. */
  whenDone(): Promise<void> {
    return this.ending?.done ?? Promise.resolve();
  }

  private async durablePart(end: AmEnd): Promise<void> {
    if (end.kind === 'abandon') {
      this.steps.log(`ending this ApplicationMaster process without unregistering: ${end.reason}`);
      return;
    }
    this.steps.log(`finishing the application: ${end.finalStatus}: ${end.diagnostics}`);
    await this.attempt('stopping TaskExecutors', () => this.steps.stopTaskExecutors(end.diagnostics));
    this.unregistered = await this.attempt('unregistering from the ResourceManager', () =>
      this.steps.unregister(end.finalStatus, end.diagnostics),
    );
    // Only once YARN knows the application is over: a failed unregistration means another attempt may still need the files.
    if (this.unregistered) await this.attempt('deleting the staging dir', () => this.steps.deleteStagingDir());
  }

  private async closePart(end: AmEnd): Promise<void> {
    // Always a timer turn: whoever awaited the durable part runs (and answers) first.
    await new Promise((r) => setTimeout(r, this.closeDelayMs));
    await this.attempt('closing servers and clients', () => this.steps.closeAll());
    // Exiting without having unregistered is an attempt failure to YARN: say so with the exit code too.
    this.steps.exit(end.kind === 'abandon' ? end.exitCode : this.unregistered ? 0 : 1);
  }

  private async attempt(what: string, step: () => Promise<void>): Promise<boolean> {
    try {
      await step();
      return true;
    } catch (err) {
      this.steps.log(`${what} failed: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
  }
}
