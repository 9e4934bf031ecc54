export interface HeartbeatPacing {
  /** While containers are being asked for: allocations arrive only with allocate calls. */
  fastMs: number;
  /** Otherwise: only completions and liveness matter. */
  slowMs: number;
}

/** How long to wait before the next allocate call. */
export function nextHeartbeatDelayMs(outstandingAsk: number, pacing: HeartbeatPacing): number {
  return outstandingAsk > 0 ? pacing.fastMs : pacing.slowMs;
}
