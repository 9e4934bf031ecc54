import { describe, expect, it } from 'vitest';
import { formatBytes, formatRate, formatSecondsLeft, transferEndLine, transferLine } from '../../../cli/terminal/transfer-text.js';

const MIB = 1024 * 1024;

describe('transfer text', () => {
  it('sizes, rates and times in the units people read', () => {
    expect([formatBytes(512), formatBytes(12_800), formatBytes(3 * MIB), formatBytes(1.25 * 1024 * MIB)]).toEqual([
      '512 B',
      '12.5 KiB',
      '3.0 MiB',
      '1.25 GiB',
    ]);
    expect(formatRate(15 * MIB)).toBe('15.0 MiB/s');
    expect([formatSecondsLeft(1.2), formatSecondsLeft(65), formatSecondsLeft(7380)]).toEqual(['2 s', '1 min 05 s', '2 h 03 min']);
  });

  it('a transfer under way: done of total, rate, time left; stalled; size unknown; just begun', () => {
    const base = { direction: 'upload' as const, name: 'big.bin', doneBytes: 5 * MIB, totalBytes: 12 * MIB };
    expect(transferLine({ ...base, rate: 3.2 * MIB, secondsLeft: 2.2 })).toBe(
      'uploading big.bin: 5.0 MiB of 12.0 MiB (41%), 3.2 MiB/s, 3 s left',
    );
    expect(transferLine({ ...base, rate: 0, secondsLeft: Infinity })).toBe(
      'uploading big.bin: 5.0 MiB of 12.0 MiB (41%), 0.0 MiB/s, stalled',
    );
    expect(transferLine({ ...base, direction: 'download', totalBytes: undefined, rate: MIB, secondsLeft: undefined })).toBe(
      'downloading big.bin: 5.0 MiB, 1.0 MiB/s',
    );
    expect(transferLine({ ...base, doneBytes: 0, rate: undefined, secondsLeft: undefined })).toBe(
      'uploading big.bin: 0 B of 12.0 MiB (0%)',
    );
  });

  it('the end of a transfer: size, time taken, average rate', () => {
    expect(transferEndLine('upload', 'big.bin', 12 * MIB, 800)).toBe('uploaded big.bin: 12.0 MiB in 0.8 s (15.0 MiB/s)');
    expect(transferEndLine('copy', 'x', 2 * MIB, 90_000)).toBe('copied x: 2.0 MiB in 1 min 30 s (0.0 MiB/s)');
  });
});
