// main()'s lines as the AM keeps them for the attached client: numbered, bounded, read after a seq.
import { describe, expect, it } from 'vitest';
import { ProgramOutput } from '../../../appmaster/modes/program-output.js';

describe('ProgramOutput', () => {
  it('numbers the lines; a read after a seq gets the later ones and the next seq to ask after', () => {
    const out = new ProgramOutput(10, () => Date.UTC(2026, 0, 2, 3, 4, 5, 6));
    expect(out.read(-1)).toEqual({ lines: [], next: -1, ended: false, dropped: 0 });
    out.append('log', 'a');
    out.append('stdout', 'b');
    expect(out.read(-1)).toEqual({
      lines: [
        { seq: 0, time: '2026-01-02T03:04:05.006Z', stream: 'log', text: 'a' },
        { seq: 1, time: '2026-01-02T03:04:05.006Z', stream: 'stdout', text: 'b' },
      ],
      next: 1,
      ended: false,
      dropped: 0,
    });
    out.append('stderr', 'c');
    expect(out.read(1)).toMatchObject({ lines: [{ seq: 2, text: 'c' }], next: 2, dropped: 0 });
  });

  it('keeps at most its bound: the oldest go, and a reader behind them is told how many it missed', () => {
    const out = new ProgramOutput(3);
    for (let i = 0; i < 5; i++) out.append('log', `line ${i}`);
    const read = out.read(-1);
    expect(read.lines.map((l) => l.text)).toEqual(['line 2', 'line 3', 'line 4']);
    expect(read.dropped).toBe(2);
    expect(out.read(2).dropped).toBe(0);
    expect(out.read(0).dropped).toBe(1);
  });

  it("ends with main()'s value or error; lines after the end are ignored; RUNNING until then", () => {
    const out = new ProgramOutput();
    expect(out.program()).toEqual({ state: 'RUNNING' });
    out.finish({ ok: true, result: [1, 2] });
    out.append('log', 'late');
    expect(out.read(-1)).toEqual({ lines: [], next: -1, ended: true, dropped: 0 });
    expect(out.program()).toEqual({ state: 'RETURNED', result: [1, 2] });
    const failed = new ProgramOutput();
    failed.finish({ ok: false, error: 'Error: boom' });
    expect(failed.program()).toEqual({ state: 'FAILED', error: 'Error: boom' });
    const nothing = new ProgramOutput();
    nothing.finish({ ok: true });
    expect(nothing.program()).toEqual({ state: 'RETURNED' });
  });

  it('collected() resolves once a client read the end, or after its bound', async () => {
    const out = new ProgramOutput();
    out.finish({ ok: true, result: 1 });
    let collected = false;
    const waiting = out.collected(60_000).then(() => (collected = true));
    await Promise.resolve();
    expect(collected).toBe(false);
    out.program();
    await waiting;
    expect(collected).toBe(true);
    await out.collected(60_000); // already read: at once
    await new ProgramOutput().collected(1); // nobody reads: the bound
  });
});
