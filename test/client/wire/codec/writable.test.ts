import { describe, expect, it } from 'vitest';
import { CodecError } from '../../../../client/wire/codec/codec-error.js';
import { encodeText, encodeVInt, encodeVLong, WritableReader } from '../../../../client/wire/codec/writable.js';

// Hand-derived from the WritableUtils layout: 1 byte for -112..127, else a sign/length byte
// (-113..-120 positive, -121..-128 negative one's complement) and big-endian magnitude.
const VLONG_VECTORS: [bigint, string][] = [
  [0n, '00'],
  [127n, '7f'],
  [-1n, 'ff'],
  [-112n, '90'],
  [128n, '8f80'],
  [255n, '8fff'],
  [256n, '8e0100'],
  [-113n, '8770'],
  [-129n, '8780'],
  [-257n, '860100'],
  [2147483647n, '8c7fffffff'],
  [-2147483648n, '847fffffff'],
  [9223372036854775807n, '887fffffffffffffff'],
  [-9223372036854775808n, '807fffffffffffffff'],
];

describe('WritableUtils vlong/vint', () => {
  it.each(VLONG_VECTORS)('encodes and decodes %s as %s', (value, hex) => {
    expect(encodeVLong(value).toString('hex')).toBe(hex);
    const reader = new WritableReader(Buffer.from(hex, 'hex'));
    expect(reader.readVLong('v')).toBe(value);
    expect(reader.remaining).toBe(0);
  });

  it('round-trips every int in a sweep around the single-byte boundaries', () => {
    for (let v = -70000; v <= 70000; v += 7) {
      expect(new WritableReader(encodeVInt(v)).readVInt('v')).toBe(v);
    }
  });

  it('refuses a vint that does not fit in 32 bits', () => {
    expect(() => new WritableReader(encodeVLong(2n ** 31n)).readVInt('count')).toThrow(/does not fit in a 32-bit vint/);
  });

  it('throws CodecError on truncation', () => {
    expect(() => new WritableReader(Buffer.from('8e01', 'hex')).readVLong('count')).toThrow(CodecError);
    expect(() => new WritableReader(Buffer.alloc(0)).readVInt('count')).toThrow(/truncated count/);
  });

  it('refuses an 8-byte magnitude above 63 bits', () => {
    expect(() => new WritableReader(Buffer.from('88ffffffffffffffff', 'hex')).readVLong('v')).toThrow(CodecError);
  });
});

describe('Text', () => {
  it('is a vint byte length followed by UTF-8', () => {
    expect(encodeText('').toString('hex')).toBe('00');
    expect(encodeText('amrm').toString('hex')).toBe('04616d726d');
    expect(encodeText('é').toString('hex')).toBe('02c3a9');
    const long = 'x'.repeat(200);
    expect(encodeText(long).subarray(0, 2).toString('hex')).toBe('8fc8');
    expect(new WritableReader(encodeText(long)).readText('t')).toBe(long);
  });

  it('refuses negative and absurd lengths', () => {
    expect(() => new WritableReader(Buffer.from('ff', 'hex')).readText('alias')).toThrow(/alias length .* negative/);
    expect(() => new WritableReader(Buffer.from('8c7fffffff41', 'hex')).readText('alias')).toThrow(
      /truncated alias: length .* says 2147483647 bytes but only 1 remain/,
    );
  });
});
