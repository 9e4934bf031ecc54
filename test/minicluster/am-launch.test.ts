import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Credentials } from '../../client/wire/security/credentials-file.js';
import { AMRM_TOKEN_KIND, decodeAMRMTokenIdentifier } from '../../client/wire/security/token-identifiers.js';
import { formatApplicationAttemptId } from '../../client/wire/codec/yarn-ids.js';
import { startMiniCluster, type MiniCluster } from '../../minicluster/mini-cluster.js';
import { NM_SET_VARIABLES } from '../../minicluster/nodemanager/launch-script.js';
import { readFixture } from '../support/fixtures.js';
import {
  amContainerOf,
  amrmTokenFromFile,
  clientsFor,
  listeningPorts,
  processGone,
  submitAm,
  waitFor,
  waitForState,
  type ClusterClients,
} from './mini-cluster-kit.js';

let cluster: MiniCluster | undefined;
let clients: ClusterClients | undefined;
afterEach(async () => {
  await clients?.close();
  await cluster?.stop();
  clients = undefined;
  cluster = undefined;
});

const FAST = { heartbeatMs: 50, rmConfig: { minimumAllocationMb: 128 } };

/** A launch script reduced to its structure: which variables, in which order, which steps. */
function skeleton(script: string, keep: Set<string>): string[] {
  const out: string[] = [];
  for (const line of script.split('\n')) {
    const exp = /^export ([A-Z_]+)=/.exec(line);
    if (exp) {
      if (line.includes(':-"')) continue; // whitelist defaults depend on the NM's own environment
      if (keep.has(exp[1])) out.push(`export ${exp[1]}`);
      continue;
    }
    if (line.startsWith('ln -sf')) out.push(`ln ${line.split(' ').at(-1)}`);
    else out.push(line.replace(/"[^"]*"/g, '"…"').replace(/\/\S+/g, '/…'));
  }
  return out;
}

describe('mini cluster lifecycle', () => {
  it('start/stop leaves no listening port and no container process', async () => {
    cluster = await startMiniCluster({ nodes: 2, ...FAST });
    const c = cluster;
    const ports = [
      c.resourceManager.clientAddress.port,
      c.resourceManager.schedulerAddress.port,
      c.resourceManager.webAddress.port,
      c.webHdfs.nameNodeAddress.port,
      c.webHdfs.dataNodeAddress.port,
      ...c.nodes.flatMap((n) => [n.port, n.httpPort]),
    ];
    expect(new Set(ports).size).toBe(9);
    const listening = listeningPorts();
    for (const p of ports) expect(listening.has(p), `port ${p} listening`).toBe(true);

    clients = clientsFor(c);
    // The AM forks a child that would outlive it if the NM only killed the AM's own pid.
    const appId = await submitAm(clients.rm, { command: 'sleep 60 & sleep 61' });
    const pids = await waitFor(() => {
      const all = c.nodes.flatMap((n) => [...n.livePids().values()]);
      return all.length ? all : undefined;
    }, 'the AM container process');
    await waitForState(clients.rm, appId, ['ACCEPTED']);
    await clients.close();
    clients = undefined;

    await c.stop();
    cluster = undefined;
    const after = listeningPorts();
    for (const p of ports) expect(after.has(p), `port ${p} still listening`).toBe(false);
    for (const pid of pids) expect(processGone(pid), `container pid ${pid}`).toBe(true);
    // The session's children too: nothing with the container's process group is left.
    const stragglers = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .filter((d) => {
        try {
          const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
          const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          return pids.includes(Number(fields[2])) && fields[0] !== 'Z';
        } catch {
          return false;
        }
      });
    expect(stragglers).toEqual([]);
    expect(existsSync(c.dir)).toBe(false); // a temp dir it made itself is removed
  });

  it('keeps a directory the caller gave it', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'loom-mc-keep-'));
    try {
      cluster = await startMiniCluster({ dir, nodes: 1, ...FAST });
      await cluster.stop();
      cluster = undefined;
      expect(existsSync(join(dir, 'conf', 'yarn-site.xml'))).toBe(true);
      expect(existsSync(join(dir, 'hdfs'))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('AM container launched by the RM', () => {
  it('gets a launch script in the recorded shape, a container_tokens file with its AMRMToken, and its stdout in the log dir', async () => {
    cluster = await startMiniCluster({ nodes: 1, ...FAST });
    const c = cluster;
    clients = clientsFor(c);
    const appId = await submitAm(clients.rm, { command: 'env 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr; exec sleep 60' });
    const am = await waitFor(() => amContainerOf(c, appId), 'the AM container');
    const nm = c.nodes[0];
    const logDir = nm.containerLogDir(am.containerId);
    const stdout = await waitFor(async () => {
      const text = await readFile(join(logDir, 'stdout'), 'utf8').catch(() => '');
      return text.includes('CONTAINER_ID=') ? text : undefined;
    }, 'the AM stdout');
    const env = new Map(
      stdout
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const),
    );
    const report = await waitForState(clients.rm, appId, ['ACCEPTED']);

    expect(env.get('CONTAINER_ID')).toBe(am.containerId);
    expect(env.get('APPLICATION_WEB_PROXY_BASE')).toBe(`/proxy/${appId}`);
    expect(env.get('APP_SUBMIT_TIME_ENV')).toBe(String(c.resourceManager.core.appRecord(appId).submitTime));
    expect(report.submitTime).toBeUndefined(); // a 3.3.6 RM does not fill it in
    expect(env.get('NM_PORT')).toBe(String(nm.port));
    expect(env.get('NM_HOST')).toBe('localhost');
    expect(env.get('NM_HTTP_PORT')).toBe(String(nm.httpPort));
    expect(env.get('LOG_DIRS')).toBe(logDir);
    const workDir = env.get('PWD')!;
    expect(env.get('HADOOP_TOKEN_FILE_LOCATION')).toBe(join(workDir, 'container_tokens'));
    // PATH is bash's default (the NM's own PATH is only a ${PATH:-...} default in the script).
    expect(env.get('PATH')).not.toBe(process.env.PATH);

    // container_tokens: one YARN_AM_RM_TOKEN, empty alias and service, for attempt 1.
    const creds = Credentials.readFile(join(workDir, 'container_tokens'));
    expect([...creds.tokens.keys()]).toEqual(['']);
    const token = creds.findToken(AMRM_TOKEN_KIND)!;
    expect(token.service).toBe('');
    expect(formatApplicationAttemptId(decodeAMRMTokenIdentifier(token.identifier).applicationAttemptId)).toBe(
      appId.replace('application_', 'appattempt_') + '_000001',
    );

    // The launch script, in the work dir and copied to the log dir, has the recorded structure.
    const script = await readFile(join(workDir, 'launch_container.sh'), 'utf8');
    expect(await readFile(join(logDir, 'launch_container.sh'), 'utf8')).toBe(script);
    const keep = new Set<string>([
      ...NM_SET_VARIABLES,
      'PRELAUNCH_OUT',
      'PRELAUNCH_ERR',
      'APPLICATION_WEB_PROXY_BASE',
      'APP_SUBMIT_TIME_ENV',
      'MALLOC_ARENA_MAX',
    ]);
    const recorded = readFixture('containers/probe-am/am-launch_container.sh').toString('utf8');
    expect(skeleton(script, keep)).toEqual(skeleton(recorded, keep).filter((l) => !l.startsWith('ln ')));
    expect(script).toContain(`exec /bin/bash -c "env 1>${logDir}/stdout 2>${logDir}/stderr; exec sleep 60"`);

    // The token in the file authenticates the AM at the scheduler port.
    const amProxy = clients.am(amrmTokenFromFile(join(workDir, 'container_tokens')));
    const reg = await amProxy.invoke('registerApplicationMaster', {
      host: '127.0.0.1',
      rpc_port: -1,
      tracking_url: '',
    });
    expect(reg.queue).toBe('default');
    expect((await waitForState(clients.rm, appId, ['RUNNING'])).host).toBe('127.0.0.1');
    await amProxy.invoke('finishApplicationMaster', { final_application_status: 'APP_SUCCEEDED', diagnostics: 'done' });
    const done = await waitForState(clients.rm, appId, ['FINISHED']);
    expect(done.final_application_status).toBe('APP_SUCCEEDED');
  });
});
