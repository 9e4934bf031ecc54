// Test helpers for the assembled mini cluster: a SIMPLE-auth YarnClient-like proxy over Loom's IPC
// engine, submission of a small AM, polling, and what the kernel says is listening.
import { inspect } from 'node:util';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { WebHdfsClient } from '../../client/hadoop/hdfs/webhdfs-client.js';
import {
  APPLICATION_CLIENT_PROTOCOL,
  APPLICATION_MASTER_PROTOCOL,
  CONTAINER_MANAGEMENT_PROTOCOL,
} from '../../client/wire/codec/hadoop-protocols.js';
import { RpcClient, type ProtocolProxy } from '../../client/wire/ipc/rpc-client.js';
import { Credentials } from '../../client/wire/security/credentials-file.js';
import { AMRM_TOKEN_KIND } from '../../client/wire/security/token-identifiers.js';
import { applicationIdText, formatApplicationId, parseApplicationId } from '../../client/wire/codec/yarn-ids.js';
import type { HadoopToken } from '../../client/wire/security/token.js';
import { startMiniCluster, type MiniCluster, type MiniClusterOptions } from '../../minicluster/mini-cluster.js';

type Obj = Record<string, any>;

export const USER = 'loomtest';

export function hostPort(text: string): { host: string; port: number } {
  const i = text.lastIndexOf(':');
  return { host: text.slice(0, i), port: Number(text.slice(i + 1)) };
}

export interface ClusterClients {
  rpc: RpcClient;
  rm: ProtocolProxy<any>;
  am(token: HadoopToken): ProtocolProxy<any>;
  nm(address: { host: string; port: number }, token: HadoopToken): ProtocolProxy<any>;
  close(): Promise<void>;
}

export function clientsFor(cluster: MiniCluster): ClusterClients {
  const rpc = new RpcClient({ connectMaxRetries: 0, callTimeoutMs: 15_000 });
  const extra: RpcClient[] = [];
  // A fresh RpcClient per token proxy: Hadoop's NMClient opens one connection per call anyway.
  const fresh = () => {
    const c = new RpcClient({ connectMaxRetries: 0, callTimeoutMs: 15_000 });
    extra.push(c);
    return c;
  };
  return {
    rpc,
    rm: rpc.proxy(hostPort(cluster.rmAddress), APPLICATION_CLIENT_PROTOCOL, { kind: 'simple', user: USER }),
    am: (token) => fresh().proxy(hostPort(cluster.schedulerAddress), APPLICATION_MASTER_PROTOCOL, { kind: 'token', token }),
    nm: (address, token) => fresh().proxy(address, CONTAINER_MANAGEMENT_PROTOCOL, { kind: 'token', token }),
    close: async () => {
      await Promise.all([rpc.close(), ...extra.map((c) => c.close())]);
    },
  };
}

/** Starts a mini cluster and clients for it; `cleanups` receives what stops both (run them in afterEach, last first). */
export async function startClusterWithClients(
  options: MiniClusterOptions,
  cleanups: (() => Promise<void>)[],
): Promise<{ c: MiniCluster; k: ClusterClients }> {
  const c = await startMiniCluster(options);
  cleanups.push(() => c.stop());
  const k = clientsFor(c);
  cleanups.push(() => k.close());
  return { c, k };
}

export interface AmSpec {
  command: string;
  memoryMb?: number;
  localResources?: Obj[];
  environment?: [string, string][];
  maxAppAttempts?: number;
  keepContainers?: boolean;
  name?: string;
}

/** getNewApplication + submitApplication; returns the application id text. */
export async function submitAm(rm: ProtocolProxy<any>, spec: AmSpec): Promise<string> {
  const fresh = await rm.invoke('getNewApplication', {});
  const appId = fresh.application_id;
  await rm.invoke('submitApplication', {
    application_submission_context: {
      application_id: appId,
      application_name: spec.name ?? 'loom-test',
      queue: 'default',
      am_container_spec: {
        localResources: spec.localResources ?? [],
        environment: (spec.environment ?? []).map(([key, value]) => ({ key, value })),
        command: [spec.command],
      },
      resource: { memory: spec.memoryMb ?? 128, virtual_cores: 1 },
      maxAppAttempts: spec.maxAppAttempts ?? 1,
      keep_containers_across_application_attempts: spec.keepContainers ?? false,
      applicationType: 'LOOM-TEST',
    },
  });
  return applicationIdText(appId);
}

export async function appReport(rm: ProtocolProxy<any>, appId: string): Promise<Obj> {
  const id = parseApplicationId(appId);
  const r = await rm.invoke('getApplicationReport', { application_id: { id: id.id, cluster_timestamp: id.clusterTimestamp } });
  return r.application_report as Obj;
}

/** Polls `probe` until it gives a value (not undefined/false); the last error it threw is in the timeout message. */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 15_000,
  intervalMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last instanceof Error ? last.message : inspect(last)})` : ''}`,
      );
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export async function waitForState(rm: ProtocolProxy<any>, appId: string, states: string[], timeoutMs = 15_000): Promise<Obj> {
  return waitFor(
    async () => {
      const r = await appReport(rm, appId);
      return states.includes(r.yarn_application_state) ? r : undefined;
    },
    `${appId} to reach ${states.join('/')}`,
    timeoutMs,
  );
}

/** The current attempt's AM container id and the node running it, once allocated. */
export function amContainerOf(cluster: MiniCluster, appId: string): { containerId: string; nodeId: string } | undefined {
  const core = cluster.resourceManager.core;
  const id = core.appRecord(formatApplicationId(parseApplicationId(appId))).attempts.at(-1)?.amContainerId;
  const record = id ? core.containerRecord(id) : undefined;
  return id && record ? { containerId: id, nodeId: record.nodeId } : undefined;
}

/** The AMRMToken of an AM, read from the container_tokens file the NM wrote. */
export function amrmTokenFromFile(path: string): HadoopToken {
  const token = Credentials.readFile(path).findToken(AMRM_TOKEN_KIND);
  if (!token) throw new Error(`${path} holds no ${AMRM_TOKEN_KIND}`);
  return token;
}

/** Local TCP ports in LISTEN state (IPv4 and IPv6), from the kernel's tables. */
export function listeningPorts(): Set<number> {
  const ports = new Set<number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === '0A') ports.add(Number.parseInt(cols[1].split(':').at(-1)!, 16));
    }
  }
  return ports;
}

/** True when no process with this pid is alive (a zombie counts as gone). */
export function processGone(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return state === 'Z' || state === 'X';
  } catch {
    return true;
  }
}

/** A WebHDFS client for the cluster's file system, as the HDFS superuser (the OS user). */
export function hdfsFor(cluster: MiniCluster): WebHdfsClient {
  return new WebHdfsClient({
    endpoints: [{ scheme: 'http', host: '127.0.0.1', port: cluster.webHdfs.nameNodeAddress.port }],
    user: userInfo().username,
  });
}

/** Uploads `data` and returns the LocalResourceProto entry (map key `name`) a client would build from GETFILESTATUS. */
export async function uploadResource(
  cluster: MiniCluster,
  fs: WebHdfsClient,
  path: string,
  data: Buffer,
  opts: {
    name?: string;
    permission?: string;
    visibility?: 'PUBLIC' | 'PRIVATE' | 'APPLICATION';
    type?: 'FILE' | 'ARCHIVE';
    timestampOffset?: number;
  } = {},
): Promise<Obj> {
  await fs.mkdirs(path.slice(0, path.lastIndexOf('/')) || '/', { permission: '755' });
  await fs.create(path, data, { permission: opts.permission ?? '644', overwrite: true });
  const st = await fs.getFileStatus(path);
  const nn = hostPort(cluster.defaultFs.replace('webhdfs://', ''));
  return {
    key: opts.name ?? path.slice(path.lastIndexOf('/') + 1),
    value: {
      resource: { scheme: 'webhdfs', host: nn.host, port: nn.port, file: path },
      size: st.length,
      timestamp: st.modificationTime + (opts.timestampOffset ?? 0),
      type: opts.type ?? 'FILE',
      visibility: opts.visibility ?? 'APPLICATION',
    },
  };
}

/** The command name of a process (/proc/<pid>/comm), or undefined once it is gone. */
export function commandOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}
