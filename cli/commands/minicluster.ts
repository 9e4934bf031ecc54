/**
 * `loom minicluster`: starts the embedded mini cluster (WebHDFS, a ResourceManager and
 * NodeManagers on free 127.0.0.1 ports), prints its HADOOP_CONF_DIR and addresses, and serves
 * until SIGINT/SIGTERM, then stops every container and server. A dev tool, so this one CLI file
 * reaches into minicluster/.
 *
 *   loom minicluster [--nodes N] [--dir <dir>] [--node-memory MB] [--node-vcores N]
 *                    [--heartbeat-ms MS] [--hdfs-latency real|none|SCALE] [-D yarn.key=value]...
 */
import type { Command } from 'commander';
import type { Writable } from 'node:stream';
import { parseHdfsLatencySetting } from '../../minicluster/hdfs-latency-setting.js';
import type { MiniCluster, MiniClusterOptions } from '../../minicluster/mini-cluster.js';
import { oneLineCommanderErrors } from '../commander-errors.js';
import { describeError } from '../describe-error.js';
import { keyValueOption, wholeNumberOption } from '../option-values.js';
import { UsageError } from '../usage-error.js';
import {
  DETACHED_CHILD_ENV,
  forgetDetachedChild,
  recordDetachedChild,
  reportToParent,
  startDetached,
  stopDetached,
} from './minicluster-daemon.js';

export interface MiniClusterCommandIo {
  stdout: Writable;
  stderr: Writable;
  /** Resolves when the command should stop (default: the first SIGINT or SIGTERM). */
  untilStopped?: () => Promise<void>;
  /** Called once the cluster is up (tests read the addresses from it). */
  onStarted?: (cluster: MiniCluster) => void;
}

interface RawOptions {
  nodes: string;
  dir?: string;
  nodeMemory?: string;
  nodeVcores?: string;
  heartbeatMs?: string;
  hdfsLatency?: string;
  define: string[];
  /** -d: start in the background (needs --dir) and return once it serves. */
  detach?: boolean;
  /** --stop: stop the background mini cluster of --dir. */
  stop?: boolean;
}

/** The options a detached child is started with: everything but -d and --dir. */
function childArgsOf(raw: RawOptions): string[] {
  const args = ['--nodes', raw.nodes];
  if (raw.nodeMemory !== undefined) args.push('--node-memory', raw.nodeMemory);
  if (raw.nodeVcores !== undefined) args.push('--node-vcores', raw.nodeVcores);
  if (raw.heartbeatMs !== undefined) args.push('--heartbeat-ms', raw.heartbeatMs);
  if (raw.hdfsLatency !== undefined) args.push('--hdfs-latency', raw.hdfsLatency);
  for (const d of raw.define) args.push('-D', d);
  return args;
}

/** A whole number of at least 1 (YARN reads these as Java ints, so at most JAVA_INT_MAX). */
function positiveInt(value: string | undefined, flag: string, noun: string, example: number): number | undefined {
  return value === undefined ? undefined : wholeNumberOption(value, { flag, noun, min: 1, example });
}

/** The options, or a UsageError naming the first bad one. */
export function parseMiniClusterOptions(raw: RawOptions): MiniClusterOptions {
  const yarnSite: Record<string, string> = {};
  for (const d of raw.define) {
    const [key, value] = keyValueOption(d, '-D', 'yarn.nodemanager.vmem-check-enabled=false');
    yarnSite[key] = value;
  }
  const opts: MiniClusterOptions = { nodes: positiveInt(raw.nodes, '--nodes', 'a number of NodeManagers', 2), yarnSite };
  if (raw.dir !== undefined) opts.dir = raw.dir;
  const memory = positiveInt(raw.nodeMemory, '--node-memory', 'a memory size in MB', 8192);
  if (memory !== undefined) opts.nodeMemoryMb = memory;
  const vcores = positiveInt(raw.nodeVcores, '--node-vcores', 'a number of vcores', 8);
  if (vcores !== undefined) opts.nodeVcores = vcores;
  const heartbeat = positiveInt(raw.heartbeatMs, '--heartbeat-ms', 'an interval in milliseconds', 1000);
  if (heartbeat !== undefined) opts.heartbeatMs = heartbeat;
  if (raw.hdfsLatency !== undefined) {
    try {
      opts.hdfsLatency = parseHdfsLatencySetting(raw.hdfsLatency, '--hdfs-latency');
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  return opts;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

/** Runs the command; returns the exit code (0 after a clean stop, 1 when it cannot start, 2 on bad usage). */
export async function runMiniCluster(raw: RawOptions, io: MiniClusterCommandIo): Promise<number> {
  let options: MiniClusterOptions;
  try {
    options = parseMiniClusterOptions(raw);
  } catch (err) {
    io.stderr.write(`loom minicluster: ${(err as Error).message}\n`);
    return 2;
  }
  if (raw.stop && raw.detach) {
    io.stderr.write('loom minicluster: -d starts and --stop stops a background mini cluster; give one of them\n');
    return 2;
  }
  if (raw.stop) return stopDetached(raw.dir, io);
  if (raw.detach) return startDetached(raw.dir, childArgsOf(raw), io);
  const detachedChild = process.env[DETACHED_CHILD_ENV] === '1' && options.dir !== undefined && process.send !== undefined;
  // Not inherited by the containers this cluster starts.
  // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- process.env is Node's variable table; delete is how Node unsets one
  delete process.env[DETACHED_CHILD_ENV];
  let cluster: MiniCluster;
  try {
    // Loaded here, not at the CLI's start: every other command does without the mini cluster's code.
    const { startMiniCluster } = await import('../../minicluster/mini-cluster.js');
    cluster = await startMiniCluster(options);
  } catch (err) {
    io.stderr.write(`loom minicluster: could not start: ${describeError(err)}\n`);
    if (detachedChild) reportToParent({ failed: describeError(err) });
    return 1;
  }
  const stopping = (io.untilStopped ?? untilSignal)();
  const serving = [
    `HADOOP_CONF_DIR=${cluster.confDir}`,
    `ResourceManager ${cluster.rmAddress} (scheduler ${cluster.schedulerAddress}, web http://${cluster.webAddress})`,
    `WebHDFS ${cluster.defaultFs} (DataNode ${cluster.webHdfs.dataNodeAddress.host}:${cluster.webHdfs.dataNodeAddress.port}, latency ${cluster.webHdfs.latency.describe()})`,
    ...cluster.nodes.map((n) => `NodeManager ${n.nodeId} (127.0.0.1:${n.port}, web ${n.httpPort})`),
    `Data in ${cluster.dir}${options.dir === undefined ? ' (removed on stop)' : ''}. Serving until interrupted (Ctrl-C).`,
    '',
  ].join('\n');
  io.stdout.write(serving);
  if (detachedChild) {
    await recordDetachedChild(cluster.dir);
    reportToParent({ ready: serving });
  }
  io.onStarted?.(cluster);
  await stopping;
  io.stdout.write('Stopping the mini cluster...\n');
  await cluster.stop();
  if (detachedChild) await forgetDetachedChild(cluster.dir);
  io.stdout.write('Stopped.\n');
  return 0;
}

export function registerMiniClusterCommand(program: Command): void {
  // command() copies the program's settings (exitOverride, output) to it; its errors then name it.
  const cmd = program.command('minicluster');
  oneLineCommanderErrors(cmd, 'loom minicluster');
  cmd
    .description('run an embedded YARN + WebHDFS mini cluster on 127.0.0.1 and print its HADOOP_CONF_DIR')
    .option('--nodes <n>', 'number of NodeManagers', '2')
    .option('--dir <dir>', 'directory for its configuration, HDFS data and container dirs (kept); default a temp dir removed on stop')
    .option('--node-memory <mb>', 'memory of each NodeManager in MB (default 8192)')
    .option('--node-vcores <n>', 'vcores of each NodeManager (default 8)')
    .option('--heartbeat-ms <ms>', 'NodeManager heartbeat interval (default 1000, as YARN)')
    .option(
      '--hdfs-latency <real|none|scale>',
      'WebHDFS delays: real (as a Hadoop NameNode + DataNode), none, or a scale of the real ones (default $LOOM_MINICLUSTER_HDFS_LATENCY, else real)',
    )
    .option('-d, --detach', 'start in the background (needs --dir) and return once it serves; its log is <dir>/minicluster.log')
    .option('--stop', 'stop the background mini cluster started with -d --dir <dir>')
    .option('-D, --define <key=value>', 'yarn-site.xml setting (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
    .action(async (opts: RawOptions) => {
      process.exitCode = await runMiniCluster(opts, { stdout: process.stdout, stderr: process.stderr });
    });
}
