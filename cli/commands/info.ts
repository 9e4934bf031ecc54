/**
 * `loom info [-t <target>] [-yid <appId>]`: a Loom cluster at a glance, whatever its mode: the
 * mode and application id, the dashboard and REST addresses, its TaskExecutors and its jobs.
 */
import { metricValue, readMetricSamples, type MetricSample } from '../../client/contracts/metric-samples.js';
import { clusterCommand, withCluster, type ClusterCommandIo } from './cluster-options.js';

export async function clusterInfo(argv: string[], io: ClusterCommandIo): Promise<number> {
  const cmd = clusterCommand('info', io).description('Show a Loom cluster: mode, application id, dashboard, TaskExecutors and jobs.');
  return withCluster('info', io, argv, cmd, async (cluster) => {
    const [overview, executors, jobs, metrics] = await Promise.all([
      cluster.dispatcher.overview(),
      cluster.dispatcher.taskExecutors(),
      cluster.dispatcher.listJobs(),
      // An AM from before /metrics answers 404: the lines it feeds are left out.
      cluster.dispatcher.metricsText().then(readMetricSamples, () => undefined),
    ]);
    const lines = [
      `Loom cluster ${cluster.applicationId} (${overview.mode} mode, Loom ${overview.loomVersion}), up since ${new Date(overview.startedAt).toISOString()}`,
      `  Dashboard:     ${cluster.dashboardUrl}`,
      `  REST API:      ${cluster.restUrl}`,
      `  TaskExecutors: ${overview.taskExecutors} (${overview.slotsTotal} slots, ${overview.slotsAvailable} free)`,
      ...executors.map((t) => `    ${t.id}\t${t.host}\t${t.slots - t.freeSlots}/${t.slots} slots busy`),
      `  Jobs:          ${overview.jobsRunning} running, ${overview.jobsFinished} finished, ${overview.jobsFailed} failed, ${overview.jobsCanceled} cancelled`,
      ...jobs.map((j) => `    ${j.id}\t${j.state}\t${j.taskCounts.finished ?? 0}/${j.parallelism} tasks finished\t${j.name}`),
      ...(metrics ? metricLines(metrics, overview.slotsTotal - overview.slotsAvailable, overview.slotsTotal) : []),
    ];
    io.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  });
}

/** The headline numbers of the AM's /metrics: tasks, slots in use, TaskExecutors, the AM's memory. */
function metricLines(m: readonly MetricSample[], slotsUsed: number, slotsTotal: number): string[] {
  const tasks = (state: string) => metricValue(m, 'loom_tasks', { state });
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return [
    `  Tasks:         ${tasks('RUNNING') + tasks('DEPLOYING')} running, ${tasks('SCHEDULED')} waiting, ${tasks('FINISHED')} finished, ${tasks('FAILED')} failed; ` +
      `${metricValue(m, 'loom_task_attempts_started_total')} attempts started`,
    `  Slots:         ${slotsUsed}/${slotsTotal} in use; TaskExecutors ${metricValue(m, 'loom_taskexecutors', { state: 'registered' })} registered, ` +
      `${metricValue(m, 'loom_taskexecutors', { state: 'starting' })} starting, ${metricValue(m, 'loom_taskexecutors_lost_total')} lost`,
    `  AM memory:     ${mib(metricValue(m, 'loom_process_resident_memory_bytes'))} resident, ${mib(metricValue(m, 'loom_process_heap_used_bytes'))} heap used`,
    `  Metrics:       GET /metrics (Prometheus text; "Authorization: Bearer <secret>")`,
  ];
}
