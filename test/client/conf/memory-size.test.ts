import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../client/conf/configuration-error.js';
import { formatMemorySize, parseMemorySize } from '../../../client/conf/memory-size.js';

const MiB = 1024 * 1024;

describe('parseMemorySize', () => {
  it.each([
    ['1024m', 1024 * MiB, 1024],
    ['4g', 4096 * MiB, 4096],
    ['512', 512 * MiB, 512],
    ['1.5g', 1536 * MiB, 1536],
    ['2048 mb', 2048 * MiB, 2048],
    ['2048MB', 2048 * MiB, 2048],
    ['1 GiB', 1024 * MiB, 1024],
    ['3 gibibytes', 3072 * MiB, 3072],
    ['100k', 102_400, 0],
    ['1536 kb', 1536 * 1024, 1],
    ['2t', 2 * 1024 * 1024 * MiB, 2 * 1024 * 1024],
    ['  768m  ', 768 * MiB, 768],
    ['.5g', 512 * MiB, 512],
    ['7b', 7, 0],
    ['0', 0, 0],
  ])('%s', (text, bytes, mebibytes) => {
    expect(parseMemorySize(text)).toEqual({ bytes, mebibytes });
  });

  it("reads a bare number in the unit asked for (bytes, as Flink's MemorySize does)", () => {
    expect(parseMemorySize('4096', { defaultUnit: 'b' }).bytes).toBe(4096);
    expect(parseMemorySize(2, { defaultUnit: 'g' }).mebibytes).toBe(2048);
  });

  it('rounds fractions of a byte down and MiB down', () => {
    expect(parseMemorySize('1.5k')).toEqual({ bytes: 1536, mebibytes: 0 });
    expect(parseMemorySize('1.0000001m').mebibytes).toBe(1);
  });

  it.each([
    ['4x', /has an unknown unit "x"/],
    ['-1g', /is not a memory size/],
    ['', /is not a memory size/],
    ['1g2', /is not a memory size/],
    ['one gig', /is not a memory size/],
    ['1..5g', /is not a memory size/],
    ['99999999999t', /is too large/],
  ])('refuses %j with the key, the value and an example', (text, problem) => {
    let err: unknown;
    try {
      parseMemorySize(text, { key: 'taskmanager.memory.process.size', origin: 'conf/loom.yaml:3' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigurationError);
    const msg = (err as Error).message;
    expect(msg).toMatch(problem);
    expect(msg).toContain(`taskmanager.memory.process.size=${JSON.stringify(text)}`);
    expect(msg).toContain('(from conf/loom.yaml:3)');
    expect(msg).toContain('e.g. 1024m, 4g or 1.5g');
    expect((err as ConfigurationError).key).toBe('taskmanager.memory.process.size');
  });

  it('names a CLI flag the same way', () => {
    expect(() => parseMemorySize('lots', { key: '-jm' })).toThrow(/^-jm="lots" is not a memory size/);
  });
});

describe('formatMemorySize', () => {
  it.each([
    [1024 * MiB, '1g'],
    [1536 * MiB, '1536m'],
    [100 * 1024, '100k'],
    [7, '7b'],
    [0, '0b'],
    [1024 * 1024 * MiB, '1t'],
  ])('%d -> %s', (bytes, text) => {
    expect(formatMemorySize(bytes)).toBe(text);
    expect(parseMemorySize(text).bytes).toBe(bytes);
  });

  it('refuses fractions and negatives', () => {
    expect(() => formatMemorySize(1.5)).toThrow(RangeError);
    expect(() => formatMemorySize(-1)).toThrow(RangeError);
  });
});
