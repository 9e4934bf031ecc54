/**
 * Start-up phase 3: the parts that run jobs (the TaskExecutor registry, the job master, the HA
 * store's durable view of the jobs), the client lease of an attached cluster, and the control
 * the dispatcher serves. Nothing listens yet; `recoverJobs` then takes over what an earlier
 * attempt left and declares the jobs the mode will submit, before anyone can ask for them.
 */
import { ClusterFileSystem } from '../../client/hadoop/hdfs/cluster-file-system.js';
import type { ClusterControl } from '../cluster-api.js';
import { DurableJobs } from '../ha/durable-jobs.js';
import { JobMaster } from '../jobs/job-master.js';
import { TaskOutputStore } from '../jobs/task-output-store.js';
import { LoomOptions } from '../../client/conf/loom-config.js';
import { jobMasterOptionsFrom } from '../jobs/job-master-options.js';
import { AmMetrics } from '../metrics/am-metrics.js';
import { JobArchiver } from '../history/job-archiver.js';
import { webHdfsClientFromConf } from '../../client/hadoop/hdfs/webhdfs-client-from-conf.js';
import { parseHdfsPath } from '../../client/hadoop/hdfs/hdfs-path.js';
import { clientLeaseFor, endWithoutClient, type ClientLease } from '../lease/client-lease.js';
import type { AmEndRequests } from '../session/am-end-requests.js';
import { TaskExecutorRegistry } from '../taskexecutors/taskexecutor-registry.js';
import { componentLog, errorMessage, type AmProcess } from './am-process.js';
import { logTaskEvents } from './task-event-log.js';
import type { ClusterSetup } from './cluster-setup.js';
import type { YarnConnection } from './yarn-connection.js';

/** TaskExecutor -> AM heartbeats; a TaskExecutor silent for the timeout is lost (its stream ending is noticed at once). */
const TASK_EXECUTOR_HEARTBEAT_MS = 2_000;
const TASK_EXECUTOR_HEARTBEAT_TIMEOUT_MS = 20_000;

export interface ClusterJobs {
  registry: TaskExecutorRegistry;
  jobMaster: JobMaster;
  jobs: DurableJobs;
  /** The attached client's lease; undefined for a detached cluster. */
  lease: ClientLease | undefined;
  /** What the dispatcher serves. */
  control: ClusterControl;
  /** Task output the TaskExecutors forward, for GET /jobs/:id/tasks/:index/output. */
  taskOutput: TaskOutputStore;
  /** What /metrics serves. */
  metrics: AmMetrics;
}

export function createClusterJobs(proc: AmProcess, yarn: YarnConnection, setup: ClusterSetup, ends: AmEndRequests): ClusterJobs {
  const log = componentLog(proc, 'job-master');
  const { am, hadoopConf } = yarn;
  const { config, settings, mode, ha } = setup;
  const registry = new TaskExecutorRegistry({
    heartbeatIntervalMs: TASK_EXECUTOR_HEARTBEAT_MS,
    heartbeatTimeoutMs: TASK_EXECUTOR_HEARTBEAT_TIMEOUT_MS,
    amTimeoutMs: settings.taskExecutor.amTimeoutMs,
  });
  const jobMaster = new JobMaster(registry, {
    ...jobMasterOptionsFrom((key) => config.getString(key)),
    ...setup.restarts,
    slotsPerTaskExecutor: settings.taskExecutor.slots,
    // Bundles only from the cluster's file system (and the application's staging dir's, where the client put them).
    fileSystem: ClusterFileSystem.fromConf(hadoopConf, am.stagingDir ? [am.stagingDir] : []),
  });
  const jobs = new DurableJobs(jobMaster, ha.store, log);
  const taskOutput = new TaskOutputStore({
    maxBytesPerAttempt: config.get(LoomOptions.taskOutputMaxBytesPerAttempt).bytes,
    maxLinesPerAttempt: config.get(LoomOptions.taskOutputMaxLinesPerAttempt),
    maxBytesPerJob: config.get(LoomOptions.taskOutputMaxBytesPerJob).bytes,
  });
  taskOutput.locateWith((containerId) => ({ host: registry.get(containerId)?.host }));
  taskOutput.endedWith((ref) => {
    const t = jobs.job(ref.jobId)?.tasks.find((x) => x.index === ref.taskIndex);
    return !t || t.attempt > ref.attempt || t.state === 'FINISHED' || t.state === 'FAILED' || t.state === 'CANCELED';
  });
  registry.setTaskOutputSink((from, output) => taskOutput.append(from.id, output));
  const archiveDir = config.get(LoomOptions.jobArchiveDir);
  const archiveScheme = archiveDir ? parseHdfsPath(archiveDir).scheme : undefined;
  const archiver = new JobArchiver(
    () => webHdfsClientFromConf(hadoopConf, { ...(archiveScheme && archiveDir ? { uri: archiveDir } : {}), user: am.user }),
    archiveDir,
    am.applicationIdText,
    componentLog(proc, 'job-archiver'),
  );
  const jobLogger = proc.logger.child({ component: 'job-master' });
  logTaskEvents(registry, jobLogger);
  jobs.onJobEnded((status) => {
    const line = `job ${status.id} ended ${status.state}`;
    if (status.state === 'FAILED') jobLogger.child({ jobId: status.id }).warn(line, status.error);
    else jobLogger.child({ jobId: status.id }).info(line);
    return archiver.archive(status);
  });
  const startedAt = Date.now();
  const control: ClusterControl = {
    overview: () => {
      const o = jobMaster.overview({ mode: am.mode, applicationId: am.applicationIdText, startedAt });
      return { ...o, jobsRunning: o.jobsRunning + jobs.initializingCount };
    },
    taskExecutors: () => jobMaster.taskExecutors(),
    taskExecutorHistory: () => registry.history.list(),
    jobs: () => jobs.jobs(),
    job: (id) => jobs.job(id),
    expiredJob: (id) => jobMaster.expiredJob(id),
    submitJob: async (spec, o) => {
      const status = await jobs.submit(spec, o?.id !== undefined ? { id: o.id } : {});
      jobLogger.child({ jobId: status.id }).info(`job ${status.id} submitted: ${String(status.tasks.length)} task(s)`);
      return status;
    },
    cancelJob: (id) => jobs.cancel(id),
    taskOutput: (id, taskIndex, query) => {
      const job = jobs.job(id);
      return job && taskOutput.read(job, taskIndex, query);
    },
    shutdown: (reason) => ends.request({ kind: 'finish', ...reason }),
  };
  const leaseLog = componentLog(proc, 'client-lease');
  // An attached client's cluster ends when the client goes silent (no orphans): its running jobs
  // cancelled, the status the mode says follows from its jobs.
  const lease = clientLeaseFor(
    config,
    (lost) =>
      void endWithoutClient(
        {
          jobs: () => jobs.jobs(),
          cancelJob: (id) => jobs.cancel(id),
          clientLost: () => mode.clientLost?.(),
          ...(mode.endWithoutClient ? { endFor: mode.endWithoutClient.bind(mode) } : {}),
          finish: (e) => void ends.request({ kind: 'finish', ...e }),
          log: leaseLog,
        },
        lost,
      ).catch(
        (err: unknown) =>
          void ends.request({
            kind: 'finish',
            finalStatus: 'KILLED',
            diagnostics: `${lost} (cancelling its jobs failed: ${errorMessage(err)})`,
          }),
      ),
    leaseLog,
  );
  const metrics = new AmMetrics({ control, registry, startedAt: Date.now() - process.uptime() * 1000 });
  const haStore = ha.store;
  if (haStore) haStore.observeWrite = (record, write) => metrics.timeHaWrite(record, write);
  return { registry, jobMaster, jobs, lease, control, taskOutput, metrics };
}

/**
 * A new attempt takes over the jobs the HA store recorded (resubmitted tasks wait, at most the
 * TaskExecutors' AM timeout, for TaskExecutors still running them); the jobs the mode will
 * submit under ids the client knows (per-job) become INITIALIZING before anyone can ask.
 */
export async function recoverJobs(proc: AmProcess, setup: ClusterSetup, cluster: ClusterJobs): Promise<void> {
  const { ha, settings, mode } = setup;
  if (ha.takeover) {
    const recovered = await cluster.jobs.recover(ha.state, Date.now() + settings.taskExecutor.amTimeoutMs);
    componentLog(
      proc,
      'ha-store',
    )(
      `took over ${recovered.resubmitted.length} unfinished job(s) [${recovered.resubmitted.join(', ')}] and ${recovered.restored.length} ended one(s) from the HA store`,
    );
  }
  for (const declared of mode.declaredJobs?.() ?? []) cluster.jobs.declare(declared.id, declared.spec);
}
