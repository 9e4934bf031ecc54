import type { Configuration } from '../../conf/configuration.js';
import { ipcOptionsFromConf } from '../../wire/ipc/ipc-options.js';
import type { RpcClientDefaults } from '../../wire/ipc/rpc-client.js';
import type { IpcKerberosOptions } from '../../wire/ipc/ipc-options.js';

/**
 * Per-connection IPC settings of the YARN clients from Hadoop configuration (timeouts, ping,
 * idle close, frame limit, rpc protection, connect retries) under Hadoop's key names, and the
 * Kerberos identity and server principal when the connection is to be authenticated by Kerberos.
 */
export function rpcConnectionDefaultsFromConf(conf: Configuration, kerberos?: IpcKerberosOptions): RpcClientDefaults {
  const tuning = ipcOptionsFromConf(conf);
  return {
    callTimeoutMs: tuning.callTimeoutMs,
    pingIntervalMs: tuning.pingIntervalMs,
    idleCloseMs: tuning.idleCloseMs,
    maxResponseBytes: tuning.maxResponseBytes,
    rpcProtection: tuning.rpcProtection,
    connectTimeoutMs: tuning.connectTimeoutMs,
    connectRetryIntervalMs: tuning.connectRetryIntervalMs,
    connectMaxRetries: tuning.connectMaxRetries,
    ...(kerberos ? { kerberos } : {}),
  };
}
