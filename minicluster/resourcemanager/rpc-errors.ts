// Turns the core's RmException into the IPC server's ERROR answer with the same Java class name.
import { RpcServerException } from '../ipc/rpc-server-exception.js';
import { YarnIdError } from '../../client/wire/codec/yarn-ids.js';
import { RmException } from './rm-exceptions.js';

/** Runs `work` now; its result or its translated exception becomes the answer's promise. */
export function asRpcAnswer<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (err) {
    if (err instanceof RmException) return Promise.reject(new RpcServerException(err.className, err.message));
    if (err instanceof YarnIdError) return Promise.reject(new RpcServerException('java.lang.IllegalArgumentException', err.message));
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}
