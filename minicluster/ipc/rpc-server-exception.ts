import { LoomError } from '../../client/errors/loom-error.js';

/**
 * Thrown by an RpcServer handler to answer with a Hadoop exception (ERROR response with this
 * Java class name and message), e.g.
 * `throw new RpcServerException('org.apache.hadoop.yarn.exceptions.ApplicationNotFoundException', 'Application with id ... doesn\'t exist in RM.')`.
 */
export class RpcServerException extends LoomError {
  static override readonly code: string = 'MINICLUSTER_RPC_EXCEPTION';
  override readonly name = 'RpcServerException';
  constructor(
    readonly className: string,
    message: string,
    /** Hadoop's RpcErrorCodeProto name; application errors are ERROR_APPLICATION. */
    readonly errorDetail = 'ERROR_APPLICATION',
  ) {
    super(message);
  }
}
