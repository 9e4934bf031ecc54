import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, readFixture } from '../../support/fixtures.js';
import {
  type ContainerLaunchSpec,
  NM_SET_VARIABLES,
  expandContainerVariables,
  renderLaunchScript,
} from '../../../minicluster/nodemanager/launch-script.js';
import { javaHashMapOrder, javaStringHashCode } from '../../../client/hadoop/yarn/java-hash-order.js';

function recordedScripts(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.includes('launch_container.sh')) out.push(relative(FIXTURES, p));
    }
  };
  walk(FIXTURES);
  return out.sort();
}

const RM_ADDED = ['APPLICATION_WEB_PROXY_BASE', 'APP_SUBMIT_TIME_ENV'];

/** Inputs of a recorded script, read back from the script itself. */
function specFromScript(text: string): ContainerLaunchSpec {
  const exports = new Map<string, string>();
  const whitelist: [string, string][] = [];
  const clcEnv: [string, string][] = [];
  const links: { path: string; link: string }[] = [];
  let command = '';
  const nmSet = new Set<string>(NM_SET_VARIABLES);
  for (const line of text.split('\n')) {
    let m = /^export ([A-Z_]+)=\$\{\1:-"(.*)"\}$/.exec(line);
    if (m) {
      whitelist.push([m[1], m[2]]);
      continue;
    }
    m = /^export ([A-Za-z_0-9]+)="(.*)"$/.exec(line);
    if (m) {
      exports.set(m[1], m[2]);
      if (!nmSet.has(m[1]) && !m[1].startsWith('PRELAUNCH_') && m[1] !== 'MALLOC_ARENA_MAX') clcEnv.push([m[1], m[2]]);
      continue;
    }
    m = /^ln -sf -- "(.*)" "(.*)"$/.exec(line);
    if (m) links.push({ path: m[1], link: m[2] });
    m = /^exec \/bin\/bash -c "(.*)"$/.exec(line);
    if (m) command = m[1];
  }
  const [bytesMissed, bytesCached, filesMissed, filesCached, ms] = exports.get('LOCALIZATION_COUNTERS')!.split(',').map(Number);
  const logDir = exports.get('LOG_DIRS')!;
  const localUserDirs = exports.get('LOCAL_USER_DIRS')!;
  return {
    containerId: exports.get('CONTAINER_ID')!,
    appId: /application_\d+_\d+/.exec(exports.get('LOCAL_DIRS')!)![0],
    user: exports.get('USER')!,
    workDir: exports.get('PWD')!,
    logDir,
    localDir: localUserDirs.replace(/\/usercache\/[^/]+\/$/, ''),
    nmHost: exports.get('NM_HOST')!,
    nmPort: Number(exports.get('NM_PORT')),
    nmHttpPort: Number(exports.get('NM_HTTP_PORT')),
    localizationCounters: { bytesMissed, bytesCached, filesMissed, filesCached, ms },
    // Feed the CLC variables sorted by name, the RM's two additions last as the RM appends them:
    // the generator must compute YARN's order, not echo the script's. (Variables sharing a HashMap
    // bucket keep their insertion order, as in Java.)
    environment: [
      ...clcEnv.filter(([k]) => !RM_ADDED.includes(k)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      ...clcEnv.filter(([k]) => RM_ADDED.includes(k)),
    ],
    // Put <LOG_DIR> back where the recorded command had the log dir, so expansion is exercised.
    commands: [command.replaceAll(logDir, '<LOG_DIR>')],
    links,
    nmWhitelistEnv: whitelist,
  };
}

describe('launch_container.sh', () => {
  const scripts = recordedScripts();
  it('finds the recorded scripts', () => {
    expect(scripts.length).toBeGreaterThanOrEqual(15);
  });

  for (const file of scripts) {
    it(`reproduces ${file} line by line`, () => {
      const recorded = readFixture(file).toString('utf8');
      const ours = renderLaunchScript(specFromScript(recorded));
      expect(ours.split('\n')).toEqual(recorded.split('\n'));
    });
  }

  it('expands the CLC of localization app 1 as recorded ({{VAR}}, <CPS>, <LOG_DIR>)', () => {
    const recorded = readFixture('localization/app1-launch_container.sh').toString('utf8');
    const spec = specFromScript(recorded);
    // CLC exactly as FxClient sent it (client timeline) plus the RM's two additions.
    spec.environment = [
      [
        'CLASSPATH',
        '{{CLASSPATH}}<CPS>./*<CPS>{{HADOOP_CONF_DIR}}<CPS>$HADOOP_HOME/share/hadoop/common/*<CPS>$HADOOP_HOME/share/hadoop/common/lib/*<CPS>$HADOOP_HOME/share/hadoop/hdfs/*<CPS>$HADOOP_HOME/share/hadoop/hdfs/lib/*<CPS>$HADOOP_HOME/share/hadoop/yarn/*<CPS>$HADOOP_HOME/share/hadoop/yarn/lib/*',
      ],
      ['FX_MODE', 'simple'],
      ['APPLICATION_WEB_PROXY_BASE', '/proxy/application_1795460840938_0004'],
      ['APP_SUBMIT_TIME_ENV', '1795461136475'],
    ];
    spec.commands = ['/bin/bash fx-loc.sh 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr'];
    expect(renderLaunchScript(spec).split('\n')).toEqual(recorded.split('\n'));
  });

  it('writes values without escaping (the recorded PROBE_AM_ENV line)', () => {
    const recorded = readFixture('containers/probe-am/am-launch_container.sh').toString('utf8');
    expect(renderLaunchScript(specFromScript(recorded))).toContain('export PROBE_AM_ENV="x y "quoted" $dollar"\n');
  });

  it('expands container variables', () => {
    expect(expandContainerVariables('{{JAVA_HOME}}/bin/java<CPS>x 1><LOG_DIR>/o', '/l')).toBe('$JAVA_HOME/bin/java:x 1>/l/o');
  });

  it('hashes strings as Java does', () => {
    // Independent value: "hello".hashCode() is 99162322 in Java.
    expect(javaStringHashCode('hello')).toBe(99162322);
    expect(javaStringHashCode('')).toBe(0);
    expect(javaHashMapOrder(['b', 'a'])).toEqual(['a', 'b']);
  });
});
