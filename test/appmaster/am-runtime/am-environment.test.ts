import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readAmEnvironment } from '../../../appmaster/am-runtime/am-environment.js';
import { fixturePath } from '../../support/fixtures.js';

/** The environment a real 3.3.6 NodeManager gave an AM (attempt 2 of an application). */
function recordedAmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const line of readFileSync(fixturePath('am-restart', 'am-attempt2-env.txt'), 'utf8').split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) env[line.slice(0, i)] = line.slice(i + 1);
  }
  return env;
}

/** LOOM_LOCAL_RESOURCES as the client writes it (`url`; client/contracts/am-env.ts). */
const resources = {
  'loom-runtime': {
    url: 'hdfs://127.0.0.1:9000/user/root/.loom/a/loom-runtime.tar.gz',
    size: 10,
    timestamp: 1795461074000,
    type: 'ARCHIVE',
    visibility: 'APPLICATION',
  },
  'loom-conf.yaml': {
    url: 'hdfs://127.0.0.1:9000/user/root/.loom/a/loom-conf.yaml',
    size: 3,
    timestamp: 1795461074001,
    type: 'FILE',
    visibility: 'APPLICATION',
  },
};

describe('readAmEnvironment', () => {
  it('reads the recorded AM container environment plus the client contract variables', () => {
    const env: NodeJS.ProcessEnv = {
      ...recordedAmEnv(),
      LOOM_LOCAL_RESOURCES: JSON.stringify(resources),
      LOOM_STAGING_DIR: 'hdfs://127.0.0.1:9000/user/root/.loom/a',
    };
    const am = readAmEnvironment(env);
    expect(am.containerId).toBe('container_1795460840938_0003_02_000001');
    expect(am.attemptIdText).toBe('appattempt_1795460840938_0003_000002');
    expect(am.applicationIdText).toBe('application_1795460840938_0003');
    expect(am.nmHost).toBe('localhost');
    expect(am.nmPort).toBe(45454);
    expect(am.nmHttpPort).toBe(8042);
    expect(am.webProxyBase).toBe('/proxy/application_1795460840938_0003');
    expect(am.tokenFile).toMatch(/container_tokens$/);
    expect(am.mode).toBe('session');
    expect(am.user).toBe('root');
    expect(am.logDir).toBe('/hadoop/data/nm-logs/application_1795460840938_0003/container_1795460840938_0003_02_000001');
    expect(am.workDir).toBe(env.PWD);
    expect(am.hadoopConfDir).toBe('/etc/hadoop/conf');
    expect(am.stagingDir).toBe('hdfs://127.0.0.1:9000/user/root/.loom/a');
    expect(am.localResources['loom-runtime'].type).toBe('ARCHIVE');
  });

  it('takes the attempt from an epoch-prefixed container id after an RM restart', () => {
    const env = { ...recordedAmEnv(), CONTAINER_ID: 'container_e17_1795460840938_0003_03_000001', LOOM_LOCAL_RESOURCES: '{}' };
    const am = readAmEnvironment(env);
    expect(am.attemptIdText).toBe('appattempt_1795460840938_0003_000003');
  });

  it('reports every missing or bad variable at once, with what sets it', () => {
    expect(() => readAmEnvironment({ LOOM_MODE: 'cluster' })).toThrow(
      /CONTAINER_ID is not set.*NM_HOST is not set.*HADOOP_TOKEN_FILE_LOCATION is not set.*LOOM_MODE is 'cluster', expected one of session, per-job, application.*LOOM_LOCAL_RESOURCES is not set/,
    );
    expect(() => readAmEnvironment({ ...recordedAmEnv(), CONTAINER_ID: 'container_bad', LOOM_LOCAL_RESOURCES: '{}' })).toThrow(
      /CONTAINER_ID: not a YARN container id/,
    );
  });
});
