import { describe, expect, it } from 'vitest';
import { OutputLineSplitter } from '../../taskexecutor/output-line-splitter.js';

const b = (s: string) => Buffer.from(s);

describe('OutputLineSplitter', () => {
  it('splits chunks at newlines and holds the partial line until its newline comes', () => {
    const s = new OutputLineSplitter();
    expect(s.push(b('one\ntw'))).toEqual(['one']);
    expect(s.push(b('o\nthree\n\nfour'))).toEqual(['two', 'three', '']);
    expect(s.end()).toBe('four');
    expect(s.end()).toBeUndefined();
  });

  it('drops the \\r of \\r\\n line ends and keeps one inside a line', () => {
    const s = new OutputLineSplitter();
    expect(s.push(b('dos\r\nin\rside\n'))).toEqual(['dos', 'in\rside']);
  });

  it('decodes a UTF-8 character split between two chunks', () => {
    const s = new OutputLineSplitter();
    const euro = b('€ ok\n');
    expect(s.push(euro.subarray(0, 1))).toEqual([]);
    expect(s.push(euro.subarray(1))).toEqual(['€ ok']);
  });

  it('has no partial line when the stream ended on a newline', () => {
    const s = new OutputLineSplitter();
    s.push(b('done\n'));
    expect(s.end()).toBeUndefined();
  });

  it('cuts a line longer than the limit, says how many bytes were cut, and goes on with the next line', () => {
    const s = new OutputLineSplitter(10);
    expect(s.push(b('0123456'))).toEqual([]);
    expect(s.push(b('789abcdef\nshort\n'))).toEqual(['0123456789 [... line cut at 10 bytes: 6 more bytes not kept]', 'short']);
  });

  it('cuts a partial line that never ends at the limit when the stream ends', () => {
    const s = new OutputLineSplitter(4);
    s.push(b('abcdefgh'));
    s.push(b('ij'));
    expect(s.end()).toBe('abcd [... line cut at 4 bytes: 6 more bytes not kept]');
  });

  it('does not leave half a character where the cut falls inside one', () => {
    const s = new OutputLineSplitter(4);
    // "ab€" is 5 bytes: the cut after 4 falls inside the euro sign.
    expect(s.push(b('ab€\n'))).toEqual(['ab [... line cut at 4 bytes: 1 more bytes not kept]']);
  });
});
