/**
 * The KDC's time as this machine sees it: the local clock plus the offset learnt from the KDC.
 * MIT's library keeps the same offset (kdc_timesync, on by default): after an AS exchange it sets
 * it from the reply's authtime, stores it in the credential cache's header (tag 1, seconds and
 * microseconds) and uses it for every later authenticator's ctime, so a machine whose clock is
 * off by more than the allowed skew still authenticates. A cache read from kinit brings kinit's
 * offset along.
 */
export class KdcClock {
  private offsetMs = 0;

  /** `localNow` is the machine's clock (tests move it). */
  constructor(readonly localNow: () => Date = () => new Date()) {}

  /** The KDC's time now: use it for authenticators and to judge ticket lifetimes. */
  readonly now = (): Date => new Date(this.localNow().getTime() + this.offsetMs);

  /** The KDC's clock minus ours, in ms. */
  get offsetMilliseconds(): number {
    return this.offsetMs;
  }

  /** Learns the offset from a time the KDC stated (an AS reply's authtime) and our clock when the reply came. */
  adoptKdcTime(kdcTime: Date, localTime: Date): void {
    this.offsetMs = kdcTime.getTime() - localTime.getTime();
  }

  /** The offset as the cache header stores it (MIT's krb5_os_context time_offset / usec_offset). */
  toCacheOffset(): { seconds: number; microseconds: number } {
    const seconds = Math.floor(this.offsetMs / 1000);
    return { seconds, microseconds: (this.offsetMs - seconds * 1000) * 1000 };
  }

  /** Takes the offset a cache header carries (written by kinit or by Loom). */
  adoptCacheOffset(offset: { seconds: number; microseconds: number } | undefined): void {
    if (offset) this.offsetMs = offset.seconds * 1000 + Math.round(offset.microseconds / 1000);
  }
}
