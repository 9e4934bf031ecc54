// The one parser of typed command-line values: every command refuses a bad value the same way,
// naming the flag, quoting the value and showing a good one.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commanderErrorLine } from '../../cli/commander-errors.js';
import {
  applicationIdOption,
  JAVA_INT_MAX,
  jobIdOption,
  keyValueOption,
  memorySizeOption,
  wholeNumberOption,
} from '../../cli/option-values.js';
import { UsageError } from '../../cli/usage-error.js';

const P = { flag: '-p', noun: 'a parallelism', min: 1, max: 10_000, example: 4 };
const S = { flag: '-s', noun: 'a number of slots', min: 1, example: 2 };

describe('wholeNumberOption', () => {
  it('reads decimal digits within the range', () => {
    expect(wholeNumberOption('4', P)).toBe(4);
    expect(wholeNumberOption(' 10000 ', P)).toBe(10_000);
    expect(wholeNumberOption(String(JAVA_INT_MAX), S)).toBe(JAVA_INT_MAX);
  });

  it('refuses what is not a whole number, below the minimum, or above the maximum (a Java int by default)', () => {
    for (const bad of ['abc', '', '1.5', '-1', '+3', '0x10', '1e3', '0']) {
      expect(() => wholeNumberOption(bad, P)).toThrow(
        new UsageError(`-p "${bad}" is not a parallelism: give a whole number from 1 to 10000, e.g. -p 4`),
      );
    }
    expect(() => wholeNumberOption('10001', P)).toThrow(new UsageError('-p "10001" is too large: give at most 10000, e.g. -p 4'));
    expect(() => wholeNumberOption('0', S)).toThrow(
      new UsageError('-s "0" is not a number of slots: give a whole number of at least 1, e.g. -s 2'),
    );
    expect(() => wholeNumberOption('2147483648', S)).toThrow(
      new UsageError('-s "2147483648" is too large: give at most 2147483647, e.g. -s 2'),
    );
  });
});

describe('the other typed values', () => {
  it('memory sizes: the flag and an example in the message, as a UsageError', () => {
    expect(memorySizeOption('1g', '-tm').mebibytes).toBe(1024);
    expect(() => memorySizeOption('1x', '-tm')).toThrow(UsageError);
    expect(() => memorySizeOption('1x', '-tm')).toThrow(/^-tm="1x" has an unknown unit "x": write a number with a unit, e.g. 1024m/);
  });

  it("application ids in Hadoop's text form", () => {
    expect(applicationIdOption('application_1700000000000_7', '-id')).toBe('application_1700000000000_0007');
    for (const bad of ['foo', 'application_1', 'application_x_1', 'app_1_1', '12345']) {
      expect(() => applicationIdOption(bad, '-id')).toThrow(
        new UsageError(
          `-id "${bad}" is not a YARN application id: write application_<clusterTimestamp>_<sequence>, as loom list-clusters and loom yarn application -list print it`,
        ),
      );
    }
  });

  it('job ids: 32 hex digits', () => {
    expect(jobIdOption('0123456789ABCDEF0123456789abcdef')).toBe('0123456789abcdef0123456789abcdef');
    expect(() => jobIdOption('deadbeef')).toThrow(
      new UsageError('"deadbeef" is not a Loom job id: job ids are 32 hex digits, as loom list prints them'),
    );
  });

  it('key=value, the value may be empty or hold =', () => {
    expect(keyValueOption('a.b=c=d', '-D', 'x=1')).toEqual(['a.b', 'c=d']);
    expect(keyValueOption('a.b=', '-D', 'x=1')).toEqual(['a.b', '']);
    for (const bad of ['novalue', '=v', ' =v'])
      expect(() => keyValueOption(bad, '-D', 'x=1')).toThrow(new UsageError(`-D "${bad}" is not key=value: write e.g. -D x=1`));
  });
});

describe("commander's usage errors as one line", () => {
  function errorOf(cmd: Command, argv: string[]): string {
    let written = '';
    cmd.exitOverride().configureOutput({
      writeErr: () => {},
      outputError: (text) => (written = commanderErrorLine(text, cmd, 'yarn-session', { '-jm': '--jobManagerMemory' })),
    });
    expect(() => cmd.parse(argv, { from: 'user' })).toThrow();
    return written;
  }
  const session = () => new Command('yarn-session').option('--jobManagerMemory <size>').option('-d, --detached');

  it('names the command, the problem with the flag as typed, and the help', () => {
    expect(errorOf(session(), ['--detachd'])).toBe(
      "yarn-session: unknown option '--detachd', did you mean --detached? (see yarn-session --help)",
    );
    expect(errorOf(session(), ['--jobManagerMemory'])).toBe('yarn-session: option -jm <size> needs a value (see yarn-session --help)');
    expect(errorOf(session(), ['a', 'b'])).toBe(
      "yarn-session: unexpected arguments 'a' 'b': yarn-session takes no arguments (see yarn-session --help)",
    );
    expect(errorOf(new Command('x').argument('<jobId>'), [])).toBe(
      "yarn-session: missing required argument 'jobId' (see yarn-session --help)",
    );
  });
});
