// How a client reaches the ResourceManager, from Hadoop configuration (Hadoop's RMProxy): the
// address list (one, or one per HA rm-id), the IPC tuning, and the retry budget that keeps trying
// for yarn.resourcemanager.connect.max-wait.ms.
import type { Configuration } from '../conf/configuration.js';
import { isWildcardHost } from '../conf/hadoop-address.js';
import { resourceManagerAddresses, type RmAddress } from '../conf/rm-addresses.js';
import type { FailoverOptions } from '../ipc/failover-rpc-client.js';
import type { RpcClientDefaults } from '../ipc/rpc-client.js';
import { rpcConnectionDefaultsFromConf } from './ipc-connection-from-conf.js';

export type RmProxyOptions = Omit<FailoverOptions, 'protocol' | 'auth'> & { addresses: RmAddress[]; haEnabled: boolean };

/** Client-port (8032) addresses for YarnClient, scheduler-port (8030) addresses for AMRMClient. */
export function rmProxyOptionsFromConf(conf: Configuration, kind: 'client' | 'scheduler'): RmProxyOptions {
  const addresses = resourceManagerAddresses(conf, kind).map((a) => (isWildcardHost(a.host) ? { ...a, host: '127.0.0.1' } : a));
  const haEnabled = conf.getBoolean('yarn.resourcemanager.ha.enabled', false);
  const retryIntervalMs = conf.getTimeDuration('yarn.resourcemanager.connect.retry-interval.ms', 30_000, 'ms');
  const maxWaitMs = conf.getTimeDuration('yarn.resourcemanager.connect.max-wait.ms', 900_000, 'ms');
  if (retryIntervalMs <= 0) {
    throw new RangeError(`yarn.resourcemanager.connect.retry-interval.ms must be positive, got ${retryIntervalMs}`);
  }
  const connection: RpcClientDefaults = {
    ...rpcConnectionDefaultsFromConf(conf),
    // The failover loop below does the retrying; per-connection retries would multiply it
    // (with HA Hadoop sets ipc.client.connect.max.retries to yarn.client.failover-retries, 0).
    connectMaxRetries: haEnabled ? conf.getInt('yarn.client.failover-retries', 0) : 0,
  };
  if (haEnabled) {
    const sleepBaseMs = conf.getLong('yarn.client.failover-sleep-base-ms', retryIntervalMs);
    const sleepMaxMs = conf.getLong('yarn.client.failover-sleep-max-ms', retryIntervalMs);
    const configured = conf.getInt('yarn.client.failover-max-attempts', -1);
    const derived = maxWaitMs < 0 ? Number.MAX_SAFE_INTEGER : Math.floor(maxWaitMs / Math.max(1, sleepBaseMs));
    const maxAttempts = Math.max(addresses.length, configured >= 0 ? configured : derived);
    return { addresses, haEnabled, maxAttempts, sleepBaseMs, sleepMaxMs, connection };
  }
  // Without HA: a fixed sleep of retry-interval between attempts, for at most max-wait.
  const maxAttempts = maxWaitMs < 0 ? Number.MAX_SAFE_INTEGER : Math.max(1, Math.floor(maxWaitMs / retryIntervalMs) + 1);
  return { addresses, haEnabled, maxAttempts, sleepBaseMs: retryIntervalMs, sleepMaxMs: retryIntervalMs, connection };
}
