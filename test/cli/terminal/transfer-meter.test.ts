import { describe, expect, it } from 'vitest';
import { TransferMeter } from '../../../cli/terminal/transfer-meter.js';

const MIB = 1024 * 1024;

describe('TransferMeter', () => {
  it('has no rate before time passes, then bytes per second since the start', () => {
    const m = new TransferMeter(1000);
    expect(m.rate(1000)).toBeUndefined();
    expect(m.secondsLeft(1000, 10 * MIB)).toBeUndefined();
    m.record(2000, 2 * MIB);
    expect(m.rate(2000)).toBe(2 * MIB);
    expect(m.secondsLeft(2000, 10 * MIB)).toBe(4);
    expect(m.secondsLeft(2000, undefined)).toBeUndefined();
  });

  it('measures over the last window, not since the start, so a change of pace shows', () => {
    const m = new TransferMeter(0, 5000);
    // 10 s at 10 MiB/s, then 10 s at 1 MiB/s.
    for (let s = 1; s <= 10; s++) m.record(s * 1000, s * 10 * MIB);
    for (let s = 11; s <= 20; s++) m.record(s * 1000, 100 * MIB + (s - 10) * MIB);
    expect(m.rate(20_000)).toBe(MIB);
    expect(m.averageRate(20_000)).toBe((110 * MIB) / 20);
    expect(m.secondsLeft(20_000, 120 * MIB)).toBe(10);
  });

  it('falls to 0 when nothing arrives (stalled: time left Infinity), and is 0 s left when done', () => {
    const m = new TransferMeter(0, 5000);
    m.record(1000, MIB);
    expect(m.rate(3000)).toBe(MIB / 3);
    expect(m.rate(7000)).toBe(0);
    expect(m.secondsLeft(7000, 4 * MIB)).toBe(Infinity);
    m.record(8000, 4 * MIB);
    expect(m.secondsLeft(8000, 4 * MIB)).toBe(0);
  });
});
