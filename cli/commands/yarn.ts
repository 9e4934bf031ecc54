/**
 * `loom yarn`: YARN commands in the shape of Hadoop's `yarn` CLI (ApplicationCLI, NodeCLI, QueueCLI):
 *
 *   loom yarn [-D key=value]... [--conf <dir>] application -list [-appStates S,...] [-appTypes T,...] [-appTags T,...]
 *   loom yarn ... application -status <Application ID> | -kill <Application ID>
 *   loom yarn ... node -list [-states S,...] [-all]
 *   loom yarn ... queue -status <Queue Name>
 *
 * Hadoop's single-dash long options are parsed here (commander passes them through, see
 * ../pass-through-command.ts).
 * Output follows Hadoop's column layout and report blocks; errors are one line on stderr with exit
 * code 1, bad usage exit code 2.
 */
import { isRemoteException } from '../../client/wire/ipc/remote-exception.js';
import {
  NODE_STATES,
  parseEnumName,
  YARN_APPLICATION_STATES,
  type ApplicationReport,
  type NodeState,
  type QueueInfo,
  type YarnApplicationState,
} from '../../client/hadoop/yarn/cluster-reports.js';
import { YarnClient } from '../../client/hadoop/yarn/yarn-client.js';
import { describeError } from '../describe-error.js';
import { applicationIdOption } from '../option-values.js';
import { retryLinesTo } from '../retry-lines.js';
import { loadCommandConfiguration, parseToolLine, usageError, type CommandIo } from '../pass-through-command.js';
import { UsageError } from '../usage-error.js';

const USAGE = `Usage: loom yarn [-D key=value]... [--conf <dir>] <command>
  application -list [-appStates <States>] [-appTypes <Types>] [-appTags <Tags>]
                                   list applications (default states: SUBMITTED, ACCEPTED, RUNNING; -appStates ALL for every state)
  application -status <Application ID>   print the application report
  application -kill <Application ID>     kill the application
  node -list [-states <States>] [-all]   list nodes (default: RUNNING)
  queue -status <Queue Name>             print the queue information
`;

const APP_NOT_FOUND = 'ApplicationNotFoundException';

/** Runs one `loom yarn` invocation; returns the exit code (0 ok, 1 failure, 2 bad usage). */
export async function runYarn(argv: string[], io: CommandIo): Promise<number> {
  const line = parseToolLine('loom yarn', USAGE, argv, io);
  if ('code' in line) return line.code;
  const { generic, command: group, args } = line;
  const handler = GROUPS[group];
  if (!handler) return usage(io, `unknown command ${group}`);

  let client: YarnClient | undefined;
  const label = `loom yarn ${group}${args[0]?.startsWith('-') ? ` ${args[0]}` : ''}`;
  try {
    const run = handler(args);
    const env = io.env ?? process.env;
    client = YarnClient.createFromConf(loadCommandConfiguration(generic, env, io), { env, onRetry: retryLinesTo(io.stderr) });
    return await run({ client, io });
  } catch (err) {
    if (err instanceof UsageError) return usage(io, err.message);
    io.stderr.write(`${label}: ${describeError(err)}\n`);
    return 1;
  } finally {
    await client?.close();
  }
}

function usage(io: CommandIo, problem: string): number {
  return usageError('loom yarn', USAGE, io, problem);
}

interface Ctx {
  client: YarnClient;
  io: CommandIo;
}

/** Parses the arguments first (usage errors need no cluster), then returns the work to run. */
type Group = (args: string[]) => (ctx: Ctx) => Promise<number>;

type OptionKind = 'flag' | 'one' | 'list';

/** Hadoop-style options (`-list`, `--list`, `-appStates A,B` or `-appStates A B`), each at most once. */
function parseOptions(args: string[], spec: Record<string, OptionKind>): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const name = /^--?([A-Za-z]+)$/.exec(args[i])?.[1];
    const kind = name === undefined ? undefined : spec[name];
    if (name === undefined || kind === undefined) throw new UsageError(`unexpected argument ${args[i]}`);
    if (found.has(name)) throw new UsageError(`-${name} given twice`);
    const values: string[] = [];
    while (kind !== 'flag' && i + 1 < args.length && !args[i + 1].startsWith('-')) {
      values.push(...args[++i].split(','));
      if (kind === 'one') break;
    }
    if (kind !== 'flag' && values.length === 0) throw new UsageError(`Missing argument for option -${name}`);
    found.set(
      name,
      values.map((v) => v.trim()).filter((v) => v !== ''),
    );
  }
  return found;
}

/** The one action option of a command group (-list, -status, -kill). */
function action(opts: Map<string, string[]>, actions: string[], group: string): string {
  const given = actions.filter((a) => opts.has(a));
  if (given.length !== 1) throw new UsageError(`${group} needs exactly one of ${actions.map((a) => `-${a}`).join(', ')}`);
  return given[0];
}

/** The value of a 'one' option: a value of commas and blanks only leaves none (Hadoop's CLI: "Missing argument"). */
function oneValue(opts: Map<string, string[]>, name: string): string {
  const value = opts.get(name)?.[0];
  if (value === undefined) throw new UsageError(`Missing argument for option -${name}`);
  return value;
}

function enumValues<T extends string>(values: string[], valid: readonly T[], what: string): T[] {
  try {
    return values.map((v) => parseEnumName(v, valid, what));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

const GROUPS: Readonly<Partial<Record<string, Group>>> = {
  application(args) {
    const opts = parseOptions(args, { list: 'flag', status: 'one', kill: 'one', appStates: 'list', appTypes: 'list', appTags: 'list' });
    const act = action(opts, ['list', 'status', 'kill'], 'application');
    // A malformed id is bad usage, refused before the ResourceManager is asked (Hadoop: ApplicationId.fromString).
    if (act === 'status') {
      const appId = applicationIdOption(oneValue(opts, 'status'), '-status');
      return (ctx) => applicationStatus(ctx, appId);
    }
    if (act === 'kill') {
      const appId = applicationIdOption(oneValue(opts, 'kill'), '-kill');
      return (ctx) => killApplication(ctx, appId);
    }
    const stateArgs = opts.get('appStates') ?? [];
    const all = stateArgs.some((s) => s.toUpperCase() === 'ALL');
    const named = enumValues(
      stateArgs.filter((s) => s.toUpperCase() !== 'ALL'),
      YARN_APPLICATION_STATES,
      'application state (or ALL)',
    );
    const states = YARN_APPLICATION_STATES.filter((s) =>
      all ? true : named.length ? named.includes(s) : ['SUBMITTED', 'ACCEPTED', 'RUNNING'].includes(s),
    );
    const types = [...new Set((opts.get('appTypes') ?? []).map((t) => t.toUpperCase()))];
    const tags = [...new Set((opts.get('appTags') ?? []).map((t) => t.toLowerCase()))];
    return (ctx) => listApplications(ctx, states, types, tags);
  },

  node(args) {
    const opts = parseOptions(args, { list: 'flag', states: 'list', all: 'flag' });
    action(opts, ['list'], 'node');
    const states: readonly NodeState[] = opts.has('all')
      ? NODE_STATES
      : opts.has('states')
        ? enumValues(opts.get('states') ?? [], NODE_STATES, 'node state')
        : ['RUNNING'];
    return (ctx) => listNodes(ctx, states);
  },

  queue(args) {
    const opts = parseOptions(args, { status: 'one' });
    action(opts, ['status'], 'queue');
    return (ctx) => queueStatus(ctx, oneValue(opts, 'status'));
  },
};

// ---------------------------------------------------------------- application

const APPLICATIONS_ROW = [30, 20, 20, 10, 10, 18, 18, 15, 35];

async function listApplications(ctx: Ctx, states: YarnApplicationState[], types: string[], tags: string[]): Promise<number> {
  const apps = await ctx.client.getApplications({ states, types, tags });
  const out: string[] = [
    `Total number of applications (application-types: [${types.join(', ')}], states: [${states.join(', ')}] and tags: [${tags.join(', ')}]):${apps.length}`,
    row(APPLICATIONS_ROW, [
      'Application-Id',
      'Application-Name',
      'Application-Type',
      'User',
      'Queue',
      'State',
      'Final-State',
      'Progress',
      'Tracking-URL',
    ]),
  ];
  for (const a of apps) {
    out.push(
      row(APPLICATIONS_ROW, [
        a.applicationId,
        a.name,
        a.applicationType,
        a.user,
        a.queue,
        a.state,
        a.finalStatus,
        percent(a.progress),
        a.originalTrackingUrl || 'N/A',
      ]),
    );
  }
  ctx.io.stdout.write(out.map((l) => `${l}\n`).join(''));
  return 0;
}

async function applicationStatus(ctx: Ctx, appId: string): Promise<number> {
  let a: ApplicationReport;
  try {
    a = await ctx.client.getApplicationReport(appId);
  } catch (err) {
    if (!isRemoteException(err, APP_NOT_FOUND)) throw err;
    throw new Error(`Application with id '${appId}' doesn't exist in RM or Timeline Server.`);
  }
  const usage = a.resourceUsage;
  const lines = [
    'Application Report : ',
    `\tApplication-Id : ${a.applicationId}`,
    `\tApplication-Name : ${a.name}`,
    `\tApplication-Type : ${a.applicationType}`,
    `\tUser : ${a.user}`,
    `\tQueue : ${a.queue}`,
    `\tApplication Priority : ${a.priority}`,
    `\tStart-Time : ${a.startTime}`,
    `\tFinish-Time : ${a.finishTime}`,
    `\tProgress : ${percent(a.progress)}`,
    `\tState : ${a.state}`,
    `\tFinal-State : ${a.finalStatus}`,
    `\tTracking-URL : ${a.originalTrackingUrl || 'N/A'}`,
    `\tRPC Port : ${a.rpcPort}`,
    `\tAM Host : ${a.host}`,
    `\tAggregate Resource Allocation : ${usage ? resourceSeconds(usage.resourceSeconds, usage.memorySeconds, usage.vcoreSeconds) : 'N/A'}`,
    `\tAggregate Resource Preempted : ${usage ? resourceSeconds(usage.preemptedResourceSeconds, usage.preemptedMemorySeconds, usage.preemptedVcoreSeconds) : 'N/A'}`,
    `\tLog Aggregation Status : ${a.logAggregationStatus ?? 'N/A'}`,
    `\tDiagnostics : ${a.diagnostics}`,
    `\tUnmanaged Application : ${a.unmanaged}`,
    `\tApplication Node Label Expression : ${a.appNodeLabelExpression ?? '<Not set>'}`,
    `\tAM container Node Label Expression : ${a.amNodeLabelExpression ?? '<DEFAULT_PARTITION>'}`,
    ...a.timeouts.map((t) => `\tTimeoutType : ${t.type}\tExpiryTime : ${t.expiryTime}\tRemainingTime : ${t.remainingTimeSeconds}seconds`),
  ];
  // Hadoop prints the block and then an empty line.
  ctx.io.stdout.write(`${lines.join('\n')}\n\n`);
  return 0;
}

async function killApplication(ctx: Ctx, appId: string): Promise<number> {
  let report: ApplicationReport;
  try {
    report = await ctx.client.getApplicationReport(appId);
  } catch (err) {
    if (!isRemoteException(err, APP_NOT_FOUND)) throw err;
    throw new Error(`Application with id '${appId}' doesn't exist in RM.`);
  }
  if (report.state === 'FINISHED' || report.state === 'KILLED' || report.state === 'FAILED') {
    ctx.io.stdout.write(`Application ${appId} has already finished \n`);
    return 0;
  }
  ctx.io.stdout.write(`Killing application ${appId}\n`);
  await ctx.client.killApplication(appId);
  ctx.io.stderr.write(`Killed application ${appId}\n`);
  return 0;
}

/** "1234 MB-seconds, 5 vcore-seconds" plus any other resource types, as Hadoop's StringHelper prints it. */
function resourceSeconds(map: Readonly<Partial<Record<string, number>>>, memory: number, vcores: number): string {
  const parts = [`${map['memory-mb'] ?? memory} MB-seconds`, `${map.vcores ?? vcores} vcore-seconds`];
  for (const [name, value] of Object.entries(map)) if (name !== 'memory-mb' && name !== 'vcores') parts.push(`${value} ${name}-seconds`);
  return parts.join(', ');
}

// ---------------------------------------------------------------- node

const NODES_ROW = [16, 15, 17, 28];

async function listNodes(ctx: Ctx, states: readonly NodeState[]): Promise<number> {
  const nodes = await ctx.client.getNodeReports([...states]);
  const out = [
    `Total Nodes:${nodes.length}`,
    row(NODES_ROW, ['Node-Id', 'Node-State', 'Node-Http-Address', 'Number-of-Running-Containers']),
  ];
  for (const n of nodes) out.push(row(NODES_ROW, [n.nodeId, n.state, n.httpAddress, String(n.numContainers)]));
  ctx.io.stdout.write(out.map((l) => `${l}\n`).join(''));
  return 0;
}

// ---------------------------------------------------------------- queue

async function queueStatus(ctx: Ctx, queueName: string): Promise<number> {
  const q: QueueInfo = await ctx.client.getQueueInfo(queueName);
  const label = q.defaultNodeLabelExpression?.trim() ? q.defaultNodeLabelExpression : '<DEFAULT_PARTITION>';
  const lines = [
    'Queue Information : ',
    `Queue Name : ${q.queueName}`,
    `\tState : ${q.state}`,
    `\tCapacity : ${oneDecimal(q.capacity * 100)}%`,
    `\tCurrent Capacity : ${oneDecimal(q.currentCapacity * 100)}%`,
    `\tMaximum Capacity : ${oneDecimal(q.maximumCapacity * 100)}%`,
    `\tDefault Node Label expression : ${label}`,
    `\tAccessible Node Labels : ${q.accessibleNodeLabels.join(',')}`,
  ];
  if (q.preemptionDisabled !== undefined) lines.push(`\tPreemption : ${q.preemptionDisabled ? 'disabled' : 'enabled'}`);
  if (q.intraQueuePreemptionDisabled !== undefined)
    lines.push(`\tIntra-queue Preemption : ${q.intraQueuePreemptionDisabled ? 'disabled' : 'enabled'}`);
  ctx.io.stdout.write(lines.map((l) => `${l}\n`).join(''));
  return 0;
}

// ---------------------------------------------------------------- Java formatting

/** printf("%Ns\t%Ns...") : each value right-aligned in its width, tab-separated. */
function row(widths: number[], values: string[]): string {
  return values.map((v, i) => v.padStart(widths[i] ?? 0)).join('\t');
}

/** DecimalFormat("###.##%"): 0.5379 -> "53.79%", 1 -> "100%". */
function percent(fraction: number): string {
  return `${trimZeros((fraction * 100).toFixed(2))}%`;
}

/** DecimalFormat("#.0"): 100 -> "100.0", 0 -> ".0". */
function oneDecimal(value: number): string {
  return value.toFixed(1).replace(/^(-?)0\./, '$1.');
}

function trimZeros(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}
