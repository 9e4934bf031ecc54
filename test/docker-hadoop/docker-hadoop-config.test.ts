/**
 * docker-hadoop/ cannot be started here (no container engine), so its files are checked against
 * each other: every Hadoop XML file loads with Loom's loader, the client configuration leads to
 * ports compose.yaml publishes, every host name the cluster hands to clients is a service that
 * /etc/hosts (etc-hosts) sends to the published address, and the NodeManager holds what Loom asks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { amIpFilterSettings } from '../../appmaster/dispatcher/am-ip-filter.js';
import { Configuration } from '../../client/conf/configuration.js';
import { parseHadoopAddress, webHdfsEndpoints } from '../../client/conf/namenode-addresses.js';
import { LoomConfig, LoomOptions } from '../../client/conf/loom-config.js';
import { resourceManagerAddresses } from '../../client/conf/rm-addresses.js';
import { readComposeFile, type ComposeService } from './compose-file.js';

const DIR = fileURLToPath(new URL('../../docker-hadoop/', import.meta.url));
const SERVER_DIR = join(DIR, 'conf');
const CLIENT_DIR = join(DIR, 'client-conf');
/** The image's HADOOP_CONF_DIR. */
const IMAGE_CONF_DIR = '/opt/hadoop/etc/hadoop';
const env = { USER: 'alice' };

const xmlFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.xml'));
const services = readComposeFile(join(DIR, 'compose.yaml'));

/** The server files as a daemon reads them: site files, and capacity-scheduler.xml (the RM adds it itself). */
function serverConf(): Configuration {
  return Configuration.load({ confDir: SERVER_DIR, env }).addResource(join(SERVER_DIR, 'capacity-scheduler.xml'));
}
const clientConf = () => Configuration.load({ confDir: CLIENT_DIR, env });
const loomConf = () => LoomConfig.load({ confDir: CLIENT_DIR, env });

/** `ip name...` lines of etc-hosts: host name -> address. */
function etcHosts(): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readFileSync(join(DIR, 'etc-hosts'), 'utf8').split('\n')) {
    const [ip, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (ip) for (const n of names) out.set(n, ip);
  }
  return out;
}

function serviceNamed(host: string): ComposeService {
  const service = services.get(host);
  if (!service) throw new Error(`${host} is not a service of compose.yaml (services: ${[...services.keys()].join(', ')})`);
  return service;
}

/**
 * What a client on the host reaches when it is told `host:port`: the etc-hosts address must be the
 * one the service publishes on, and the port published under the same number (the cluster names
 * its container-side port).
 */
function reachableFromHost(host: string, port: number): string {
  const service = serviceNamed(host);
  expect(service.hostname, `service ${host} must use its service name as host name`).toBe(host);
  const published = service.ports.find((p) => p.containerPort === port);
  expect(published, `${host}:${port} is not published by compose.yaml`).toBeDefined();
  expect(published!.hostPort, `${host}:${port} is published under another number`).toBe(port);
  expect(etcHosts().get(host), `etc-hosts has no line for ${host}`).toBe(published!.hostIp);
  return `${published!.hostIp}:${published!.hostPort}`;
}

describe('docker-hadoop configuration files', () => {
  it('every XML file loads with the Configuration loader without warnings, and so does loom.yaml', () => {
    const files = [...xmlFiles(SERVER_DIR).map((f) => join(SERVER_DIR, f)), ...xmlFiles(CLIENT_DIR).map((f) => join(CLIENT_DIR, f))];
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const file of files) {
      const conf = Configuration.withDefaults(env).addResource(file);
      expect(conf.warnings(), file).toEqual([]);
      expect(
        conf.keys().some((k) => conf.sourceOf(k) === file),
        `${file} sets nothing`,
      ).toBe(true);
    }
    expect(serverConf().warnings()).toEqual([]);
    expect(clientConf().warnings()).toEqual([]);
    expect(loomConf().warnings()).toEqual([]);
  });

  it('compose.yaml runs the four daemons of apache/hadoop:3.3.6, each with every server file mounted read-only', () => {
    const roles = [...services.values()].map((s) => s.command.join(' ')).sort();
    expect(roles).toEqual(['hdfs datanode', 'hdfs namenode', 'yarn nodemanager', 'yarn resourcemanager']);
    const serverFiles = xmlFiles(SERVER_DIR).sort();
    for (const s of services.values()) {
      expect(s.image).toBe('apache/hadoop:3.3.6');
      const mounted = s.mounts.filter((m) => m.source.startsWith('./conf/'));
      expect(mounted.map((m) => m.source.slice('./conf/'.length)).sort(), s.name).toEqual(serverFiles);
      for (const m of mounted) {
        expect(m.target, s.name).toBe(`${IMAGE_CONF_DIR}/${m.source.slice('./conf/'.length)}`);
        expect(m.readOnly, `${s.name}: ${m.target}`).toBe(true);
      }
    }
  });
});

describe('client-conf: loom on the host reaches the published ports', () => {
  it('WebHDFS: fs.defaultFS leads to the NameNode HTTP port published on the etc-hosts address', () => {
    const endpoints = webHdfsEndpoints(clientConf());
    expect(endpoints).toHaveLength(1);
    const [nn] = endpoints;
    expect(nn.scheme).toBe('http');
    expect(reachableFromHost(nn.host, nn.port)).toBe('127.0.0.1:9870');
  });

  it('ResourceManager: client protocol and web UI / web proxy ports are published', () => {
    const conf = clientConf();
    const [client] = resourceManagerAddresses(conf, 'client');
    const [webapp] = resourceManagerAddresses(conf, 'webapp');
    expect(reachableFromHost(client.host, client.port)).toBe('127.0.0.1:8032');
    expect(reachableFromHost(webapp.host, webapp.port)).toBe('127.0.0.1:8088');
  });

  it('the hosts the cluster names in answers (WebHDFS redirects, NodeManager links, the AM REST endpoint) are reachable too', () => {
    const server = serverConf();
    const dnHost = server.getTrimmed('dfs.datanode.hostname')!;
    const dnHttp = parseHadoopAddress(server.getTrimmed('dfs.datanode.http.address')!, 9864, 'dfs.datanode.http.address');
    reachableFromHost(dnHost, dnHttp.port);

    const nmHost = server.getTrimmed('yarn.nodemanager.hostname')!;
    const nmWeb = parseHadoopAddress(server.getTrimmed('yarn.nodemanager.webapp.address')!, 8042, 'yarn.nodemanager.webapp.address');
    expect(nmWeb.host).toBe(nmHost);
    reachableFromHost(nmHost, nmWeb.port);

    // The AM registers NM_HOST (the node's host name) and rest.port; the client calls it there.
    const restPort = loomConf().get(LoomOptions.restPort);
    expect(restPort).toBeGreaterThan(0);
    reachableFromHost(nmHost, restPort);
  });

  it("the cluster's hdfs:// URIs (as in -Dyarn.provided.lib.dirs) reach the same NameNode HTTP port from the host as from inside", () => {
    const clusterFs = serverConf().getTrimmed('fs.defaultFS')!;
    expect(clusterFs).toMatch(/^hdfs:\/\//);
    const fromHost = webHdfsEndpoints(clientConf(), `${clusterFs}/loom/runtime`);
    const fromInside = webHdfsEndpoints(serverConf(), `${clusterFs}/loom/runtime`);
    expect(fromHost).toEqual(fromInside);
    expect(fromHost).toEqual(webHdfsEndpoints(clientConf()));
    expect(reachableFromHost(fromHost[0].host, fromHost[0].port)).toBe('127.0.0.1:9870');
  });
});

describe('server configs', () => {
  it('name the services by their compose service names', () => {
    const conf = serverConf();
    const fsHost = parseHadoopAddress(conf.getTrimmed('fs.defaultFS')!, 8020, 'fs.defaultFS').host;
    const nmHost = parseHadoopAddress(conf.getTrimmed('yarn.nodemanager.address')!, 0, 'yarn.nodemanager.address').host;
    const checks: [key: string, host: string, daemon: string][] = [
      ['fs.defaultFS', fsHost, 'hdfs namenode'],
      ['dfs.namenode.http-address', webHdfsEndpoints(conf)[0].host, 'hdfs namenode'],
      ['dfs.datanode.hostname', conf.getTrimmed('dfs.datanode.hostname')!, 'hdfs datanode'],
      ['yarn.resourcemanager.address', resourceManagerAddresses(conf, 'client')[0].host, 'yarn resourcemanager'],
      ['yarn.resourcemanager.scheduler.address', resourceManagerAddresses(conf, 'scheduler')[0].host, 'yarn resourcemanager'],
      ['yarn.nodemanager.address', nmHost, 'yarn nodemanager'],
    ];
    for (const [key, host, daemon] of checks) {
      const service = serviceNamed(host);
      expect(service.command.join(' '), `${key} names ${host}`).toBe(daemon);
      expect(service.hostname, `${key} names ${host}`).toBe(host);
    }
  });

  it('WebHDFS is on and the web proxy runs inside the ResourceManager, which is what an AM trusts as proxy', () => {
    const conf = serverConf();
    expect(conf.getBoolean('dfs.webhdfs.enabled', false)).toBe(true);
    expect(conf.getTrimmed('yarn.web-proxy.address') ?? '').toBe('');
    const filter = amIpFilterSettings(conf, {});
    expect(filter.proxyHosts).toEqual([resourceManagerAddresses(conf, 'webapp')[0].host]);
    expect(serviceNamed(filter.proxyHosts[0]).command).toEqual(['yarn', 'resourcemanager']);
  });

  it("keeps Hadoop's memory checks on (virtual at 2.1 x), which Loom containers of 512m and more pass", () => {
    const conf = serverConf();
    expect(conf.getBoolean('yarn.nodemanager.vmem-check-enabled', false)).toBe(true);
    expect(Number(conf.getTrimmed('yarn.nodemanager.vmem-pmem-ratio'))).toBe(2.1);
    expect(conf.getBoolean('yarn.nodemanager.pmem-check-enabled', false)).toBe(true);
    expect(conf.getInt('yarn.scheduler.minimum-allocation-mb', -1)).toBeGreaterThanOrEqual(256);
  });

  it('allocations fit the NodeManager: an AM and two TaskExecutors at the sizes loom.yaml asks for, and room for a second AM', () => {
    const conf = serverConf();
    const nmMb = conf.getInt('yarn.nodemanager.resource.memory-mb', -1);
    const nmVcores = conf.getInt('yarn.nodemanager.resource.cpu-vcores', -1);
    const minMb = conf.getInt('yarn.scheduler.minimum-allocation-mb', -1);
    const maxMb = conf.getInt('yarn.scheduler.maximum-allocation-mb', -1);
    const minVcores = conf.getInt('yarn.scheduler.minimum-allocation-vcores', -1);
    const maxVcores = conf.getInt('yarn.scheduler.maximum-allocation-vcores', -1);
    expect(nmMb).toBeGreaterThan(0);
    expect(nmVcores).toBeGreaterThan(0);
    expect(minMb).toBeGreaterThan(0);
    expect(minMb).toBeLessThanOrEqual(maxMb);
    expect(maxMb).toBeLessThanOrEqual(nmMb);
    expect(minVcores).toBeLessThanOrEqual(maxVcores);
    expect(maxVcores).toBeLessThanOrEqual(nmVcores);

    // The scheduler rounds each ask up to a multiple of the minimum allocation.
    const granted = (mb: number) => Math.ceil(mb / minMb) * minMb;
    const loom = loomConf();
    const amMb = granted(loom.get(LoomOptions.jobManagerMemory).mebibytes);
    const teMb = granted(loom.get(LoomOptions.taskManagerMemory).mebibytes);
    const amVcores = Math.max(minVcores, loom.get(LoomOptions.appMasterVcores));
    const configuredTeVcores = loom.get(LoomOptions.containerVcores);
    const teVcores = Math.max(minVcores, configuredTeVcores > 0 ? configuredTeVcores : loom.get(LoomOptions.taskSlots));
    expect(Math.max(amMb, teMb)).toBeLessThanOrEqual(maxMb);
    expect(amMb + 2 * teMb).toBeLessThanOrEqual(nmMb);
    expect(amVcores + 2 * teVcores).toBeLessThanOrEqual(nmVcores);

    const amShare = Number(conf.get('yarn.scheduler.capacity.maximum-am-resource-percent'));
    expect(amShare * nmMb).toBeGreaterThanOrEqual(2 * amMb);
  });
});
