import type { SaslQop } from '../security/sasl-security-layer.js';
import type { KerberosIdentity } from '../kerberos/identity/kerberos-identity.js';
import { DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_RESPONSE_BYTES } from './frame-decoder.js';

/** The part of client/conf's Configuration that the IPC engine reads (structural, so no import). */
export interface ConfLike {
  get(name: string): string | undefined;
  getInt(name: string, fallback: number): number;
  getBoolean(name: string, fallback: boolean): boolean;
  getTimeDuration(name: string, fallbackMs: number, unit: 'ms'): number;
}

export type RpcProtection = 'authentication' | 'integrity' | 'privacy';

/** Hadoop's SaslPropertiesResolver: the SASL qop each hadoop.rpc.protection value names. */
export const SASL_QOP_OF_PROTECTION: Readonly<Record<RpcProtection, SaslQop>> = {
  authentication: 'auth',
  integrity: 'auth-int',
  privacy: 'auth-conf',
};

/** Connection tuning with Hadoop's key names and defaults. */
export interface IpcTuning {
  /** ipc.client.rpc-timeout.ms (0 = none): per-call timeout. */
  callTimeoutMs: number;
  /** ipc.ping.interval: send a ping when calls are pending and nothing arrived for this long. */
  pingIntervalMs: number;
  /** ipc.client.connection.maxidletime: close a connection with no calls for this long. */
  idleCloseMs: number;
  /** ipc.client.connect.max.retries */
  connectMaxRetries: number;
  /** ipc.client.connect.retry.interval: first backoff, doubled each retry. */
  connectRetryIntervalMs: number;
  /** ipc.client.connect.timeout */
  connectTimeoutMs: number;
  /** ipc.maximum.response.length */
  maxResponseBytes: number;
  /** ipc.maximum.data.length (server side) */
  maxRequestBytes: number;
  /** hadoop.rpc.protection */
  rpcProtection: RpcProtection;
}

export const DEFAULT_IPC_TUNING: Readonly<IpcTuning> = Object.freeze({
  callTimeoutMs: 0,
  pingIntervalMs: 60_000,
  idleCloseMs: 10_000,
  connectMaxRetries: 10,
  connectRetryIntervalMs: 1_000,
  connectTimeoutMs: 20_000,
  maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES,
  maxRequestBytes: DEFAULT_MAX_REQUEST_BYTES,
  rpcProtection: 'authentication',
});

export function ipcOptionsFromConf(conf: ConfLike): IpcTuning {
  const d = DEFAULT_IPC_TUNING;
  const protection = (conf.get('hadoop.rpc.protection') ?? d.rpcProtection).trim().toLowerCase();
  if (protection !== 'authentication' && protection !== 'integrity' && protection !== 'privacy') {
    throw new TypeError(`hadoop.rpc.protection is "${protection}"; expected authentication, integrity or privacy`);
  }
  return {
    callTimeoutMs: conf.getTimeDuration('ipc.client.rpc-timeout.ms', d.callTimeoutMs, 'ms'),
    pingIntervalMs: conf.getTimeDuration('ipc.ping.interval', d.pingIntervalMs, 'ms'),
    idleCloseMs: conf.getTimeDuration('ipc.client.connection.maxidletime', d.idleCloseMs, 'ms'),
    connectMaxRetries: conf.getInt('ipc.client.connect.max.retries', d.connectMaxRetries),
    connectRetryIntervalMs: conf.getTimeDuration('ipc.client.connect.retry.interval', d.connectRetryIntervalMs, 'ms'),
    connectTimeoutMs: conf.getTimeDuration('ipc.client.connect.timeout', d.connectTimeoutMs, 'ms'),
    maxResponseBytes: conf.getInt('ipc.maximum.response.length', d.maxResponseBytes),
    maxRequestBytes: conf.getInt('ipc.maximum.data.length', d.maxRequestBytes),
    rpcProtection: protection,
  };
}

/**
 * Kerberos for one server (the IPC client's KERBEROS auth, Hadoop's SASL GSSAPI): who we are and
 * the server's principal as configured (yarn.resourcemanager.principal, dfs.namenode.kerberos.principal).
 */
export interface IpcKerberosOptions {
  readonly identity: KerberosIdentity;
  /** The server's principal as configured; "_HOST" is replaced by the host connected to, as Hadoop's SaslRpcClient does. */
  readonly principal: string;
}

/** Options of the IPC client beyond its tuning. */
export interface IpcOptions {
  /** Authenticate with Kerberos where the server offers KERBEROS (and no usable token comes first in its list). */
  readonly kerberos?: IpcKerberosOptions;
}
