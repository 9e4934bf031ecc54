// The mini ResourceManager's IPC services on 127.0.0.1 for client tests: ApplicationClientProtocol
// (SIMPLE) and ApplicationMasterProtocol (TOKEN with AMRMTokens), with a recording of every
// ApplicationMasterProtocol call as it arrived on the wire and hooks to alter answers.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RpcCallContext, ProtocolHandlers } from '../../../../minicluster/ipc/rpc-server.js';
import { RpcServer } from '../../../../minicluster/ipc/rpc-server.js';
import type { SaslServerAuthOptions } from '../../../../minicluster/ipc/sasl-server-session.js';
import { Credentials } from '../../../../client/wire/security/credentials-file.js';
import type { HadoopToken } from '../../../../client/wire/security/token.js';
import { applicationIdText } from '../../../../client/wire/codec/yarn-ids.js';
import { amrmTokenAuth, applicationMasterService } from '../../../../minicluster/resourcemanager/am-service.js';
import { applicationClientService } from '../../../../minicluster/resourcemanager/client-service.js';
import { ResourceManagerCore } from '../../../../minicluster/resourcemanager/resource-manager-core.js';
import { tokenProto } from '../../../../minicluster/resourcemanager/rm-tokens.js';

type Obj = Record<string, any>;

export const CLUSTER_TS = 1795373400808;

export interface RecordedAmCall {
  method: string;
  request: Obj;
  tokenIdentifier: Buffer | undefined;
  remoteAddress: string;
  /** 'ok', or the error's message. */
  outcome: string;
}

export interface MiniRmOptions {
  core?: ResourceManagerCore;
  clientPort?: number;
  schedulerPort?: number;
  /** Replaces the scheduler port's TOKEN auth (e.g. to accept a rolled AMRMToken too). */
  amAuth?: (core: ResourceManagerCore) => SaslServerAuthOptions;
  /** Called with each successful allocate answer before it is sent; may change it. */
  onAllocate?: (response: Obj, request: Obj, callIndex: number) => void;
}

export interface MiniRm {
  core: ResourceManagerCore;
  clientPort: number;
  schedulerPort: number;
  nodeId: string;
  amCalls: RecordedAmCall[];
  stop(): Promise<void>;
}

export async function startMiniRm(opts: MiniRmOptions = {}): Promise<MiniRm> {
  const core = opts.core ?? new ResourceManagerCore({ config: { clusterTimestamp: CLUSTER_TS } });
  const nodeId = core.registerNode({ port: 45454, httpPort: 8042, capability: { memory: 8192, virtual_cores: 8 } });
  const amCalls: RecordedAmCall[] = [];
  const base = applicationMasterService(core);
  let allocates = 0;
  const recording: ProtocolHandlers = {
    protocol: base.protocol,
    handlers: Object.fromEntries(
      Object.entries(base.handlers).map(([method, handler]) => [
        method,
        async (req: Obj, ctx: RpcCallContext) => {
          const call: RecordedAmCall = {
            method,
            request: req,
            tokenIdentifier: ctx.tokenIdentifier,
            remoteAddress: ctx.remoteAddress,
            outcome: 'ok',
          };
          amCalls.push(call);
          try {
            const res = (await (handler as any)(req, ctx)) as Obj;
            if (method === 'allocate') opts.onAllocate?.(res, req, allocates++);
            return res;
          } catch (err) {
            call.outcome = (err as { className?: string }).className ?? String(err);
            throw err;
          }
        },
      ]),
    ),
  };
  const clientServer = new RpcServer({
    host: '127.0.0.1',
    port: opts.clientPort ?? 0,
    protocols: [applicationClientService(core)],
    auth: { simple: true },
  });
  const amServer = new RpcServer({
    host: '127.0.0.1',
    port: opts.schedulerPort ?? 0,
    protocols: [recording],
    auth: opts.amAuth ? opts.amAuth(core) : amrmTokenAuth(core),
  });
  const { port: clientPort } = await clientServer.listen();
  const { port: schedulerPort } = await amServer.listen();
  return {
    core,
    clientPort,
    schedulerPort,
    nodeId,
    amCalls,
    async stop() {
      await Promise.all([clientServer.close(), amServer.close()]);
    },
  };
}

/** Configuration values pointing Loom's clients at the mini RM, with fast retries. */
export function rmConfValues(rm: Pick<MiniRm, 'clientPort' | 'schedulerPort'>): Record<string, string> {
  return {
    'yarn.resourcemanager.address': `127.0.0.1:${rm.clientPort}`,
    'yarn.resourcemanager.scheduler.address': `127.0.0.1:${rm.schedulerPort}`,
    'yarn.resourcemanager.connect.max-wait.ms': '3000',
    'yarn.resourcemanager.connect.retry-interval.ms': '100',
    'yarn.client.application-client-protocol.poll-interval-ms': '20',
  };
}

export interface LaunchedAm {
  appId: string;
  attemptId: string;
  amContainerId: string;
  amrmToken: HadoopToken;
}

/** Submits an application straight to the core and plays the NM's part until its AM container runs. */
export function launchAm(rm: MiniRm, user = 'alice'): LaunchedAm {
  const appIdProto = rm.core.getNewApplication().application_id;
  rm.core.submitApplication({ application_id: appIdProto, resource: { memory: 512, virtual_cores: 1 } }, user);
  rm.core.nodeHeartbeat(rm.nodeId);
  const launch = rm.core.takeAmLaunches().at(0);
  if (!launch) throw new Error('the mini RM launched no AM container');
  const appId = applicationIdText(appIdProto);
  const amContainerId = rm.core.appRecord(appId).attempts.at(-1)!.amContainerId!;
  rm.core.amContainerLaunched(amContainerId);
  return { appId, attemptId: rm.core.appRecord(appId).attempts.at(-1)!.id, amContainerId, amrmToken: tokenProto(launch.amrmToken) };
}

/** container_tokens as the NM writes it, in `dir`; returns the env that names it. */
export function writeContainerTokens(dir: string, amrmToken: HadoopToken): NodeJS.ProcessEnv {
  const path = join(dir, 'container_tokens');
  writeFileSync(path, new Credentials().addToken('', amrmToken).serialize());
  return { HADOOP_TOKEN_FILE_LOCATION: path };
}
