/**
 * The environment the AM gives a TaskExecutor's container (AM -> TaskExecutor), besides what YARN
 * sets (CONTAINER_ID, NM_HOST, USER): the AM writes it with `writeTaskExecutorEnv` into the launch
 * context, the TaskExecutor reads it with `readTaskExecutorEnv`. One module for both sides, so the
 * names cannot drift apart. No I/O here: the TaskExecutor reads the secret file itself.
 */
import { parseHadoopAddress, type HostPort } from '../conf/hadoop-address.js';
import { parseClusterSecret } from './cluster-secret.js';
import {
  DEFAULT_LOG_FORMAT,
  DEFAULT_LOG_LEVEL,
  isLogFormat,
  isLogLevel,
  LOG_FORMATS,
  LOG_LEVELS,
  type LogFormat,
  type LogLevel,
} from '../logging/log-levels.js';

export const TaskExecutorEnvNames = {
  /** host:port of the AM's TaskExecutor gateway, as advertised (NM_HOST, never a wildcard). */
  amAddress: 'LOOM_AM_ADDRESS',
  /** Path (relative to the working dir) of the file holding the secret: never the secret itself, which would sit in launch_container.sh. */
  secretFile: 'LOOM_SECRET_FILE',
  /** Path (relative to the working dir) of the AM's internal TLS certificate: the gateway is TLS and must show it (pinned). Absent: plaintext. */
  tlsCertificateFile: 'LOOM_TLS_CERT_FILE',
  slots: 'LOOM_SLOTS',
  /** The TaskExecutor exits when it has not reached the AM for this long. */
  amTimeoutMs: 'LOOM_AM_TIMEOUT_MS',
  /** The application's user: WebHDFS calls go out as this user. */
  user: 'HADOOP_USER_NAME',
  /** Memory YARN granted the container: the TaskExecutor sizes its task threads' heaps from it. */
  memoryMb: 'LOOM_TASKEXECUTOR_MEMORY_MB',
  /** The application's staging dir URL: its file system counts as the cluster's for bundles, as on the AM. */
  stagingDir: 'LOOM_STAGING_DIR',
  /** The HA store's URL, where a TaskExecutor that lost its AM finds the next attempt's gateway (none with a single attempt). */
  haStore: 'LOOM_HA_STORE',
  /** The AM's loom.log.level and loom.log.format: the TaskExecutor logs as the AM does. */
  logLevel: 'LOOM_LOG_LEVEL',
  logFormat: 'LOOM_LOG_FORMAT',
  /** Outside YARN only (a TaskExecutor started by hand): the secret itself. */
  secret: 'LOOM_CLUSTER_SECRET',
  /** Outside YARN only: the Hadoop configuration dir (else HADOOP_CONF_DIR). */
  hadoopConf: 'LOOM_HADOOP_CONF',
  /** Outside YARN only: the bundle cache dir (else loom-bundles in the working dir). */
  bundleCache: 'LOOM_BUNDLE_CACHE_DIR',
} as const;

/** What the AM sets. */
export interface TaskExecutorEnvValues {
  amAddress: string;
  secretFile: string;
  /** Internal TLS: the certificate file the TaskExecutor pins. */
  tlsCertificateFile?: string;
  slots: number;
  amTimeoutMs: number;
  user: string;
  memoryMb: number;
  haStoreUrl?: string;
  stagingDir?: string;
  /** Absent: the TaskExecutor's defaults (info, text). */
  logLevel?: LogLevel;
  logFormat?: LogFormat;
}

/** The AM's side: the variables for the launch context (values not yet escaped for the launch script). */
export function writeTaskExecutorEnv(values: TaskExecutorEnvValues): Record<string, string> {
  return {
    [TaskExecutorEnvNames.amAddress]: values.amAddress,
    [TaskExecutorEnvNames.secretFile]: values.secretFile,
    ...(values.tlsCertificateFile ? { [TaskExecutorEnvNames.tlsCertificateFile]: values.tlsCertificateFile } : {}),
    [TaskExecutorEnvNames.slots]: String(values.slots),
    [TaskExecutorEnvNames.amTimeoutMs]: String(values.amTimeoutMs),
    [TaskExecutorEnvNames.user]: values.user,
    [TaskExecutorEnvNames.memoryMb]: String(values.memoryMb),
    ...(values.haStoreUrl ? { [TaskExecutorEnvNames.haStore]: values.haStoreUrl } : {}),
    ...(values.stagingDir ? { [TaskExecutorEnvNames.stagingDir]: values.stagingDir } : {}),
    ...(values.logLevel ? { [TaskExecutorEnvNames.logLevel]: values.logLevel } : {}),
    ...(values.logFormat ? { [TaskExecutorEnvNames.logFormat]: values.logFormat } : {}),
  };
}

/** What the TaskExecutor reads: the AM's values parsed (defaults where one is absent), and the outside-YARN ones. */
export interface TaskExecutorEnvRead {
  amAddress: HostPort;
  /** Where the secret is (read by the TaskExecutor); when absent, `secret` holds it (outside YARN). */
  secretFile: string | undefined;
  secret: string | undefined;
  /** Where the pinned certificate of the AM's TLS gateway is; undefined: the gateway is plaintext. */
  tlsCertificateFile: string | undefined;
  slots: number;
  amTimeoutMs: number;
  /** 0: unknown. */
  memoryMb: number;
  user: string | undefined;
  haStoreUrl: string | undefined;
  stagingDir: string | undefined;
  hadoopConfDir: string | undefined;
  bundleCacheDir: string | undefined;
  logLevel: LogLevel;
  logFormat: LogFormat;
}

export const DEFAULT_AM_TIMEOUT_MS = 60_000;

/** The TaskExecutor's side: the values, and every problem at once, each naming its variable. */
export function readTaskExecutorEnv(env: NodeJS.ProcessEnv): { values: TaskExecutorEnvRead; problems: string[] } {
  const problems: string[] = [];
  const value = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const wholeNumber = (name: string, fallback: number, min: number): number => {
    const text = value(name);
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(n) || n < min) {
      problems.push(`${name}=${JSON.stringify(text)} is not a whole number of at least ${min}`);
      return fallback;
    }
    return n;
  };

  const oneOf = <V extends string>(name: string, allowed: readonly V[], is: (v: string) => v is V, fallback: V): V => {
    const text = value(name);
    if (text === undefined) return fallback;
    if (is(text)) return text;
    problems.push(`${name}=${JSON.stringify(text)} is not one of ${allowed.join(', ')}`);
    return fallback;
  };

  let amAddress: HostPort = { host: '', port: 0 };
  const addressText = value(TaskExecutorEnvNames.amAddress);
  if (addressText === undefined)
    problems.push(`${TaskExecutorEnvNames.amAddress} is not set: it must hold the AM's gateway address as host:port`);
  else {
    try {
      amAddress = parseHadoopAddress(addressText, 0, TaskExecutorEnvNames.amAddress);
      if (amAddress.port === 0) problems.push(`${TaskExecutorEnvNames.amAddress}=${addressText} has no port: write host:port`);
    } catch (err) {
      problems.push(err instanceof Error ? err.message : String(err));
    }
  }
  const secretFile = value(TaskExecutorEnvNames.secretFile);
  const secretText = value(TaskExecutorEnvNames.secret);
  let secret: string | undefined;
  if (secretFile === undefined && secretText !== undefined) {
    try {
      secret = parseClusterSecret(secretText, TaskExecutorEnvNames.secret);
    } catch (err) {
      problems.push(err instanceof Error ? err.message : String(err));
    }
  } else if (secretFile === undefined)
    problems.push(
      `no cluster secret: set ${TaskExecutorEnvNames.secretFile} to the file holding it (or ${TaskExecutorEnvNames.secret} outside YARN)`,
    );
  return {
    values: {
      amAddress,
      secretFile,
      secret,
      tlsCertificateFile: value(TaskExecutorEnvNames.tlsCertificateFile),
      slots: wholeNumber(TaskExecutorEnvNames.slots, 1, 1),
      amTimeoutMs: wholeNumber(TaskExecutorEnvNames.amTimeoutMs, DEFAULT_AM_TIMEOUT_MS, 1),
      memoryMb: wholeNumber(TaskExecutorEnvNames.memoryMb, 0, 0),
      user: value(TaskExecutorEnvNames.user),
      haStoreUrl: value(TaskExecutorEnvNames.haStore),
      stagingDir: value(TaskExecutorEnvNames.stagingDir),
      hadoopConfDir: value(TaskExecutorEnvNames.hadoopConf) ?? value('HADOOP_CONF_DIR'),
      bundleCacheDir: value(TaskExecutorEnvNames.bundleCache),
      logLevel: oneOf(TaskExecutorEnvNames.logLevel, LOG_LEVELS, isLogLevel, DEFAULT_LOG_LEVEL),
      logFormat: oneOf(TaskExecutorEnvNames.logFormat, LOG_FORMATS, isLogFormat, DEFAULT_LOG_FORMAT),
    },
    problems,
  };
}
