import { describe, expect, it } from 'vitest';
import { nextHeartbeatDelayMs } from '../../../appmaster/resourcemanager-bridge/heartbeat-pacing.js';

describe('heartbeat pacing', () => {
  const pacing = { fastMs: 200, slowMs: 3000 };
  it('is fast while containers are asked for and slow otherwise', () => {
    expect(nextHeartbeatDelayMs(2, pacing)).toBe(200);
    expect(nextHeartbeatDelayMs(1, pacing)).toBe(200);
    expect(nextHeartbeatDelayMs(0, pacing)).toBe(3000);
  });
});
