/**
 * The ApplicationMaster's start-up, in phases that each return what they built (the shape of
 * Flink's ClusterEntrypoint): the order below is the order things start, and every phase can be
 * started (and tested) on its own with the results of the ones before it.
 *
 * 1. connectToYarn: the environment the NodeManager set, the Hadoop configuration, the RM and NM clients.
 * 2. readClusterSetup: the shipped configuration and secret, the mode's inputs, the HA store
 *    (a broken one ends the application FAILED before the AM serves).
 * 3. createClusterJobs + recoverJobs: the TaskExecutor registry, the job master, the durable jobs
 *    (a later attempt takes over the recorded ones), the client lease.
 * 4. startServers: the TaskExecutor gateway (gRPC) and the dispatcher (REST + dashboard).
 * 5. registerWithResourceManager: the tracking URL goes to YARN; the AM serves from here on.
 * 6. startResourceManagerBridge: slot demand becomes containers; kept containers are taken over.
 * 7. the mode (appmaster/modes/: per-job runs its shipped job, application the program's main())
 *    starts, and the AM runs until an end is asked for (AmEndRequests) and AmShutdown carries it out.
 */
import type { AmEnvironment } from './am-runtime/am-environment.js';
import type { ClusterControl } from './cluster-api.js';
import { recordServingAttempt } from './ha/am-ha-store.js';
import { AmEndRequests } from './session/am-end-requests.js';
import { AmShutdown } from './session/am-shutdown.js';
import { amLog, amLogger, amProcessLogger, componentLog, errorMessage, type AmProcess } from './startup/am-process.js';
import { amShutdownSteps, type StartedParts } from './startup/am-teardown.js';
import { startServers } from './startup/am-servers.js';
import { createClusterJobs, recoverJobs } from './startup/cluster-jobs.js';
import { readClusterSetup } from './startup/cluster-setup.js';
import { installProcessHandlers } from './startup/process-handlers.js';
import { startResourceManagerBridge } from './startup/rm-bridge.js';
import { registerWithResourceManager } from './startup/rm-registration.js';
import { connectToYarn } from './startup/yarn-connection.js';

export { amLog };

export interface ApplicationMasterOptions {
  env?: NodeJS.ProcessEnv;
  exit?: (code: number) => void;
  /** Where the AM's formatted log lines go (default: stdout). */
  log?: (line: string) => void;
}

export interface RunningApplicationMaster {
  environment: AmEnvironment;
  control: ClusterControl;
  shutdown: AmShutdown;
  /** REST endpoint and TaskExecutor gateway as advertised (host:port). */
  restAddress: string;
  gatewayAddress: string;
}

/**
 * Starts the AM. Errors before the AM can reach the RM (no environment, no AMRMToken) are thrown
 * for main.ts to print (the NodeManager puts the stderr tail into the diagnostics); later ones
 * end the application FAILED with the error as diagnostics, and are thrown too.
 */
export async function startApplicationMaster(opts: ApplicationMasterOptions = {}): Promise<RunningApplicationMaster> {
  const logger = opts.log ? amProcessLogger(opts.log) : amLogger;
  const proc: AmProcess = {
    env: opts.env ?? process.env,
    logger,
    log: opts.log ? logger.lineLog() : amLog,
    exit: opts.exit ?? ((code: number) => process.exit(code)),
  };
  const yarn = connectToYarn(proc);
  const setup = await readClusterSetup(proc, yarn);
  const ends = new AmEndRequests();
  installProcessHandlers(ends, proc.log.error);

  const cluster = createClusterJobs(proc, yarn, setup, ends);
  const failStarting = (parts: StartedParts) => (err: unknown) => endFailedStart(proc, ends, parts, err);
  await recoverJobs(proc, setup, cluster).catch(failStarting({ yarn, setup, cluster }));
  const servers = await startServers(proc, yarn, setup, cluster).catch(failStarting({ yarn, setup, cluster }));
  const registration = await registerWithResourceManager(proc, yarn, setup, servers, cluster).catch(
    failStarting({ yarn, setup, cluster, servers }),
  );
  const rmBridge = await Promise.resolve()
    .then(() => startResourceManagerBridge(proc, yarn, setup, cluster, servers, registration, ends))
    .catch(failStarting({ yarn, setup, cluster, servers, registration }));

  // Everything that the end takes apart exists: from here on ends are carried out at once.
  const shutdown = new AmShutdown(amShutdownSteps(proc, { yarn, setup, cluster, servers, registration, rmBridge }));
  ends.carryOutWith(shutdown);
  void recordServingAttempt(
    setup.ha,
    { applicationId: yarn.am.applicationIdText, secret: setup.secret, configYaml: setup.config.toYaml() },
    {
      attempt: yarn.am.attemptId.attemptId,
      attemptId: yarn.am.attemptIdText,
      restAddress: servers.restAddress,
      gatewayAddress: servers.gatewayAddress,
      writtenAt: Date.now(),
    },
    componentLog(proc, 'ha-store'),
  );
  try {
    setup.mode.start({
      submitJob: (spec, o) => cluster.jobs.submit(spec, o),
      waitForJob: (id) => cluster.jobMaster.waitForJob(id),
      finish: (finalStatus, diagnostics) => void ends.request({ kind: 'finish', finalStatus, diagnostics }),
      log: componentLog(proc, `${setup.mode.mode}-mode`),
    });
  } catch (err) {
    await ends.request(failedStart(err));
    throw err;
  }
  return {
    environment: yarn.am,
    control: cluster.control,
    shutdown,
    restAddress: servers.restAddress,
    gatewayAddress: servers.gatewayAddress,
  };
}

/** A phase failed: what the earlier phases started is taken apart, and the application ends FAILED with the error. */
async function endFailedStart(proc: AmProcess, ends: AmEndRequests, parts: StartedParts, err: unknown): Promise<never> {
  ends.carryOutWith(new AmShutdown(amShutdownSteps(proc, parts)));
  await ends.request(failedStart(err));
  throw err;
}

function failedStart(err: unknown): { kind: 'finish'; finalStatus: 'FAILED'; diagnostics: string } {
  return { kind: 'finish', finalStatus: 'FAILED', diagnostics: `the ApplicationMaster failed to start: ${errorMessage(err)}` };
}
