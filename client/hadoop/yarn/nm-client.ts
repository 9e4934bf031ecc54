// NMClient: ContainerManagementProtocol (each NodeManager, 45454) for an ApplicationMaster. Each
// call authenticates with the NMToken of the container's node (from the NMTokenCache that
// AMRMClient fills) and goes to the node id's host:port. Bulk answers list per-container
// failures in `failed_requests` under SUCCESS; those become ContainerRequestFailedError.
import type { Configuration } from '../../conf/configuration.js';
import { CONTAINER_MANAGEMENT_PROTOCOL, type MethodName, type RequestOf, type ResponseOf } from '../../wire/codec/hadoop-protocols.js';
import { callMethod, RpcClient, type RpcClientDefaults } from '../../wire/ipc/rpc-client.js';
import { RpcConnection } from '../../wire/ipc/rpc-connection.js';
import type { RetryReporter } from '../../retry/retry-report.js';
import { tokenToProto } from '../../wire/security/token.js';
import type { ContainerLaunchContextProto } from './container-launch-context.js';
import { rpcConnectionDefaultsFromConf } from './ipc-connection-from-conf.js';
import { NMTokenCache } from './nm-token-cache.js';
import { ContainerRequestFailedError, YarnClientError } from './yarn-client-errors.js';
import { parseNodeId } from '../../wire/codec/yarn-ids.js';
import type { ContainerExceptionMapProto } from '../../wire/codec/generated/proto-messages.js';
import { containerIdText, containerIdToWire, containerStatusFromProto, type Container, type ContainerStatus } from './yarn-records.js';

type NodeProtocol = typeof CONTAINER_MANAGEMENT_PROTOCOL;
type Operation = ContainerRequestFailedError['operation'];

export interface NMClientOptions {
  nmTokens: NMTokenCache;
  connection?: RpcClientDefaults;
  /**
   * Keep one connection per node and NMToken. Hadoop's default
   * (yarn.client.max-cached-nodemanagers-proxies = 0) opens a fresh connection for every call.
   */
  cacheConnections?: boolean;
}

export class NMClient {
  private readonly pool: RpcClient | undefined;

  constructor(private readonly options: NMClientOptions) {
    this.pool = options.cacheConnections ? new RpcClient(options.connection) : undefined;
  }

  /** `onRetry` hears of every connect retry to a NodeManager (bounded by ipc.client.connect.max.retries). */
  static createFromConf(conf: Configuration, nmTokens: NMTokenCache, onRetry?: RetryReporter): NMClient {
    return new NMClient({
      nmTokens,
      cacheConnections: conf.getInt('yarn.client.max-cached-nodemanagers-proxies', 0) > 0,
      connection: { ...rpcConnectionDefaultsFromConf(conf), serverName: 'NodeManager', ...(onRetry ? { onRetry } : {}) },
    });
  }

  /**
   * Starts `container` with `launchContext` (see container-launch-context.ts); the container token
   * from the allocation goes along. Resolves to the auxiliary services' metadata.
   */
  async startContainer(container: Container, launchContext: ContainerLaunchContextProto): Promise<Map<string, Buffer>> {
    if (!container.containerToken) {
      throw new YarnClientError(`container ${container.id} has no container token; start only containers received from allocate`);
    }
    const r = await this.call(container.nodeId, 'startContainers', {
      start_container_request: [{ container_launch_context: launchContext, container_token: tokenToProto(container.containerToken) }],
    });
    throwFailed('startContainers', container.id, r);
    const meta = new Map<string, Buffer>();
    for (const kv of r.services_meta_data ?? []) if (kv.key !== undefined) meta.set(kv.key, Buffer.from(kv.value ?? []));
    return meta;
  }

  async stopContainer(containerId: string, nodeId: string): Promise<void> {
    const r = await this.call(nodeId, 'stopContainers', { container_id: [containerIdToWire(containerId)] });
    throwFailed('stopContainers', containerId, r);
  }

  async getContainerStatus(containerId: string, nodeId: string): Promise<ContainerStatus> {
    const r = await this.call(nodeId, 'getContainerStatuses', { container_id: [containerIdToWire(containerId)] });
    throwFailed('getContainerStatuses', containerId, r);
    const statuses = (r.status ?? []).map(containerStatusFromProto);
    const status = statuses.find((s) => s.containerId === containerId);
    if (!status) throw new YarnClientError(`NodeManager ${nodeId} returned no status for ${containerId}`);
    return status;
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }

  private async call<M extends MethodName<NodeProtocol>>(
    nodeId: string,
    method: M,
    request: RequestOf<NodeProtocol, M>,
  ): Promise<ResponseOf<NodeProtocol, M>> {
    const token = this.options.nmTokens.getToken(nodeId);
    if (!token) {
      const known = this.options.nmTokens.nodeIds();
      throw new YarnClientError(
        `no NMToken for node ${nodeId} (tokens held for: ${known.length ? known.join(', ') : 'none'}); the RM sends one in the allocate response that first gives a container on that node`,
      );
    }
    const { host, port } = parseNodeId(nodeId);
    const auth = { kind: 'token' as const, token };
    if (this.pool) {
      const pooled = this.pool.connection(host, port, CONTAINER_MANAGEMENT_PROTOCOL.name, auth);
      return callMethod(pooled, CONTAINER_MANAGEMENT_PROTOCOL, method, request);
    }
    const conn = new RpcConnection({ ...this.options.connection, host, port, protocol: CONTAINER_MANAGEMENT_PROTOCOL.name, auth });
    try {
      return await callMethod(conn, CONTAINER_MANAGEMENT_PROTOCOL, method, request);
    } finally {
      await conn.close();
    }
  }
}

/** SUCCESS answers still list per-container failures; the first one for this container is thrown. */
function throwFailed(operation: Operation, containerId: string, r: { failed_requests?: ContainerExceptionMapProto[] }): void {
  for (const f of r.failed_requests ?? []) {
    const id = f.container_id ? containerIdText(f.container_id) : containerId;
    if (id !== containerId) continue;
    const ex = f.exception ?? {};
    throw new ContainerRequestFailedError(
      operation,
      id,
      ex.class_name ?? 'org.apache.hadoop.yarn.exceptions.YarnException',
      ex.message ?? '',
    );
  }
}
