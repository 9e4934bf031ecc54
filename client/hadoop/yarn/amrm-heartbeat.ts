// A heartbeat loop over AMRMClient in the manner of Hadoop's AMRMClientAsync: allocate every
// interval, hand the results to callbacks, stop on AM_SHUTDOWN / AM_RESYNC (onShutdownRequest) or
// on the first error (onError, e.g. AttemptOverError). Callbacks run one heartbeat at a time.
import type { AMRMClient, AllocateResult } from './amrm-client.js';
import type { NodeReport } from './cluster-reports.js';
import type { Container, ContainerStatus } from './yarn-records.js';

export interface AMRMHeartbeatHandler {
  /** `containers` satisfied outstanding requests; `surplus` did not (release or reuse them). */
  onContainersAllocated(containers: Container[], surplus: Container[]): void | Promise<void>;
  onContainersCompleted(statuses: ContainerStatus[]): void | Promise<void>;
  onShutdownRequest(): void | Promise<void>;
  onError(err: Error): void | Promise<void>;
  onNodesUpdated?(nodes: NodeReport[]): void | Promise<void>;
  /** Every response, after the callbacks above (headroom, node count, preemption...). */
  onHeartbeat?(result: AllocateResult): void | Promise<void>;
}

export interface AMRMHeartbeatOptions {
  /** Pause between the end of one heartbeat and the start of the next. */
  intervalMs: number;
  /** Progress reported with each allocate, in [0, 1]. */
  progress?: () => number;
}

export class AMRMHeartbeat {
  private intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly client: AMRMClient,
    private readonly handler: AMRMHeartbeatHandler,
    private readonly options: AMRMHeartbeatOptions,
  ) {
    this.intervalMs = checkInterval(options.intervalMs);
  }

  get running(): boolean {
    return !this.stopped;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Takes effect from the next pause (heartbeat fast while asks are pending, slowly otherwise). */
  setIntervalMs(ms: number): void {
    this.intervalMs = checkInterval(ms);
  }

  /** Heartbeat now instead of waiting out the pause (e.g. right after adding requests). */
  heartbeatNow(): void {
    if (this.stopped || this.current) return;
    clearTimeout(this.timer);
    this.schedule(0);
  }

  /** Stops the loop; resolves once a heartbeat in flight (and its callbacks) finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.current;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.current = this.beat().finally(() => {
        this.current = undefined;
        if (!this.stopped) this.schedule(this.intervalMs);
      });
    }, delayMs);
  }

  private async beat(): Promise<void> {
    try {
      const progress = Math.min(1, Math.max(0, this.options.progress?.() ?? 0));
      // Delivered even when stop() came meanwhile: the RM considers these containers handed over.
      const result = await this.client.allocate(progress);
      if (result.amCommand) {
        this.stopped = true;
        await this.handler.onShutdownRequest();
        return;
      }
      if (result.updatedNodes.length) await this.handler.onNodesUpdated?.(result.updatedNodes);
      if (result.completed.length) await this.handler.onContainersCompleted(result.completed);
      if (result.allocated.length || result.surplus.length) await this.handler.onContainersAllocated(result.allocated, result.surplus);
      await this.handler.onHeartbeat?.(result);
    } catch (err) {
      // As AMRMClientAsync: the first failure ends the loop and goes to onError.
      this.stopped = true;
      try {
        await this.handler.onError(err instanceof Error ? err : new Error(String(err)));
      } catch {
        // an onError that throws must not become an unhandled rejection in a long-running AM
      }
    }
  }
}

function checkInterval(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`heartbeat interval must be a non-negative number of ms, got ${ms}`);
  return ms;
}
