import type { AmEnd, AmShutdown } from './am-shutdown.js';

/**
 * Where every part of the AM asks for its end (the REST API, the client lease, the ResourceManager
 * bridge, the mode, signals and stray errors), from the start of start-up on. It is the seam
 * Flink's ClusterEntrypoint has in its shutdown future: the parts only ask; the entrypoint decides
 * what ending means once it knows what it started. An end asked for while the AM is still
 * starting waits until start-up hands over its shutdown (the one for the parts of a failed
 * start-up, or the running AM's); the AmShutdown lets the first end win.
 */
export class AmEndRequests {
  private shutdown: AmShutdown | undefined;
  private readonly waiting: { end: AmEnd; durable: () => void }[] = [];

  /** Resolves once the end is durable (unregistered and staging dir removed, see AmShutdown.request). */
  request(end: AmEnd): Promise<void> {
    if (this.shutdown) return this.shutdown.request(end);
    return new Promise((durable) => this.waiting.push({ end, durable }));
  }

  /** Start-up is over (or failed): `shutdown` carries out the ends asked for so far and all later ones. */
  carryOutWith(shutdown: AmShutdown): void {
    if (this.shutdown) throw new Error('the ApplicationMaster already has its shutdown');
    this.shutdown = shutdown;
    for (const { end, durable } of this.waiting.splice(0)) void shutdown.request(end).then(durable);
  }
}
