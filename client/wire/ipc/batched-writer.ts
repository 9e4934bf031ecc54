import type { Socket } from 'node:net';

/**
 * Coalesces the frames written during one turn of the event loop into a single socket write.
 * Under load many calls (or answers) are produced in the same turn; one write per frame would
 * cost one system call each, which dominated the IPC benchmark.
 */
export class BatchedWriter {
  private queue: Buffer[] = [];
  private scheduled = false;
  private transform: ((batch: Buffer) => Buffer) | undefined;

  constructor(private readonly socket: Socket) {}

  write(bytes: Buffer): void {
    this.queue.push(bytes);
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.flush());
  }

  /**
   * From now on every batch goes through `transform` before the socket (SASL wrapping once
   * integrity or privacy is negotiated). What was written before is sent as it is, first.
   * `transform` must not throw: it handles its own failure (and may return an empty buffer).
   */
  transformFromNowOn(transform: (batch: Buffer) => Buffer): void {
    this.flush();
    this.transform = transform;
  }

  flush(): void {
    this.scheduled = false;
    const queue = this.queue;
    this.queue = [];
    if (queue.length === 0 || this.socket.destroyed) return;
    const batch = queue.length === 1 ? queue[0] : Buffer.concat(queue);
    const out = this.transform ? this.transform(batch) : batch;
    if (out.length > 0) this.socket.write(out);
  }
}
