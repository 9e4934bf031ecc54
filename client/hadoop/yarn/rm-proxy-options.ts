// How a client reaches the ResourceManager, from Hadoop configuration (Hadoop's RMProxy): the
// address list (one, or one per HA rm-id), the IPC tuning, and the retry budget that keeps trying
// for yarn.resourcemanager.connect.max-wait.ms.
import type { Configuration } from '../../conf/configuration.js';
import { isWildcardHost } from '../../conf/hadoop-address.js';
import { resourceManagerAddresses, type RmAddress } from '../../conf/rm-addresses.js';
import type { FailoverOptions } from '../../wire/ipc/failover-rpc-client.js';
import type { RpcClientDefaults } from '../../wire/ipc/rpc-client.js';
import type { RetryTarget } from '../../retry/retry-report.js';
import { rpcConnectionDefaultsFromConf } from './ipc-connection-from-conf.js';
import type { IpcKerberosOptions } from '../../wire/ipc/ipc-options.js';

export type RmProxyOptions = Omit<FailoverOptions, 'protocol' | 'auth' | 'onRetry'> & {
  addresses: RmAddress[];
  haEnabled: boolean;
  target: RetryTarget;
};

const MAX_WAIT_KEY = 'yarn.resourcemanager.connect.max-wait.ms';
const RETRY_INTERVAL_KEY = 'yarn.resourcemanager.connect.retry-interval.ms';

/**
 * Client-port (8032) addresses for YarnClient, scheduler-port (8030) addresses for AMRMClient, and
 * the retry budget of RMProxy.createRetryPolicy: without HA a fixed sleep of retry-interval.ms for
 * up to max-wait.ms (-1: forever; less than one interval: one attempt); with HA
 * yarn.client.failover-max-attempts (unset: max-wait.ms / failover-sleep-base-ms) with backoff.
 * `kerberos`: connections authenticate with Kerberos (a client on a Kerberized cluster).
 */
export function rmProxyOptionsFromConf(conf: Configuration, kind: 'client' | 'scheduler', kerberos?: IpcKerberosOptions): RmProxyOptions {
  const addresses = resourceManagerAddresses(conf, kind).map((a) => (isWildcardHost(a.host) ? { ...a, host: '127.0.0.1' } : a));
  const haEnabled = conf.getBoolean('yarn.resourcemanager.ha.enabled', false);
  const retryIntervalMs = conf.getTimeDuration(RETRY_INTERVAL_KEY, 30_000, 'ms');
  const maxWaitMs = conf.getTimeDuration(MAX_WAIT_KEY, 900_000, 'ms');
  if (retryIntervalMs <= 0) {
    throw new RangeError(`${RETRY_INTERVAL_KEY} must be positive, got ${retryIntervalMs}`);
  }
  if (maxWaitMs < -1) throw new RangeError(`${MAX_WAIT_KEY} can be -1 (wait forever) or a wait in ms, not ${maxWaitMs}`);
  const connection: RpcClientDefaults = {
    ...rpcConnectionDefaultsFromConf(conf, kerberos),
    // The failover loop below does the retrying; per-connection retries would multiply it
    // (with HA Hadoop sets ipc.client.connect.max.retries to yarn.client.failover-retries, 0).
    connectMaxRetries: haEnabled ? conf.getInt('yarn.client.failover-retries', 0) : 0,
  };
  const addressSetting = kind === 'client' ? 'yarn.resourcemanager.address' : 'yarn.resourcemanager.scheduler.address';
  const waitBound = { setting: MAX_WAIT_KEY, value: String(maxWaitMs) };
  const waitLimit = maxWaitMs < 0 ? {} : { maxWaitMs };
  if (haEnabled) {
    const sleepBaseMs = conf.getLong('yarn.client.failover-sleep-base-ms', retryIntervalMs);
    const sleepMaxMs = conf.getLong('yarn.client.failover-sleep-max-ms', retryIntervalMs);
    const configured = conf.getInt('yarn.client.failover-max-attempts', -1);
    const derived = maxWaitMs < 0 ? Number.MAX_SAFE_INTEGER : Math.floor(maxWaitMs / Math.max(1, sleepBaseMs));
    const maxAttempts = Math.max(addresses.length, configured >= 0 ? configured : derived);
    // An explicit attempt count replaces the wait in Hadoop's RMProxy; then it is the bound.
    const target: RetryTarget =
      configured >= 0
        ? {
            server: 'ResourceManager',
            addressSetting: `${addressSetting}.<rm-id>`,
            bound: { setting: 'yarn.client.failover-max-attempts', value: String(configured) },
          }
        : { server: 'ResourceManager', addressSetting: `${addressSetting}.<rm-id>`, bound: waitBound };
    return { addresses, haEnabled, maxAttempts, sleepBaseMs, sleepMaxMs, connection, target, ...(configured >= 0 ? {} : waitLimit) };
  }
  // Without HA: a fixed sleep of retry-interval between attempts, for at most max-wait.
  const maxAttempts = maxWaitMs < 0 ? Number.MAX_SAFE_INTEGER : Math.max(1, Math.floor(maxWaitMs / retryIntervalMs) + 1);
  const target: RetryTarget = { server: 'ResourceManager', addressSetting, bound: waitBound };
  return { addresses, haEnabled, maxAttempts, sleepBaseMs: retryIntervalMs, sleepMaxMs: retryIntervalMs, connection, target, ...waitLimit };
}
