// The AM's start-up phases on their own: each one is given the results of the phases before it
// (fakes for the ResourceManager and NodeManager clients) and returns what it built.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readAmEnvironment } from '../../../appmaster/am-runtime/am-environment.js';
import { AmEndRequests } from '../../../appmaster/session/am-end-requests.js';
import { AmShutdown } from '../../../appmaster/session/am-shutdown.js';
import { startServers } from '../../../appmaster/startup/am-servers.js';
import { amProcessLogger } from '../../../appmaster/startup/am-process.js';
import { createClusterJobs } from '../../../appmaster/startup/cluster-jobs.js';
import { readClusterSetup } from '../../../appmaster/startup/cluster-setup.js';
import type { YarnConnection } from '../../../appmaster/startup/yarn-connection.js';
import { Configuration } from '../../../client/conf/configuration.js';
import { LoomConfig } from '../../../client/conf/loom-config.js';
import { LocalResourceNames } from '../../../client/contracts/am-container-contract.js';
import { AmEnvNames } from '../../../client/contracts/am-env.js';
import { newClusterSecret } from '../../../client/contracts/cluster-secret.js';
import type { AMRMClient } from '../../../client/hadoop/yarn/amrm-client.js';
import type { NMClient } from '../../../client/hadoop/yarn/nm-client.js';

const dirs: string[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A container working dir holding what the client ships (`files` replaces the defaults) and phase 1's results with fake RM/NM clients. */
function containerWith(files: Partial<Record<'config' | 'secret', string>> = {}) {
  const workDir = mkdtempSync(join(tmpdir(), 'loom-am-phases-'));
  dirs.push(workDir);
  const secret = newClusterSecret();
  writeFileSync(join(workDir, LocalResourceNames.config), files.config ?? LoomConfig.empty().toYaml());
  writeFileSync(join(workDir, LocalResourceNames.secret), files.secret ?? secret);
  const env: NodeJS.ProcessEnv = {
    CONTAINER_ID: 'container_1795460840938_0003_01_000001',
    NM_HOST: '127.0.0.1',
    HADOOP_TOKEN_FILE_LOCATION: join(workDir, 'container_tokens'),
    PWD: workDir,
    [AmEnvNames.localResources]: '{}',
    [AmEnvNames.user]: 'alice',
  };
  const rm: string[] = [];
  const amrm = {
    register: (host: string, port: number) => {
      rm.push(`register ${host}:${port}`);
      return Promise.resolve({ containersFromPreviousAttempts: [] });
    },
    unregister: (status: string, diagnostics: string) => {
      rm.push(`unregister ${status}: ${diagnostics}`);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
  const yarn: YarnConnection = {
    am: readAmEnvironment(env),
    hadoopConf: Configuration.load({ env: {} }),
    amrm: amrm as unknown as AMRMClient,
    nm: { close: () => Promise.resolve() } as unknown as NMClient,
    onRetry: () => {},
  };
  const logs: string[] = [];
  const exits: number[] = [];
  const logger = amProcessLogger((line) => logs.push(line));
  const proc = { env, logger, log: logger.lineLog(), exit: (code: number) => exits.push(code) };
  return { proc, yarn, secret, rm, logs, exits };
}

describe('start-up phase 2: readClusterSetup', () => {
  it('reads the shipped configuration and secret; one attempt keeps no HA store', async () => {
    const { proc, yarn, secret, rm, exits } = containerWith();
    const setup = await readClusterSetup(proc, yarn);
    expect(setup.secret).toBe(secret);
    expect(setup.mode.mode).toBe('session');
    expect(setup.listen.advertisedHost).toBe('127.0.0.1');
    expect(setup.ha).toMatchObject({ store: undefined, takeover: false });
    expect(rm).toEqual([]);
    expect(exits).toEqual([]);
  });

  it('a secret the AM cannot use ends the application FAILED with the reason before it serves, and exits 1', async () => {
    const { proc, yarn, rm, exits } = containerWith({ secret: 'not a secret' });
    await expect(readClusterSetup(proc, yarn)).rejects.toThrow(/does not hold a Loom cluster secret/);
    expect(rm).toEqual([
      'register 127.0.0.1:-1',
      expect.stringMatching(/^unregister FAILED: the ApplicationMaster cannot start: .*loom-secret.* does not hold a Loom cluster secret/),
    ]);
    expect(exits).toEqual([1]);
  });
});

describe('start-up phases 3 and 4: createClusterJobs, startServers', () => {
  it('the servers listen before the AM registers; the gateway admits no TaskExecutor until the bridge knows its containers', async () => {
    const { proc, yarn, secret } = containerWith();
    const setup = await readClusterSetup(proc, yarn);
    const ends = new AmEndRequests();
    const cluster = createClusterJobs(proc, yarn, setup, ends);
    const servers = await startServers(proc, yarn, { ...setup, listen: { ...setup.listen, host: '127.0.0.1', port: 0 } }, cluster);
    cleanups.push(async () => {
      cluster.registry.stop('test over');
      await Promise.all([servers.dispatcher.stop(), servers.gateway.close()]);
    });

    const answer = await fetch(`http://${servers.restAddress}/overview`, { headers: { authorization: `Bearer ${secret}` } });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ mode: 'session', 'application-id': 'application_1795460840938_0003' });
    expect(servers.gatewayAddress).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(servers.admission.admit('container_1795460840938_0003_01_000002')).toMatchObject({ admitted: false, retryLater: true });
  });

  it("the control's shutdown is an end request: it waits until start-up hands over a shutdown", async () => {
    const { proc, yarn } = containerWith();
    const setup = await readClusterSetup(proc, yarn);
    const ends = new AmEndRequests();
    const cluster = createClusterJobs(proc, yarn, setup, ends);
    const steps: string[] = [];
    let durable = false;
    const done = cluster.control.shutdown({ finalStatus: 'KILLED', diagnostics: 'stopped' }).then(() => (durable = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(durable).toBe(false);
    const shutdown = new AmShutdown(
      {
        stopTaskExecutors: async (reason) => void steps.push(`stop: ${reason}`),
        unregister: async (status, diagnostics) => void steps.push(`unregister ${status}: ${diagnostics}`),
        deleteStagingDir: async () => void steps.push('delete staging dir'),
        closeAll: async () => void steps.push('close'),
        exit: (code) => steps.push(`exit ${code}`),
        log: () => {},
      },
      0,
    );
    ends.carryOutWith(shutdown);
    await done;
    expect(steps).toEqual(['stop: stopped', 'unregister KILLED: stopped', 'delete staging dir']);
    await shutdown.whenDone();
    expect(steps.slice(3)).toEqual(['close', 'exit 0']);
  });
});
