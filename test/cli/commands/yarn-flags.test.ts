// Flink's older run syntax: -y flags up to the bundle, -m yarn-cluster, and -t targets.
import { describe, expect, it } from 'vitest';
import { checkTarget, extractYarnFlags, UsageError, VALUE_OPTIONS } from '../../../cli/commands/cluster-options.js';

describe('extractYarnFlags', () => {
  it('turns -y flags before the bundle into configuration and leaves the rest, and whatever follows the bundle, alone', () => {
    const { argv, properties } = extractYarnFlags(
      [
        '-yjm',
        '1g',
        '-c',
        '-ynm',
        '-ytm',
        '2048m',
        '-ys',
        '2',
        '-ynm',
        'wc',
        '-yqu',
        'etl',
        '-yDa.b=c',
        '-yD',
        'x=y=z',
        '-yid',
        'application_1_0002',
        '-yt',
        'a.txt',
        '-yt',
        'dir',
        '-p',
        '4',
        'wc.mjs',
        '-yjm',
        'kept',
      ],
      VALUE_OPTIONS,
    );
    // -c takes a value: "-ynm" right after it is the export name, not a flag.
    expect(argv).toEqual(['-c', '-ynm', '-p', '4', 'wc.mjs', '-yjm', 'kept']);
    expect(properties).toEqual([
      'jobmanager.memory.process.size=1g',
      'taskmanager.memory.process.size=2048m',
      'taskmanager.numberOfTaskSlots=2',
      'yarn.application.name=wc',
      'yarn.application.queue=etl',
      'a.b=c',
      'x=y=z',
      'yarn.application.id=application_1_0002',
      'yarn.ship-files=a.txt;dir',
    ]);
  });

  it('names an unknown -y flag with the ones Loom knows, and checks values with the flag in the message', () => {
    expect(() => extractYarnFlags(['-yn', '2', 'wc.mjs'], VALUE_OPTIONS)).toThrow(
      new UsageError('unknown flag -yn: the -y flags Loom knows are -yjm, -ytm, -ys, -ynm, -yqu, -yid, -yt, -yD (or use -D <key>=<value>)'),
    );
    expect(() => extractYarnFlags(['-ys', 'two', 'wc.mjs'], VALUE_OPTIONS)).toThrow(
      '-ys "two" is not a number of slots: give a whole number of at least 1, e.g. -ys 2',
    );
    expect(() => extractYarnFlags(['-yjm', '1q', 'wc.mjs'], VALUE_OPTIONS)).toThrow(/-yjm="1q" has an unknown unit "q"/);
    expect(() => extractYarnFlags(['-yD', 'novalue', 'wc.mjs'], VALUE_OPTIONS)).toThrow(
      '-yD "novalue" is not key=value: write e.g. -yD taskmanager.numberOfTaskSlots=2',
    );
    expect(() => extractYarnFlags(['-yid', 'app_1', 'wc.mjs'], VALUE_OPTIONS)).toThrow(
      /^-yid "app_1" is not a YARN application id: write application_<clusterTimestamp>_<sequence>/,
    );
    expect(() => extractYarnFlags(['-yqu'], VALUE_OPTIONS)).toThrow('-yqu needs a value');
  });
});

describe('checkTarget', () => {
  const RUN = ['remote', 'yarn-session', 'yarn-per-job'] as const;
  it('defaults, accepts the valid ones, and reads -m yarn-cluster as yarn-per-job', () => {
    expect(checkTarget(undefined, undefined, RUN, 'yarn-session')).toBe('yarn-session');
    expect(checkTarget('remote', undefined, RUN, 'yarn-session')).toBe('remote');
    expect(checkTarget(undefined, 'yarn-cluster', RUN, 'yarn-session')).toBe('yarn-per-job');
    expect(checkTarget('yarn-per-job', 'yarn-cluster', RUN, 'yarn-session')).toBe('yarn-per-job');
  });

  it('lists the valid targets for an unknown one, and points application mode at its command', () => {
    expect(() => checkTarget('kubernetes-session', undefined, RUN, 'yarn-session')).toThrow(
      'unknown target -t kubernetes-session: use one of remote, yarn-session, yarn-per-job',
    );
    expect(() => checkTarget('yarn-application', undefined, RUN, 'yarn-session')).toThrow(
      /use one of remote, yarn-session, yarn-per-job \(application mode has its own command: loom run-application/,
    );
    expect(() => checkTarget('yarn-session', 'yarn-cluster', RUN, 'yarn-session')).toThrow(
      '-m yarn-cluster means -t yarn-per-job, but -t yarn-session was given too: keep one',
    );
  });
});
