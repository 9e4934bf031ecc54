// A distributed-shell ApplicationMaster written with Loom's AMRMClient and NMClient, the pattern
// of Hadoop's distributedshell: register, ask for N containers, run one shell command in each,
// collect their exit codes, unregister. It runs inside an AM container (HADOOP_CONF_DIR and
// HADOOP_TOKEN_FILE_LOCATION come from the NodeManager), on the mini cluster or a real one:
//
//   node distributed-shell-am.js --command '<shell command>' [--containers N] [--memory MB]
//
// Each task's stdout/stderr go to its container log dir; one line per task goes to our stdout.
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Configuration } from '../../client/conf/configuration.js';
import { AMRMClient } from '../../client/hadoop/yarn/amrm-client.js';
import { buildContainerLaunchContext } from '../../client/hadoop/yarn/container-launch-context.js';
import { NMClient } from '../../client/hadoop/yarn/nm-client.js';

interface Args {
  command: string;
  containers: number;
  memoryMb: number;
}

function parseArgs(argv: string[]): Args {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const command = value('--command');
  if (!command) throw new Error("usage: distributed-shell-am --command '<shell command>' [--containers N] [--memory MB]");
  const containers = Number(value('--containers') ?? 1);
  const memoryMb = Number(value('--memory') ?? 128);
  if (!Number.isInteger(containers) || containers < 1)
    throw new Error(`--containers needs a positive integer, got ${value('--containers')}`);
  if (!Number.isInteger(memoryMb) || memoryMb < 1) throw new Error(`--memory needs a positive integer (MB), got ${value('--memory')}`);
  return { command, containers, memoryMb };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const conf = Configuration.load();
  const amrm = AMRMClient.createFromConf(conf);
  const nm = NMClient.createFromConf(conf, amrm.nmTokens);
  const exitCodes = new Map<string, number>();
  const started = new Set<string>();
  try {
    await amrm.register(hostname(), -1, '');
    for (let i = 0; i < args.containers; i++) amrm.addContainerRequest({ capability: { memoryMb: args.memoryMb, vcores: 1 }, priority: 0 });
    const launch = buildContainerLaunchContext({ commands: [`${args.command} 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr`] });
    while (exitCodes.size < args.containers) {
      const r = await amrm.allocate(exitCodes.size / args.containers);
      for (const c of r.surplus) amrm.releaseAssignedContainer(c.id);
      for (const c of r.allocated) {
        if (started.size >= args.containers) {
          amrm.releaseAssignedContainer(c.id);
          continue;
        }
        await nm.startContainer(c, launch);
        started.add(c.id);
        console.log(`started ${c.id} on ${c.nodeId}`);
      }
      for (const s of r.completed) {
        if (!started.has(s.containerId) || exitCodes.has(s.containerId)) continue;
        exitCodes.set(s.containerId, s.exitStatus);
        console.log(`completed ${s.containerId} exit ${s.exitStatus}`);
      }
      await sleep(100);
    }
    const failed = [...exitCodes].filter(([, code]) => code !== 0);
    const diagnostics = failed.length
      ? `${failed.length} of ${args.containers} containers failed: ${failed.map(([id, code]) => `${id} exit ${code}`).join(', ')}`
      : `all ${args.containers} containers exited 0`;
    await amrm.unregister(failed.length ? 'FAILED' : 'SUCCEEDED', diagnostics);
    console.log(diagnostics);
    return failed.length ? 1 : 0;
  } finally {
    await nm.close();
    await amrm.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`distributed-shell AM failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(2);
  },
);
