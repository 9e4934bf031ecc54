import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { statusLine } from '../../../cli/terminal/status-line.js';

function sink(isTTY: boolean): Writable & { isTTY: boolean; columns: number; text: () => string } {
  const chunks: string[] = [];
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return Object.assign(w, { isTTY, columns: 20, text: () => chunks.join('') });
}

describe('statusLine', () => {
  it('draws nothing on a pipe and prints plain lines', () => {
    const out = sink(false);
    const s = statusLine(out);
    s.update('3/10 tasks');
    s.log('job finished');
    s.done();
    expect(s.isLive).toBe(false);
    expect(out.text()).toBe('job finished\n');
  });

  it('redraws in place on a TTY, throttled, with lines above it, and clears at the end', () => {
    const out = sink(true);
    let t = 0;
    const s = statusLine(out, { now: () => t });
    s.update('1/10');
    t = 50;
    s.update('2/10'); // within 100 ms of the last draw: skipped
    t = 150;
    s.update('3/10');
    s.log('task 2 failed');
    s.done();
    s.update('4/10');
    expect(out.text()).toBe('\r\x1b[2K1/10\r\x1b[2K3/10\r\x1b[2Ktask 2 failed\n3/10\r\x1b[2K');
  });

  it('cuts text to the terminal width and stays off when disabled', () => {
    const out = sink(true);
    statusLine(out).update('x'.repeat(40));
    expect(out.text()).toBe(`\r\x1b[2K${'x'.repeat(18)}…`);
    const quiet = sink(true);
    const q = statusLine(quiet, { disabled: true });
    q.update('hidden');
    expect(q.isLive).toBe(false);
    expect(quiet.text()).toBe('');
  });
});
