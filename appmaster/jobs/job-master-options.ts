/**
 * The job master's settings and the configuration keys they come from. Read through a plain
 * key -> text lookup, so any configuration source (LoomConfig.getString, a Map, -D pairs) works.
 */
import { LoomError } from '../../client/errors/loom-error.js';
import { LoomConfig, LoomOptions, type RestartStrategy } from '../../client/conf/loom-config.js';
import { ALL_LOOM_OPTIONS } from '../../client/conf/loom-config-options.js';
import { JOB_STORE_DEFAULTS } from './finished-job-history.js';
import { restartBackoffStrategy } from './restart-backoff-strategy.js';
import type { ClusterFileSystem } from '../../client/hadoop/hdfs/cluster-file-system.js';

export interface JobMasterOptions {
  /** taskmanager.numberOfTaskSlots: slots each new TaskExecutor brings (for the demand count). */
  slotsPerTaskExecutor: number;
  /**
   * loom.task.max-attempts: without `restartStrategy`, a job's tasks are restarted under
   * fixed-delay with maxTaskAttempts - 1 attempts and no delay (Loom's behaviour before restart
   * strategies existed, counted per job as Flink counts restarts).
   */
  maxTaskAttempts: number;
  /** restart-strategy.*: how a job's failed tasks are restarted (LoomConfig.restartStrategy()). */
  restartStrategy?: RestartStrategy;
  /** loom.task.retry-user-errors: a task that throws counts as a failure under the restart strategy instead of failing its job at once. */
  retryUserErrors?: boolean;
  /** Jitter source of exponential-delay, in [0, 1). */
  random?: () => number;
  /** loom.job.cancel-timeout: how long cancelJob waits for TaskExecutors to confirm before the job counts as CANCELED. */
  cancelTimeoutMs: number;
  /**
   * The cluster's file system: a job whose bundle URL is elsewhere is refused (TaskExecutors
   * fetch it on the submitter's behalf). The AM always sets it; without it only the URL's form is checked.
   */
  fileSystem?: Pick<ClusterFileSystem, 'problemWith'>;
  /** jobstore.max-capacity: ended jobs kept in memory at most, the oldest leave first (finished-job-history.ts). */
  jobStoreMaxCapacity: number;
  /** jobstore.expiration-time: seconds an ended job stays in memory. */
  jobStoreExpirationSeconds: number;
  now?: () => number;
}

export const JOB_MASTER_DEFAULTS: Omit<JobMasterOptions, 'now' | 'random' | 'restartStrategy' | 'retryUserErrors' | 'fileSystem'> = {
  slotsPerTaskExecutor: 1,
  maxTaskAttempts: 3,
  cancelTimeoutMs: 10_000,
  jobStoreMaxCapacity: JOB_STORE_DEFAULTS.maxCapacity,
  jobStoreExpirationSeconds: JOB_STORE_DEFAULTS.expirationMs / 1000,
};

export const JOB_MASTER_KEYS = {
  slotsPerTaskExecutor: 'taskmanager.numberOfTaskSlots',
  maxTaskAttempts: 'loom.task.max-attempts',
  cancelTimeoutMs: 'loom.job.cancel-timeout-ms',
  jobStoreMaxCapacity: 'jobstore.max-capacity',
  jobStoreExpirationSeconds: 'jobstore.expiration-time',
} as const;

export class JobMasterOptionsError extends LoomError {
  static override readonly code: string = 'JOB_MASTER_OPTIONS_INVALID';
  override name = 'JobMasterOptionsError';
}

/** Options from configuration; unset keys keep their defaults, bad values name the key. */
export function jobMasterOptionsFrom(lookup: (key: string) => string | undefined): typeof JOB_MASTER_DEFAULTS {
  const out = { ...JOB_MASTER_DEFAULTS };
  for (const [field, key] of Object.entries(JOB_MASTER_KEYS) as [keyof typeof JOB_MASTER_KEYS, string][]) {
    const text = lookup(key)?.trim();
    if (text === undefined || text === '') continue;
    const n = Number(text);
    if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(n) || n < 1) {
      throw new JobMasterOptionsError(
        `${key}=${JSON.stringify(text)} is not a whole number of at least 1 (e.g. ${key}: ${JOB_MASTER_DEFAULTS[field]})`,
      );
    }
    out[field] = n;
  }
  return out;
}

/** The keys restartOptionsFrom reads: every restart-strategy key (Flink's older `restart-strategy` too) and the two task keys. */
const RESTART_KEYS: readonly string[] = [
  ...ALL_LOOM_OPTIONS.flatMap((o) => [o.key, ...(o.fallbackKeys ?? [])]).filter(
    (k) => k === 'restart-strategy' || k.startsWith('restart-strategy.'),
  ),
  LoomOptions.taskMaxAttempts.key,
  LoomOptions.taskRetryUserErrors.key,
];

/**
 * The restart strategy and loom.task.retry-user-errors from configuration. A bad value, or
 * settings that cannot work together (initial-backoff above max-backoff), throws an error that
 * names the key, so the AM fails at start rather than at a job's first failure.
 */
export function restartOptionsFrom(
  lookup: (key: string) => string | undefined,
): Pick<JobMasterOptions, 'restartStrategy' | 'retryUserErrors'> {
  const conf = LoomConfig.empty();
  for (const key of RESTART_KEYS) {
    const value = lookup(key);
    if (value !== undefined) conf.set(key, value, 'the cluster configuration');
  }
  const restartStrategy = conf.restartStrategy();
  restartBackoffStrategy(restartStrategy, { now: () => 0 });
  return { restartStrategy, retryUserErrors: conf.get(LoomOptions.taskRetryUserErrors) };
}
