import { isClusterCausedExit } from './cluster-caused-exits.js';
import { FailureBudget, type ContainerFailure, type FailureWindow } from './failure-budget.js';

/** The parts of an allocated container the decisions need; the driver keeps the full record. */
export interface PlannedContainer {
  id: string;
}

export interface CompletedContainer {
  id: string;
  exitStatus: number;
  diagnostics: string;
}

export interface AllocationDecision<C extends PlannedContainer> {
  /** Start a TaskExecutor in each of these. */
  start: C[];
  /** Surplus: give these back to YARN unused. */
  release: C[];
}

export type CompletionOutcome =
  /** The AM released or stopped it: nothing to do. */
  | { kind: 'expected'; containerId: string }
  /** Not one of ours (a previous attempt's, or already forgotten): ignore. */
  | { kind: 'unknown'; containerId: string }
  /** A TaskExecutor was lost and will be replaced (the ask grows again). */
  | { kind: 'replace'; containerId: string; counted: boolean }
  /** Too many failures: the application must fail with these diagnostics. */
  | { kind: 'fail-application'; containerId: string; diagnostics: string };

/** `recovering`: a previous AM attempt's container, held until its TaskExecutor comes back to this attempt. */
type HeldState = 'starting' | 'running' | 'recovering';

/**
 * The ResourceManager bridge's bookkeeping and decisions, free of I/O so every rule is unit
 * tested: how many containers to ask for, which allocated ones to use or give back, what a
 * completed container means, which idle TaskExecutors to let go.
 *
 * YARN replaces the outstanding ask with each allocate call, so the ask is always recomputed as
 * an absolute number: TaskExecutors wanted minus containers held (starting or running).
 */
export class ContainerPlan {
  private readonly held = new Map<string, HeldState>();
  /** Containers the AM gave back or stopped; their completion is expected, not a failure. */
  private readonly releasing = new Set<string>();
  private readonly budget: FailureBudget;
  private peakWanted = 0;

  /**
   * `maxFailedContainers`: yarn.maximum-failed-containers; undefined follows the peak of TaskExecutors wanted.
   * `window`: yarn.containers.failure-rate-interval, over which failures count (default: the application's life).
   */
  constructor(maxFailedContainers: number | undefined, window?: FailureWindow) {
    this.budget = new FailureBudget(maxFailedContainers, () => this.peakWanted, window);
  }

  /** Containers that will be or are TaskExecutors. */
  get heldCount(): number {
    return this.held.size;
  }

  get failureCount(): number {
    return this.budget.count;
  }

  heldIds(): string[] {
    return [...this.held.keys()];
  }

  isHeld(id: string): boolean {
    return this.held.has(id);
  }

  /** Whether a held container was kept from a previous AM attempt and its TaskExecutor is not back yet. */
  isRecovering(id: string): boolean {
    return this.held.get(id) === 'recovering';
  }

  /** The absolute ask to send: what is wanted and not yet held. */
  outstandingAsk(wanted: number): number {
    this.peakWanted = Math.max(this.peakWanted, Math.floor(wanted));
    return Math.max(0, Math.floor(wanted) - this.held.size);
  }

  /**
   * Keep as many of the new containers as are still wanted; the rest are surplus (YARN often
   * hands out more than asked when the ask was lowered after the scheduler had already acted).
   */
  onAllocated<C extends PlannedContainer>(containers: C[], wanted: number): AllocationDecision<C> {
    this.peakWanted = Math.max(this.peakWanted, Math.floor(wanted));
    const decision: AllocationDecision<C> = { start: [], release: [] };
    for (const c of containers) {
      if (this.held.has(c.id) || this.releasing.has(c.id)) continue; // a repeated report
      if (this.held.size < wanted) {
        this.held.set(c.id, 'starting');
        decision.start.push(c);
      } else {
        this.releasing.add(c.id);
        decision.release.push(c);
      }
    }
    return decision;
  }

  /** Containers YARN kept from a previous AM attempt: held (nothing is asked for them) while their TaskExecutors find this attempt. */
  recover(ids: readonly string[]): void {
    for (const id of ids) if (!this.held.has(id) && !this.releasing.has(id)) this.held.set(id, 'recovering');
  }

  /** A recovered container's TaskExecutor registered with this attempt: an ordinary running TaskExecutor from now on. */
  onRecovered(id: string): void {
    if (this.held.get(id) === 'recovering') this.held.set(id, 'running');
  }

  /** Recovered containers whose TaskExecutors did not come back: given back to YARN; returns those that were still waited for. */
  giveUpRecovering(ids: readonly string[]): string[] {
    const gone = ids.filter((id) => this.held.get(id) === 'recovering');
    for (const id of gone) this.markReleasing(id);
    return gone;
  }

  /** The NodeManager accepted the launch. */
  onStarted(id: string): void {
    if (this.held.get(id) === 'starting') this.held.set(id, 'running');
  }

  /** The NodeManager refused the launch: the container is given back and the failure counted. */
  onStartFailed(id: string, reason: string): CompletionOutcome {
    if (!this.held.delete(id)) return { kind: 'unknown', containerId: id };
    this.releasing.add(id);
    return this.countFailure({ containerId: id, diagnostics: reason });
  }

  onCompleted(status: CompletedContainer): CompletionOutcome {
    const id = status.id;
    if (this.releasing.delete(id)) {
      this.held.delete(id);
      return { kind: 'expected', containerId: id };
    }
    const was = this.held.get(id);
    if (!this.held.delete(id)) return { kind: 'unknown', containerId: id };
    // A TaskExecutor that ended while no AM was there to reach (its AM timeout) failed nobody's work.
    if (was === 'recovering' || isClusterCausedExit(status.exitStatus)) return { kind: 'replace', containerId: id, counted: false };
    return this.countFailure({ containerId: id, exitStatus: status.exitStatus, diagnostics: status.diagnostics });
  }

  /**
   * Of the TaskExecutors the demand calls idle past the timeout, the ones to release: running
   * containers of ours only. The demand decides what is spare (it names none while tasks wait for
   * slots); its wanted count includes registered TaskExecutors, so it cannot serve as a floor here.
   */
  chooseIdleReleases(idleIds: readonly string[]): string[] {
    const chosen = idleIds.filter((id) => this.held.get(id) === 'running');
    for (const id of chosen) this.markReleasing(id);
    return chosen;
  }

  /** Shutdown: every held container is to be stopped; returns their ids. */
  releaseAll(): string[] {
    const ids = [...this.held.keys()];
    for (const id of ids) this.markReleasing(id);
    return ids;
  }

  private markReleasing(id: string): void {
    this.held.delete(id);
    this.releasing.add(id);
  }

  private countFailure(failure: ContainerFailure): CompletionOutcome {
    if (this.budget.record(failure)) return { kind: 'replace', containerId: failure.containerId, counted: true };
    return { kind: 'fail-application', containerId: failure.containerId, diagnostics: this.budget.diagnostics() };
  }
}
