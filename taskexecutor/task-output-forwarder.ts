/**
 * Sends task attempts' output lines to the AM in batches (TaskOutput on the TaskExecutor's stream):
 * every `flushIntervalMs` (200 ms), or at once when an attempt has `maxBatchBytes` (64 KiB)
 * waiting. It never holds a task up: lines wait in a queue bounded by `maxQueuedBytes` (4 MiB for
 * all attempts together); when the AM is slow (more than `maxInFlight` messages not yet written to
 * the socket) or not reachable, batches wait, and lines that do not fit are dropped and counted in
 * the next batch's `dropped`. The file in the container's log dir has every line regardless.
 * When an attempt ends its lines go out at once, before its final TaskUpdate on the same stream.
 */
import { taskKey, type TaskOutputLine, type TaskOutputMessage, type TaskRef } from '../client/contracts/taskexecutor-protocol.js';

export interface TaskOutputForwarderOptions {
  /** Writes a batch to the AM's stream; false when there is none now (not registered). */
  send(batch: TaskOutputMessage): boolean;
  /** Messages written to the stream that gRPC has not sent on yet. */
  backlog(): number;
  flushIntervalMs?: number;
  maxBatchBytes?: number;
  maxQueuedBytes?: number;
  maxInFlight?: number;
}

interface AttemptQueue {
  task: TaskRef;
  lines: TaskOutputLine[];
  bytes: number;
  dropped: number;
}

export const TASK_OUTPUT_FORWARDING_DEFAULTS = {
  flushIntervalMs: 200,
  maxBatchBytes: 64 * 1024,
  maxQueuedBytes: 4 * 1024 * 1024,
  maxInFlight: 32,
};

/** A line's share of a batch: its text (UTF-16 units, close enough) and its fields. */
const lineBytes = (line: TaskOutputLine): number => line.text.length + 24;

export class TaskOutputForwarder {
  private readonly queues = new Map<string, AttemptQueue>();
  private queuedBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly settings: typeof TASK_OUTPUT_FORWARDING_DEFAULTS;
  private droppedTotal = 0;

  constructor(private readonly opts: TaskOutputForwarderOptions) {
    this.settings = {
      flushIntervalMs: opts.flushIntervalMs ?? TASK_OUTPUT_FORWARDING_DEFAULTS.flushIntervalMs,
      maxBatchBytes: opts.maxBatchBytes ?? TASK_OUTPUT_FORWARDING_DEFAULTS.maxBatchBytes,
      maxQueuedBytes: opts.maxQueuedBytes ?? TASK_OUTPUT_FORWARDING_DEFAULTS.maxQueuedBytes,
      maxInFlight: opts.maxInFlight ?? TASK_OUTPUT_FORWARDING_DEFAULTS.maxInFlight,
    };
  }

  /** Lines dropped so far because the queue was full or the AM unreachable. */
  get dropped(): number {
    return this.droppedTotal;
  }

  add(task: TaskRef, line: TaskOutputLine): void {
    const key = taskKey(task);
    let queue = this.queues.get(key);
    if (!queue) {
      queue = { task, lines: [], bytes: 0, dropped: 0 };
      this.queues.set(key, queue);
    }
    const size = lineBytes(line);
    if (this.queuedBytes + size > this.settings.maxQueuedBytes) {
      queue.dropped += 1;
      this.droppedTotal += 1;
    } else {
      queue.lines.push(line);
      queue.bytes += size;
      this.queuedBytes += size;
    }
    if (queue.bytes >= this.settings.maxBatchBytes) this.flush(queue, false);
    this.timer ??= setInterval(() => this.tick(), this.settings.flushIntervalMs).unref();
  }

  /** The attempt ended: everything queued for it goes now (or is counted dropped when the AM is not reachable). */
  attemptEnded(task: TaskRef): void {
    const key = taskKey(task);
    const queue = this.queues.get(key);
    if (!queue) return;
    this.queues.delete(key);
    if (!this.flush(queue, true)) {
      this.droppedTotal += queue.lines.length;
      this.release(queue, queue.lines.length);
    }
    this.stopWhenIdle();
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    for (const queue of this.queues.values()) {
      if (!this.flush(queue, false)) break;
      if (queue.lines.length === 0 && queue.dropped === 0) this.queues.delete(taskKey(queue.task));
    }
    this.stopWhenIdle();
  }

  /** Sends the queue's lines in batches; false when it had to stop (the AM is slow or not reachable). */
  private flush(queue: AttemptQueue, force: boolean): boolean {
    while (queue.lines.length > 0 || queue.dropped > 0) {
      if (!force && this.opts.backlog() > this.settings.maxInFlight) return false;
      let count = 0;
      let bytes = 0;
      while (count < queue.lines.length && (count === 0 || bytes + lineBytes(queue.lines[count]) <= this.settings.maxBatchBytes)) {
        bytes += lineBytes(queue.lines[count]);
        count += 1;
      }
      const batch: TaskOutputMessage = { task: queue.task, lines: queue.lines.slice(0, count), dropped: queue.dropped };
      if (!this.opts.send(batch)) return false;
      queue.dropped = 0;
      this.release(queue, count);
    }
    return true;
  }

  private release(queue: AttemptQueue, count: number): void {
    const bytes = queue.lines.slice(0, count).reduce((sum, l) => sum + lineBytes(l), 0);
    queue.lines.splice(0, count);
    queue.bytes -= bytes;
    this.queuedBytes -= bytes;
  }

  private stopWhenIdle(): void {
    if (this.queues.size === 0) this.close();
  }
}
