import type { Socket } from 'node:net';

/**
 * Coalesces the frames written during one turn of the event loop into a single socket write.
 * Under load many calls (or answers) are produced in the same turn; one write per frame would
 * cost one system call each, which dominated the IPC benchmark.
 */
export class BatchedWriter {
  private queue: Buffer[] = [];
  private scheduled = false;

  constructor(private readonly socket: Socket) {}

  write(bytes: Buffer): void {
    this.queue.push(bytes);
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.flush());
  }

  flush(): void {
    this.scheduled = false;
    const queue = this.queue;
    this.queue = [];
    if (queue.length === 0 || this.socket.destroyed) return;
    this.socket.write(queue.length === 1 ? queue[0] : Buffer.concat(queue));
  }
}
