/**
 * `loom run-application -t yarn-application [-c <export>] [--entry <module>] [--attached] <bundle|hdfs://bundle> [args...]`
 *
 * Application mode: main(ctx) runs in the ApplicationMaster. The client uploads the effective
 * configuration and the bundle (nothing for a bundle already on HDFS), submits, and waits until
 * the AM has registered (or the application already ended). Detached (the default) it prints
 * the application id and the dashboard URL and exits; `--attached` follows the application to
 * its end, prints its final status and diagnostics (main()'s error when it failed), and exits
 * 0 for SUCCEEDED, 1 otherwise. Attached, the application holds a client lease (it ends
 * KILLED when this client dies), and a client that goes away (Ctrl+C, SIGTERM, SIGHUP, its output
 * closed) stops it KILLED, its running jobs cancelled: Flink's -sae, always on (attached-exit.ts).
 * Attached, main()'s ctx.log and console lines are printed as they happen and what it returned
 * at its end, as `loom run` prints a program whose main() runs in the client (program-printing.ts).
 */
import { ENDED_STATES } from '../../client/deploy/running/application-waiter.js';
import { followApplicationToEnd, untilRegisteredOrEnded } from '../../client/deploy/running/application-end.js';
import { followProgramOutput } from '../../client/deploy/running/program-output-follow.js';
import { deployApplication, type DeployedApplication } from '../../client/deploy/submit/application-deployer.js';
import { attachedWork, nothingToUnregister } from '../../client/deploy/running/attached-exit.js';
import { holdClusterLease, markAttached, type ClusterLease } from '../../client/deploy/running/cluster-lease.js';
import { abandonDeployment, killUnregisteredCluster, stopApplicationCluster } from '../../client/deploy/running/exit-cleanups.js';
import { resolveProgramBundle } from '../../client/deploy/submit/program-bundle.js';
import { SessionCluster } from '../../client/deploy/running/session-cluster.js';
import { printProgramLine, printProgramResult } from '../../client/program/program-printing.js';
import { withoutStackFrames } from '../describe-error.js';
import {
  checkTarget,
  clusterCommand,
  parallelismOption,
  parseClusterArgs,
  SAE_HELP,
  withContext,
  type ClusterCommandIo,
  type ClusterFlags,
} from './cluster-options.js';
import { EXIT_STATUS } from '../exit-statuses.js';

interface RunApplicationFlags extends ClusterFlags {
  class?: string;
  entry?: string;
  parallelism?: string;
  attached?: boolean;
}

export async function runApplication(argv: string[], io: ClusterCommandIo): Promise<number> {
  const cmd = clusterCommand('run-application', io)
    .description("Run a program's main(ctx) inside a YARN application of its own; the application ends when main() and its jobs end.")
    .option('-c, --class <export>', 'the export holding main(ctx) (default: the default export)')
    .option('--entry <module>', 'for a directory or archive bundle: the module to import, relative to it')
    .option('-p, --parallelism <n>', "default parallelism of the program's jobs (parallelism.default)")
    .option(
      '--attached',
      'follow the application to its end and exit 0 for SUCCEEDED, 1 otherwise; Ctrl+C or a closed output stops it KILLED',
    )
    .option('--shutdownOnAttachedExit', SAE_HELP)
    .argument('<bundle>', 'a local .mjs/.js module or directory, or an hdfs:// (webhdfs://) path of a module or .tar.gz')
    .argument('[args...]', 'arguments for main (ctx.args)')
    .addHelpText(
      'after',
      '\nFlink-style -y flags work too (-yjm -ytm -ys -ynm -yqu -yD k=v -yt). Example: loom run-application -t yarn-application wc.mjs /in.txt',
    )
    .passThroughOptions();
  const parsed = parseClusterArgs('run-application', cmd, argv, io);
  if ('code' in parsed) return parsed.code;
  const { args, properties } = parsed;
  const flags = cmd.opts<RunApplicationFlags>();
  const [bundlePath, ...programArgs] = args;
  let parallelism: string[];
  try {
    checkTarget(flags.target, undefined, ['yarn-application'], 'yarn-application');
    parallelism = flags.parallelism === undefined ? [] : [`parallelism.default=${parallelismOption(flags.parallelism)}`];
  } catch (err) {
    io.stderr.write(`loom run-application: ${(err as Error).message}\n`);
    return EXIT_STATUS.usage;
  }
  return withContext('run-application', io, flags, [...properties, ...parallelism], async (ctx) => {
    // Checked before anything is uploaded or asked of YARN: a missing bundle leaves nothing behind.
    const bundle = await resolveProgramBundle(ctx, bundlePath, {
      ...(flags.entry ? { entry: flags.entry } : {}),
      exportName: flags.class ?? 'default',
      exportRole: 'main',
      log: ctx.log,
    });
    // Attached: the application holds a lease, so it ends when this client dies.
    markAttached(ctx.conf, flags.attached ?? false);
    // Attached, a client that goes away stops the application from the first step (attached-exit.ts).
    const abort = new AbortController();
    let submitted: DeployedApplication | undefined;
    let followed: { cluster: SessionCluster; lease: ClusterLease } | undefined;
    const deploying = deployApplication(ctx, {
      bundle,
      ...(flags.class ? { entryExport: flags.class } : {}),
      args: programArgs,
      signal: abort.signal,
    }).then((d) => (submitted = d));
    const unregister = !flags.attached
      ? nothingToUnregister
      : attachedWork.register('the application cluster', async (why) => {
          let application = submitted;
          if (!application) {
            const stopped = await abandonDeployment(abort, deploying, 'the application cluster', why);
            // A deployment that finished before it saw the abort left a cluster to stop like any other.
            application = await deploying.catch(() => undefined);
            if (!application) return stopped;
          }
          if (!followed) return killUnregisteredCluster(ctx, application, why);
          return stopApplicationCluster(followed.cluster, followed.lease)(why);
        });
    let deployed;
    try {
      deployed = await deploying;
    } catch (err) {
      unregister();
      throw err;
    } finally {
      if (bundle.where === 'local') await bundle.packed.cleanup();
    }
    try {
      const { applicationId } = deployed;
      const written = deployed.uploadedFiles.map((f) => `${f.path} (${f.size} bytes)`);
      ctx.log(`this submission wrote ${written.length} file(s) to HDFS${written.length ? `: ${written.join(', ')}` : ''}`);
      const report = await untilRegisteredOrEnded(ctx, applicationId);
      io.stdout.write(
        `Loom application ${applicationId} ${ENDED_STATES.has(report.state) ? 'has ended' : 'is running'} (application mode).\n  Dashboard: ${report.trackingUrl}\n`,
      );
      if (!flags.attached && !ENDED_STATES.has(report.state)) {
        io.stdout.write(`Follow it with: loom info -yid ${applicationId}, or yarn application -status ${applicationId}\n`);
        return 0;
      }
      let ended = report;
      if (!ENDED_STATES.has(report.state)) {
        const cluster = new SessionCluster(ctx, {
          applicationId,
          secret: deployed.secret,
          certificate: deployed.certificate,
          report,
          stagingDir: deployed.stagingDir,
        });
        const lease = holdClusterLease(ctx.conf, cluster, ctx.log);
        followed = { cluster, lease };
        const program = followProgramOutput(cluster, {
          line: (line) => printProgramLine(io, line.stream, line.text),
          dropped: (n) => io.stderr.write(`(${n} line(s) of main() were dropped by the ApplicationMaster's bound)\n`),
          ended: (end) => {
            if (end.state === 'RETURNED') printProgramResult(io, end.result);
          },
        });
        try {
          ended = await followApplicationToEnd(ctx, applicationId, {
            onState: (state) => io.stderr.write(`${applicationId} is ${state}\n`),
          });
        } finally {
          await program.stop();
          lease.stop();
        }
      }
      // The AM removes the staging dir when it ends on purpose; a killed one cannot.
      await ctx.fs.delete(deployed.stagingDir, { recursive: true, ignoreMissing: true });
      io.stdout.write(`application ${applicationId} ended ${ended.state}/${ended.finalStatus}\n`);
      // main()'s stack is in the diagnostics; it is shown with --verbose (and by yarn application -status).
      const diagnostics = withoutStackFrames(ended.diagnostics).trim();
      if (diagnostics) io.stdout.write(`  ${diagnostics.split('\n').join('\n  ')}\n`);
      return ended.finalStatus === 'SUCCEEDED' ? 0 : 1;
    } finally {
      unregister();
    }
  });
}
