/**
 * The TaskExecutors registered with this AM: their slots (as the AM assigns them: the AM's count
 * is the truth, a heartbeat's free-slot figure is only a hint), heartbeats, and loss detection.
 * A TaskExecutor is lost when its stream ends or when it has not heartbeated for the timeout;
 * listeners then learn which task attempts it held, so the job master can run them elsewhere.
 * The registry knows nothing about jobs: it moves messages and counts slots.
 */
import type { AmMessage, DeployTaskMessage, HeartbeatMessage, RegisterMessage, TaskRef, TaskUpdateMessage } from '../../client/cluster/taskexecutor-protocol.js';
import { taskKey } from '../../client/cluster/taskexecutor-protocol.js';
import type { TaskExecutorInfo } from '../cluster-api.js';

/** One TaskExecutor's connection, as the gateway server provides it. */
export interface TaskExecutorLink {
  send(message: AmMessage): void;
  /** Ends the stream (after an optional Shutdown message). */
  close(shutdownReason?: string): void;
}

export type TaskExecutorEvent =
  | { type: 'registered'; id: string; info: TaskExecutorInfo }
  /** `tasks`: the attempts it held; they did not finish. */
  | { type: 'lost'; id: string; host: string; reason: string; tasks: TaskRef[] }
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

export class TaskExecutorRegistrationError extends Error {
  override name = 'TaskExecutorRegistrationError';
}

interface Entry {
  info: TaskExecutorInfo;
  link: TaskExecutorLink;
  /** Task attempts holding a slot here, by taskKey; a slot is held until the TaskExecutor reports the attempt ended. */
  assigned: Map<string, TaskRef>;
  /** When it last had no task; undefined while it has some. */
  idleSince: number | undefined;
}

export class TaskExecutorRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(e: TaskExecutorEvent) => void>();
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private adopter: ((id: string, task: TaskRef) => boolean) | undefined;

  readonly options: TaskExecutorRegistryOptions;

  constructor(options: Partial<TaskExecutorRegistryOptions> = {}) {
    this.options = { ...TASK_EXECUTOR_REGISTRY_DEFAULTS, ...options };
    const { heartbeatIntervalMs, heartbeatTimeoutMs } = this.options;
    if (!(heartbeatIntervalMs > 0) || !(heartbeatTimeoutMs > heartbeatIntervalMs)) {
      throw new TaskExecutorRegistrationError(`heartbeat timeout (${heartbeatTimeoutMs} ms) must be longer than the heartbeat interval (${heartbeatIntervalMs} ms)`);
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
    for (const id of [...this.entries.keys()]) this.lose(id, reason);
  }

  /**
   * Who may claim the work a registering TaskExecutor still runs (a new AM attempt's job master,
   * for tasks an earlier attempt started); whatever it does not claim is cancelled.
   */
  setAdopter(adopter: (id: string, task: TaskRef) => boolean): void {
    this.adopter = adopter;
  }

  on(listener: (e: TaskExecutorEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- from the gateway ------------------------------------------------------------------

  register(reg: RegisterMessage, link: TaskExecutorLink): void {
    const problem = registrationProblem(reg);
    if (problem) throw new TaskExecutorRegistrationError(problem);
    const previous = this.entries.get(reg.taskExecutorId);
    if (previous && previous.link !== link) this.lose(reg.taskExecutorId, 'it registered again on a new connection', false);
    const now = this.now();
    const info: TaskExecutorInfo = {
      id: reg.taskExecutorId,
      host: reg.host,
      slots: reg.slots,
      freeSlots: reg.slots,
      registeredAt: now,
      lastHeartbeatAt: now,
      ...(reg.memoryMb > 0 ? { memoryMb: reg.memoryMb } : {}),
    };
    this.entries.set(reg.taskExecutorId, { info, link, assigned: new Map(), idleSince: now });
    link.send({
      kind: 'registered',
      registered: { heartbeatIntervalMs: this.options.heartbeatIntervalMs, amTimeoutMs: this.options.amTimeoutMs },
    });
    const entry = this.entries.get(reg.taskExecutorId)!;
    // Work it still runs from before: kept when the job master adopts it (a TaskExecutor taken over
    // from an earlier AM attempt), else cancelled (its old connection was declared lost, so that work was given to others).
    for (const t of reg.running) {
      if (entry.assigned.size < entry.info.slots && this.adopter?.(reg.taskExecutorId, t)) {
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
    link.send({ kind: 'heartbeatAck', heartbeatAck: {} });
    for (const t of hb.running) {
      if (!e.assigned.has(taskKey(t))) this.cancelUnknown(e, t);
    }
  }

  taskUpdate(id: string, link: TaskExecutorLink, update: TaskUpdateMessage): void {
    const e = this.current(id, link);
    if (!e) return;
    const key = taskKey(update.task);
    if (!e.assigned.has(key)) return; // already ended or never ours: nothing to account
    if (update.state !== 'RUNNING') {
      e.assigned.delete(key);
      this.refreshSlots(e);
    }
    this.emit({ type: 'taskUpdate', id, update });
    if (update.state !== 'RUNNING') this.emit({ type: 'slotFreed', id });
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
    if (e.assigned.size >= e.info.slots) throw new TaskExecutorRegistrationError(`TaskExecutor ${id} has no free slot`);
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
    try {
      e.link.close(tellToStop ? reason : undefined);
    } catch {
      // The stream may already be gone; losing it is the point.
    }
    this.emit({ type: 'lost', id, host: e.info.host, reason, tasks: [...e.assigned.values()] });
  }

  // ---- queries ---------------------------------------------------------------------------

  list(): TaskExecutorInfo[] {
    return [...this.entries.values()].map((e) => ({ ...e.info }));
  }

  get(id: string): TaskExecutorInfo | undefined {
    const e = this.entries.get(id);
    return e ? { ...e.info } : undefined;
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
    e.assigned.set(taskKey(task), task);
    this.refreshSlots(e);
    e.link.send({ kind: 'cancelTask', cancelTask: { task } });
  }

  private current(id: string, link: TaskExecutorLink): Entry | undefined {
    const e = this.entries.get(id);
    return e && e.link === link ? e : undefined;
  }

  private refreshSlots(e: Entry): void {
    e.info.freeSlots = e.info.slots - e.assigned.size;
    if (e.assigned.size === 0) e.idleSince ??= this.now();
    else e.idleSince = undefined;
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

function registrationProblem(reg: RegisterMessage): string | undefined {
  if (!reg.taskExecutorId) return 'registration without a TaskExecutor id (CONTAINER_ID)';
  if (!Number.isInteger(reg.slots) || reg.slots < 1 || reg.slots > 1024) {
    return `TaskExecutor ${reg.taskExecutorId} offers ${reg.slots} slots; it must offer 1 to 1024 (LOOM_SLOTS)`;
  }
  if (!reg.host) return `TaskExecutor ${reg.taskExecutorId} registered without a host (NM_HOST)`;
  return undefined;
}
