/**
 * `loom list-clusters` (also what `yarn-session --list` prints): the user's running Loom clusters
 * of every mode, with age and dashboard URL, so detached clusters are never forgotten. Ended
 * applications' leftover staging dirs are removed on the way, as every cluster command does.
 */
import { Command, CommanderError } from 'commander';
import { ConfigurationError } from '../../conf/configuration-error.js';
import type { DeployContext } from '../../deploy/deploy-context.js';
import { formatClusterTable, listClusters } from '../../deploy/list-clusters.js';
import { registerPassThroughCommand } from '../pass-through-command.js';
import { collect, deployContext, describeClusterError, loadConfigs, normalizeFlags, type ClusterCommandIo } from './cluster-options.js';

interface ListClustersFlags {
  D?: string[];
}

export function registerListClustersCommand(program: Command): void {
  registerPassThroughCommand(program, 'list-clusters', 'List your running Loom clusters (every mode) with age and dashboard URL', runListClusters);
}

export async function runListClusters(argv: string[], io: ClusterCommandIo): Promise<number> {
  const cmd = new Command('loom list-clusters')
    .description('List the running Loom clusters (sessions, per-job and application clusters) of the current user.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .option('-D <key=value>', 'configuration override (repeatable)', collect);
  let flags: ListClustersFlags;
  try {
    cmd.parse(normalizeFlags(argv, {}), { from: 'user' });
    flags = cmd.opts<ListClustersFlags>();
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 || err.code === 'commander.helpDisplayed' ? 0 : 2;
    throw err;
  }
  let ctx: DeployContext | undefined;
  try {
    ctx = deployContext(io, loadConfigs(io, flags.D ?? []));
    return await printClusters(ctx, io);
  } catch (err) {
    io.stderr.write(`loom list-clusters: ${describeClusterError(err)}\n`);
    return err instanceof ConfigurationError ? 2 : 1;
  } finally {
    await ctx?.close();
  }
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
