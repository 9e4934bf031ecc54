import type { Command } from 'commander';
import { registerMiniClusterCommand } from './commands/minicluster.js';
import { registerPassThroughCommand, type CommandIo } from './pass-through-command.js';

type Runner = (argv: string[], io: CommandIo) => Promise<number>;

/**
 * The `loom` sub-commands that parse their own arguments (Hadoop's and Flink's flag shapes). Each
 * command's code is loaded only when it runs: a CLI start then loads the plumbing, not every
 * command's modules (0.14 s instead of 0.40 s here, and tests start the CLI hundreds of times).
 */
const COMMANDS: readonly { name: string; description: string; run: () => Promise<Runner> }[] = [
  {
    name: 'fs',
    description: 'HDFS file commands in the shape of `hdfs dfs` (-ls, -put, -get, -cat, -du, -count, -test, -chmod, ...; loom fs -help)',
    run: async () => {
      const { runFs } = await import('./commands/fs.js');
      // fs draws its transfer progress on the process's own streams (a live line when stderr is a TTY).
      return (argv) => runFs(argv, { stdout: process.stdout, stderr: process.stderr });
    },
  },
  {
    name: 'yarn',
    description: "YARN commands in the shape of Hadoop's `yarn` CLI (application -list/-status/-kill, node -list, queue -status)",
    run: async () => (await import('./commands/yarn.js')).runYarn,
  },
  {
    name: 'yarn-session',
    description: 'Start a Loom session cluster on YARN, or attach to one (-id); see yarn-session --help',
    run: async () => {
      const { runYarnSession } = await import('./commands/yarn-session.js');
      return (argv, io) => runYarnSession(argv, { ...io, stdin: process.stdin });
    },
  },
  {
    name: 'run',
    description: 'Run a program or submit a job: loom run [-t yarn-session|yarn-per-job] [-c <export>] [-p N] <bundle> [args...]',
    run: async () => (await import('./commands/run.js')).runJob,
  },
  { name: 'list', description: "List a Loom cluster's jobs", run: async () => (await import('./commands/run.js')).listJobs },
  {
    name: 'cancel',
    description: 'Cancel a job of a Loom cluster: loom cancel <jobId>',
    run: async () => (await import('./commands/run.js')).cancelJob,
  },
  {
    name: 'history',
    description: 'Jobs an application archived when they ended, also after it ended: loom history <applicationId> [jobId]',
    run: async () => (await import('./commands/history.js')).showHistory,
  },
  {
    name: 'info',
    description: 'Show a Loom cluster: mode, application id, dashboard, TaskExecutors, jobs',
    run: async () => (await import('./commands/info.js')).clusterInfo,
  },
  {
    name: 'run-application',
    description:
      'Run a program in application mode (main() in the ApplicationMaster): loom run-application -t yarn-application <bundle|hdfs://bundle> [args...]',
    run: async () => (await import('./commands/run-application.js')).runApplication,
  },
  {
    name: 'upload-runtime',
    description: "Put Loom's runtime and Node.js on HDFS for -Dyarn.provided.lib.dirs; see upload-runtime --help",
    run: async () => (await import('./commands/upload-runtime.js')).runUploadRuntime,
  },
  {
    name: 'logs',
    description:
      "Container logs as `yarn logs` (-applicationId <app> [-containerId <c>] [-log_files a,b]), or a job's task output: loom logs <jobId> [--task N] [-f]",
    run: async () => (await import('./commands/logs.js')).runLogs,
  },
  {
    name: 'list-clusters',
    description: 'List your running Loom clusters (every mode) with age and dashboard URL',
    run: async () => (await import('./commands/list-clusters.js')).runListClusters,
  },
];

/** Every `loom` sub-command: the table above, and `minicluster` (commander options of its own). */
export function registerCommands(program: Command): void {
  for (const c of COMMANDS) registerPassThroughCommand(program, c.name, c.description, async (argv, io) => (await c.run())(argv, io));
  registerMiniClusterCommand(program);
}
