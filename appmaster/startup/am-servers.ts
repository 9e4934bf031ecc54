/**
 * Start-up phase 4: the AM's two servers, on the host rest.bind-address names (default NM_HOST):
 * the TaskExecutor gateway (gRPC, behind the cluster secret and the container admission) and the
 * dispatcher (REST + dashboard, behind the secret and YARN's web proxy filter). Both listen before
 * the AM registers, since the registration carries the tracking URL.
 */
import { readFileSync } from 'node:fs';
import { AmIpFilter, amIpFilterSettings } from '../dispatcher/am-ip-filter.js';
import { DispatcherServer } from '../dispatcher/dispatcher-server.js';
import { effectiveConfigEntries } from '../dispatcher/effective-config.js';
import { startTaskExecutorGateway, type TaskExecutorGateway } from '../rpc/taskexecutor-gateway-server.js';
import { ContainerAdmission } from '../taskexecutors/taskexecutor-admission.js';
import { componentLog, hostForUrl, type AmProcess } from './am-process.js';
import type { ClusterJobs } from './cluster-jobs.js';
import type { ClusterSetup } from './cluster-setup.js';
import type { YarnConnection } from './yarn-connection.js';

export interface AmServers {
  gateway: TaskExecutorGateway;
  dispatcher: DispatcherServer;
  /** Refuses every TaskExecutor (to try again) until the ResourceManager bridge knows the AM's containers. */
  admission: ContainerAdmission;
  /** host:port as advertised (NM_HOST), for URLs and the HA store. */
  restAddress: string;
  gatewayAddress: string;
  /** `https` with internal TLS, else `http`: the scheme of the tracking URL. */
  restScheme: 'http' | 'https';
}

/** Starts both servers; when the second cannot start, the first is closed again before the error goes on. */
export async function startServers(proc: AmProcess, yarn: YarnConnection, setup: ClusterSetup, cluster: ClusterJobs): Promise<AmServers> {
  const { env, log } = proc;
  const gatewayLog = componentLog(proc, 'taskexecutor-gateway');
  const dispatcherLog = componentLog(proc, 'dispatcher');
  const { host: bindHost, advertisedHost } = setup.listen;
  cluster.registry.start();
  const admission = new ContainerAdmission(yarn.am.attemptIdText);
  const gateway = await startTaskExecutorGateway({
    host: bindHost,
    port: 0,
    secret: setup.secret,
    ...(setup.tls ? { tls: setup.tls } : {}),
    registry: cluster.registry,
    admission,
    log: gatewayLog,
  });
  log(`TaskExecutor gateway listening on ${bindHost}:${gateway.address.port}${setup.tls ? ' (TLS)' : ''}`);
  const dispatcher = new DispatcherServer({
    control: cluster.control,
    secret: setup.secret,
    ...(setup.tls ? { tls: setup.tls } : {}),
    host: bindHost,
    port: setup.listen.port,
    ...(cluster.lease ? { lease: cluster.lease } : {}),
    proxyFilter: new AmIpFilter(amIpFilterSettings(yarn.hadoopConf, env), { log: componentLog(proc, 'am-ip-filter') }),
    maxBodyBytes: setup.listen.maxBodyBytes,
    refreshIntervalMs: setup.listen.refreshIntervalMs,
    loomVersion: loomVersion(),
    metrics: cluster.metrics,
    log: dispatcherLog,
    ...(setup.mode.programOutput ? { program: setup.mode.programOutput } : {}),
    ...(yarn.am.logDir !== undefined ? { amLogDir: yarn.am.logDir } : {}),
    effectiveConfig: () => effectiveConfigEntries(setup.config, yarn.hadoopConf),
    containerLogUser: yarn.am.user,
  });
  const rest = await dispatcher.start().catch(async (err: unknown) => {
    await gateway.close();
    throw err;
  });
  log(`REST API and dashboard listening on ${bindHost}:${rest.port}${setup.tls ? ' (HTTPS)' : ''}`);
  return {
    gateway,
    dispatcher,
    admission,
    restAddress: `${hostForUrl(advertisedHost)}:${rest.port}`,
    gatewayAddress: `${hostForUrl(advertisedHost)}:${gateway.address.port}`,
    restScheme: setup.tls ? 'https' : 'http',
  };
}

function loomVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
