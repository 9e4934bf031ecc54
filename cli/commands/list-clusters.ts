/**
 * `loom list-clusters` (also what `yarn-session --list` prints): the user's running Loom clusters
 * of every mode, with age and dashboard URL, so detached clusters are never forgotten. Ended
 * applications' leftover staging dirs are removed on the way, as every cluster command does.
 */
import type { DeployContext } from '../../client/deploy/submit/deploy-context.js';
import { formatClusterTable, listClusters } from '../../client/deploy/running/list-clusters.js';
import { loomCommand, parseCommand, withContext, type ClusterCommandIo } from './cluster-options.js';

interface ListClustersFlags {
  D?: string[];
}

export async function runListClusters(argv: string[], io: ClusterCommandIo): Promise<number> {
  const cmd = loomCommand('loom list-clusters', io).description(
    'List the running Loom clusters (sessions, per-job and application clusters) of the current user.',
  );
  const parsed = parseCommand(cmd, argv);
  if ('code' in parsed) return parsed.code;
  return withContext('list-clusters', io, cmd.opts<ListClustersFlags>(), [], (ctx) => printClusters(ctx, io));
}

/** Prints the table (or says there is none); shared with `yarn-session --list`. */
export async function printClusters(ctx: DeployContext, io: ClusterCommandIo): Promise<number> {
  await ctx.removeLeftovers();
  const clusters = await listClusters(ctx.yarn, { user: ctx.user });
  if (clusters.length === 0) {
    io.stdout.write(`no running Loom sessions or other Loom clusters of ${ctx.user}\n`);
    return 0;
  }
  io.stdout.write(formatClusterTable(clusters));
  return 0;
}
