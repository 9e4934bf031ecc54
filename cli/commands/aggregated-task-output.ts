/**
 * A Loom job's task output after its application ended: the task output files
 * (`task-<jobId>-<index>-<attempt>.log`, client/contracts/task-output-file.ts) that YARN's log
 * aggregation uploaded with the TaskExecutor containers' other logs (yarn.log-aggregation-enable,
 * the TFile node files under yarn.nodemanager.remote-app-log-dir, client/hadoop/aggregated-logs),
 * and the job archive (client/contracts/job-archive.ts) to find which application ran a job.
 *
 * When there are no aggregated logs the error says why, as far as the client can tell: the
 * application's log aggregation status (the RM report's, as `yarn application -status` prints it:
 * NOT_START, RUNNING... until every NodeManager uploaded) or yarn.log-aggregation-enable off.
 */
import { posix } from 'node:path';
import { jobArchiveDir } from '../../client/contracts/job-archive.js';
import { parseTaskOutputFileName } from '../../client/contracts/task-output-file.js';
import type { Configuration } from '../../client/conf/configuration.js';
import { LoomError } from '../../client/errors/loom-error.js';
import { AggregatedLogsNotFoundError, readAggregatedLogs, remoteAppLogDirSettings } from '../../client/hadoop/aggregated-logs/index.js';
import type { WebHdfsClient } from '../../client/hadoop/hdfs/webhdfs-client.js';
import { FileNotFoundError } from '../../client/hadoop/hdfs/webhdfs-errors.js';

/** The application's logs are not (yet) where log aggregation puts them. */
export class TaskOutputNotAggregatedError extends LoomError {
  static override readonly code: string = 'TASK_OUTPUT_NOT_AGGREGATED';
  override name = 'TaskOutputNotAggregatedError';
}

/** The aggregated logs hold no output of the asked job, task or attempt. */
export class TaskOutputNotFoundError extends LoomError {
  static override readonly code: string = 'TASK_OUTPUT_NOT_FOUND';
  override name = 'TaskOutputNotFoundError';
}

/** One attempt's output file as log aggregation kept it. */
export interface AggregatedTaskOutput {
  jobId: string;
  taskIndex: number;
  attempt: number;
  containerId: string;
  /** The NodeManager's host (the node file is named host_port). */
  host: string;
  /** The file's lines without their newlines, each `<ISO time> <stdout|stderr> <text>`. */
  lines: string[];
}

/** What aggregation status the RM reports while NodeManagers still upload (LogAggregationStatus). */
const AGGREGATION_UNDER_WAY = new Set(['NOT_START', 'RUNNING', 'RUNNING_WITH_FAILURE']);

export interface AggregatedTaskOutputRequest {
  appId: string;
  jobId: string;
  task?: number;
  attempt?: number;
  /** The application's owner (the RM report's user); absent: every user's dir is looked in. */
  appOwner?: string;
  /** The RM report's logAggregationStatus (DISABLED, NOT_START, RUNNING, SUCCEEDED, FAILED, TIME_OUT...). */
  aggregationStatus?: string;
}

/** The job's attempts' output, task by task and attempt by attempt; throws the errors above when there is none to print. */
export async function readAggregatedTaskOutput(
  fs: WebHdfsClient,
  hadoopConf: Configuration,
  req: AggregatedTaskOutputRequest,
): Promise<AggregatedTaskOutput[]> {
  const all: AggregatedTaskOutput[] = [];
  try {
    for await (const e of readAggregatedLogs(fs, { appId: req.appId, user: req.appOwner, settings: remoteAppLogDirSettings(hadoopConf) })) {
      const ref = parseTaskOutputFileName(e.fileName);
      if (!ref) continue;
      const lines = Buffer.from(e.content).toString('utf8').split('\n');
      if (lines.at(-1) === '') lines.pop();
      all.push({ ...ref, containerId: e.containerId, host: e.nodeId.replace(/_\d+$/, ''), lines });
    }
  } catch (err) {
    if (err instanceof AggregatedLogsNotFoundError) throw notAggregated(req, hadoopConf, err.message);
    throw err;
  }
  try {
    return selectTaskOutput(all, req);
  } catch (err) {
    // Not there yet is more likely than not there at all while the NodeManagers upload.
    if (err instanceof TaskOutputNotFoundError && aggregationUnderWay(req.aggregationStatus)) throw notAggregated(req, hadoopConf, '');
    throw err;
  }
}

/** The NodeManagers still upload the application's logs. */
export function aggregationUnderWay(status: string | undefined): boolean {
  return status !== undefined && AGGREGATION_UNDER_WAY.has(status);
}

function notAggregated(req: AggregatedTaskOutputRequest, hadoopConf: Configuration, detail: string): TaskOutputNotAggregatedError {
  const status = req.aggregationStatus;
  if (aggregationUnderWay(status))
    return new TaskOutputNotAggregatedError(
      `the logs of ${req.appId} are not aggregated yet (log aggregation ${status}): the NodeManagers upload them after the application ended; try again in a moment`,
    );
  if (status === 'DISABLED' && !hadoopConf.getBoolean('yarn.log-aggregation-enable', false))
    return new TaskOutputNotAggregatedError(
      `log aggregation is off (yarn.log-aggregation-enable is not true), so the task output of ${req.appId} stayed in its NodeManagers' local log dirs ` +
        '(yarn.nodemanager.log-dirs) until they delete it; turn it on in yarn-site.xml to keep the output of applications that end',
    );
  return new TaskOutputNotAggregatedError(
    `${detail || `no aggregated logs of ${req.appId}`}; if the application just ended, try again in a moment (log aggregation status: ${status ?? 'unknown'})`,
  );
}

/** The asked job's (task's, attempt's) output, sorted; the TaskOutputNotFoundError says what there is instead. */
export function selectTaskOutput(
  all: readonly AggregatedTaskOutput[],
  req: Pick<AggregatedTaskOutputRequest, 'appId' | 'jobId' | 'task' | 'attempt'>,
): AggregatedTaskOutput[] {
  const ofJob = all.filter((o) => o.jobId === req.jobId);
  if (ofJob.length === 0) {
    const jobs = [...new Set(all.map((o) => o.jobId))];
    throw new TaskOutputNotFoundError(
      `job ${req.jobId} has no task output in the aggregated logs of ${req.appId}` +
        (jobs.length ? ` (jobs with output there: ${jobs.join(', ')})` : ' (no Loom task output there at all)') +
        `; loom history ${req.appId} lists the application's jobs`,
    );
  }
  const ofTask = req.task === undefined ? ofJob : ofJob.filter((o) => o.taskIndex === req.task);
  if (ofTask.length === 0)
    throw new TaskOutputNotFoundError(
      `job ${req.jobId} has no output of task ${String(req.task)} in the aggregated logs of ${req.appId} (tasks with output: ${numbers(ofJob.map((o) => o.taskIndex))})`,
    );
  const chosen = req.attempt === undefined ? ofTask : ofTask.filter((o) => o.attempt === req.attempt);
  if (chosen.length === 0)
    throw new TaskOutputNotFoundError(
      `job ${req.jobId} has no output of attempt ${String(req.attempt)} in the aggregated logs of ${req.appId} (attempts with output: ${numbers(ofTask.map((o) => o.attempt))})`,
    );
  return [...chosen].sort((a, b) => a.taskIndex - b.taskIndex || a.attempt - b.attempt);
}

function numbers(values: readonly number[]): string {
  return [...new Set(values)]
    .sort((a, b) => a - b)
    .map(String)
    .join(', ');
}

/**
 * The application whose job archive holds `jobId` (`<archive dir>/<applicationId>/<jobId>.json`),
 * newest application first; undefined when none does.
 */
export async function findArchivedApplicationOfJob(
  fs: WebHdfsClient,
  configuredArchiveDir: string | undefined,
  jobId: string,
): Promise<string | undefined> {
  const base = posix.dirname(await jobArchiveDir(fs, configuredArchiveDir, 'application_0_0'));
  let apps: string[];
  try {
    apps = (await fs.listStatus(base)).filter((s) => s.type === 'DIRECTORY').map((s) => s.pathSuffix);
  } catch (err) {
    if (err instanceof FileNotFoundError) return undefined;
    throw err;
  }
  const order = (id: string) => id.split('_').slice(1).map(Number);
  apps = apps
    .filter((a) => /^application_\d+_\d+$/.test(a))
    .sort((a, b) => {
      const [ta, na] = order(a);
      const [tb, nb] = order(b);
      return tb - ta || nb - na;
    });
  for (const app of apps) {
    try {
      await fs.getFileStatus(posix.join(base, app, `${jobId}.json`));
      return app;
    } catch (err) {
      if (!(err instanceof FileNotFoundError)) throw err;
    }
  }
  return undefined;
}
