/**
 * The rate and the time left of one transfer, over a moving window: the bytes moved in the last
 * `windowMs` (default 5 s) up to now, so a transfer that stalls shows its rate falling to 0 instead
 * of the average since it began (which would hide the stall for as long as it had run). No I/O and
 * no clock of its own: every time is given, in ms.
 */

interface Sample {
  time: number;
  bytes: number;
}

export class TransferMeter {
  private readonly samples: Sample[] = [];

  constructor(
    /** When the transfer began, ms (its first sample: 0 bytes then). */
    readonly startedAt: number,
    private readonly windowMs = 5000,
  ) {
    this.samples.push({ time: startedAt, bytes: 0 });
  }

  /** `bytes` moved so far (a running total), at `time`. */
  record(time: number, bytes: number): void {
    const last = this.samples[this.samples.length - 1];
    if (time === last.time) last.bytes = bytes;
    else this.samples.push({ time, bytes });
    // Keep the newest sample at or before the window's start: the window's base.
    while (this.samples.length > 2 && this.samples[1].time <= time - this.windowMs) this.samples.shift();
  }

  /** Bytes moved so far. */
  get bytes(): number {
    return this.samples[this.samples.length - 1].bytes;
  }

  /** Bytes per second over the window ending at `now`; undefined while no time has passed. */
  rate(now: number): number | undefined {
    let base = this.samples[0];
    for (const s of this.samples) if (s.time <= now - this.windowMs) base = s;
    const elapsed = now - base.time;
    if (elapsed <= 0) return undefined;
    return ((this.bytes - base.bytes) * 1000) / elapsed;
  }

  /**
   * Seconds until `totalBytes` at the window's rate; undefined when the total is unknown or the
   * rate is (just begun), Infinity when nothing moved in the window (stalled).
   */
  secondsLeft(now: number, totalBytes: number | undefined): number | undefined {
    if (totalBytes === undefined) return undefined;
    const rate = this.rate(now);
    if (rate === undefined) return undefined;
    const left = Math.max(0, totalBytes - this.bytes);
    if (left === 0) return 0;
    return rate === 0 ? Infinity : left / rate;
  }

  /** Bytes per second from the start to `now` (what the line at a transfer's end says). */
  averageRate(now: number): number | undefined {
    const elapsed = now - this.startedAt;
    return elapsed > 0 ? (this.bytes * 1000) / elapsed : undefined;
  }
}
