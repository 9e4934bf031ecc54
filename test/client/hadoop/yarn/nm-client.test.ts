import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { CONTAINER_MANAGEMENT_PROTOCOL } from '../../../../client/wire/codec/hadoop-protocols.js';
import { RemoteException } from '../../../../client/wire/ipc/remote-exception.js';
import { RpcServer, type RpcCallContext } from '../../../../minicluster/ipc/rpc-server.js';
import {
  CONTAINER_TOKEN_KIND,
  createTokenPassword,
  decodeContainerTokenIdentifier,
  decodeNMTokenIdentifier,
  encodeContainerTokenIdentifier,
  encodeNMTokenIdentifier,
  mintToken,
  NM_TOKEN_KIND,
} from '../../../../client/wire/security/token-identifiers.js';
import type { HadoopToken } from '../../../../client/wire/security/token.js';
import { buildContainerLaunchContext } from '../../../../client/hadoop/yarn/container-launch-context.js';
import { NMClient } from '../../../../client/hadoop/yarn/nm-client.js';
import { NMTokenCache } from '../../../../client/hadoop/yarn/nm-token-cache.js';
import { ContainerRequestFailedError, YarnClientError } from '../../../../client/hadoop/yarn/yarn-client-errors.js';
import { formatContainerId, formatNodeId, parseApplicationAttemptId, parseContainerId } from '../../../../client/wire/codec/yarn-ids.js';
import { containerIdText, containerIdToWire, type Container } from '../../../../client/hadoop/yarn/yarn-records.js';

type Obj = Record<string, any>;

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (stops.length) await stops.pop()!();
});

const ATTEMPT = 'appattempt_1795373400808_0005_000001';
const YARN_EXCEPTION = 'org.apache.hadoop.yarn.exceptions.YarnException';

/**
 * A NodeManager's ContainerManagementProtocol as far as the AM sees it: TOKEN auth accepting only
 * NMTokens minted with this node's NM master key for this node, container tokens checked against
 * the container master key, per-container failures answered in failed_requests.
 */
async function startTestNodeManager(opts: { refuseStart?: Set<string> } = {}) {
  const nmKey = randomBytes(8);
  const containerKey = randomBytes(8);
  const running = new Map<string, Obj>();
  const calls: { method: string; remoteAddress: string; request: Obj }[] = [];
  let nodeId = '';
  const failed = (id: Obj, message: string, className = YARN_EXCEPTION) => ({
    container_id: id,
    exception: { message, class_name: className, trace: `${className}: ${message}\n\tat ...` },
  });

  const handlers = {
    async startContainers(req: Obj, ctx: RpcCallContext) {
      calls.push({ method: 'startContainers', remoteAddress: ctx.remoteAddress, request: req });
      const succeeded: Obj[] = [];
      const failures: Obj[] = [];
      for (const r of req.start_container_request ?? []) {
        const token = r.container_token as Obj;
        const ident = decodeContainerTokenIdentifier(token.identifier);
        const id = formatContainerId(ident.containerId);
        const wireId = containerIdToWire(id);
        const good = Buffer.from(token.password).equals(createTokenPassword(token.identifier, containerKey));
        if (!good)
          failures.push(
            failed(
              wireId,
              `Given Container ${id} seems to have an illegally generated token.`,
              'org.apache.hadoop.yarn.exceptions.InvalidToken',
            ),
          );
        else if (opts.refuseStart?.has(id)) failures.push(failed(wireId, `Container ${id} rejected: localization failed`));
        else {
          running.set(id, r.container_launch_context);
          succeeded.push(wireId);
        }
      }
      return {
        succeeded_requests: succeeded,
        failed_requests: failures,
        services_meta_data: [{ key: 'mapreduce_shuffle', value: Buffer.from([0, 0, 0x35, 0x11]) }],
      };
    },
    async stopContainers(req: Obj, ctx: RpcCallContext) {
      calls.push({ method: 'stopContainers', remoteAddress: ctx.remoteAddress, request: req });
      const succeeded: Obj[] = [];
      const failures: Obj[] = [];
      for (const id of req.container_id ?? []) {
        const text = containerIdText(id);
        if (running.delete(text)) succeeded.push(id);
        else failures.push(failed(id, `Container ${text} is not handled by this NodeManager`));
      }
      return { succeeded_requests: succeeded, failed_requests: failures };
    },
    async getContainerStatuses(req: Obj, ctx: RpcCallContext) {
      calls.push({ method: 'getContainerStatuses', remoteAddress: ctx.remoteAddress, request: req });
      const status: Obj[] = [];
      const failures: Obj[] = [];
      for (const id of req.container_id ?? []) {
        const text = containerIdText(id);
        if (running.has(text)) {
          status.push({
            container_id: id,
            state: 'C_RUNNING',
            exit_status: -1000,
            diagnostics: '',
            capability: { memory: 1024, virtual_cores: 1 },
            container_sub_state: 'CSS_RUNNING',
            container_attributes: [{ key: 'HOST', value: 'localhost' }],
          });
        } else failures.push(failed(id, `Container ${text} is not handled by this NodeManager`));
      }
      return { status, failed_requests: failures };
    },
  };
  const server = new RpcServer({
    host: '127.0.0.1',
    port: 0,
    protocols: [{ protocol: CONTAINER_MANAGEMENT_PROTOCOL, handlers }],
    auth: {
      simple: false,
      token: {
        serverId: 'default',
        lookupPassword: (b64) => {
          const identifier = Buffer.from(b64, 'base64');
          let decoded;
          try {
            decoded = decodeNMTokenIdentifier(identifier);
          } catch {
            return undefined;
          }
          // A NodeManager accepts NMTokens for itself only.
          if (formatNodeId(decoded.nodeId) !== nodeId) return undefined;
          return createTokenPassword(identifier, nmKey).toString('base64');
        },
      },
    },
  });
  const { port } = await server.listen();
  nodeId = `127.0.0.1:${port}`;
  stops.push(() => server.close());

  const nmToken = (key = nmKey): HadoopToken =>
    mintToken({
      kind: NM_TOKEN_KIND,
      service: nodeId,
      identifier: encodeNMTokenIdentifier({
        applicationAttemptId: parseApplicationAttemptId(ATTEMPT),
        nodeId: { host: '127.0.0.1', port },
        appSubmitter: 'alice',
        keyId: 7,
      }),
      masterKey: key,
    });
  const container = (id: string): Container => {
    const containerId = parseContainerId(id);
    return {
      id,
      nodeId,
      nodeHttpAddress: '127.0.0.1:8042',
      resource: { memoryMb: 1024, vcores: 1 },
      priority: 1,
      containerToken: mintToken({
        kind: CONTAINER_TOKEN_KIND,
        service: nodeId,
        identifier: encodeContainerTokenIdentifier({
          containerId,
          nmHostAddr: nodeId,
          appSubmitter: 'alice',
          resource: { memory: 1024, virtual_cores: 1 },
          masterKeyId: 3,
        }),
        masterKey: containerKey,
      }),
      executionType: 'GUARANTEED',
      allocationRequestId: 0,
      version: 0,
      allocationTags: [],
    };
  };
  return { nodeId, calls, running, nmToken, container };
}

function nmClient(tokens: NMTokenCache, cacheConnections = false): NMClient {
  const client = new NMClient({ nmTokens: tokens, cacheConnections, connection: { connectMaxRetries: 0 } });
  stops.push(() => client.close());
  return client;
}

describe('NMClient against a ContainerManagementProtocol server over TCP', () => {
  it("starts, inspects and stops a container with an epoch in its id, authenticating with the node's NMToken", async () => {
    const nm = await startTestNodeManager();
    const tokens = new NMTokenCache();
    tokens.setToken(nm.nodeId, nm.nmToken());
    const client = nmClient(tokens);
    const c = nm.container('container_e17_1795373400808_0005_01_000002');
    const clc = buildContainerLaunchContext({ commands: ['./run.sh 1><LOG_DIR>/stdout'], environment: { TASK: 'A' } });

    const meta = await client.startContainer(c, clc);
    expect(meta.get('mapreduce_shuffle')).toEqual(Buffer.from([0, 0, 0x35, 0x11]));
    expect([...nm.running.keys()]).toEqual(['container_e17_1795373400808_0005_01_000002']);
    expect(nm.running.get(c.id)).toMatchObject({ command: ['./run.sh 1><LOG_DIR>/stdout'], environment: [{ key: 'TASK', value: 'A' }] });

    const status = await client.getContainerStatus(c.id, c.nodeId);
    expect(status).toMatchObject({
      containerId: c.id,
      state: 'RUNNING',
      exitStatus: -1000,
      subState: 'RUNNING',
      attributes: { HOST: 'localhost' },
    });

    await client.stopContainer(c.id, c.nodeId);
    expect(nm.running.size).toBe(0);
    // the id went out as Hadoop writes it: app_attempt_id and the epoch in the high bits of id
    const sent = nm.calls.find((x) => x.method === 'stopContainers')!.request.container_id[0];
    expect(sent.app_id).toBeUndefined();
    expect(Number(sent.id)).toBe(17 * 2 ** 40 + 2);
    // Hadoop's default: a fresh connection per call
    expect(new Set(nm.calls.map((x) => x.remoteAddress)).size).toBe(3);
  });

  it('turns failed_requests in a SUCCESS answer into ContainerRequestFailedError', async () => {
    const refused = 'container_e17_1795373400808_0005_01_000003';
    const nm = await startTestNodeManager({ refuseStart: new Set([refused]) });
    const tokens = new NMTokenCache();
    tokens.setToken(nm.nodeId, nm.nmToken());
    const client = nmClient(tokens);

    const err = await client
      .startContainer(nm.container(refused), buildContainerLaunchContext({ commands: ['true'] }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContainerRequestFailedError);
    expect(err).toMatchObject({
      operation: 'startContainers',
      containerId: refused,
      remoteClassName: YARN_EXCEPTION,
      remoteMessage: `Container ${refused} rejected: localization failed`,
    });

    const stopUnknown = await client.stopContainer('container_1795373400808_0005_01_000009', nm.nodeId).catch((e: unknown) => e);
    expect(stopUnknown).toMatchObject({
      operation: 'stopContainers',
      containerId: 'container_1795373400808_0005_01_000009',
      simpleClassName: 'YarnException',
    });
    await expect(client.getContainerStatus('container_1795373400808_0005_01_000009', nm.nodeId)).rejects.toBeInstanceOf(
      ContainerRequestFailedError,
    );
  });

  it('is refused with an NMToken the node did not issue, and names the missing token when there is none', async () => {
    const nm = await startTestNodeManager();
    const tokens = new NMTokenCache();
    tokens.setToken(nm.nodeId, nm.nmToken(randomBytes(8)));
    const client = nmClient(tokens);
    const c = nm.container('container_1795373400808_0005_01_000004');
    const refused = await client.startContainer(c, buildContainerLaunchContext({ commands: ['true'] })).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RemoteException);
    expect((refused as RemoteException).status).toBe('FATAL');
    expect(nm.calls).toEqual([]);
    expect(nm.running.size).toBe(0);

    tokens.removeToken(nm.nodeId);
    await expect(client.stopContainer(c.id, nm.nodeId)).rejects.toThrow(YarnClientError);
    await expect(client.stopContainer(c.id, nm.nodeId)).rejects.toThrow(/no NMToken for node 127\.0\.0\.1:\d+/);
  });

  it('keeps one connection per node and token when caching is on', async () => {
    const nm = await startTestNodeManager();
    const tokens = new NMTokenCache();
    tokens.setToken(nm.nodeId, nm.nmToken());
    const client = nmClient(tokens, true);
    const c = nm.container('container_1795373400808_0005_01_000005');
    await client.startContainer(c, buildContainerLaunchContext({ commands: ['true'] }));
    await client.getContainerStatus(c.id, c.nodeId);
    await client.stopContainer(c.id, c.nodeId);
    expect(new Set(nm.calls.map((x) => x.remoteAddress)).size).toBe(1);
  });
});
