/**
 * The job master's settings and the configuration keys they come from. Read through a plain
 * key -> text lookup, so any configuration source (LoomConfig.getString, a Map, -D pairs) works.
 */

export interface JobMasterOptions {
  /** taskmanager.numberOfTaskSlots: slots each new TaskExecutor brings (for the demand count). */
  slotsPerTaskExecutor: number;
  /** loom.task.max-attempts: attempts per task when its TaskExecutor is lost (the first included). */
  maxTaskAttempts: number;
  /** loom.job.cancel-timeout: how long cancelJob waits for TaskExecutors to confirm before the job counts as CANCELED. */
  cancelTimeoutMs: number;
  now?: () => number;
}

export const JOB_MASTER_DEFAULTS: Omit<JobMasterOptions, 'now'> = {
  slotsPerTaskExecutor: 1,
  maxTaskAttempts: 3,
  cancelTimeoutMs: 10_000,
};

export const JOB_MASTER_KEYS = {
  slotsPerTaskExecutor: 'taskmanager.numberOfTaskSlots',
  maxTaskAttempts: 'loom.task.max-attempts',
  cancelTimeoutMs: 'loom.job.cancel-timeout-ms',
} as const;

export class JobMasterOptionsError extends Error {
  override name = 'JobMasterOptionsError';
}

/** Options from configuration; unset keys keep their defaults, bad values name the key. */
export function jobMasterOptionsFrom(lookup: (key: string) => string | undefined): Omit<JobMasterOptions, 'now'> {
  const out = { ...JOB_MASTER_DEFAULTS };
  for (const [field, key] of Object.entries(JOB_MASTER_KEYS) as [keyof typeof JOB_MASTER_KEYS, string][]) {
    const text = lookup(key)?.trim();
    if (text === undefined || text === '') continue;
    const n = Number(text);
    if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(n) || n < 1) {
      throw new JobMasterOptionsError(`${key}=${JSON.stringify(text)} is not a whole number of at least 1 (e.g. ${key}: ${JOB_MASTER_DEFAULTS[field]})`);
    }
    out[field] = n;
  }
  return out;
}
