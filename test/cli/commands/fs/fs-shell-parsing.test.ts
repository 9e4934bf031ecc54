/**
 * The pieces of `loom fs` that read command lines and print numbers the way Hadoop does:
 * CommandFormat, ChmodParser, TraditionalBinaryPrefix.long2String, GlobPattern/GlobExpander,
 * PathData.relativize.
 */
import { describe, expect, it } from 'vitest';
import { ChmodMode } from '../../../../cli/commands/fs/chmod-mode.js';
import { parseCommandFormat } from '../../../../cli/commands/fs/command-format.js';
import { humanSize } from '../../../../cli/commands/fs/human-size.js';
import { relativize } from '../../../../cli/commands/fs/path-data.js';
import { ShellUsageError } from '../../../../cli/commands/fs/shell-errors.js';
import { componentMatcher, expandBraces, hasWildcard, unescapeGlob } from '../../../../client/hadoop/hdfs/hdfs-glob.js';

describe('CommandFormat', () => {
  const spec = { command: '-x', min: 1, max: 2, flags: ['R', 'skipTrash'], valued: ['s'] };
  it('takes whole-word options first, stops at the first argument, "--" or "-"', () => {
    const args = ['-R', '-skipTrash', '-s', '50', 'a', '-R'];
    expect(() => parseCommandFormat(args, spec)).not.toThrow();
    expect(args).toEqual(['a', '-R']);
    const dashed = ['--', '-R'];
    expect([...parseCommandFormat(dashed, spec).flags]).toEqual([]);
    expect(dashed).toEqual(['-R']);
    expect(parseCommandFormat(['-', 'b'], spec).flags.size).toBe(0);
  });
  it('refuses unknown options by name and wrong argument counts', () => {
    expect(() => parseCommandFormat(['-Rs', 'a'], spec)).toThrow(new ShellUsageError('Illegal option -Rs'));
    expect(() => parseCommandFormat(['-R'], spec)).toThrow('Not enough arguments: expected 1 but got 0');
    expect(() => parseCommandFormat(['a', 'b', 'c'], spec)).toThrow('Too many arguments: expected 2 but got 3');
    expect(() => parseCommandFormat(['-w', 'a'], { ...spec, unsupported: { w: 'why' } })).toThrow(
      '-w is not supported by loom fs -x (why)',
    );
  });
});

describe('ChmodParser', () => {
  const apply = (mode: string, existing: number, dir = false) => new ChmodMode(mode).apply(existing, dir).toString(8);
  it('octal: 3 digits, or 4 with a leading 0/1 sticky bit', () => {
    expect(apply('755', 0o644)).toBe('755');
    expect(apply('1777', 0o755, true)).toBe('1777');
    expect(apply('0644', 0o1777)).toBe('644');
    expect(() => new ChmodMode('9')).toThrow();
    expect(() => new ChmodMode('2755')).toThrow();
    expect(() => new ChmodMode('75')).toThrow();
  });
  it('symbolic: +, -, = per class, the last clause naming a class wins, X and t', () => {
    expect(apply('go-rx', 0o755, true)).toBe('700');
    expect(apply('u=rwx,g+w,o+t', 0o755, true)).toBe('1775');
    expect(apply('+X', 0o644)).toBe('644'); // a file nobody may execute stays so
    expect(apply('+X', 0o744)).toBe('755');
    expect(apply('+X', 0o644, true)).toBe('755');
    expect(apply('a=r', 0o777)).toBe('444');
    expect(apply('-w', 0o644)).toBe('444');
    expect(apply('u+r,u+w', 0o400)).toBe('600');
    expect(apply('u+w,u-r', 0o600)).toBe('200');
    expect(() => new ChmodMode('u+x g+w')).toThrow();
    expect(() => new ChmodMode('u+q')).toThrow();
  });
});

describe('TraditionalBinaryPrefix.long2String', () => {
  it('prints as hdfs dfs -h does', () => {
    expect([0, 5, 1023, 1024, 1536, 2000, 3145800, 1048575, 1073741824, 5 * 2 ** 40 + 2 ** 39, -2048].map(humanSize)).toEqual([
      '0',
      '5',
      '1023',
      '1 K',
      '1.5 K',
      '2.0 K',
      '3.0 M',
      '1.0 M',
      '1 G',
      '5.5 T',
      '-2 K',
    ]);
  });
});

describe('globs', () => {
  it('knows a pattern from a plain path, quoting included', () => {
    expect(['/a/*', '/a/?', '/a/[ab]', '/a/{b,c}'].every(hasWildcard)).toBe(true);
    expect(['/a/b', '/a/\\*', 'x,y}'].some(hasWildcard)).toBe(false);
    expect(unescapeGlob('/a/\\{x')).toBe('/a/{x');
  });
  it('expands {a,b} (nested, across slashes) left to right', () => {
    expect(expandBraces('/t/{a,tree}')).toEqual(['/t/a', '/t/tree']);
    expect(expandBraces('/{a/b,c{d,e}}/f')).toEqual(['/a/b/f', '/cd/f', '/ce/f']);
    expect(expandBraces('/a/\\{x')).toEqual(['/a/\\{x']);
    expect(() => expandBraces('/a/{b')).toThrow(/Illegal file pattern/);
  });
  it('matches whole names: * ? [..] [!..] [^..] and quoted characters', () => {
    const m = (p: string, name: string) => componentMatcher(p).test(name);
    expect(m('*.bin', 'big.bin')).toBe(true);
    expect(m('*.bin', 'big.bin.x')).toBe(false);
    expect(m('*', '.Trash')).toBe(true);
    expect(m('?mpty', 'empty')).toBe(true);
    expect(m('[et]*', 'tail.txt')).toBe(true);
    expect(m('[!et]*', 'tail.txt')).toBe(false);
    expect(m('[^et]*', 'big.bin')).toBe(true);
    expect(m('[a-c]x', 'bx')).toBe(true);
    expect(m('a\\*b', 'a*b')).toBe(true);
    expect(m('a\\*b', 'axb')).toBe(false);
    expect(m('a.b', 'axb')).toBe(false);
    expect(() => componentMatcher('[ab')).toThrow(/Unclosed character class/);
  });
});

describe('PathData.relativize', () => {
  it('prints a path relative to the working directory as Hadoop does', () => {
    expect(relativize('/user/root', '/user/root', true)).toBe('.');
    expect(relativize('/user/root', '/user/root/rel/a.txt', false)).toBe('rel/a.txt');
    expect(relativize('/user/root', '/user', true)).toBe('..');
    expect(relativize('/user/root', '/tmp/x', false)).toBe('../../tmp/x');
    expect(relativize('/user/root', '/user/rooty', true)).toBe('../rooty');
  });
});
