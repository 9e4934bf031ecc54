// Turns the core's RmException into the IPC server's ERROR answer with the same Java class name.
import { RpcServerException } from '../ipc/rpc-server-exception.js';
import { YarnIdError } from '../../client/wire/codec/yarn-ids.js';
import { RmException } from './rm-exceptions.js';

export async function asRpcAnswer<T>(work: () => T): Promise<T> {
  try {
    return work();
  } catch (err) {
    if (err instanceof RmException) throw new RpcServerException(err.className, err.message);
    if (err instanceof YarnIdError) throw new RpcServerException('java.lang.IllegalArgumentException', err.message);
    throw err;
  }
}
