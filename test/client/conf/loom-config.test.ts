import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../client/conf/configuration-error.js';
import { parseLoomDuration } from '../../../client/conf/loom-config-duration.js';
import { LoomConfig, LoomOptions, parseDynamicProperty } from '../../../client/conf/loom-config.js';
import { TempConfDirs } from './temp-conf-dir.js';

const dirs = new TempConfDirs();
afterEach(() => dirs.cleanup());

const MiB = 1024 * 1024;

function errorOf(fn: () => unknown): ConfigurationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigurationError);
    return e as ConfigurationError;
  }
  throw new Error('expected a ConfigurationError');
}

describe('LoomConfig defaults', () => {
  it('reads the default of every option when nothing is set', () => {
    const c = LoomConfig.empty();
    expect(c.get(LoomOptions.taskSlots)).toBe(1);
    expect(c.get(LoomOptions.applicationAttempts)).toBe(2);
    expect(c.get(LoomOptions.maximumFailedContainers)).toBeUndefined();
    expect(c.get(LoomOptions.stagingDirectory)).toBeUndefined();
    expect(c.get(LoomOptions.providedLibDirs)).toEqual([]);
    expect(c.get(LoomOptions.nodePath)).toBe('node');
    expect(c.get(LoomOptions.taskExecutorAmTimeout)).toBe(60_000);
    expect(c.get(LoomOptions.taskExecutorIdleTimeout)).toBe(30_000);
    expect(c.get(LoomOptions.clientHeartbeatTimeout)).toBe(60_000);
    expect(c.get(LoomOptions.jobManagerMemory)).toEqual({ bytes: 1024 * MiB, mebibytes: 1024 });
    expect(c.get(LoomOptions.taskManagerMemory).mebibytes).toBe(1024);
    expect(c.get(LoomOptions.restPort)).toBe(0);
    // Unset, Loom keeps its retry of lost TaskExecutors' tasks: fixed-delay from loom.task.max-attempts (3).
    expect(c.restartStrategy()).toEqual({ type: 'fixed-delay', attempts: 2, delayMs: 0, fromTaskMaxAttempts: true });
  });
});

describe('LoomConfig from loom.yaml', () => {
  it('accepts flat Flink keys and nested maps in one file, keeping scalars as written', () => {
    const dir = dirs.make({
      'loom.yaml': [
        '# flink-conf.yaml style',
        'jobmanager.memory.process.size: 1536m',
        'taskmanager.numberOfTaskSlots: 2',
        '# config.yaml style',
        'taskmanager:',
        '  memory:',
        '    process.size: 2g',
        'loom:',
        '  taskexecutor:',
        '    idle-timeout: 2 min',
        'yarn:',
        '  provided.lib.dirs: [hdfs:///loom/runtime-1, "hdfs:///loom/libs"]',
        '  staging-directory: hdfs:///tmp/staging',
        'my.own.key: 1.50',
        'my.big.number: 12345678901234567890',
        'quoted: "a: b"',
        '',
      ].join('\n'),
    });
    const c = LoomConfig.load({ confDir: dir, env: {} });
    expect(c.file).toBe(join(dir, 'loom.yaml'));
    expect(c.get(LoomOptions.jobManagerMemory).mebibytes).toBe(1536);
    expect(c.get(LoomOptions.taskSlots)).toBe(2);
    expect(c.get(LoomOptions.taskManagerMemory).mebibytes).toBe(2048);
    expect(c.get(LoomOptions.taskExecutorIdleTimeout)).toBe(120_000);
    expect(c.get(LoomOptions.providedLibDirs)).toEqual(['hdfs:///loom/runtime-1', 'hdfs:///loom/libs']);
    expect(c.get(LoomOptions.stagingDirectory)).toBe('hdfs:///tmp/staging');
    expect(c.getString('my.own.key')).toBe('1.50');
    expect(c.getString('my.big.number')).toBe('12345678901234567890');
    expect(c.getString('quoted')).toBe('a: b');
    expect(c.sourceOf('taskmanager.numberOfTaskSlots')).toBe(`${join(dir, 'loom.yaml')}:3`);
    expect(c.sourceOf('taskmanager.memory.process.size')).toBe(`${join(dir, 'loom.yaml')}:7`);
    expect(c.warnings()).toEqual([]);
  });

  it('-D overrides the file, and the file overrides defaults', () => {
    const dir = dirs.make({ 'loom.yaml': 'taskmanager.numberOfTaskSlots: 2\nloom.node.path: /opt/node/bin/node\n' });
    const c = LoomConfig.load({ confDir: dir, env: {}, dynamicProperties: ['taskmanager.numberOfTaskSlots=4', 'user.arg=a=b'] });
    expect(c.get(LoomOptions.taskSlots)).toBe(4);
    expect(c.sourceOf('taskmanager.numberOfTaskSlots')).toBe('-D');
    expect(c.get(LoomOptions.nodePath)).toBe('/opt/node/bin/node');
    expect(c.getString('user.arg')).toBe('a=b');
    expect(c.get(LoomOptions.taskExecutorAmTimeout)).toBe(60_000);
  });

  it('a bad value in the file is fine when -D replaces it; a bad -D is an error naming -D', () => {
    const dir = dirs.make({ 'loom.yaml': 'taskmanager.memory.process.size: lots\n' });
    expect(
      LoomConfig.load({ confDir: dir, env: {}, dynamicProperties: { 'taskmanager.memory.process.size': '2g' } }).get(
        LoomOptions.taskManagerMemory,
      ).mebibytes,
    ).toBe(2048);
    const err = errorOf(() => LoomConfig.load({ confDir: dir, env: {}, dynamicProperties: ['taskmanager.memory.process.size=4x'] }));
    expect(err.message).toBe(
      'taskmanager.memory.process.size="4x" (from -D) has an unknown unit "x": write a number with a unit, e.g. 1024m, 4g or 1.5g (units b, k, m, g, t; kb, mb, gb also accepted; a number alone means MiB)',
    );
    expect(err.key).toBe('taskmanager.memory.process.size');
  });

  it('every size option is range-checked where it is read: process sizes below 512 MiB, an empty REST body limit', () => {
    const dir = dirs.make({ 'loom.yaml': 'taskmanager.memory.process.size: 256m\n' });
    const fromFile = errorOf(() => LoomConfig.load({ confDir: dir, env: {} }));
    expect(fromFile.message).toBe(
      `taskmanager.memory.process.size="256m" (from ${join(dir, 'loom.yaml')}:1) is 256 MiB, less than the 512 MiB a Loom TaskExecutor needs (Node.js does not fit in less under YARN's virtual memory check): give taskmanager.memory.process.size=512m or more`,
    );
    expect(fromFile.key).toBe('taskmanager.memory.process.size');
    expect(
      errorOf(() => LoomConfig.load({ env: {}, cwd: dirs.make(), dynamicProperties: ['rest.server.max-content-length=0'] })).message,
    ).toMatch(
      /^rest\.server\.max-content-length="0" \(from -D\) is 0 bytes, less than the 1 byte a request body needs .*: give rest\.server\.max-content-length=1b or more$/,
    );
    expect(
      LoomConfig.load({ env: {}, cwd: dirs.make(), dynamicProperties: ['jobmanager.memory.process.size=0.5g'] }).get(
        LoomOptions.jobManagerMemory,
      ).mebibytes,
    ).toBe(512);
    expect(() => LoomOptions.jobManagerMemory.parseFlag('-yjm', '511m')).toThrow(
      /^-yjm="511m" is 511 MiB, less than the 512 MiB a Loom ApplicationMaster needs .*: give -yjm 512m or more$/,
    );
  });

  it('finds loom.yaml through LOOM_CONF_DIR, then ./conf; a missing explicit file is an error', () => {
    const dir = dirs.make({ 'loom.yaml': 'parallelism.default: 3\n' });
    expect(LoomConfig.load({ env: { LOOM_CONF_DIR: dir } }).get(LoomOptions.defaultParallelism)).toBe(3);
    const cwd = dirs.make();
    expect(LoomConfig.load({ env: {}, cwd }).keys()).toEqual([]);
    const empty = dirs.make();
    expect(errorOf(() => LoomConfig.load({ env: { LOOM_CONF_DIR: empty } })).message).toBe(
      `${join(empty, 'loom.yaml')} does not exist (LOOM_CONF_DIR is ${empty}): create loom.yaml there, or point LOOM_CONF_DIR at the directory that holds it`,
    );
  });

  it('bad YAML: the error names the file, line and column', () => {
    const dir = dirs.make({ 'loom.yaml': 'taskmanager.numberOfTaskSlots: 2\nyarn.provided.lib.dirs: [a, b\nparallelism.default: 1\n' });
    const err = errorOf(() => LoomConfig.load({ confDir: dir, env: {} }));
    expect(err.message).toMatch(
      new RegExp(
        `^${join(dir, 'loom.yaml').replace(/[.]/g, '\\.')}:3:1: invalid YAML: .*\\(line 3, column 1\\); fix the file or move it aside$`,
      ),
    );
  });

  it.each([
    ['a duplicate key', 'a: 1\na: 2\n', /^x\.yaml:2:1: invalid YAML: Map keys must be unique/],
    ['a tab indent', 'a:\n\tb: 1\n', /^x\.yaml:2:1: invalid YAML/],
    ['a top-level list', '- a\n- b\n', /^x\.yaml:1:1: expected "key: value" lines$/],
    ['a map inside a list', 'yarn.ship-files:\n  - a\n  - {b: c}\n', /^x\.yaml:3:5: yarn\.ship-files: list items must be plain values$/],
    ['a complex key', '? [a, b]\n: c\n', /^x\.yaml:1:3: a key must be a plain name/],
  ])('%s is refused with its position', (_what, text, message) => {
    expect(errorOf(() => LoomConfig.fromYaml(text, 'x.yaml')).message).toMatch(message);
  });

  it('checks every known key at load and lists all bad values at once', () => {
    const err = errorOf(() =>
      LoomConfig.fromYaml(
        'taskmanager.numberOfTaskSlots: two\nloom.taskexecutor.am-timeout: soon\nrestart-strategy: sometimes\nyarn.application-attempts: 0\n',
        'loom.yaml',
      ),
    );
    expect(err.message.split('\n')).toEqual([
      '4 configuration values are invalid:',
      '  yarn.application-attempts="0" (from loom.yaml:4) is not allowed: it must be at least 1',
      '  taskmanager.numberOfTaskSlots="two" (from loom.yaml:1) is not a whole number (e.g. taskmanager.numberOfTaskSlots: 1)',
      '  loom.taskexecutor.am-timeout="soon" (from loom.yaml:2) is not a duration: write a whole number with a unit, e.g. 30 s, 500 ms, 5 min or 1 h (units ms, s, min, h, d; a number alone means milliseconds)',
      '  restart-strategy="sometimes" (from loom.yaml:3) is not one of none, fixed-delay, exponential-delay, failure-rate',
    ]);
  });

  it('refuses likely typos of the keys Loom reads, naming the file, the line and the key meant', () => {
    const err = errorOf(() =>
      LoomConfig.fromYaml(
        'taskmanager.numberOfTaskslots: 2\nyarn.aplication-attempts: 3\nmy.setting: x\ntaskmanager.number_of_task_slots: 3\n',
        'loom.yaml',
      ),
    );
    expect(err.message).toBe(
      '3 unknown keys: ' +
        [
          'loom.yaml:1: taskmanager.numberOfTaskslots is not a key Loom knows; did you mean taskmanager.numberOfTaskSlots? (correct it, or Loom runs without the setting)',
          'loom.yaml:2: yarn.aplication-attempts is not a key Loom knows; did you mean yarn.application-attempts? (correct it, or Loom runs without the setting)',
          'loom.yaml:4: taskmanager.number_of_task_slots is not a key Loom knows; did you mean taskmanager.numberOfTaskSlots? (correct it, or Loom runs without the setting)',
        ].join('; '),
    );
    const nested = errorOf(() => LoomConfig.fromYaml('taskmanager:\n  numberOfTaskSlot: 2\n', '/etc/loom/loom.yaml'));
    expect(nested.message).toBe(
      '/etc/loom/loom.yaml:2: taskmanager.numberOfTaskSlot is not a key Loom knows; did you mean taskmanager.numberOfTaskSlots? (correct it, or Loom runs without the setting)',
    );
  });

  it("keeps the user's own keys and Hadoop's silently, and warns about Flink options Loom does not support", () => {
    const c = LoomConfig.fromYaml(
      'my.setting: x\nyarn.resourcemanager.connect.max-wait.ms: 5000\ndfs.replication: 2\nflink.hadoop.dfs.blocksize: 64m\nstate.backend.type: rocksdb\nyarn.ship-archives: a.zip\n',
      'loom.yaml',
    );
    expect(c.getString('my.setting')).toBe('x');
    expect(c.getString('yarn.resourcemanager.connect.max-wait.ms')).toBe('5000');
    expect(c.warnings()).toEqual([
      'loom.yaml:5: state.backend.type is a Flink option Loom does not support; it has no effect',
      'loom.yaml:6: yarn.ship-archives is a Flink option Loom does not support; it has no effect',
    ]);
  });

  it('warns about empty values and keys set twice', () => {
    const c = LoomConfig.fromYaml('parallelism.default:\nrest.port: 1\nrest:\n  port: 2\n', 'loom.yaml');
    expect(c.get(LoomOptions.restPort)).toBe(2);
    expect(c.has('parallelism.default')).toBe(false);
    expect(c.warnings()).toEqual([
      'loom.yaml:1: parallelism.default has no value and is ignored; give it a value or remove the line',
      'loom.yaml:4: rest.port is also set at loom.yaml:2; the later value "2" is used',
    ]);
  });

  it("reads restart strategies in Flink's shapes, new key over old", () => {
    const fixed = LoomConfig.fromYaml(
      'restart-strategy: fixed-delay\nrestart-strategy.fixed-delay.attempts: 3\nrestart-strategy.fixed-delay.delay: 2 s\n',
    );
    expect(fixed.restartStrategy()).toEqual({ type: 'fixed-delay', attempts: 3, delayMs: 2000 });
    const expo = LoomConfig.fromYaml(
      'restart-strategy:\n  type: exponential-delay\n  exponential-delay:\n    max-backoff: 10 s\n    backoff-multiplier: 2.0\n',
    );
    expect(expo.restartStrategy()).toEqual({
      type: 'exponential-delay',
      initialBackoffMs: 1000,
      maxBackoffMs: 10_000,
      multiplier: 2,
      resetThresholdMs: 3_600_000,
      jitter: 0.1,
      attempts: 2_147_483_647,
    });
    expect(LoomConfig.fromYaml('restart-strategy: fixed-delay\nrestart-strategy.type: none\n').restartStrategy()).toEqual({ type: 'none' });
    expect(LoomConfig.fromYaml('restart-strategy: off\n').restartStrategy()).toEqual({ type: 'none' });
    const rate = LoomConfig.fromYaml(
      'restart-strategy.type: failure-rate\nrestart-strategy.failure-rate.max-failures-per-interval: 3\nrestart-strategy.failure-rate.failure-rate-interval: 5 min\n',
    );
    expect(rate.restartStrategy()).toEqual({ type: 'failure-rate', maxFailuresPerInterval: 3, intervalMs: 300_000, delayMs: 1000 });
    expect(LoomConfig.fromYaml('loom.task.max-attempts: 5\n').restartStrategy()).toEqual({
      type: 'fixed-delay',
      attempts: 4,
      delayMs: 0,
      fromTaskMaxAttempts: true,
    });
  });

  it('serialises the effective config to YAML that reads back to the same values', () => {
    const c = LoomConfig.fromYaml(
      'taskmanager:\n  numberOfTaskSlots: 2\nmy.key: "0x1F"\nodd: "a: b # c"\nnum: 1.50\nyarn.provided.lib.dirs: [hdfs:///a, hdfs:///b]\n',
    );
    c.addDynamicProperties(['loom.client.heartbeat-timeout=90 s', 'empty.value=']);
    const yaml = c.toYaml();
    const back = LoomConfig.fromYaml(yaml, 'shipped.yaml');
    expect(back.toRecord()).toEqual(c.toRecord());
    expect(back.get(LoomOptions.clientHeartbeatTimeout)).toBe(90_000);
    expect(back.get(LoomOptions.providedLibDirs)).toEqual(['hdfs:///a', 'hdfs:///b']);
    expect(yaml).toContain('taskmanager.numberOfTaskSlots: "2"');

    const withDefaults = LoomConfig.fromYaml(c.toYaml({ includeDefaults: true }));
    expect(withDefaults.getString('loom.taskexecutor.idle-timeout')).toBe('30 s');
    expect(withDefaults.getString('jobmanager.memory.process.size')).toBe('1024m');
    expect(withDefaults.get(LoomOptions.taskSlots)).toBe(2);
    expect(LoomConfig.empty().toYaml()).toBe('{}\n');
  });

  it('set() checks known keys; parseDynamicProperty refuses text without key=value', () => {
    const c = LoomConfig.empty();
    expect(errorOf(() => c.set('rest.port', '-3')).message).toBe(
      'rest.port="-3" (from programmatically) is not allowed: it must be at least 0',
    );
    expect(errorOf(() => c.set('restart-strategy', 'sometimes')).message).toBe(
      'restart-strategy="sometimes" (from programmatically) is not one of none, fixed-delay, exponential-delay, failure-rate',
    );
    expect(c.keys()).toEqual([]);
    expect(parseDynamicProperty(' a.b = c=d ')).toEqual(['a.b', 'c=d']);
    expect(errorOf(() => parseDynamicProperty('novalue')).message).toBe(
      '-D "novalue" is not key=value: write e.g. -Dtaskmanager.numberOfTaskSlots=2',
    );
    expect(errorOf(() => parseDynamicProperty('=x')).message).toMatch(/is not key=value/);
  });
});

describe('parseLoomDuration', () => {
  it.each([
    ['30 s', 30_000],
    ['30s', 30_000],
    ['500ms', 500],
    ['500', 500],
    ['1 min', 60_000],
    ['2 minutes', 120_000],
    ['1h', 3_600_000],
    ['1 d', 86_400_000],
    ['1500 us', 1],
  ])('%s = %d ms', (text, ms) => {
    expect(parseLoomDuration(text)).toBe(ms);
  });

  it.each(['', '1.5 s', '-1 s', '3 fortnights', 's'])('refuses %j', (text) => {
    expect(() => parseLoomDuration(text, 'k')).toThrow(/^k=.* is not a duration: write a whole number with a unit/);
  });
});
