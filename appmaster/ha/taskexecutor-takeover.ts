import type { GrantedContainer } from '../resourcemanager-bridge/scheduler-ports.js';
import type { ResourceManagerBridge } from '../resourcemanager-bridge/resourcemanager-bridge.js';
import type { JobMaster } from '../jobs/job-master.js';
import type { TaskExecutorRegistry } from '../taskexecutors/taskexecutor-registry.js';

/**
 * A new AM attempt waiting for the TaskExecutors YARN kept: each is expected back (it finds the
 * new AM's gateway in the HA store) until it registers, its container ends, or the deadline
 * passes. When none is outstanding any more, the tasks the attempt resubmitted stop waiting for
 * them; at the deadline the stragglers' containers are given up (released to YARN).
 */
export interface TaskExecutorTakeoverOptions {
  /** Container ids from the register response's containers from previous attempts. */
  expected: readonly string[];
  /** How long to wait (the TaskExecutors' AM timeout: by then a TaskExecutor that did not find us has exited). */
  deadlineMs: number;
  /** Nothing is outstanding any more (all back, ended or given up). Called once. */
  onSettled(): void;
  /** These did not come back by the deadline. */
  onGiveUp(containerIds: string[]): void;
  log(line: string): void;
  now?: () => number;
}

export class TaskExecutorTakeover {
  private readonly outstanding: Set<string>;
  private readonly back: string[] = [];
  private readonly startedAt: number;
  private timer: NodeJS.Timeout | undefined;
  private settled = false;

  constructor(private readonly opts: TaskExecutorTakeoverOptions) {
    this.outstanding = new Set(opts.expected);
    this.startedAt = (opts.now ?? Date.now)();
  }

  /** Starts the deadline; settles at once when nothing is expected. */
  start(): void {
    if (this.outstanding.size === 0) {
      this.settle();
      return;
    }
    this.opts.log(
      `waiting up to ${this.opts.deadlineMs} ms for ${this.outstanding.size} TaskExecutor(s) of the previous attempt to come back`,
    );
    this.timer = setTimeout(() => this.expire(), this.opts.deadlineMs);
    this.timer.unref();
  }

  /** Still waited for. */
  get waitingFor(): string[] {
    return [...this.outstanding];
  }

  /** Taken back so far, in the order they registered. */
  get takenBack(): string[] {
    return [...this.back];
  }

  isExpected(containerId: string): boolean {
    return this.outstanding.has(containerId);
  }

  /** A TaskExecutor registered; returns whether it was one of the expected. */
  registered(containerId: string): boolean {
    if (!this.outstanding.delete(containerId)) return false;
    this.back.push(containerId);
    const ms = (this.opts.now ?? Date.now)() - this.startedAt;
    this.opts.log(`TaskExecutor ${containerId} of the previous attempt is back after ${ms} ms (${this.outstanding.size} still expected)`);
    this.settleIfDone();
    return true;
  }

  /** An expected container ended before its TaskExecutor came back. */
  ended(containerId: string): void {
    if (this.outstanding.delete(containerId)) this.settleIfDone();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private expire(): void {
    const late = [...this.outstanding];
    this.outstanding.clear();
    if (late.length) {
      this.opts.log(
        `${late.length} TaskExecutor(s) of the previous attempt did not come back within ${this.opts.deadlineMs} ms: ${late.join(', ')}`,
      );
      this.opts.onGiveUp(late);
    }
    this.settle();
  }

  private settleIfDone(): void {
    if (this.outstanding.size === 0) this.settle();
  }

  private settle(): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.opts.onSettled();
  }
}

export interface TakeOverOptions<C extends GrantedContainer> {
  /** The register response's containers from previous attempts. */
  previous: readonly C[];
  bridge: ResourceManagerBridge<C>;
  jobMaster: JobMaster;
  registry: TaskExecutorRegistry;
  /** The TaskExecutors' AM timeout. */
  deadlineMs: number;
  log: (line: string) => void;
}

/**
 * Wires a new attempt's takeover (before the bridge starts): the bridge holds the kept containers,
 * each TaskExecutor that registers again becomes an ordinary running one, one whose container ends
 * is no longer waited for, the job master's
 * resubmitted tasks stop waiting once nobody is outstanding, and stragglers are released.
 */
export function takeOverTaskExecutors<C extends GrantedContainer>(o: TakeOverOptions<C>): TaskExecutorTakeover {
  o.bridge.recoverContainers(o.previous);
  const takeover = new TaskExecutorTakeover({
    expected: o.previous.map((c) => c.id),
    deadlineMs: o.deadlineMs,
    onSettled: () => o.jobMaster.releaseRecoveryHold(),
    onGiveUp: (ids) => o.bridge.giveUpRecovering(ids, `its TaskExecutor did not come back within ${o.deadlineMs} ms`),
    log: o.log,
  });
  const back = (id: string) => {
    if (takeover.registered(id)) o.bridge.taskExecutorBack(id);
  };
  o.jobMaster.onTaskExecutorEvent((e) => {
    if (e.type === 'registered') back(e.id);
  });
  // An expected container that ends is no longer waited for.
  o.bridge.onContainerEnded((id) => {
    takeover.ended(id);
  });
  // One may have found this attempt's gateway before the bridge knew of it.
  for (const c of o.previous) if (o.registry.has(c.id)) back(c.id);
  takeover.start();
  return takeover;
}
