/**
 * `loom info [-t <target>] [-yid <appId>]`: a Loom cluster at a glance, whatever its mode: the
 * mode and application id, the dashboard and REST addresses, its TaskExecutors and its jobs.
 */
import { clusterCommand, withCluster, type ClusterCommandIo } from './cluster-options.js';

export async function clusterInfo(argv: string[], io: ClusterCommandIo): Promise<number> {
  const cmd = clusterCommand('info', io).description('Show a Loom cluster: mode, application id, dashboard, TaskExecutors and jobs.');
  return withCluster('info', io, argv, cmd, async (cluster) => {
    const [overview, executors, jobs] = await Promise.all([
      cluster.dispatcher.overview(),
      cluster.dispatcher.taskExecutors(),
      cluster.dispatcher.listJobs(),
    ]);
    const lines = [
      `Loom cluster ${cluster.applicationId} (${overview.mode} mode, Loom ${overview.loomVersion}), up since ${new Date(overview.startedAt).toISOString()}`,
      `  Dashboard:     ${cluster.dashboardUrl}`,
      `  REST API:      ${cluster.restUrl}`,
      `  TaskExecutors: ${overview.taskExecutors} (${overview.slotsTotal} slots, ${overview.slotsAvailable} free)`,
      ...executors.map((t) => `    ${t.id}\t${t.host}\t${t.slots - t.freeSlots}/${t.slots} slots busy`),
      `  Jobs:          ${overview.jobsRunning} running, ${overview.jobsFinished} finished, ${overview.jobsFailed} failed, ${overview.jobsCanceled} cancelled`,
      ...jobs.map((j) => `    ${j.id}\t${j.state}\t${j.taskCounts.finished ?? 0}/${j.parallelism} tasks finished\t${j.name}`),
    ];
    io.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  });
}
