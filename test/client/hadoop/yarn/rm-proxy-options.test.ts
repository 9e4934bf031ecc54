import { afterEach, describe, expect, it } from 'vitest';
import { Configuration } from '../../../../client/conf/configuration.js';
import { rmProxyOptionsFromConf } from '../../../../client/hadoop/yarn/rm-proxy-options.js';
import { siteXml, TempConfDirs } from '../../conf/temp-conf-dir.js';

const dirs = new TempConfDirs();
afterEach(() => dirs.cleanup());

/** A Configuration as a user's HADOOP_CONF_DIR gives it. */
function loadConf(core: Record<string, string>, yarn: Record<string, string>): Configuration {
  const dir = dirs.make({ 'core-site.xml': siteXml(core), 'yarn-site.xml': siteXml(yarn) });
  return Configuration.load({ env: { HADOOP_CONF_DIR: dir } });
}

describe('rmProxyOptionsFromConf (IPC tuning and RM retries from a real Configuration)', () => {
  it('reads the IPC keys with their suffixes and the RM connect budget from the site files', () => {
    const conf = loadConf(
      {
        'ipc.client.rpc-timeout.ms': '5s',
        'ipc.client.connect.timeout': '3000',
        'ipc.client.connection.maxidletime': '2s',
        'ipc.maximum.response.length': '1048576',
      },
      {
        'yarn.resourcemanager.address': 'rm.example:8032',
        'yarn.resourcemanager.connect.max-wait.ms': '10s',
        'yarn.resourcemanager.connect.retry-interval.ms': '500',
      },
    );
    const client = rmProxyOptionsFromConf(conf, 'client');
    expect(client.addresses).toEqual([{ host: 'rm.example', port: 8032 }]);
    expect(client.connection).toMatchObject({
      callTimeoutMs: 5000,
      connectTimeoutMs: 3000,
      idleCloseMs: 2000,
      maxResponseBytes: 1048576,
      connectMaxRetries: 0,
      rpcProtection: 'authentication',
    });
    // fixed sleep of retry-interval for at most max-wait
    expect(client).toMatchObject({ haEnabled: false, maxAttempts: 21, sleepBaseMs: 500, sleepMaxMs: 500 });
    // the scheduler address follows yarn.resourcemanager.hostname's default with its own port
    expect(rmProxyOptionsFromConf(conf, 'scheduler').addresses).toEqual([{ host: '127.0.0.1', port: 8030 }]);
  });

  it('lists every HA ResourceManager in order with the failover budget', () => {
    const conf = loadConf(
      {},
      {
        'yarn.resourcemanager.ha.enabled': 'true',
        'yarn.resourcemanager.ha.rm-ids': 'rm1,rm2',
        'yarn.resourcemanager.hostname.rm1': 'master1',
        'yarn.resourcemanager.hostname.rm2': 'master2',
        'yarn.client.failover-sleep-base-ms': '100',
      },
    );
    const scheduler = rmProxyOptionsFromConf(conf, 'scheduler');
    expect(scheduler.addresses).toEqual([
      { host: 'master1', port: 8030, rmId: 'rm1' },
      { host: 'master2', port: 8030, rmId: 'rm2' },
    ]);
    // unset max attempts: max-wait (900 s) / sleep base (100 ms), as Hadoop's RMProxy derives it
    expect(scheduler).toMatchObject({ haEnabled: true, maxAttempts: 9000, sleepBaseMs: 100, sleepMaxMs: 30000 });
  });

  it('names the key of a bad value', () => {
    expect(() => rmProxyOptionsFromConf(loadConf({ 'hadoop.rpc.protection': 'paranoid' }, {}), 'client')).toThrow(
      /hadoop\.rpc\.protection is "paranoid"/,
    );
    expect(() => rmProxyOptionsFromConf(loadConf({ 'ipc.client.connect.timeout': 'soon' }, {}), 'client')).toThrow(
      /ipc\.client\.connect\.timeout="soon".*core-site\.xml/,
    );
  });
});
