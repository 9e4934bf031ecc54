/**
 * `yarn-session` (also `loom yarn-session`): starts a Loom session cluster on YARN, or attaches
 * to one (-id). Flink's flags: -jm -tm -s -nm -qu -d -id -D -t.
 *
 * Detached (-d): prints the application id and the dashboard URL, then exits; the session runs
 * on. Attached: prints the same, then stops the session on `stop` from stdin or on Ctrl+C,
 * SIGTERM or SIGHUP (a second one kills the application at once), and ends by itself when the
 * application ends.
 * A session started attached holds a lease on the AM (heartbeats): if this process dies, the
 * session ends after loom.client.heartbeat-timeout; `detach` releases the lease and exits.
 * The properties file (mode 600) records the session and its secret for `loom run`.
 */
import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import { LoomOptions } from '../../client/conf/loom-config-options.js';
import { holdClusterLease, markAttached, type ClusterLease } from '../../client/deploy/running/cluster-lease.js';
import { attachToSession } from '../../client/deploy/running/session-attach.js';
import type { SessionCluster } from '../../client/deploy/running/session-cluster.js';
import { deploySession } from '../../client/deploy/submit/session-deployer.js';
import type { DeployContext } from '../../client/deploy/submit/deploy-context.js';
import { applicationIdOption } from '../option-values.js';
import { printClusters } from './list-clusters.js';
import {
  collect,
  deployContext,
  describeClusterError,
  loadConfigs,
  loomCommand,
  parseCommand,
  slotsOption,
  type ClusterCommandIo,
} from './cluster-options.js';
import { exitStatusFor } from '../exit-statuses.js';

const FLINK_FLAGS: Readonly<Record<string, string>> = {
  '-jm': '--jobManagerMemory',
  '-tm': '--taskManagerMemory',
  '-nm': '--name',
  '-qu': '--queue',
  '-id': '--applicationId',
};

interface YarnSessionFlags {
  jobManagerMemory?: string;
  taskManagerMemory?: string;
  slots?: string;
  name?: string;
  queue?: string;
  detached?: boolean;
  applicationId?: string;
  D?: string[];
  ship?: string[];
  list?: boolean;
}

function sessionCommand(io: ClusterCommandIo): Command {
  return loomCommand('yarn-session', io)
    .description('Start a Loom session cluster on YARN, or attach to a running one.')
    .option('--jobManagerMemory <size>', '-jm: ApplicationMaster container memory, e.g. 1024m or 1g')
    .option('--taskManagerMemory <size>', '-tm: TaskExecutor container memory, e.g. 1024m or 1g')
    .option('-s, --slots <n>', 'slots per TaskExecutor')
    .option('--name <name>', '-nm: YARN application name')
    .option('--queue <queue>', '-qu: YARN queue')
    .option('-d, --detached', 'start the session, print its id and dashboard URL, and exit')
    .option('--applicationId <id>', '-id: attach to a running session')
    .option('-t, --ship <path>', 'file or directory for every container (repeatable)', collect)
    .option('-l, --list', 'list your running Loom clusters (as loom list-clusters)')
    .addHelpText('after', '\nFlink-style short flags: -jm -tm -nm -qu -id. Example: yarn-session -jm 1g -tm 2g -s 2 -d');
}

/** Runs one yarn-session invocation; returns the exit code. */
export async function runYarnSession(argv: string[], io: ClusterCommandIo): Promise<number> {
  const cmd = sessionCommand(io);
  const parsed = parseCommand(cmd, argv, FLINK_FLAGS);
  if ('code' in parsed) return parsed.code;
  const flags = cmd.opts<YarnSessionFlags>();
  let ctx: DeployContext | undefined;
  try {
    // Every value is checked before anything is uploaded: a bad -jm fails here.
    const properties = flagProperties(flags);
    const applicationId = flags.applicationId === undefined ? undefined : applicationIdOption(flags.applicationId, '-id');
    const configs = loadConfigs(io, [...(flags.D ?? []), ...properties]);
    ctx = deployContext(io, configs);
    if (flags.list) return await printClusters(ctx, io);
    return await (applicationId ? attachMode(ctx, io, flags, applicationId) : deployMode(ctx, io, flags));
  } catch (err) {
    io.stderr.write(`yarn-session: ${describeClusterError(err)}\n`);
    return exitStatusFor(err);
  } finally {
    await ctx?.close();
  }
}

/** The flags as configuration keys, each checked with the flag's name in the message. */
function flagProperties(f: YarnSessionFlags): string[] {
  const out: string[] = [];
  if (f.jobManagerMemory !== undefined) {
    LoomOptions.jobManagerMemory.parseFlag('-jm', f.jobManagerMemory);
    out.push(`${LoomOptions.jobManagerMemory.key}=${f.jobManagerMemory}`);
  }
  if (f.taskManagerMemory !== undefined) {
    LoomOptions.taskManagerMemory.parseFlag('-tm', f.taskManagerMemory);
    out.push(`${LoomOptions.taskManagerMemory.key}=${f.taskManagerMemory}`);
  }
  if (f.slots !== undefined) out.push(`taskmanager.numberOfTaskSlots=${slotsOption(f.slots, '-s')}`);
  if (f.name !== undefined) out.push(`yarn.application.name=${f.name}`);
  if (f.queue !== undefined) out.push(`yarn.application.queue=${f.queue}`);
  if (f.ship?.length) out.push(`yarn.ship-files=${f.ship.join(';')}`);
  return out;
}

async function deployMode(ctx: DeployContext, io: ClusterCommandIo, flags: YarnSessionFlags): Promise<number> {
  const abort = new AbortController();
  const onSignal = () => abort.abort(new Error('interrupted; the application is being killed and its staging dir removed'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  let cluster: SessionCluster;
  // Attached, the session lives only while this client heartbeats (no orphans).
  markAttached(ctx.conf, !flags.detached);
  try {
    cluster = await deploySession(ctx, { signal: abort.signal });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  }
  printSession(io, cluster, ctx);
  if (flags.detached) {
    io.stdout.write(
      `Stop it with: yarn-session -id ${cluster.applicationId}, then type stop (or: echo stop | yarn-session -id ${cluster.applicationId})\n`,
    );
    return 0;
  }
  const lease = holdClusterLease(ctx.conf, cluster, ctx.log);
  try {
    return await attached(cluster, io, lease);
  } finally {
    lease.stop();
  }
}

async function attachMode(ctx: DeployContext, io: ClusterCommandIo, flags: YarnSessionFlags, applicationId: string): Promise<number> {
  const cluster = await attachToSession(ctx, { applicationId });
  printSession(io, cluster, ctx);
  if (flags.detached) return 0;
  return attached(cluster, io);
}

function printSession(io: ClusterCommandIo, cluster: SessionCluster, ctx: DeployContext): void {
  io.stdout.write(
    `Loom session ${cluster.applicationId} is running.\n` +
      `  Dashboard: ${cluster.dashboardUrl}\n` +
      `  REST API:  ${cluster.restUrl} (its secret is in ${ctx.propertiesFile()})\n`,
  );
}

/** Waits for `stop`, `detach`, Ctrl+C, or the application's end; returns the exit code. */
async function attached(cluster: SessionCluster, io: ClusterCommandIo, lease?: ClusterLease): Promise<number> {
  io.stdout.write('Type "stop" and Enter, or press Ctrl+C, to stop the session; "detach" leaves it running.\n');
  let interrupts = 0;
  const ending = new AbortController();
  let watching: Promise<unknown> = Promise.resolve();
  const outcome = await new Promise<'stop' | 'kill' | 'ended' | 'detach'>((resolve) => {
    const lines = io.stdin ? createInterface({ input: io.stdin }) : undefined;
    lines?.on('line', (line) => {
      const word = line.trim().toLowerCase();
      if (word === 'stop' || word === 'quit' || word === 'exit') resolve('stop');
      else if (word === 'detach') resolve('detach');
      else if (word !== '')
        io.stdout.write(`unknown command "${line.trim()}": type stop to stop the session, or detach to leave it running\n`);
    });
    const onSignal = () => {
      interrupts++;
      if (interrupts === 1) {
        io.stderr.write('stopping the session (Ctrl+C again kills it at once)\n');
        resolve('stop');
      } else resolve('kill');
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('SIGHUP', onSignal);
    watching = cluster
      .waitForEnd({ timeoutMs: Number.MAX_SAFE_INTEGER, pollMs: 2000, signal: ending.signal })
      .then(() => resolve('ended'))
      .catch(() => undefined);
    ending.signal.addEventListener('abort', () => {
      lines?.close();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('SIGHUP', onSignal);
    });
  }).finally(() => ending.abort());
  // The watcher's report call in flight ends before this returns: nothing of it may outlive the command.
  await watching;

  if (outcome === 'detach') {
    // Without the release the AM would end the session once the heartbeats stop.
    try {
      await lease?.release();
    } catch (err) {
      io.stderr.write(
        `yarn-session: could not release the client lease (${(err as Error).message}); the session ends once loom.client.heartbeat-timeout passes\n`,
      );
      return 1;
    }
    io.stdout.write(
      `detached; session ${cluster.applicationId} keeps running. Stop it with: yarn-session -id ${cluster.applicationId}, then type stop\n`,
    );
    return 0;
  }
  if (outcome === 'ended') {
    const r = await cluster.report();
    await cluster.removeStagingDir();
    io.stdout.write(`session ${cluster.applicationId} ended ${r.state}/${r.finalStatus}${r.diagnostics ? `: ${r.diagnostics}` : ''}\n`);
    return r.finalStatus === 'SUCCEEDED' ? 0 : 1;
  }
  const r = outcome === 'kill' ? await cluster.kill() : await stopWithSecondInterruptKilling(cluster);
  io.stdout.write(`session ${cluster.applicationId} ended ${r.state}/${r.finalStatus}\n`);
  return 0;
}

/** While a stop is under way, one more Ctrl+C kills the application instead of waiting. */
async function stopWithSecondInterruptKilling(cluster: SessionCluster) {
  let onSignal: (() => void) | undefined;
  const killed = new Promise<'kill'>((resolve) => {
    onSignal = () => resolve('kill');
    process.once('SIGINT', onSignal);
  });
  try {
    const first = await Promise.race([cluster.stop(), killed]);
    return first === 'kill' ? await cluster.kill() : first;
  } finally {
    if (onSignal) process.off('SIGINT', onSignal);
  }
}
