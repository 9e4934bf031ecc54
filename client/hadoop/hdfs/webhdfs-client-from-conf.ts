/**
 * Builds a WebHdfsClient from Hadoop configuration: NameNode endpoints (fs.defaultFS or the
 * given URI, HA nameservices, https) from client/conf, the user as Hadoop's SIMPLE auth picks it
 * (and the Kerberos identity when hadoop.security.authentication is kerberos), and the
 * failover/timeout settings under their Hadoop names.
 */
import type { Configuration } from '../../conf/configuration.js';
import { webHdfsEndpoints } from '../../conf/namenode-addresses.js';
import type { RetryReporter } from '../../retry/retry-report.js';
import type { KerberosIdentity } from '../../wire/kerberos/identity/kerberos-identity.js';
import { kerberosIdentityFromConf } from '../kerberos-identity-from-conf.js';
import { hadoopUser } from '../../wire/security/hadoop-user.js';
import { WebHdfsClient, type WebHdfsClientOptions } from './webhdfs-client.js';

export interface WebHdfsClientFromConfOptions {
  /** An hdfs:// / webhdfs:// / swebhdfs:// URI naming the file system; fs.defaultFS when omitted. */
  uri?: string;
  user?: string;
  doAs?: string;
  delegation?: string;
  httpFs?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Hears of every retry while a NameNode does not answer; silence without it. */
  onRetry?: RetryReporter;
  /**
   * Who Loom is on a Kerberized cluster (SPNEGO); unset: from the configuration
   * (kerberos-identity-from-conf.ts), none on a simple cluster or with a delegation token.
   */
  kerberosIdentity?: KerberosIdentity | undefined;
}

const MAX_ATTEMPTS_KEY = 'dfs.http.client.failover.max.attempts';

export function webHdfsClientFromConf(conf: Configuration, opts: WebHdfsClientFromConfOptions = {}): WebHdfsClient {
  const maxAttempts = conf.getInt(MAX_ATTEMPTS_KEY, 15);
  if (maxAttempts < 1) throw new RangeError(`${MAX_ATTEMPTS_KEY} must be at least 1, got ${maxAttempts}`);
  // The address comes from fs.defaultFS unless the caller named another file system.
  const defaultFs = conf.getTrimmed('fs.defaultFS') ?? '';
  const fromDefaultFs =
    opts.uri === undefined || (opts.uri !== '' && defaultFs.replace(/\/+$/, '').startsWith(opts.uri.replace(/\/+$/, '')));
  // A delegation token authenticates by itself (inside the cluster); otherwise Kerberos when the cluster says so.
  const identity = opts.delegation
    ? undefined
    : 'kerberosIdentity' in opts
      ? opts.kerberosIdentity
      : kerberosIdentityFromConf(conf, opts.env ? { env: opts.env } : {});
  const options: WebHdfsClientOptions = {
    endpoints: webHdfsEndpoints(conf, opts.uri),
    retry: {
      maxAttempts,
      baseDelayMs: conf.getInt('dfs.http.client.failover.sleep.base.millis', 500),
      maxDelayMs: conf.getInt('dfs.http.client.failover.sleep.max.millis', 15_000),
    },
    // Every NameNode attempt is counted against dfs.http.client.failover.max.attempts, with a
    // backoff from sleep.base.millis doubling up to sleep.max.millis (WebHdfsFileSystem's HA policy).
    retryTarget: {
      server: 'NameNode',
      ...(fromDefaultFs ? { addressSetting: 'fs.defaultFS' } : {}),
      bound: { setting: MAX_ATTEMPTS_KEY, value: String(maxAttempts) },
    },
    socketTimeoutMs: conf.getTimeDuration('dfs.webhdfs.socket.read-timeout', 60_000, 'ms'),
    connectTimeoutMs: conf.getTimeDuration('dfs.webhdfs.socket.connect-timeout', 60_000, 'ms'),
    ...(opts.delegation ? { delegation: opts.delegation } : { user: opts.user ?? hadoopUser(opts.env) }),
    ...(opts.doAs ? { doAs: opts.doAs } : {}),
    ...(opts.httpFs ? { httpFs: true } : {}),
    ...(identity ? { kerberos: { identity } } : {}),
    ...(opts.onRetry ? { onRetry: opts.onRetry } : {}),
  };
  return new WebHdfsClient(options);
}
