import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Configuration, ConfigurationError } from '../../../client/conf/configuration.js';
import { TempConfDirs, siteXml } from './temp-conf-dir.js';

const dirs = new TempConfDirs();
afterEach(() => dirs.cleanup());

const inline = (props: Record<string, string>, finals: string[] = [], name = 'inline-site.xml') => ({ xml: siteXml(props, finals), name });

describe('defaults', () => {
  it("holds Hadoop 3.3.6's values, ${} references included", () => {
    const conf = Configuration.withDefaults({ USER: 'alice' });
    expect(conf.get('fs.defaultFS')).toBe('file:///');
    expect(conf.get('hadoop.security.authentication')).toBe('simple');
    expect(conf.get('hadoop.http.staticuser.user')).toBe('dr.who');
    expect(conf.getRaw('yarn.resourcemanager.address')).toBe('${yarn.resourcemanager.hostname}:8032');
    expect(conf.get('yarn.resourcemanager.address')).toBe('0.0.0.0:8032');
    expect(conf.get('yarn.resourcemanager.scheduler.address')).toBe('0.0.0.0:8030');
    expect(conf.get('yarn.resourcemanager.webapp.address')).toBe('0.0.0.0:8088');
    expect(conf.get('dfs.namenode.http-address')).toBe('0.0.0.0:9870');
    expect(conf.getInt('ipc.client.connect.max.retries.on.timeouts', -1)).toBe(45);
    expect(conf.getInt('ipc.client.rpc-timeout.ms', -1)).toBe(120000);
    expect(conf.getLong('dfs.blocksize', -1)).toBe(128 * 1024 * 1024);
    expect(conf.getInt('yarn.client.max-cached-nodemanagers-proxies', -1)).toBe(0);
    expect(conf.get('yarn.nodemanager.local-dirs')).toBe('/tmp/hadoop-alice/nm-local-dir');
    expect(conf.sourceOf('dfs.replication')).toBe('hdfs-default.xml');
    expect(conf.sourceOf('yarn.http.policy')).toBe('yarn-default.xml');
    // Documented by Hadoop without a value: unset.
    expect(conf.get('yarn.resourcemanager.ha.rm-ids')).toBeUndefined();
    expect(conf.get('yarn.client.failover-max-attempts')).toBeUndefined();
  });
});

describe('${} expansion', () => {
  const env = { USER: 'bob', HOME: '/home/bob', LOOM_X: 'from-env', EMPTY: '' };

  it('expands other keys, env.X with defaults, and system-property-like names', () => {
    const conf = Configuration.withDefaults(env)
      .set('a', '${b}/${c}')
      .set('b', 'B')
      .set('c', '${env.LOOM_X}')
      .set('d', '${env.NOPE:-dflt}|${env.EMPTY:-dflt2}|${env.EMPTY-kept}|${env.NOPE-dash}')
      .set('e', '${user.name}@${user.home}')
      .set('f', '${missing.key} and ${b}')
      .set('nested', '${x${b}}')
      .set('xB', 'inner-first');
    expect(conf.get('a')).toBe('B/from-env');
    expect(conf.getRaw('a')).toBe('${b}/${c}');
    expect(conf.get('d')).toBe('dflt|dflt2||dash');
    expect(conf.get('e')).toBe('bob@/home/bob');
    expect(conf.get('f')).toBe('${missing.key} and B');
    expect(conf.get('nested')).toBe('inner-first');
  });

  it('prefers the system-property value of user.name over a configuration key, as Hadoop does', () => {
    expect(Configuration.withDefaults(env).set('user.name', 'conf-user').set('u', '${user.name}').get('u')).toBe('bob');
  });

  it('stops a reference loop after 20 substitutions with an error naming the key', () => {
    const conf = Configuration.withDefaults(env).set('loop.a', 'x${loop.b}').set('loop.b', '${loop.a}');
    expect(() => conf.get('loop.a')).toThrow(ConfigurationError);
    expect(() => conf.get('loop.a')).toThrow(/^cannot expand loop\.a: more than 20 \$\{\.\.\.\} substitutions/);
    expect(() => Configuration.withDefaults(env).set('self', '${self}').get('self')).toThrow(/cannot expand self/);
  });

  it('allows exactly 20 substitutions and refuses 21', () => {
    const chain = (n: number) => {
      const conf = Configuration.withDefaults(env);
      for (let i = 0; i < n; i++) conf.set(`k${i}`, `\${k${i + 1}}`);
      return conf.set(`k${n}`, 'end');
    };
    expect(chain(20).get('k0')).toBe('end');
    expect(() => chain(21).get('k0')).toThrow(/cannot expand k0/);
  });
});

describe('final', () => {
  it('ignores a later file override of a final key with a warning, and lets non-final keys be overridden', () => {
    const conf = Configuration.withDefaults({})
      .addResource(inline({ 'locked.key': 'one', 'open.key': 'one' }, ['locked.key'], 'core-site.xml'))
      .addResource(inline({ 'locked.key': 'two', 'open.key': 'two' }, [], 'yarn-site.xml'));
    expect(conf.get('locked.key')).toBe('one');
    expect(conf.isFinal('locked.key')).toBe(true);
    expect(conf.sourceOf('locked.key')).toBe('core-site.xml');
    expect(conf.get('open.key')).toBe('two');
    expect(conf.sourceOf('open.key')).toBe('yarn-site.xml');
    expect(conf.warnings()).toEqual([
      'yarn-site.xml:3: an attempt to override final parameter locked.key ignored (final in core-site.xml)',
    ]);
  });

  it('refuses set() and unset() of a final key from code, recording a warning', () => {
    const conf = Configuration.withDefaults({}).addResource(inline({ 'dfs.replication': '1' }, ['dfs.replication'], 'hdfs-site.xml'));
    conf.set('dfs.replication', '5', '-D').unset('dfs.replication');
    expect(conf.get('dfs.replication')).toBe('1');
    expect(conf.warnings()).toEqual([
      '-D: dfs.replication is final in hdfs-site.xml; the value "5" was ignored',
      'dfs.replication is final in hdfs-site.xml; unset ignored',
    ]);
    conf.set('dfs.blocksize', '1m', '-D');
    expect(conf.sourceOf('dfs.blocksize')).toBe('-D');
    expect(conf.getLongBytes('dfs.blocksize', 0)).toBe(1048576);
  });

  it('a file may make a key final after an earlier non-final value', () => {
    const conf = Configuration.withDefaults({})
      .addResource(inline({ k: 'a' }))
      .addResource(inline({ k: 'b' }, ['k']))
      .addResource(inline({ k: 'c' }));
    expect(conf.get('k')).toBe('b');
  });
});

describe('load', () => {
  const site = (value: string) => ({ 'core-site.xml': siteXml({ 'loom.which': value }) });

  it('reads the first of confDir, HADOOP_CONF_DIR, YARN_CONF_DIR, HADOOP_HOME/etc/hadoop', () => {
    const explicit = dirs.make(site('explicit'));
    const hadoopConf = dirs.make(site('hadoop-conf-dir'));
    const yarnConf = dirs.make(site('yarn-conf-dir'));
    const home = dirs.make();
    mkdirSync(join(home, 'etc', 'hadoop'), { recursive: true });
    writeFileSync(join(home, 'etc', 'hadoop', 'core-site.xml'), siteXml({ 'loom.which': 'hadoop-home' }));
    const env = { HADOOP_CONF_DIR: hadoopConf, YARN_CONF_DIR: yarnConf, HADOOP_HOME: home };
    expect(Configuration.load({ confDir: explicit, env }).get('loom.which')).toBe('explicit');
    expect(Configuration.load({ env }).get('loom.which')).toBe('hadoop-conf-dir');
    expect(Configuration.load({ env: { ...env, HADOOP_CONF_DIR: '' } }).get('loom.which')).toBe('yarn-conf-dir');
    const fromHome = Configuration.load({ env: { HADOOP_HOME: home } });
    expect(fromHome.get('loom.which')).toBe('hadoop-home');
    expect(fromHome.confDir).toBe(join(home, 'etc', 'hadoop'));
  });

  it('applies core-site, then hdfs-site, then yarn-site', () => {
    const dir = dirs.make({
      'yarn-site.xml': siteXml({ order: 'yarn', y: '1' }),
      'core-site.xml': siteXml({ order: 'core', c: '1' }),
      'hdfs-site.xml': siteXml({ order: 'hdfs', h: '1' }),
    });
    const conf = Configuration.load({ confDir: dir, env: {} });
    expect(conf.get('order')).toBe('yarn');
    expect(conf.sourceOf('order')).toBe(join(dir, 'yarn-site.xml'));
    expect([conf.get('c'), conf.get('h'), conf.get('y')]).toEqual(['1', '1', '1']);
  });

  it('uses defaults only when no directory is named, and skips the site files a named one lacks', () => {
    const none = Configuration.load({ env: {} });
    expect(none.confDir).toBeUndefined();
    expect(none.get('fs.defaultFS')).toBe('file:///');
    const onlyYarn = dirs.make({ 'yarn-site.xml': siteXml({ 'yarn.resourcemanager.address': 'rm.example:8032' }) });
    const conf = Configuration.load({ env: { HADOOP_CONF_DIR: onlyYarn } });
    expect(conf.confDir).toBe(onlyYarn);
    expect(conf.get('fs.defaultFS')).toBe('file:///');
    expect(conf.get('yarn.resourcemanager.address')).toBe('rm.example:8032');
  });

  it('refuses a named directory that does not exist, is a file or holds no site file, naming what named it, the path and the fix', () => {
    const missing = join(dirs.make(), 'does-not-exist');
    const empty = dirs.make({ 'log4j.properties': 'x', 'capacity-scheduler.xml': siteXml({}) });
    const file = join(dirs.make({ 'core-site.xml': siteXml({}) }), 'core-site.xml');
    const fix =
      "point HADOOP_CONF_DIR at the directory holding your cluster's core-site.xml, hdfs-site.xml, yarn-site.xml (or unset it to use Hadoop's defaults)";
    expect(() => Configuration.load({ env: { HADOOP_CONF_DIR: missing } })).toThrow(`HADOOP_CONF_DIR=${missing} does not exist: ${fix}`);
    expect(() => Configuration.load({ env: { HADOOP_CONF_DIR: empty } })).toThrow(
      `HADOOP_CONF_DIR=${empty} holds none of core-site.xml, hdfs-site.xml, yarn-site.xml: ${fix}`,
    );
    expect(() => Configuration.load({ env: { HADOOP_CONF_DIR: file } })).toThrow(`HADOOP_CONF_DIR=${file} is not a directory: ${fix}`);
    // YARN_CONF_DIR and HADOOP_HOME when they are the ones that name it; an unusable one is not skipped for the next
    expect(() => Configuration.load({ env: { YARN_CONF_DIR: missing, HADOOP_HOME: dirs.make() } })).toThrow(
      `YARN_CONF_DIR=${missing} does not exist: point YARN_CONF_DIR at`,
    );
    const home = dirs.make();
    expect(() => Configuration.load({ env: { HADOOP_HOME: home } })).toThrow(
      `HADOOP_HOME's configuration directory ${join(home, 'etc', 'hadoop')} does not exist: point HADOOP_CONF_DIR at the directory holding`,
    );
    expect(() => Configuration.load({ confDir: empty, confDirNamedBy: '--conf', env: {} })).toThrow(
      `--conf=${empty} holds none of core-site.xml, hdfs-site.xml, yarn-site.xml`,
    );
    expect(() => Configuration.load({ env: { HADOOP_CONF_DIR: missing } })).toThrow(ConfigurationError);
  });

  it('fails on a malformed site file, naming the file and line', () => {
    const dir = dirs.make({ 'hdfs-site.xml': '<configuration>\n  <property>\n    <name>x</name>\n  </prop>\n</configuration>' });
    expect(() => Configuration.load({ confDir: dir, env: {} })).toThrow(
      `${join(dir, 'hdfs-site.xml')}:4: malformed XML: </prop> does not match <property> opened on line 2`,
    );
  });

  it('fails on an unreadable site file, naming it', () => {
    // A directory in place of the file is unreadable even for root (who ignores permission bits).
    const dir = dirs.make();
    mkdirSync(join(dir, 'yarn-site.xml'));
    expect(() => Configuration.load({ confDir: dir, env: {} })).toThrow(
      `cannot read Hadoop configuration file ${join(dir, 'yarn-site.xml')}: EISDIR`,
    );
  });

  it('reads deprecated key names into the current key', () => {
    const conf = Configuration.withDefaults({}).addResource(inline({ 'fs.default.name': 'hdfs://old:8020' }));
    expect(conf.get('fs.defaultFS')).toBe('hdfs://old:8020');
    expect(conf.get('fs.default.name')).toBe('hdfs://old:8020');
  });
});

describe('typed getters', () => {
  const conf = Configuration.withDefaults({}).addResource(
    inline({
      int: ' 42 ',
      hex: '0x1F',
      neg: '-7',
      big: '4294967296',
      bad: '12abc',
      yes: 'TRUE',
      maybe: 'yes',
      blank: '  ',
      d_plain: '1500',
      d_ms: '1500ms',
      d_s: '90S',
      d_m: '2m',
      d_h: '1h',
      d_d: '1d',
      d_us: '2500000us',
      d_bad: '10 seconds',
      list: ' a, b ,,c,\n d ,',
    }),
  );

  it('parses integers, longs and booleans and names the key and value when they are wrong', () => {
    expect(conf.getInt('int', 0)).toBe(42);
    expect(conf.getInt('hex', 0)).toBe(31);
    expect(conf.getInt('neg', 0)).toBe(-7);
    expect(conf.getInt('absent', 9)).toBe(9);
    expect(conf.getInt('blank', 9)).toBe(9);
    expect(conf.getLong('big', 0)).toBe(4294967296);
    expect(() => conf.getInt('big', 0)).toThrow('big="4294967296" (set in inline-site.xml) is not a 32-bit integer');
    expect(() => conf.getLong('bad', 0)).toThrow('bad="12abc" (set in inline-site.xml) is not an integer');
    expect(conf.getBoolean('yes', false)).toBe(true);
    expect(() => conf.getBoolean('maybe', false)).toThrow('maybe="yes" (set in inline-site.xml) is not true or false');
  });

  it('reads durations with suffixes and converts (truncating) to the unit asked for', () => {
    expect(conf.getTimeDuration('d_plain', 0, 'ms')).toBe(1500);
    expect(conf.getTimeDuration('d_plain', 0, 's')).toBe(1500);
    expect(conf.getTimeDuration('d_ms', 0, 's')).toBe(1);
    expect(conf.getTimeDuration('d_s', 0, 'ms')).toBe(90_000);
    expect(conf.getTimeDuration('d_m', 0, 's')).toBe(120);
    expect(conf.getTimeDuration('d_h', 0, 'ms')).toBe(3_600_000);
    expect(conf.getTimeDuration('d_d', 0, 's')).toBe(86_400);
    expect(conf.getTimeDuration('d_us', 0, 'ms')).toBe(2500);
    expect(conf.getTimeDuration('absent', 77, 's')).toBe(77);
    expect(() => conf.getTimeDuration('d_bad', 0, 'ms')).toThrow(/^d_bad="10 seconds" \(set in inline-site\.xml\) is not a time duration/);
  });

  it('splits trimmed strings and drops empty items', () => {
    expect(conf.getTrimmedStrings('list')).toEqual(['a', 'b', 'c', 'd']);
    expect(conf.getTrimmedStrings('absent')).toEqual([]);
  });
});

describe('toXml, clone, keys', () => {
  it('writes a document that reads back to the same raw values, finals and special characters', () => {
    const conf = Configuration.withDefaults({})
      .addResource(inline({ locked: 'L' }, ['locked']))
      .set('weird', 'a<b>&"c"\'\r\n\ttab ]]> ${env.HOME}')
      .set('yarn.resourcemanager.hostname', 'rm.example');
    const xml = conf.toXml();
    expect(xml).not.toContain('dfs.replication'); // defaults left out
    const back = Configuration.withDefaults({}).addResource({ xml, name: 'written.xml' });
    expect(back.getRaw('weird')).toBe(conf.getRaw('weird'));
    expect(back.isFinal('locked')).toBe(true);
    expect(back.get('yarn.resourcemanager.address')).toBe('rm.example:8032');
    const all = Configuration.withDefaults({}).addResource({ xml: conf.toXml({ includeDefaults: true }), name: 'all.xml' });
    expect(all.sourceOf('dfs.replication')).toBe('all.xml');
    expect(all.keys().sort()).toEqual(conf.keys().sort());
  });

  it('refuses to write a value XML cannot hold', () => {
    expect(() => Configuration.withDefaults({}).set('ctl', 'a\u0001b').toXml()).toThrow(
      'ctl: the value contains character U+0001, which XML 1.0 cannot represent',
    );
  });

  it('clone is independent of the original', () => {
    const a = Configuration.withDefaults({}).set('k', '1');
    const b = a.clone().set('k', '2');
    expect([a.get('k'), b.get('k')]).toEqual(['1', '2']);
    expect(b.keys()).toContain('fs.defaultFS');
  });
});
