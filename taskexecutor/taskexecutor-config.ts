/**
 * A TaskExecutor's settings, from its environment: the AM sets them in the container's launch
 * context (client/contracts/am-container-contract.ts names them), the NodeManager adds CONTAINER_ID,
 * NM_HOST and USER. The secret comes from a file (a local resource, so it never appears in
 * launch_container.sh); LOOM_CLUSTER_SECRET holding the secret itself is accepted for runs outside
 * YARN. Every problem is reported at once, naming the variable.
 */
import { LoomError } from '../client/errors/loom-error.js';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { parseHadoopAddress, type HostPort } from '../client/conf/hadoop-address.js';
import { TaskExecutorEnv } from '../client/contracts/am-container-contract.js';
import { parseClusterSecret } from '../client/contracts/cluster-secret.js';
import { HA_STORE_ENV } from '../client/contracts/ha-store-layout.js';
import { containerUser, hadoopUser } from '../client/wire/security/hadoop-user.js';

export interface TaskExecutorConfig {
  amAddress: HostPort;
  secret: string;
  slots: number;
  /** The container id (CONTAINER_ID), or a local id outside YARN. */
  taskExecutorId: string;
  /** The host it advertises (NM_HOST). */
  host: string;
  /** Exit when the AM has not been reached for this long. */
  amTimeoutMs: number;
  memoryMb: number;
  /** The AM attempt that started it (LOOM_AM_ATTEMPT), empty outside YARN. */
  attemptToken: string;
  /** Hadoop configuration directory for WebHDFS (LOOM_HADOOP_CONF, else HADOOP_CONF_DIR; relative to the working dir). */
  hadoopConfDir: string | undefined;
  /** The application's user: WebHDFS calls go out as this user. */
  hdfsUser: string;
  /** Per-TaskExecutor bundle cache (in the container's working dir, removed with it). */
  bundleCacheDir: string;
  /** The HA store's URL (LOOM_HA_STORE): where a new AM attempt's address is found; undefined with a single attempt. */
  haStoreUrl: string | undefined;
  /** The application's staging dir URL (LOOM_STAGING_DIR): its file system is the cluster's too, for bundles. */
  stagingDir: string | undefined;
}

/** Variables besides the contract's; the contract's names come from TaskExecutorEnv. */
export const TaskExecutorExtraEnv = {
  secret: 'LOOM_CLUSTER_SECRET',
  attempt: 'LOOM_AM_ATTEMPT',
  hadoopConf: 'LOOM_HADOOP_CONF',
  bundleCache: 'LOOM_BUNDLE_CACHE_DIR',
} as const;

export const DEFAULT_AM_TIMEOUT_MS = 60_000;

export class TaskExecutorConfigError extends LoomError {
  static override readonly code: string = 'TASKEXECUTOR_CONFIG_INVALID';
  override name = 'TaskExecutorConfigError';
}

type Env = Record<string, string | undefined>;

export function taskExecutorConfigFromEnv(env: Env = process.env, cwd = process.cwd()): TaskExecutorConfig {
  const problems: string[] = [];
  const value = (name: string) => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const positiveInt = (name: string, fallback: number, min: number): number => {
    const text = value(name);
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(n) || n < min) {
      problems.push(`${name}=${JSON.stringify(text)} is not a whole number of at least ${min}`);
      return fallback;
    }
    return n;
  };

  let amAddress: HostPort = { host: '', port: 0 };
  const addressText = value(TaskExecutorEnv.amAddress);
  if (addressText === undefined)
    problems.push(`${TaskExecutorEnv.amAddress} is not set: it must hold the AM's gateway address as host:port`);
  else {
    try {
      amAddress = parseHadoopAddress(addressText, 0, TaskExecutorEnv.amAddress);
      if (amAddress.port === 0) problems.push(`${TaskExecutorEnv.amAddress}=${addressText} has no port: write host:port`);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }

  let secret = '';
  const secretFile = value(TaskExecutorEnv.secretFile);
  const secretText = value(TaskExecutorExtraEnv.secret);
  try {
    if (secretFile !== undefined) {
      const path = isAbsolute(secretFile) ? secretFile : join(cwd, secretFile);
      let text: string | undefined;
      try {
        text = readFileSync(path, 'utf8');
      } catch (err) {
        problems.push(
          `${TaskExecutorEnv.secretFile}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
        );
      }
      if (text !== undefined) secret = parseClusterSecret(text, path);
    } else if (secretText !== undefined) secret = parseClusterSecret(secretText, TaskExecutorExtraEnv.secret);
    else
      problems.push(
        `no cluster secret: set ${TaskExecutorEnv.secretFile} to the file holding it (or ${TaskExecutorExtraEnv.secret} outside YARN)`,
      );
  } catch (err) {
    problems.push((err as Error).message);
  }

  const slots = positiveInt(TaskExecutorEnv.slots, 1, 1);
  const amTimeoutMs = positiveInt(TaskExecutorEnv.amTimeoutMs, DEFAULT_AM_TIMEOUT_MS, 1);
  const memoryMb = positiveInt(TaskExecutorEnv.memoryMb, 0, 0);
  const host = value('NM_HOST') ?? hostname();
  if (problems.length) throw new TaskExecutorConfigError(`the TaskExecutor cannot start: ${problems.join('; ')}`);
  const inWorkDir = (path: string | undefined) => (path === undefined || isAbsolute(path) ? path : join(cwd, path));
  return {
    amAddress,
    secret,
    slots,
    taskExecutorId: value('CONTAINER_ID') ?? `local_${host}_${process.pid}`,
    host,
    amTimeoutMs,
    memoryMb,
    attemptToken: value(TaskExecutorExtraEnv.attempt) ?? '',
    hadoopConfDir: inWorkDir(value(TaskExecutorExtraEnv.hadoopConf) ?? value('HADOOP_CONF_DIR')),
    hdfsUser: containerUser(env) ?? hadoopUser(env),
    bundleCacheDir: inWorkDir(value(TaskExecutorExtraEnv.bundleCache)) ?? join(cwd, 'loom-bundles'),
    haStoreUrl: value(HA_STORE_ENV),
    stagingDir: value(TaskExecutorEnv.stagingDir),
  };
}
