/**
 * The TaskExecutors registered with this AM: their slots (as the AM assigns them: the AM's count
 * is the truth, a heartbeat's free-slot figure is only a hint), heartbeats, and loss detection.
 * A TaskExecutor is lost when its stream ends or when it has not heartbeated for the timeout;
 * listeners then learn which task attempts it held, so the job master can run them elsewhere.
 * The registry knows nothing about jobs: it moves messages and counts slots.
 */
import { LoomError } from '../../client/errors/loom-error.js';
import type {
  AmMessage,
  DeployTaskMessage,
  HeartbeatMessage,
  RegisterMessage,
  TaskOutputMessage,
  TaskProgressMessage,
  TaskExecutorMetricsMessage,
  TaskRef,
  TaskUpdateMessage,
} from '../../client/contracts/taskexecutor-protocol.js';
import { taskKey } from '../../client/contracts/taskexecutor-protocol.js';
import type { TaskExecutorInfo } from '../cluster-api.js';
import type { TaskExecutorOrigin } from './taskexecutor-admission.js';
import { TaskExecutorHistory } from './taskexecutor-history.js';

/** One TaskExecutor's connection, as the gateway server provides it. */
export interface TaskExecutorLink {
  send(message: AmMessage): void;
  /** Ends the stream (after an optional Shutdown message). */
  close(shutdownReason?: string): void;
}

export type TaskExecutorEvent =
  | { type: 'registered'; id: string; info: TaskExecutorInfo }
  /**
   * It left the AM. `tasks`: the attempts it held; they did not finish. `released`: the AM gave its
   * container back (idle, or the AM is stopping), so its end was wanted, not a loss.
   */
  | { type: 'lost'; id: string; host: string; reason: string; tasks: TaskRef[]; released: boolean }
  /** An update from the TaskExecutor that currently holds the attempt (stale ones are dropped). */
  | { type: 'taskUpdate'; id: string; update: TaskUpdateMessage }
  /** A slot became free (a task ended or was cancelled). */
  | { type: 'slotFreed'; id: string };

export interface TaskExecutorRegistryOptions {
  /** How often TaskExecutors heartbeat (sent to them at registration). */
  heartbeatIntervalMs: number;
  /** No heartbeat for this long: the TaskExecutor is lost. */
  heartbeatTimeoutMs: number;
  /** Sent to TaskExecutors: they exit when they have not reached the AM for this long. */
  amTimeoutMs: number;
  now?: () => number;
}

/** Flink-like pacing; amTimeoutMs mirrors loom.taskexecutor.am-timeout's default. */
export const TASK_EXECUTOR_REGISTRY_DEFAULTS: Omit<TaskExecutorRegistryOptions, 'now'> = {
  heartbeatIntervalMs: 2_000,
  heartbeatTimeoutMs: 30_000,
  amTimeoutMs: 60_000,
};

export class TaskExecutorRegistrationError extends LoomError {
  static override readonly code: string = 'TASKEXECUTOR_REGISTRATION_REFUSED';
  override name = 'TaskExecutorRegistrationError';
}

/** A second registration under the id of a TaskExecutor whose connection is still live: refused, the live one stays. */
export class TaskExecutorAlreadyRegisteredError extends TaskExecutorRegistrationError {
  static override readonly code: string = 'TASKEXECUTOR_ALREADY_REGISTERED';
  override name = 'TaskExecutorAlreadyRegisteredError';
}

/** A TaskExecutor reported the end of a task attempt the AM never gave it (a forged or misrouted result). */
export class TaskUpdateRefusedError extends LoomError {
  static override readonly code: string = 'TASK_UPDATE_REFUSED';
  override name = 'TaskUpdateRefusedError';
}

interface Entry {
  info: TaskExecutorInfo;
  link: TaskExecutorLink;
  /**
   * Task attempts the AM deployed here (or adopted from a previous AM attempt), by taskKey: only
   * their updates count. A slot is held until the TaskExecutor reports the attempt ended.
   */
  assigned: Map<string, TaskRef>;
  /** Attempts it runs that the AM did not give it, told to stop: they hold a slot until confirmed, and their results count for nothing. */
  cancelling: Map<string, TaskRef>;
  /** When it last had no task; undefined while it has some. */
  idleSince: number | undefined;
  /** What its last heartbeat reported of itself (for /metrics). */
  metrics?: TaskExecutorMetricsMessage;
}

export class TaskExecutorRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(e: TaskExecutorEvent) => void>();
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private adopter: ((id: string, task: TaskRef) => boolean) | undefined;
  private outputSink: ((from: TaskExecutorInfo, output: TaskOutputMessage) => void) | undefined;
  private progressSink: ((fromId: string, progress: TaskProgressMessage) => boolean) | undefined;
  /** NodeManager web addresses of the containers launched for TaskExecutors (bounded like the history). */
  private readonly nodeHttpAddresses = new Map<string, string>();
  /** Containers the AM is giving back: their TaskExecutors' end counts as released, not lost. */
  private readonly releaseReasons = new Map<string, string>();
  private stopping = false;

  readonly options: TaskExecutorRegistryOptions;
  /** Every TaskExecutor of this AM attempt, also the released and lost ones (the dashboard's list). */
  readonly history = new TaskExecutorHistory();

  constructor(options: Partial<TaskExecutorRegistryOptions> = {}) {
    this.options = { ...TASK_EXECUTOR_REGISTRY_DEFAULTS, ...options };
    const { heartbeatIntervalMs, heartbeatTimeoutMs } = this.options;
    if (!(heartbeatIntervalMs > 0) || !(heartbeatTimeoutMs > heartbeatIntervalMs)) {
      throw new TaskExecutorRegistrationError(
        `heartbeat timeout (${heartbeatTimeoutMs} ms) must be longer than the heartbeat interval (${heartbeatIntervalMs} ms)`,
      );
    }
    this.now = options.now ?? Date.now;
  }

  /** Starts the heartbeat-timeout check. */
  start(): void {
    if (this.timer) return;
    const every = Math.max(50, Math.min(1_000, Math.floor(this.options.heartbeatTimeoutMs / 4)));
    this.timer = setInterval(() => this.checkHeartbeats(), every);
    this.timer.unref();
  }

  /** Stops the check and tells every TaskExecutor to shut down. */
  stop(reason: string): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.stopping = true;
    for (const id of [...this.entries.keys()]) this.lose(id, reason);
  }

  /** The AM launched a TaskExecutor in `containerId` on the NodeManager at `nodeHttpAddress` (host:port of its web UI). */
  containerLaunched(containerId: string, nodeHttpAddress: string): void {
    if (!nodeHttpAddress) return;
    this.nodeHttpAddresses.set(containerId, nodeHttpAddress);
    const oldest = this.nodeHttpAddresses.keys().next();
    if (this.nodeHttpAddresses.size > this.history.kept && !oldest.done) this.nodeHttpAddresses.delete(oldest.value);
  }

  /** The AM gives `containerId` back to YARN (idle): when its TaskExecutor goes, it was released for `reason`. */
  releasing(containerId: string, reason: string): void {
    if (this.entries.has(containerId)) this.releaseReasons.set(containerId, reason);
  }

  /**
   * Who may claim the work a registering TaskExecutor still runs (a new AM attempt's job master,
   * for tasks an earlier attempt started); whatever it does not claim is cancelled.
   */
  setAdopter(adopter: (id: string, task: TaskRef) => boolean): void {
    this.adopter = adopter;
  }

  /** Where task output goes (the AM's TaskOutputStore); not an event, so the job master is not woken by every batch. */
  setTaskOutputSink(sink: (from: TaskExecutorInfo, output: TaskOutputMessage) => void): void {
    this.outputSink = sink;
  }

  /** Where task progress goes (the job master, which keeps the latest per attempt); it answers whether it kept it. */
  setTaskProgressSink(sink: (fromId: string, progress: TaskProgressMessage) => boolean): void {
    this.progressSink = sink;
  }

  on(listener: (e: TaskExecutorEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- from the gateway ------------------------------------------------------------------

  /**
   * A TaskExecutor the gateway admitted (its id is a container this AM attempt knows, `origin`
   * says how). A second registration under the id of a live TaskExecutor is refused
   * (TaskExecutorAlreadyRegisteredError) and the live one is left alone: that is how a peer that
   * knows the secret is kept from taking over another's stream. A TaskExecutor whose stream broke
   * registers again on a new one; it is accepted once its old connection is really gone, which the
   * AM tells by one of:
   *  - the gateway saw the old stream end (closed, cancelled, failed): its entry is gone already;
   *  - the old connection missed heartbeats: none for more than two heartbeat intervals (the
   *    TaskExecutor heartbeats every interval while its stream is up, and itself gives a silent
   *    stream up after three), so the old stream is declared lost and the new one takes its place.
   * Until then the TaskExecutor is told ALREADY_EXISTS and tries again (it retries with backoff,
   * within its AM timeout), so a half-open old connection delays it by at most a few seconds.
   */
  register(reg: RegisterMessage, link: TaskExecutorLink, origin: TaskExecutorOrigin): void {
    const problem = registrationProblem(reg);
    if (problem) throw new TaskExecutorRegistrationError(problem);
    const now = this.now();
    const previous = this.entries.get(reg.taskExecutorId);
    if (previous) {
      if (previous.link === link)
        throw new TaskExecutorRegistrationError(`TaskExecutor ${reg.taskExecutorId} registered twice on the same connection`);
      const silentMs = now - previous.info.lastHeartbeatAt;
      if (silentMs <= this.liveWithinMs) {
        throw new TaskExecutorAlreadyRegisteredError(
          `TaskExecutor ${reg.taskExecutorId} is registered already on a live connection (last heartbeat ${silentMs} ms ago); ` +
            `a second registration under its id is refused. A TaskExecutor whose connection broke is accepted again once the AM ` +
            `has seen that connection end or miss its heartbeats for ${this.liveWithinMs} ms`,
        );
      }
      this.lose(reg.taskExecutorId, `it registered again on a new connection; the old one had sent no heartbeat for ${silentMs} ms`, false);
    }
    const info: TaskExecutorInfo = {
      id: reg.taskExecutorId,
      host: reg.host,
      slots: reg.slots,
      freeSlots: reg.slots,
      registeredAt: now,
      lastHeartbeatAt: now,
      ...(reg.memoryMb > 0 ? { memoryMb: reg.memoryMb } : {}),
    };
    const nodeHttpAddress = this.nodeHttpAddresses.get(reg.taskExecutorId);
    if (nodeHttpAddress !== undefined) info.nodeHttpAddress = nodeHttpAddress;
    this.history.started(info);
    const entry: Entry = { info, link, assigned: new Map(), cancelling: new Map(), idleSince: now };
    this.entries.set(reg.taskExecutorId, entry);
    link.send({
      kind: 'registered',
      registered: { heartbeatIntervalMs: this.options.heartbeatIntervalMs, amTimeoutMs: this.options.amTimeoutMs },
    });
    // Work it still runs from before: kept when the job master adopts it (only a TaskExecutor taken
    // over from an earlier AM attempt can legitimately run such work), else cancelled (its old
    // connection was declared lost, so that work was given to others).
    for (const t of reg.running) {
      if (origin === 'taken-over' && this.slotsTaken(entry) < entry.info.slots && this.adopter?.(reg.taskExecutorId, t)) {
        entry.assigned.set(taskKey(t), t);
        this.refreshSlots(entry);
      } else this.cancelUnknown(entry, t);
    }
    this.emit({ type: 'registered', id: reg.taskExecutorId, info: { ...entry.info } });
  }

  heartbeat(id: string, link: TaskExecutorLink, hb: HeartbeatMessage): void {
    const e = this.current(id, link);
    if (!e) return;
    e.info.lastHeartbeatAt = this.now();
    if (hb.metrics) e.metrics = hb.metrics;
    link.send({ kind: 'heartbeatAck', heartbeatAck: {} });
    for (const t of hb.running) {
      const key = taskKey(t);
      if (!e.assigned.has(key) && !e.cancelling.has(key)) this.cancelUnknown(e, t);
    }
  }

  /**
   * An update counts only for an attempt the AM deployed to (or adopted on) this TaskExecutor:
   * the job, task and attempt it names are checked against that record. The end of an attempt it
   * was told to stop frees its slot and nothing else. A result (FINISHED or FAILED) for an attempt
   * it was never given is refused with TaskUpdateRefusedError: a TaskExecutor reports each
   * attempt's end exactly once (taskexecutor/task-runner.ts), so such a result is forged or
   * misrouted. RUNNING, and CANCELED (the confirmation of a cancel for work already gone), are
   * dropped silently.
   */
  taskUpdate(id: string, link: TaskExecutorLink, update: TaskUpdateMessage): void {
    const e = this.current(id, link);
    if (!e) return;
    const key = taskKey(update.task);
    const final = update.state !== 'RUNNING';
    if (e.cancelling.has(key)) {
      if (final) {
        e.cancelling.delete(key);
        this.refreshSlots(e);
        this.emit({ type: 'slotFreed', id });
      }
      return;
    }
    if (!e.assigned.has(key)) {
      if (update.state === 'FINISHED' || update.state === 'FAILED') {
        const t = update.task;
        throw new TaskUpdateRefusedError(
          `TaskExecutor ${id} reported ${update.state} for attempt ${t.attempt} of task ${t.taskIndex} of job ${t.jobId}, which this ApplicationMaster never deployed to it: refused`,
        );
      }
      return;
    }
    if (final) {
      e.assigned.delete(key);
      this.refreshSlots(e);
    }
    this.emit({ type: 'taskUpdate', id, update });
    if (final) this.emit({ type: 'slotFreed', id });
  }

  /** Output of an attempt deployed to (or adopted on) this TaskExecutor goes to the sink; any other is dropped. */
  taskOutput(id: string, link: TaskExecutorLink, output: TaskOutputMessage): void {
    const e = this.current(id, link);
    if (!e?.assigned.has(taskKey(output.task))) return;
    this.outputSink?.({ ...e.info }, output);
  }

  /** Progress of an attempt deployed to (or adopted on) this TaskExecutor goes to the sink; false when it was dropped (any other attempt, or one that ended). */
  taskProgress(id: string, link: TaskExecutorLink, progress: TaskProgressMessage): boolean {
    const e = this.current(id, link);
    if (!e?.assigned.has(taskKey(progress.task))) return false;
    return this.progressSink?.(id, progress) ?? false;
  }

  /** The gateway saw the stream end. Only the link currently registered counts. */
  disconnected(id: string, link: TaskExecutorLink, reason: string): void {
    if (this.current(id, link)) this.lose(id, reason, false);
  }

  // ---- from the job master ---------------------------------------------------------------

  /** Takes a slot on `id` and sends the task there. */
  deploy(id: string, deploy: DeployTaskMessage): void {
    const e = this.entries.get(id);
    if (!e) throw new TaskExecutorRegistrationError(`TaskExecutor ${id} is not registered`);
    if (this.slotsTaken(e) >= e.info.slots) throw new TaskExecutorRegistrationError(`TaskExecutor ${id} has no free slot`);
    e.assigned.set(taskKey(deploy.task), deploy.task);
    this.refreshSlots(e);
    e.link.send({ kind: 'deployTask', deployTask: deploy });
  }

  /** Asks `id` to stop an attempt; its slot stays taken until the TaskExecutor confirms. */
  cancel(id: string, task: TaskRef): void {
    const e = this.entries.get(id);
    if (e?.assigned.has(taskKey(task))) e.link.send({ kind: 'cancelTask', cancelTask: { task } });
  }

  /**
   * Declares a TaskExecutor lost (e.g. YARN reports its container ended) and ends its stream,
   * telling it to stop unless `tellToStop` is false (its stream is gone, or replaced by a new one).
   */
  lose(id: string, reason: string, tellToStop = true): void {
    const e = this.entries.get(id);
    if (!e) return;
    this.entries.delete(id);
    const releasedFor = this.releaseReasons.get(id);
    this.releaseReasons.delete(id);
    const released = releasedFor !== undefined || this.stopping;
    if (releasedFor !== undefined) this.history.ended(id, 'released', `${releasedFor} (${reason})`, this.now());
    else this.history.ended(id, released ? 'released' : 'lost', reason, this.now());
    try {
      e.link.close(tellToStop ? reason : undefined);
    } catch {
      // The stream may already be gone; losing it is the point.
    }
    this.emit({ type: 'lost', id, host: e.info.host, reason, tasks: [...e.assigned.values()], released });
  }

  // ---- queries ---------------------------------------------------------------------------

  list(): TaskExecutorInfo[] {
    return [...this.entries.values()].map((e) => ({ ...e.info }));
  }

  get(id: string): TaskExecutorInfo | undefined {
    const e = this.entries.get(id);
    return e ? { ...e.info } : undefined;
  }

  /** Each registered TaskExecutor's own numbers, as its last heartbeat reported them. */
  reportedMetrics(): { id: string; metrics: TaskExecutorMetricsMessage }[] {
    return [...this.entries.values()].flatMap((e) => (e.metrics ? [{ id: e.info.id, metrics: e.metrics }] : []));
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  get size(): number {
    return this.entries.size;
  }

  /** TaskExecutors without any task for at least `idleMs`. */
  idle(idleMs: number): string[] {
    const limit = this.now() - idleMs;
    return [...this.entries.values()].filter((e) => e.idleSince !== undefined && e.idleSince <= limit).map((e) => e.info.id);
  }

  /** Declares lost every TaskExecutor silent for longer than the heartbeat timeout. */
  checkHeartbeats(): void {
    const limit = this.now() - this.options.heartbeatTimeoutMs;
    for (const e of [...this.entries.values()]) {
      if (e.info.lastHeartbeatAt < limit) {
        this.lose(e.info.id, `no heartbeat for more than ${this.options.heartbeatTimeoutMs} ms`);
      }
    }
  }

  /**
   * A task runs there that the AM did not give it (or no longer counts): stop it, and count its
   * slot as taken until the TaskExecutor confirms, so nothing is deployed into a slot still busy.
   */
  private cancelUnknown(e: Entry, task: TaskRef): void {
    e.cancelling.set(taskKey(task), task);
    this.refreshSlots(e);
    e.link.send({ kind: 'cancelTask', cancelTask: { task } });
  }

  private current(id: string, link: TaskExecutorLink): Entry | undefined {
    const e = this.entries.get(id);
    return e?.link === link ? e : undefined;
  }

  private slotsTaken(e: Entry): number {
    return e.assigned.size + e.cancelling.size;
  }

  private refreshSlots(e: Entry): void {
    const taken = this.slotsTaken(e);
    e.info.freeSlots = e.info.slots - taken;
    if (taken === 0) e.idleSince ??= this.now();
    else e.idleSince = undefined;
  }

  /** A TaskExecutor that heartbeated within this is live: a second registration under its id is refused. */
  private get liveWithinMs(): number {
    return 2 * this.options.heartbeatIntervalMs;
  }

  private emit(event: TaskExecutorEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch (err) {
        // A listener's bug must not stop the others, nor the AM (this may run from a timer).
        console.error(`TaskExecutor registry: a listener failed on ${event.type} of ${event.id}:`, err);
      }
    }
  }
}

/** What is wrong with a Register message's fields, if anything (checked before its id is looked at). */
export function registrationProblem(reg: RegisterMessage): string | undefined {
  if (!reg.taskExecutorId) return 'registration without a TaskExecutor id (CONTAINER_ID)';
  if (!Number.isInteger(reg.slots) || reg.slots < 1 || reg.slots > 1024) {
    return `TaskExecutor ${reg.taskExecutorId} offers ${reg.slots} slots; it must offer 1 to 1024 (LOOM_SLOTS)`;
  }
  if (!reg.host) return `TaskExecutor ${reg.taskExecutorId} registered without a host (NM_HOST)`;
  return undefined;
}
