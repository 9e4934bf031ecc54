import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Configuration } from '../../../client/conf/configuration.js';
import { parseHadoopAddress } from '../../../client/conf/hadoop-address.js';
import { webHdfsEndpoints } from '../../../client/conf/namenode-addresses.js';
import { resourceManagerAddresses } from '../../../client/conf/rm-addresses.js';
import { fixturePath, readFixtureJson } from '../../support/fixtures.js';
import { TempConfDirs, siteXml } from './temp-conf-dir.js';

/**
 * The recorded Hadoop 3.3.6 cluster ran with small site files that set host names and a few values
 * (fixtures README "Config"); every port it used was Hadoop's default. Rebuild those site files and
 * check that our defaults resolve to the addresses the recordings actually show.
 */

const dirs = new TempConfDirs();
afterEach(() => dirs.cleanup());

const fixtureText = (...parts: string[]) => readFileSync(fixturePath(...parts), 'utf8');
const portOf = (file: string) => readFixtureJson<{ port: number }>('ipc', file).port;

// Addresses as recorded on the wire / in URLs.
const webhdfsIndex = readFixtureJson<{ name: string; url: string }[]>('webhdfs', 'index.json');
const nnHttp = new URL(webhdfsIndex.find((e) => e.name === 'GETHOMEDIRECTORY')!.url);
const nnRpcAddress = new URL(webhdfsIndex.find((e) => e.url.includes('namenoderpcaddress='))!.url).searchParams.get('namenoderpcaddress')!;
const rmWeb = new URL(readFixtureJson<{ url: string }[]>('rm-rest', 'index.json')[0].url);
const rmClientPort = portOf('yarnclient-probe/01-client-rm-8032-yarnclient.json');
const rmSchedulerPort = portOf('distributedshell/05-am-rm-8030-scheduler.json');
const nnRpcPort = portOf('distributedshell/02-client-nn-9000-upload.json');
const amLaunchScript = fixtureText('containers', 'distributedshell', 'am-launch_container.sh');

function recordedClusterConf(): Configuration {
  const dir = dirs.make({
    'core-site.xml': siteXml({ 'fs.defaultFS': `hdfs://${nnRpcAddress}`, 'hadoop.http.staticuser.user': 'root' }),
    'yarn-site.xml': siteXml({
      'yarn.resourcemanager.hostname': rmWeb.hostname,
      'yarn.nodemanager.delete.debug-delay-sec': '600',
      'yarn.nodemanager.resource.memory-mb': '8192',
      'yarn.nodemanager.resource.cpu-vcores': '8',
    }),
  });
  return Configuration.load({ env: { HADOOP_CONF_DIR: dir } });
}

describe('the recorded Hadoop 3.3.6 cluster, rebuilt from its site files', () => {
  it('agrees with itself: the NameNode RPC address in the DataNode redirect is the one the clients used', () => {
    expect(parseHadoopAddress(nnRpcAddress, 8020).port).toBe(nnRpcPort);
  });

  it('resolves the RM client, scheduler and web addresses the recordings used', () => {
    const conf = recordedClusterConf();
    expect(resourceManagerAddresses(conf, 'client')).toEqual([{ host: rmWeb.hostname, port: rmClientPort }]);
    expect(resourceManagerAddresses(conf, 'scheduler')).toEqual([{ host: rmWeb.hostname, port: rmSchedulerPort }]);
    expect(resourceManagerAddresses(conf, 'webapp')).toEqual([{ host: rmWeb.hostname, port: Number(rmWeb.port), scheme: 'http' }]);
  });

  it('resolves fs.defaultFS to the NameNode HTTP address WebHDFS was recorded on', () => {
    expect(webHdfsEndpoints(recordedClusterConf())).toEqual([
      { scheme: nnHttp.protocol.replace(':', ''), host: nnHttp.hostname, port: Number(nnHttp.port) },
    ]);
    expect(webHdfsEndpoints(recordedClusterConf(), '/fixtures/dir1')).toEqual(webHdfsEndpoints(recordedClusterConf()));
  });

  it('reads the values the README says were set', () => {
    const conf = recordedClusterConf();
    expect(conf.get('hadoop.http.staticuser.user')).toBe('root');
    expect(conf.getTimeDuration('yarn.nodemanager.delete.debug-delay-sec', 0, 's')).toBe(600);
    expect(conf.getInt('yarn.nodemanager.resource.memory-mb', 0)).toBe(8192);
    expect(conf.get('hadoop.security.authentication')).toBe('simple');
  });

  it('matches the scheduler maximum the RM sent to the AM (yarn.scheduler.maximum-allocation-*, left at default)', () => {
    const decoded = fixtureText('ipc', 'distributedshell', '05-am-rm-8030-scheduler.decoded.txt');
    const m = /maximumCapability \(1\) \{\s*memory \(1\): (\d+)\s*virtual_cores \(2\): (\d+)/.exec(decoded)!;
    const conf = recordedClusterConf();
    expect(conf.getInt('yarn.scheduler.maximum-allocation-mb', 0)).toBe(Number(m[1]));
    expect(conf.getInt('yarn.scheduler.maximum-allocation-vcores', 0)).toBe(Number(m[2]));
  });

  it('matches the global AM attempt limit in the RM diagnostics (yarn.resourcemanager.am.max-attempts)', () => {
    const diagnostics = fixtureText('localization', 'refuse-public600-final-diagnostics-exact.txt');
    const globalLimit = Number(/global limit =(\d+)/.exec(diagnostics)![1]);
    expect(recordedClusterConf().getInt('yarn.resourcemanager.am.max-attempts', 0)).toBe(globalLimit);
  });

  it("matches the NodeManager's web port given to containers (yarn.nodemanager.webapp.address)", () => {
    const nmHttpPort = Number(/^export NM_HTTP_PORT="(\d+)"$/m.exec(amLaunchScript)![1]);
    expect(parseHadoopAddress(recordedClusterConf().get('yarn.nodemanager.webapp.address')!, 0).port).toBe(nmHttpPort);
  });

  it('whitelists, in order, every variable the NodeManager passed through to the AM container', () => {
    // Whitelisted variables appear in launch_container.sh as export X=${X:-"<NM value>"}, in whitelist order.
    const passedThrough = [...amLaunchScript.matchAll(/^export (\w+)=\$\{\1:-/gm)].map((m) => m[1]);
    expect(passedThrough.length).toBeGreaterThan(5);
    const whitelist = recordedClusterConf().getTrimmedStrings('yarn.nodemanager.env-whitelist');
    const positions = passedThrough.map((name) => whitelist.indexOf(name));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });
});
