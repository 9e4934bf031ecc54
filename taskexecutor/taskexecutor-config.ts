/**
 * A TaskExecutor's settings, from its environment: the AM sets them in the container's launch
 * context (client/contracts/taskexecutor-env.ts names and reads them), the NodeManager adds
 * CONTAINER_ID, NM_HOST and USER. The secret comes from a file (a local resource, so it never
 * appears in launch_container.sh); LOOM_CLUSTER_SECRET holding the secret itself is accepted for
 * runs outside YARN. Every problem is reported at once, naming the variable.
 */
import { LoomError } from '../client/errors/loom-error.js';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { HostPort } from '../client/conf/hadoop-address.js';
import { parseClusterSecret } from '../client/contracts/cluster-secret.js';
import { containerUser, hadoopUser } from '../client/wire/security/hadoop-user.js';
import { readTaskExecutorEnv, TaskExecutorEnvNames } from '../client/contracts/taskexecutor-env.js';
import type { LogSettings } from '../client/logging/logger.js';
import { PinnedCertificate } from '../client/wire/security/pinned-certificate.js';

export { DEFAULT_AM_TIMEOUT_MS } from '../client/contracts/taskexecutor-env.js';

export interface TaskExecutorConfig {
  amAddress: HostPort;
  secret: string;
  /** Internal TLS (LOOM_TLS_CERT_FILE): the AM's gateway must show this certificate; undefined: plaintext. */
  amCertificate: PinnedCertificate | undefined;
  slots: number;
  /** The container id (CONTAINER_ID), or a local id outside YARN. */
  taskExecutorId: string;
  /** The host it advertises (NM_HOST). */
  host: string;
  /** Exit when the AM has not been reached for this long. */
  amTimeoutMs: number;
  memoryMb: number;
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
  /** loom.log.level and loom.log.format of the AM (LOOM_LOG_LEVEL, LOOM_LOG_FORMAT). */
  log: LogSettings;
  /** The container's log dir (first of LOG_DIRS, which the NodeManager sets; the working dir outside YARN): task output files go there. */
  logDir: string;
}

export class TaskExecutorConfigError extends LoomError {
  static override readonly code: string = 'TASKEXECUTOR_CONFIG_INVALID';
  override name = 'TaskExecutorConfigError';
}

export function taskExecutorConfigFromEnv(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): TaskExecutorConfig {
  const { values, problems } = readTaskExecutorEnv(env);
  const secret = values.secretFile !== undefined ? readSecretFile(values.secretFile, cwd, problems) : (values.secret ?? '');
  const amCertificate = values.tlsCertificateFile !== undefined ? readCertificateFile(values.tlsCertificateFile, cwd, problems) : undefined;
  const yarnValue = (name: string): string | undefined => env[name]?.trim() || undefined;
  const host = yarnValue('NM_HOST') ?? hostname();
  if (problems.length) throw new TaskExecutorConfigError(`the TaskExecutor cannot start: ${problems.join('; ')}`);
  const inWorkDir = (path: string | undefined) => (path === undefined || isAbsolute(path) ? path : join(cwd, path));
  return {
    amAddress: values.amAddress,
    secret,
    amCertificate,
    slots: values.slots,
    taskExecutorId: yarnValue('CONTAINER_ID') ?? `local_${host}_${process.pid}`,
    host,
    amTimeoutMs: values.amTimeoutMs,
    memoryMb: values.memoryMb,
    hadoopConfDir: inWorkDir(values.hadoopConfDir),
    hdfsUser: containerUser(env) ?? hadoopUser(env),
    bundleCacheDir: inWorkDir(values.bundleCacheDir) ?? join(cwd, 'loom-bundles'),
    haStoreUrl: values.haStoreUrl,
    stagingDir: values.stagingDir,
    log: { level: values.logLevel, format: values.logFormat },
    logDir: yarnValue('LOG_DIRS')?.split(',')[0]?.trim() || cwd,
  };
}

/** The secret file, relative to the working dir (the NodeManager links the local resource there). */
function readSecretFile(secretFile: string, cwd: string, problems: string[]): string {
  const path = isAbsolute(secretFile) ? secretFile : join(cwd, secretFile);
  try {
    return parseClusterSecret(readFileSync(path, 'utf8'), path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    problems.push(
      code !== undefined
        ? `${TaskExecutorEnvNames.secretFile}: cannot read ${path} (${code})`
        : err instanceof Error
          ? err.message
          : String(err),
    );
    return '';
  }
}

/** The AM's certificate, relative to the working dir (a local resource, as the secret). */
function readCertificateFile(file: string, cwd: string, problems: string[]): PinnedCertificate | undefined {
  const path = isAbsolute(file) ? file : join(cwd, file);
  try {
    return PinnedCertificate.fromPem(readFileSync(path, 'utf8'), path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    problems.push(
      code !== undefined ? `${TaskExecutorEnvNames.tlsCertificateFile}: cannot read ${path} (${code})` : (err as Error).message,
    );
    return undefined;
  }
}
