import type { SlotDemand } from '../cluster-api.js';
import { ContainerPlan, type CompletionOutcome } from './container-plan.js';
import { allocateErrorKind } from '../../client/hadoop/yarn/allocate-errors.js';
import { describeExitStatus } from '../../client/hadoop/yarn/container-exit-status.js';
import type { AllocateRefusedError } from '../../client/hadoop/yarn/yarn-client-errors.js';
import { nextHeartbeatDelayMs, type HeartbeatPacing } from './heartbeat-pacing.js';
import type { ContainerLauncherPort, GrantedContainer, SchedulerPort } from './scheduler-ports.js';
import type { ContainerRoster, TaskExecutorOrigin } from '../taskexecutors/taskexecutor-admission.js';
import { taskExecutorLaunchSpec, type TaskExecutorLaunchInput, type TaskExecutorLaunchSpec } from './taskexecutor-launch.js';

/** A TaskExecutor's container ended (expected or not; `exitStatus` absent when it never started). */
export type ContainerEndedListener = (containerId: string, diagnostics: string, exitStatus?: number) => void;

export interface ResourceManagerBridgeOptions<C extends GrantedContainer> {
  scheduler: SchedulerPort<C>;
  launcher: ContainerLauncherPort<C, TaskExecutorLaunchSpec>;
  demand: SlotDemand;
  /** Everything of the launch context except the granted memory. */
  launch: Omit<TaskExecutorLaunchInput, 'containerMemoryMb'>;
  /** yarn.maximum-failed-containers (undefined: as many as TaskExecutors wanted at once). */
  maxFailedContainers: number | undefined;
  /** yarn.containers.failure-rate-interval: failures older than this no longer count (undefined: never forgotten). */
  failureRateIntervalMs?: number;
  /** Clock of the failure window (tests). */
  now?: () => number;
  pacing: HeartbeatPacing;
  /** loom.taskexecutor.idle-timeout. */
  idleTimeoutMs: number;
  /** Allocate calls failing this many times in a row end the application. */
  maxConsecutiveAllocateErrors?: number;
  /** Too many TaskExecutor failures, the RM unreachable, or out of step with it: the AM must end the application as FAILED. */
  onFatal(diagnostics: string): void;
  /**
   * YARN refused the TaskExecutor container ask for good (InvalidResourceRequestException): the
   * ask was withdrawn and is not sent again until more TaskExecutors are wanted; what needed it must fail.
   */
  onAskRefused?(refusal: AllocateRefusedError): void;
  /** AM_SHUTDOWN from the RM: exit without unregistering (the RM has forgotten this attempt). */
  onShutdownRequest(): void;
  /** The set of containers held (starting or running) changed: e.g. to count those not yet registered. */
  onHeldChanged?(heldIds: string[]): void;
  /** A TaskExecutor is being started in this container (e.g. to record its NodeManager's web address). */
  onLaunching?(container: C): void;
  /** An idle TaskExecutor's container is given back to YARN, for `reason`. */
  onReleasing?(containerId: string, reason: string): void;
  log?: (line: string) => void;
}

/**
 * Drives YARN for the AM: each heartbeat sends the absolute ask (TaskExecutors wanted minus
 * containers held) and the containers to give back, starts TaskExecutors in what was granted,
 * and reads completions. The rules live in ContainerPlan; this class does the I/O and timing.
 * Heartbeats are fast while an ask is outstanding and slow otherwise; a change in demand wakes
 * the loop at once, so a new job does not wait for the slow interval.
 */
export class ResourceManagerBridge<C extends GrantedContainer = GrantedContainer> implements ContainerRoster {
  private readonly plan: ContainerPlan;
  private readonly containers = new Map<string, C>();
  private readonly starting = new Set<Promise<void>>();
  private pendingRelease: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private wakeAfterRound = false;
  private stopped = false;
  private consecutiveErrors = 0;
  /**
   * The TaskExecutors wanted once YARN had refused the ask for good (and what needed it failed):
   * no ask is sent until more are wanted than that (it follows the demand down).
   */
  private askRefusedAt: number | undefined;
  private unsubscribe: (() => void) | undefined;
  private lastHeld = '';
  private readonly endedListeners = new Set<ContainerEndedListener>();
  private readonly log: (line: string) => void;

  constructor(private readonly opts: ResourceManagerBridgeOptions<C>) {
    this.plan = new ContainerPlan(opts.maxFailedContainers, { intervalMs: opts.failureRateIntervalMs, now: opts.now ?? Date.now });
    this.log = opts.log ?? (() => undefined);
  }

  /** A container held as a TaskExecutor (starting or running), as YARN granted it. */
  container(id: string): C | undefined {
    return this.containers.get(id);
  }

  /** Containers held as TaskExecutors (starting or running). */
  get heldContainerIds(): string[] {
    return this.plan.heldIds();
  }

  /**
   * How this attempt holds `containerId` (the TaskExecutor gateway admits only these): launched by
   * it (from the allocation on, so a TaskExecutor that starts before the launch call returns is
   * known), or taken over from a previous attempt and not back yet; undefined once it ended, was
   * released or given up, or was never ours.
   */
  originOf(containerId: string): TaskExecutorOrigin | undefined {
    if (!this.plan.isHeld(containerId)) return undefined;
    return this.plan.isRecovering(containerId) ? 'taken-over' : 'launched';
  }

  /** Tells `listener` of every container that ends from now on (the registry can drop its TaskExecutor at once). Returns an unsubscribe function. */
  onContainerEnded(listener: ContainerEndedListener): () => void {
    this.endedListeners.add(listener);
    return () => {
      this.endedListeners.delete(listener);
    };
  }

  get failedContainerCount(): number {
    return this.plan.failureCount;
  }

  /**
   * Containers YARN kept from a previous AM attempt (the register response names them): held as
   * TaskExecutors from the first heartbeat on, so nothing is asked for them while their
   * TaskExecutors find this attempt. Call before start().
   */
  recoverContainers(containers: readonly C[]): void {
    for (const c of containers) this.containers.set(c.id, c);
    this.plan.recover(containers.map((c) => c.id));
    if (containers.length)
      this.log(
        `taking over ${containers.length} TaskExecutor container(s) from the previous attempt: ${containers.map((c) => c.id).join(', ')}`,
      );
    this.notifyHeld();
  }

  /** A recovered container's TaskExecutor registered with this attempt. */
  taskExecutorBack(containerId: string): void {
    this.plan.onRecovered(containerId);
  }

  /** Recovered containers whose TaskExecutors did not come back in time: released, and asked for again if still wanted. */
  giveUpRecovering(containerIds: readonly string[], why: string): void {
    for (const id of this.plan.giveUpRecovering(containerIds)) {
      this.log(`releasing ${id}: ${why}`);
      this.pendingRelease.push(id);
    }
    this.notifyHeld();
    this.wake();
  }

  start(): void {
    this.unsubscribe = this.opts.demand.onChange(() => this.wake());
    this.schedule(0);
  }

  /** Runs one heartbeat now unless one is running (then right after it). */
  wake(): void {
    if (this.stopped) return;
    if (this.round) this.wakeAfterRound = true;
    else this.schedule(0);
  }

  /**
   * One allocate round; returns the delay chosen before the next one. Exposed for tests and for
   * callers that need a round to have happened (e.g. before shutdown).
   */
  async heartbeat(): Promise<number> {
    const wanted = () => Math.max(0, this.opts.demand.wantedTaskExecutors());
    for (const id of this.plan.chooseIdleReleases(this.opts.demand.idleTaskExecutors(this.opts.idleTimeoutMs))) {
      this.log(`releasing TaskExecutor ${id}: idle for more than ${this.opts.idleTimeoutMs} ms`);
      this.opts.onReleasing?.(id, `idle for more than ${this.opts.idleTimeoutMs} ms`);
      this.pendingRelease.push(id);
    }
    const release = this.pendingRelease;
    this.pendingRelease = [];
    const outstanding = () => this.outstandingAsk(wanted());
    const ask = outstanding();
    let answer;
    try {
      answer = await this.opts.scheduler.allocate({ ask, release });
      this.consecutiveErrors = 0;
    } catch (err) {
      this.notifyHeld();
      return this.onAllocateError(err, release);
    }
    for (const c of answer.completed) this.onCompleted(c.containerId, c.exitStatus, c.diagnostics);
    const decision = this.plan.onAllocated(answer.allocated, wanted());
    for (const c of decision.release) {
      this.log(`releasing surplus container ${c.id} on ${c.nodeId}`);
      this.pendingRelease.push(c.id);
    }
    for (const c of decision.start) this.launch(c);
    this.notifyHeld();
    if (answer.shutdownRequested) this.opts.onShutdownRequest();
    const busy = outstanding() + this.pendingRelease.length;
    return nextHeartbeatDelayMs(busy, this.opts.pacing);
  }

  /** The ask to send: none while YARN's refusal stands, i.e. until more TaskExecutors are wanted than after it. */
  private outstandingAsk(wanted: number): number {
    if (this.askRefusedAt !== undefined) {
      if (wanted <= this.askRefusedAt) {
        this.askRefusedAt = wanted;
        return 0;
      }
      this.askRefusedAt = undefined;
    }
    return this.plan.outstandingAsk(wanted);
  }

  /**
   * A failed allocate, by its class (client/hadoop/yarn/allocate-errors.ts): a part the RM refused for
   * good was taken back by the AMRMClient, and only a refused ask fails anything (the jobs that
   * needed it); the attempt being over or out of step ends it; anything else counts against
   * `maxConsecutiveAllocateErrors` failed heartbeats in a row. Returns the delay before the next one.
   */
  private onAllocateError(err: unknown, release: string[]): number {
    const why = err instanceof Error ? err.message : String(err);
    const kind = allocateErrorKind(err);
    // A refused release stays taken back; every other failure sends this round's releases again.
    if (kind !== 'release-refused') this.pendingRelease.unshift(...release);
    switch (kind) {
      case 'ask-refused':
        this.consecutiveErrors = 0;
        this.log(`YARN refused the TaskExecutor container ask for good; it is withdrawn and the jobs waiting for slots fail: ${why}`);
        this.opts.onAskRefused?.(err as AllocateRefusedError);
        this.askRefusedAt = Math.max(0, this.opts.demand.wantedTaskExecutors());
        return this.opts.pacing.fastMs;
      case 'release-refused':
      case 'blacklist-refused':
        this.consecutiveErrors = 0;
        this.log(`YARN refused part of the heartbeat, which is dropped: ${why}`);
        return this.opts.pacing.fastMs;
      case 'attempt-over':
        this.opts.onShutdownRequest();
        return this.opts.pacing.slowMs;
      case 'fatal':
        this.opts.onFatal(`the ResourceManager refused the ApplicationMaster's heartbeat, which no retry can mend: ${why}`);
        return this.opts.pacing.slowMs;
      default: {
        // retryable, or resync after the AMRMClient re-registered as often as it will
        this.consecutiveErrors++;
        const limit = this.opts.maxConsecutiveAllocateErrors ?? 10;
        this.log(`allocate failed (${this.consecutiveErrors}/${limit}): ${why}`);
        if (this.consecutiveErrors >= limit) {
          this.opts.onFatal(`the ApplicationMaster could not heartbeat to the ResourceManager ${limit} times in a row; last error: ${why}`);
        }
        return this.opts.pacing.slowMs;
      }
    }
  }

  /**
   * Ends the loop and stops every TaskExecutor container through its NodeManager (best effort,
   * bounded by `timeoutMs`). Unregistering is the caller's next step.
   */
  async stop(timeoutMs = 5_000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    await this.round;
    await Promise.allSettled([...this.starting]);
    const stops = this.plan.releaseAll().map(async (id) => {
      const c = this.containers.get(id);
      if (!c) return;
      try {
        await this.opts.launcher.stop(c);
      } catch (err) {
        this.log(`stopping ${id} failed (YARN stops it when the application ends): ${(err as Error).message}`);
      }
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.allSettled(stops), timeout]);
    clearTimeout(timer);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.round = this.runRound().finally(() => (this.round = undefined));
    }, delayMs);
  }

  private async runRound(): Promise<void> {
    let delay: number;
    try {
      delay = await this.heartbeat();
    } catch (err) {
      // A bug in a callback must not end the heartbeat: the RM would expire the attempt.
      this.log(`heartbeat round failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      delay = this.opts.pacing.slowMs;
    }
    const wakeNow = this.wakeAfterRound;
    this.wakeAfterRound = false;
    this.schedule(wakeNow ? 0 : delay);
  }

  private launch(c: C): void {
    this.containers.set(c.id, c);
    this.opts.onLaunching?.(c);
    const spec = taskExecutorLaunchSpec({ ...this.opts.launch, containerMemoryMb: c.resource.memoryMb });
    this.log(`starting TaskExecutor in ${c.id} on ${c.nodeId} (${c.resource.memoryMb} MB, ${c.resource.vcores} vcores)`);
    const started = this.opts.launcher.start(c, spec).then(
      () => this.plan.onStarted(c.id),
      (err: unknown) => {
        const why = err instanceof Error ? err.message : String(err);
        this.log(`the NodeManager refused to start ${c.id}: ${why}`);
        this.pendingRelease.push(c.id);
        this.containerEnded(c.id, `the NodeManager refused to start it: ${why}`);
        this.handle(this.plan.onStartFailed(c.id, why), why);
        this.notifyHeld();
        this.wake();
      },
    );
    this.starting.add(started);
    void started.finally(() => this.starting.delete(started));
  }

  private containerEnded(containerId: string, diagnostics: string, exitStatus?: number): void {
    for (const listener of this.endedListeners) listener(containerId, diagnostics, exitStatus);
  }

  private notifyHeld(): void {
    const ids = this.plan.heldIds();
    const key = ids.join(',');
    if (key === this.lastHeld) return;
    this.lastHeld = key;
    this.opts.onHeldChanged?.(ids);
  }

  private onCompleted(containerId: string, exitStatus: number, diagnostics: string): void {
    const outcome = this.plan.onCompleted({ id: containerId, exitStatus, diagnostics });
    if (outcome.kind === 'unknown') return;
    this.containers.delete(containerId);
    this.containerEnded(containerId, diagnostics, exitStatus);
    if (outcome.kind !== 'expected')
      this.log(`TaskExecutor ${containerId} ended with exit code ${describeExitStatus(exitStatus)}: ${diagnostics.trim()}`);
    this.handle(outcome, diagnostics);
  }

  private handle(outcome: CompletionOutcome, why: string): void {
    if (outcome.kind === 'replace') {
      const counted = outcome.counted ? `failure ${this.plan.failureCount}` : 'not counted as a failure';
      this.log(`replacing TaskExecutor ${outcome.containerId} (${counted}): ${why.split('\n')[0]}`);
    } else if (outcome.kind === 'fail-application') {
      this.opts.onFatal(outcome.diagnostics);
    }
  }
}
