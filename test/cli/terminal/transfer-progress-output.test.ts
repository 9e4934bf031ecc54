import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { transferProgressOutput } from '../../../cli/terminal/transfer-progress-output.js';

const MIB = 1024 * 1024;

function stream(isTTY: boolean): Writable & { isTTY: boolean; columns: number; text: () => string } {
  const chunks: string[] = [];
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return Object.assign(w, { isTTY, columns: 120, text: () => chunks.join('') });
}

/** A clock and timers the test moves by hand. */
function fakeTime() {
  let t = 0;
  const timers: { ms: number; next: number; tick: () => void; on: boolean }[] = [];
  return {
    now: () => t,
    every: (ms: number, tick: () => void) => {
      const timer = { ms, next: t + ms, tick, on: true };
      timers.push(timer);
      return () => {
        timer.on = false;
      };
    },
    advance(ms: number) {
      const end = t + ms;
      for (;;) {
        const due = timers
          .filter((x) => x.on && x.next <= end)
          .sort((a, b) => a.next - b.next)
          .at(0);
        if (!due) break;
        t = due.next;
        due.next += due.ms;
        due.tick();
      }
      t = end;
    },
  };
}

describe('transfer progress output', () => {
  it('on a TTY: a live line with rate and time left, redrawn during a stall, removed at the end', () => {
    const out = stream(true);
    const time = fakeTime();
    const progress = transferProgressOutput(out, time);
    const file = progress.begin({ name: 'big.bin', direction: 'upload', totalBytes: 8 * MIB });
    time.advance(1000);
    file.progress(2 * MIB, 8 * MIB);
    time.advance(7000); // nothing arrives: the redraws show the rate falling, then the stall
    progress.log('a retry line');
    file.progress(8 * MIB, 8 * MIB);
    file.end(true);
    const text = out.text();
    expect(text).toContain('\r\x1b[2Kuploading big.bin: 0 B of 8.0 MiB (0%)');
    expect(text).toContain('\r\x1b[2Kuploading big.bin: 2.0 MiB of 8.0 MiB (25%), 1.0 MiB/s, 6 s left');
    expect(text).toContain('\r\x1b[2Kuploading big.bin: 2.0 MiB of 8.0 MiB (25%), 0.5 MiB/s, 12 s left');
    expect(text).toContain('uploading big.bin: 2.0 MiB of 8.0 MiB (25%), 0.0 MiB/s, stalled');
    expect(text).toContain('\r\x1b[2Ka retry line\n');
    expect(text.endsWith('\r\x1b[2K')).toBe(true);
    expect(text).not.toContain('uploaded');
  });

  it('on a pipe: one line at the end of a file of 1 MiB or more, one every 10 s while it lasts, nothing for small files', () => {
    const out = stream(false);
    const time = fakeTime();
    const progress = transferProgressOutput(out, time);
    const small = progress.begin({ name: 'loom.yaml', direction: 'upload' });
    small.progress(900, 900);
    small.end(true);
    expect(out.text()).toBe('');

    const big = progress.begin({ name: 'runtime.tar.gz', direction: 'upload' });
    time.advance(4000);
    big.progress(4 * MIB, 24 * MIB);
    time.advance(4000);
    big.progress(8 * MIB, 24 * MIB);
    time.advance(16_000); // a line at 10 s; nothing arrives after 8 s: stalled at 20 s
    big.progress(24 * MIB, 24 * MIB);
    big.end(true);
    expect(out.text()).toBe(
      'uploading runtime.tar.gz: 8.0 MiB of 24.0 MiB (33%), 0.7 MiB/s, 24 s left\n' +
        'uploading runtime.tar.gz: 8.0 MiB of 24.0 MiB (33%), 0.0 MiB/s, stalled\n' +
        'uploaded runtime.tar.gz: 24.0 MiB in 24.0 s (1.0 MiB/s)\n',
    );
    const failed = progress.begin({ name: 'broken.bin', direction: 'download' });
    failed.progress(2 * MIB, 3 * MIB);
    failed.end(false);
    expect(out.text()).not.toContain('broken.bin');
  });

  it('disabled (--quiet): nothing on a TTY or a pipe; other lines still print', () => {
    for (const isTTY of [true, false]) {
      const out = stream(isTTY);
      const time = fakeTime();
      const progress = transferProgressOutput(out, { ...time, disabled: true });
      const file = progress.begin({ name: 'big.bin', direction: 'upload' });
      file.progress(MIB, 4 * MIB);
      time.advance(20_000);
      file.progress(4 * MIB, 4 * MIB);
      file.end(true);
      progress.log('submitted application_1_0001');
      expect(out.text()).toBe('submitted application_1_0001\n');
    }
  });
});
