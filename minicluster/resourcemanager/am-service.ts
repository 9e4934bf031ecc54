// ApplicationMasterProtocol (RM scheduler port) as thin handlers over ResourceManagerCore. The
// caller's attempt comes from the AMRMToken it authenticated with, as in Hadoop.
import type { ProtocolHandlers, RpcCallContext } from '../ipc/rpc-server.js';
import type { SaslServerAuthOptions } from '../ipc/sasl-server-session.js';
import { APPLICATION_MASTER_PROTOCOL } from '../../client/wire/codec/hadoop-protocols.js';
import { decodeAMRMTokenIdentifier } from '../../client/wire/security/token-identifiers.js';
import { formatApplicationAttemptId } from '../../client/wire/codec/yarn-ids.js';
import type { ResourceManagerCore } from './resource-manager-core.js';
import { RmException } from './rm-exceptions.js';
import { asRpcAnswer } from './rpc-errors.js';

type Req = Record<string, any>;

function attemptOf(ctx: RpcCallContext): string {
  if (!ctx.tokenIdentifier) {
    throw new RmException('org.apache.hadoop.security.AccessControlException', 'SIMPLE authentication is not enabled.  Available:[TOKEN]');
  }
  return formatApplicationAttemptId(decodeAMRMTokenIdentifier(ctx.tokenIdentifier).applicationAttemptId);
}

export function applicationMasterService(rm: ResourceManagerCore): ProtocolHandlers {
  const h = (fn: (attempt: string, req: Req) => object) => (req: Req, ctx: RpcCallContext) => asRpcAnswer(() => fn(attemptOf(ctx), req));
  return {
    protocol: APPLICATION_MASTER_PROTOCOL,
    handlers: {
      registerApplicationMaster: h((attempt, req) => rm.registerApplicationMaster(attempt, req)),
      allocate: h((attempt, req) => rm.allocate(attempt, req)),
      finishApplicationMaster: h((attempt, req) => rm.finishApplicationMaster(attempt, req)),
    },
  };
}

/** Token-only auth for the scheduler port, as YARN enforces even on SIMPLE clusters. */
export function amrmTokenAuth(rm: ResourceManagerCore): SaslServerAuthOptions {
  return { simple: false, token: { serverId: 'default', lookupPassword: (id) => rm.lookupAmrmPassword(id) } };
}
