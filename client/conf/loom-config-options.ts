import { ConfigurationError } from './configuration-error.js';
import { formatLoomDuration, parseLoomDuration } from './loom-config-duration.js';
import { parseMemorySize, type MemoryMinimum, type MemorySize } from './memory-size.js';
import { DEFAULT_LOG_FORMAT, DEFAULT_LOG_LEVEL, LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from '../logging/log-levels.js';

/**
 * The keys Loom itself reads from conf/loom.yaml and -D, with their types and defaults. Names follow
 * Flink's (flink-conf.yaml) where Flink has the same setting, so Flink users' files and habits work.
 * `LoomConfig.get(option)` reads one typed; an unset optional option reads as undefined.
 */
export interface LoomOption<T> {
  key: string;
  description: string;
  /** Read when `key` is not set (e.g. Flink's older `restart-strategy` for `restart-strategy.type`). */
  fallbackKeys?: readonly string[];
  defaultValue: T;
  /** Parse a written value; throws a ConfigurationError that names the key and an example. */
  parse: (value: string, origin?: string) => T;
  /** The default as it would be written in loom.yaml (absent for options without a default). */
  defaultText?: string;
}

function bad(key: string, value: string, origin: string | undefined, expected: string): ConfigurationError {
  const from = origin ? ` (from ${origin})` : '';
  return new ConfigurationError(`${key}=${JSON.stringify(value)}${from} is not ${expected}`, key);
}

/** Whole numbers by default; `integer: false` for factors such as a backoff multiplier. */
function numberOption(key: string, defaultValue: number, description: string, min = 0, integer = true): LoomOption<number> {
  const expected = integer ? 'a whole number' : 'a number';
  return {
    key,
    description,
    defaultValue,
    defaultText: String(defaultValue),
    parse(value, origin) {
      const t = value.trim();
      const n = Number(t);
      const wellFormed = integer ? /^[+-]?[0-9]+$/.test(t) && Number.isSafeInteger(n) : t !== '' && Number.isFinite(n);
      if (!wellFormed) throw bad(key, value, origin, `${expected} (e.g. ${key}: ${Math.max(min, defaultValue)})`);
      if (n < min) throw bad(key, value, origin, `allowed: it must be at least ${min}`);
      return n;
    },
  };
}

const intOption = (key: string, defaultValue: number, description: string, min = 0) => numberOption(key, defaultValue, description, min);

function optionalIntOption(key: string, description: string, min = 0): LoomOption<number | undefined> {
  const inner = intOption(key, min, description, min);
  return { key, description, defaultValue: undefined, parse: inner.parse };
}

function stringOption(key: string, description: string): LoomOption<string | undefined>;
function stringOption(key: string, description: string, defaultValue: string): LoomOption<string>;
function stringOption(key: string, description: string, defaultValue?: string): LoomOption<string | undefined> {
  return {
    key,
    description,
    defaultValue,
    defaultText: defaultValue,
    parse(value, origin) {
      if (value.trim() === '') throw bad(key, value, origin, 'allowed: it is empty (remove the key to use the default)');
      return value.trim();
    },
  };
}

function enumOption<V extends string>(
  key: string,
  defaultValue: V,
  values: Readonly<Partial<Record<string, V>>>,
  description: string,
  fallbackKeys?: string[],
): LoomOption<V> {
  const names = [...new Set(Object.values(values))].join(', ');
  return {
    key,
    description,
    defaultValue,
    defaultText: defaultValue,
    fallbackKeys,
    parse(value, origin) {
      const v = values[value.trim().toLowerCase()];
      if (v === undefined) throw bad(key, value, origin, `one of ${names}`);
      return v;
    },
  };
}

function durationOption(key: string, defaultMs: number, description: string): LoomOption<number> {
  return {
    key,
    description,
    defaultValue: defaultMs,
    defaultText: formatLoomDuration(defaultMs),
    parse: (value, origin) => parseLoomDuration(value, key, origin),
  };
}

/** A size option: its range is checked wherever it is read (loom.yaml, -D, -yD) and for the CLI flags that set it (-jm, -yjm...). */
export interface MemoryOption extends LoomOption<MemorySize> {
  minimum: MemoryMinimum;
  /** Parses a flag's value, naming the flag in errors. */
  parseFlag(flag: string, value: string): MemorySize;
}

function memoryOption(key: string, defaultText: string, description: string, minimum: MemoryMinimum): MemoryOption {
  return {
    key,
    description,
    defaultValue: parseMemorySize(defaultText),
    defaultText,
    minimum,
    parse: (value, origin) => parseMemorySize(value, { key, origin, atLeast: minimum }),
    parseFlag: (flag, value) => parseMemorySize(value, { key: flag, atLeast: minimum }),
  };
}

/**
 * The smallest container a Loom process (the AM, a TaskExecutor) lives in under YARN's virtual
 * memory check (on by default: 2.1 x the container's memory): Node.js reserves about 0.7 GiB idle.
 * Measured on the mini cluster with the check on: at 384 MiB the AM is killed (-103, 875 MiB of
 * 806 allowed), at 448 MiB a TaskExecutor running a job peaks at 1044 MiB of 941 allowed; 512 MiB
 * allows 1075. Flink likewise refuses process sizes below its JVM's minimums.
 */
const LOOM_PROCESS_MINIMUM = '512m';
const UNDER_VMEM_CHECK = "(Node.js does not fit in less under YARN's virtual memory check)";

/** `true` or `false` (any case). */
function booleanOption(key: string, defaultValue: boolean, description: string): LoomOption<boolean> {
  const inner = enumOption(key, String(defaultValue), { true: 'true', false: 'false' }, description);
  return { ...inner, defaultValue, parse: (value, origin) => inner.parse(value, origin) === 'true' };
}

const floatOption = (key: string, defaultValue: number, description: string) => numberOption(key, defaultValue, description, 0, false);

/** `;`-separated (Flink's list syntax), or a YAML list, which loading joins with `;`. */
function listOption(key: string, description: string): LoomOption<string[]> {
  return {
    key,
    description,
    defaultValue: [],
    parse: (value) =>
      value
        .split(';')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
  };
}

export type RestartStrategyName = 'none' | 'fixed-delay' | 'exponential-delay' | 'failure-rate';

/** An option read as undefined when unset (its default is worked out from other keys). */
function withoutDefault<T>(option: LoomOption<T>): LoomOption<T | undefined> {
  const { defaultText: _omitted, ...rest } = option;
  return { ...rest, defaultValue: undefined };
}

function optionalDurationOption(key: string, description: string): LoomOption<number | undefined> {
  return withoutDefault(durationOption(key, 0, description));
}

export const LoomOptions = {
  // Submission (the yarn-session / run flags -nm -qu write these).
  applicationName: stringOption('yarn.application.name', 'Name of the YARN application (-nm).'),
  applicationQueue: stringOption('yarn.application.queue', 'YARN queue to submit to (-qu).'),
  applicationPriority: intOption('yarn.application.priority', -1, 'YARN application priority; -1 leaves it to the cluster.', -1),
  applicationTags: listOption('yarn.tags', 'YARN application tags.'),
  applicationId: stringOption('yarn.application.id', 'Application id of a running Loom cluster to attach to (-id).'),
  applicationAttempts: intOption(
    'yarn.application-attempts',
    2,
    'ApplicationMaster attempts; Loom always keeps an HA store on HDFS, so the default is 2 (Flink with HA). Capped by yarn.resourcemanager.am.max-attempts.',
    1,
  ),
  attemptFailuresValidityInterval: durationOption(
    'yarn.application-attempt-failures-validity-interval',
    10_000,
    'AM failures older than this do not count against yarn.application-attempts.',
  ),
  maximumFailedContainers: optionalIntOption(
    'yarn.maximum-failed-containers',
    'TaskExecutor containers that may fail before the application fails; unset: as many as the TaskExecutors first wanted (Flink).',
  ),
  containersFailureRateInterval: optionalDurationOption(
    'yarn.containers.failure-rate-interval',
    "Window over which yarn.maximum-failed-containers counts failed TaskExecutor containers (Loom's own key; Flink has none); unset: the application's whole life.",
  ),
  propertiesFileLocation: stringOption(
    'yarn.properties-file.location',
    'Directory of the session properties file (.loom-session-<user>) that later commands read; unset: the OS temp dir.',
  ),
  stagingDirectory: stringOption(
    'yarn.staging-directory',
    "HDFS directory for staged files; unset: .loom/<applicationId>/ under the user's home.",
  ),
  providedLibDirs: listOption(
    'yarn.provided.lib.dirs',
    "HDFS dirs holding Loom's runtime, registered as PUBLIC local resources (;-separated).",
  ),
  shipFiles: listOption('yarn.ship-files', 'Local files and dirs shipped with the application (-t; ;-separated).'),
  appMasterVcores: intOption('yarn.appmaster.vcores', 1, 'Virtual cores of the AM container.', 1),
  containerVcores: intOption('yarn.containers.vcores', -1, 'Virtual cores per TaskExecutor container; -1: one per slot.', -1),
  heartbeatInterval: durationOption('yarn.heartbeat.interval', 5_000, 'AM -> RM heartbeat while no containers are pending.'),
  containerRequestHeartbeatInterval: durationOption(
    'yarn.heartbeat.container-request-interval',
    500,
    'AM -> RM heartbeat while container requests are pending.',
  ),
  // Processes.
  nodePath: stringOption(
    'loom.node.path',
    "Node.js executable started in containers; an absolute path is safer (a container's PATH is bash's default).",
    'node',
  ),
  nodeBinary: stringOption(
    'loom.node.binary',
    "Linux Node.js binary the client ships to the containers as ./loom-node when loom.node.path is unset (loom upload-runtime --node); unset: the client's own node.",
  ),
  jobManagerMemory: memoryOption('jobmanager.memory.process.size', '1024m', 'AM container memory (-jm), at least 512m.', {
    text: LOOM_PROCESS_MINIMUM,
    needs: `a Loom ApplicationMaster needs ${UNDER_VMEM_CHECK}`,
  }),
  taskManagerMemory: memoryOption('taskmanager.memory.process.size', '1024m', 'TaskExecutor container memory (-tm), at least 512m.', {
    text: LOOM_PROCESS_MINIMUM,
    needs: `a Loom TaskExecutor needs ${UNDER_VMEM_CHECK}`,
  }),
  taskSlots: intOption('taskmanager.numberOfTaskSlots', 1, 'Slots per TaskExecutor (-s).', 1),
  taskMaxAttempts: intOption(
    'loom.task.max-attempts',
    3,
    'With restart-strategy.type unset, jobs restart failed tasks under fixed-delay with this many attempts minus one and no delay.',
    1,
  ),
  taskRetryUserErrors: booleanOption(
    'loom.task.retry-user-errors',
    false,
    'A task that throws counts as a failure under the restart strategy; false: it fails its job at once.',
  ),
  defaultParallelism: intOption('parallelism.default', 1, 'Parallelism of jobs submitted without -p.', 1),
  jobCancelTimeout: intOption(
    'loom.job.cancel-timeout-ms',
    10_000,
    'A cancelled job is CANCELED after this many milliseconds even if its TaskExecutors have not confirmed (read by the AM).',
    1,
  ),
  jobStoreMaxCapacity: intOption(
    'jobstore.max-capacity',
    2_147_483_647,
    'Ended jobs the AM keeps in memory at most; beyond it the oldest leave (their record stays in the job archive and HA store).',
    1,
  ),
  jobStoreExpirationTime: intOption(
    'jobstore.expiration-time',
    3600,
    'Seconds an ended job stays in the AM memory; then REST answers 404 naming this bound (the record stays in the job archive).',
    1,
  ),
  taskExecutorAmTimeout: durationOption(
    'loom.taskexecutor.am-timeout',
    60_000,
    'A TaskExecutor exits when it has not reached the AM for this long.',
  ),
  taskExecutorIdleTimeout: durationOption('loom.taskexecutor.idle-timeout', 30_000, 'Idle TaskExecutors are released after this long.'),
  clientHeartbeatTimeout: durationOption(
    'loom.client.heartbeat-timeout',
    60_000,
    'An attached cluster shuts down when its client has been silent this long.',
  ),
  clientProgressInterval: {
    key: 'loom.client.progress-interval',
    description:
      "An attached `loom run` whose stderr is not a terminal prints a line with each running job's elapsed time and task counts this often (on a terminal the line is live instead). At least 1 s.",
    defaultValue: 30_000,
    defaultText: formatLoomDuration(30_000),
    parse: (value: string, origin?: string) => {
      const ms = parseLoomDuration(value, 'loom.client.progress-interval', origin);
      if (ms < 1_000) {
        throw new ConfigurationError(
          `loom.client.progress-interval=${JSON.stringify(value.trim())}${origin ? ` (from ${origin})` : ''} is shorter than 1 s: set 1 s or more (the default is 30 s)`,
          'loom.client.progress-interval',
        );
      }
      return ms;
    },
  } satisfies LoomOption<number>,
  clientAttached: booleanOption(
    'loom.client.attached',
    false,
    'Set by the client in the shipped configuration: true when it stays attached and heartbeats, so the AM ends the cluster once the client is silent for loom.client.heartbeat-timeout.',
  ),
  // REST endpoint of the AM.
  restPort: intOption('rest.port', 0, "Port of the AM's REST API and dashboard; 0 picks a free one.", 0),
  restBindAddress: stringOption(
    'rest.bind-address',
    "Address the REST server binds to; unset: the container's host (NM_HOST); 0.0.0.0 for all interfaces.",
  ),
  restMaxContentLength: memoryOption('rest.server.max-content-length', '1m', 'Largest request body the REST API accepts.', {
    text: '1b',
    needs: "a request body needs (Flink's RestServerEndpointConfiguration refuses less too)",
  }),
  webRefreshInterval: durationOption('web.refresh-interval', 3_000, 'How often the dashboard polls.'),
  // Task output the AM keeps (GET /jobs/:id/tasks/:index/output); the TaskExecutors' files keep all of it.
  taskOutputMaxBytesPerAttempt: memoryOption(
    'loom.task-output.max-bytes-per-attempt',
    '1m',
    "Task output the AM keeps per task attempt (the newest lines); the attempt's file in its TaskExecutor's log dir has all of it.",
    { text: '1k', needs: 'a few lines need' },
  ),
  taskOutputMaxLinesPerAttempt: intOption(
    'loom.task-output.max-lines-per-attempt',
    10_000,
    'Lines of task output the AM keeps per task attempt (the newest).',
    1,
  ),
  taskOutputMaxBytesPerJob: memoryOption(
    'loom.task-output.max-bytes-per-job',
    '16m',
    "Task output the AM keeps per job, all attempts together: past it, ended attempts' oldest lines go first.",
    { text: '1k', needs: 'a few lines need' },
  ),
  // Logs of Loom's own processes (client/logging/): the AM reads them, and hands them to its TaskExecutors.
  logLevel: enumOption<LogLevel>(
    'loom.log.level',
    DEFAULT_LOG_LEVEL,
    Object.fromEntries(LOG_LEVELS.map((l) => [l, l])),
    "Least severe level the AM, its program worker and its TaskExecutors log: debug, info, warn or error (log4j's names).",
  ),
  logFormat: enumOption<LogFormat>(
    'loom.log.format',
    DEFAULT_LOG_FORMAT,
    Object.fromEntries(LOG_FORMATS.map((f) => [f, f])),
    "Log lines of the AM, its program worker and its TaskExecutors: text (close to Hadoop's log4j pattern) or json (one object a line).",
  ),
  // High availability and restarts.
  haStorageDir: stringOption('high-availability.storageDir', "HDFS dir of the HA store; unset: under the application's staging dir."),
  jobArchiveDir: stringOption(
    'jobmanager.archive.fs.dir',
    "HDFS dir where the AM archives each ended job (status, tasks, errors, results) as <applicationId>/<jobId>.json, for loom history and loom list after the application ended (Flink's key); unset: .loom-history/ under the user's home.",
  ),
  kerberosKeytab: stringOption(
    'security.kerberos.login.keytab',
    'Keytab to log in with on a Kerberized cluster (hadoop.security.authentication=kerberos); unset: the ticket cache of kinit.',
  ),
  kerberosPrincipal: stringOption(
    'security.kerberos.login.principal',
    "Principal of the keytab (user@REALM, or service/_HOST@REALM with _HOST this host's canonical name).",
  ),
  kerberosUseTicketCache: booleanOption(
    'security.kerberos.login.use-ticket-cache',
    true,
    "Without a keytab, log in with kinit's ticket cache (KRB5CCNAME, else /tmp/krb5cc_<uid>).",
  ),
  restartStrategy: withoutDefault(
    enumOption<RestartStrategyName>(
      'restart-strategy.type',
      'none',
      {
        none: 'none',
        off: 'none',
        disable: 'none',
        'fixed-delay': 'fixed-delay',
        fixeddelay: 'fixed-delay',
        'exponential-delay': 'exponential-delay',
        exponentialdelay: 'exponential-delay',
        'failure-rate': 'failure-rate',
        failurerate: 'failure-rate',
      },
      "How failed tasks are restarted: none, fixed-delay, exponential-delay or failure-rate (Flink's names); unset: fixed-delay from loom.task.max-attempts.",
      ['restart-strategy'],
    ),
  ),
  fixedDelayAttempts: intOption('restart-strategy.fixed-delay.attempts', 1, 'Retries under fixed-delay.', 0),
  fixedDelayDelay: durationOption('restart-strategy.fixed-delay.delay', 1_000, 'Pause before each retry under fixed-delay.'),
  exponentialInitialBackoff: durationOption(
    'restart-strategy.exponential-delay.initial-backoff',
    1_000,
    'First pause under exponential-delay.',
  ),
  exponentialMaxBackoff: durationOption('restart-strategy.exponential-delay.max-backoff', 60_000, 'Longest pause under exponential-delay.'),
  exponentialMultiplier: floatOption(
    'restart-strategy.exponential-delay.backoff-multiplier',
    1.5,
    'Pause growth per retry under exponential-delay.',
  ),
  exponentialResetThreshold: durationOption(
    'restart-strategy.exponential-delay.reset-backoff-threshold',
    3_600_000,
    'A job running this long without failure starts again from the initial backoff.',
  ),
  exponentialJitter: floatOption(
    'restart-strategy.exponential-delay.jitter-factor',
    0.1,
    'Random share added to or taken from each pause.',
  ),
  exponentialAttempts: intOption(
    'restart-strategy.exponential-delay.attempts-before-reset-backoff',
    2_147_483_647,
    'Retries under exponential-delay before the job fails.',
    0,
  ),
  failureRateMaxFailures: intOption(
    'restart-strategy.failure-rate.max-failures-per-interval',
    1,
    'Failures restarted within one interval under failure-rate; the next one fails the job.',
    1,
  ),
  failureRateInterval: durationOption(
    'restart-strategy.failure-rate.failure-rate-interval',
    60_000,
    'Interval over which failure-rate counts failures.',
  ),
  failureRateDelay: durationOption('restart-strategy.failure-rate.delay', 1_000, 'Pause before each restart under failure-rate.'),
  sslInternalEnabled: withoutDefault(
    booleanOption(
      'security.ssl.internal.enabled',
      false,
      "TLS on the AM's REST endpoint and the AM <-> TaskExecutor channel, with a per-cluster certificate the client and TaskExecutors pin; unset: on when the Hadoop cluster is secure (hadoop.security.authentication=kerberos).",
    ),
  ),
  sslInternalCert: stringOption(
    'security.ssl.internal.cert',
    'PEM certificate of internal TLS (the leaf first, then its chain up to the root); unset: a self-signed one generated per cluster.',
  ),
  sslInternalKey: stringOption('security.ssl.internal.key', 'PEM private key of security.ssl.internal.cert (owner-readable only).'),
} as const;

export const ALL_LOOM_OPTIONS: readonly LoomOption<unknown>[] = Object.values(LoomOptions);

/** Every key Loom reads (fallback keys included), for typo warnings. */
export const KNOWN_LOOM_KEYS: ReadonlySet<string> = new Set(ALL_LOOM_OPTIONS.flatMap((o) => [o.key, ...(o.fallbackKeys ?? [])]));

export type RestartStrategy =
  | { type: 'none' }
  /** `fromTaskMaxAttempts`: the default when restart-strategy.type is unset (attempts = loom.task.max-attempts - 1, no delay). */
  | { type: 'fixed-delay'; attempts: number; delayMs: number; fromTaskMaxAttempts?: true }
  | { type: 'failure-rate'; maxFailuresPerInterval: number; intervalMs: number; delayMs: number }
  | {
      type: 'exponential-delay';
      initialBackoffMs: number;
      maxBackoffMs: number;
      multiplier: number;
      resetThresholdMs: number;
      jitter: number;
      attempts: number;
    };
