// ApplicationMasterProtocol (RM scheduler port) as thin handlers over ResourceManagerCore. The
// caller's attempt comes from the AMRMToken it authenticated with, as in Hadoop.
import { protocolHandlers, type ProtocolHandlers, type RpcCallContext } from '../ipc/rpc-server.js';
import type { SaslServerAuthOptions } from '../ipc/sasl-server-session.js';
import { APPLICATION_MASTER_PROTOCOL } from '../../client/wire/codec/hadoop-protocols.js';
import { decodeAMRMTokenIdentifier } from '../../client/wire/security/token-identifiers.js';
import { formatApplicationAttemptId } from '../../client/wire/codec/yarn-ids.js';
import type { ResourceManagerCore } from './resource-manager-core.js';
import { RmException } from './rm-exceptions.js';
import { asRpcAnswer } from './rpc-errors.js';

function attemptOf(ctx: RpcCallContext): string {
  if (!ctx.tokenIdentifier) {
    throw new RmException('org.apache.hadoop.security.AccessControlException', 'SIMPLE authentication is not enabled.  Available:[TOKEN]');
  }
  return formatApplicationAttemptId(decodeAMRMTokenIdentifier(ctx.tokenIdentifier).applicationAttemptId);
}

export function applicationMasterService(rm: ResourceManagerCore): ProtocolHandlers {
  const h =
    <Q, R>(fn: (attempt: string, req: Q) => R) =>
    (req: Q, ctx: RpcCallContext) =>
      asRpcAnswer(() => fn(attemptOf(ctx), req));
  return protocolHandlers(APPLICATION_MASTER_PROTOCOL, {
    registerApplicationMaster: h((attempt, req) => rm.registerApplicationMaster(attempt, req)),
    allocate: h((attempt, req) => rm.allocate(attempt, req)),
    finishApplicationMaster: h((attempt, req) => rm.finishApplicationMaster(attempt, req)),
  });
}

/** Token-only auth for the scheduler port, as YARN enforces even on SIMPLE clusters. */
export function amrmTokenAuth(rm: ResourceManagerCore): SaslServerAuthOptions {
  return { simple: false, token: { serverId: 'default', lookupPassword: (id) => rm.lookupAmrmPassword(id) } };
}
