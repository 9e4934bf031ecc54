/**
 * The ApplicationMaster's assembly: reads what the NodeManager and the client put into the
 * container, starts the TaskExecutor gateway (gRPC) and the dispatcher (REST + dashboard) on the
 * container's host, registers with the ResourceManager, and runs the ResourceManager bridge
 * until the cluster ends. The mode (LOOM_MODE) decides what else runs and when the cluster ends
 * (appmaster/modes/: per-job runs its shipped job, application runs the program's main()).
 */
import { readFileSync } from 'node:fs';
import { Configuration } from '../client/conf/configuration.js';
import { LoomOptions } from '../client/conf/loom-config.js';
import { ClusterFileSystem } from '../client/hadoop/hdfs/cluster-file-system.js';
import { containerSizes } from '../client/conf/container-sizes.js';
import { parseHdfsPath } from '../client/hadoop/hdfs/hdfs-path.js';
import { webHdfsClientFromConf } from '../client/hadoop/hdfs/webhdfs-client-from-conf.js';
import { AMRMClient, amrmTokenFromEnvironment } from '../client/hadoop/yarn/amrm-client.js';
import { NMClient } from '../client/hadoop/yarn/nm-client.js';
import { describeRetry } from '../client/retry/retry-report.js';
import { readAmEnvironment, type AmEnvironment } from './am-runtime/am-environment.js';
import { amSettings, type AmSettings } from './am-runtime/am-settings.js';
import { readClusterFiles, type ClusterFiles } from './am-runtime/cluster-files.js';
import type { ClusterControl } from './cluster-api.js';
import { AmIpFilter, amIpFilterSettings } from './dispatcher/am-ip-filter.js';
import { DispatcherServer } from './dispatcher/dispatcher-server.js';
import { dispatcherSettings, type DispatcherSettings } from './dispatcher/dispatcher-settings.js';
import { haStoreUrlFor, openAmHaStore, recordServingAttempt, type AmHaStore } from './ha/am-ha-store.js';
import { DurableJobs } from './ha/durable-jobs.js';
import { takeOverTaskExecutors, type TaskExecutorTakeover } from './ha/taskexecutor-takeover.js';
import { JobMaster } from './jobs/job-master.js';
import { clientLeaseFor, endWithoutClient } from './lease/client-lease.js';
import { prepareModeRunner, type ModeRunner } from './modes/mode-runner.js';
import { jobMasterOptionsFrom, restartOptionsFrom, type JobMasterOptions } from './jobs/job-master-options.js';
import { refusedAskReason } from './resourcemanager-bridge/refused-ask.js';
import { ResourceManagerBridge } from './resourcemanager-bridge/resourcemanager-bridge.js';
import { startTaskExecutorGateway, type TaskExecutorGateway } from './rpc/taskexecutor-gateway-server.js';
import { AmShutdown, type AmEnd } from './session/am-shutdown.js';
import { AmRmScheduler, NodeManagerLauncher } from './session/yarn-ports.js';
import { ContainerAdmission } from './taskexecutors/taskexecutor-admission.js';
import { TaskExecutorRegistry } from './taskexecutors/taskexecutor-registry.js';
import type { Container } from '../client/hadoop/yarn/yarn-records.js';

/** TaskExecutor -> AM heartbeats; a TaskExecutor silent for the timeout is lost (its stream ending is noticed at once). */
const TASK_EXECUTOR_HEARTBEAT_MS = 2_000;
const TASK_EXECUTOR_HEARTBEAT_TIMEOUT_MS = 20_000;
/** Bounds on the shutdown steps, so an unreachable RM or NameNode cannot keep the process alive. */
const UNREGISTER_TIMEOUT_MS = 30_000;
const STAGING_DELETE_TIMEOUT_MS = 15_000;

export interface ApplicationMasterOptions {
  env?: NodeJS.ProcessEnv;
  exit?: (code: number) => void;
  log?: (line: string) => void;
}

export interface RunningApplicationMaster {
  environment: AmEnvironment;
  control: ClusterControl;
  shutdown: AmShutdown;
  /** REST endpoint and TaskExecutor gateway as advertised. */
  restAddress: string;
  gatewayAddress: string;
}

export function amLog(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

/**
 * Starts the AM. Errors before the AM can reach the RM (no environment, no AMRMToken) are thrown
 * for main.ts to print (the NodeManager puts the stderr tail into the diagnostics); later ones
 * end the application FAILED with the error as diagnostics.
 */
export async function startApplicationMaster(opts: ApplicationMasterOptions = {}): Promise<RunningApplicationMaster> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? amLog;
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const am = readAmEnvironment(env);
  log(`Loom ApplicationMaster ${am.attemptIdText} (${am.mode} mode) in ${am.containerId} on ${am.nmHost}`);
  if (!am.hadoopConfDir) {
    log(
      'HADOOP_CONF_DIR is not set (the NodeManager passes its own through yarn.nodemanager.env-whitelist): using Hadoop defaults, so the ResourceManager is looked for at 0.0.0.0:8030',
    );
  }
  const hadoopConf = Configuration.load({ confDir: am.hadoopConfDir, env });
  // A ResourceManager or NodeManager that does not answer is logged per retry, as Hadoop's ipc.Client does.
  const onRetry = (event: Parameters<typeof describeRetry>[0]) => log(describeRetry(event));
  const amrm = AMRMClient.createFromConf(hadoopConf, { token: amrmTokenFromEnvironment(env), onRetry });

  let files: ClusterFiles;
  let settings: AmSettings;
  let listen: DispatcherSettings;
  let restarts: Pick<JobMasterOptions, 'restartStrategy' | 'retryUserErrors'>;
  let mode: ModeRunner;
  let ha: AmHaStore;
  try {
    files = readClusterFiles(am);
    settings = amSettings(files.config);
    // Both servers listen where rest.bind-address says (default NM_HOST) and advertise NM_HOST.
    listen = dispatcherSettings(files.config, env);
    restarts = restartOptionsFrom((key) => files.config.getString(key));
    mode = prepareModeRunner(am, files.config, env);
    // A new attempt learns here which jobs and TaskExecutors to take over.
    ha = await openAmHaStore(am, hadoopConf, haStoreUrlFor(am, files.config), log);
  } catch (err) {
    await failBeforeServing(am, hadoopConf, amrm, err, log);
    exit(1);
    throw err;
  }
  const { config } = files;
  const secret = ha.state.cluster?.secret ?? files.secret;
  if (secret !== files.secret)
    log("the HA store holds another secret than the loom-secret local resource: using the store's (the one the cluster started with)");
  const bindHost = listen.host;
  const advertisedHost = listen.advertisedHost;

  const registry = new TaskExecutorRegistry({
    heartbeatIntervalMs: TASK_EXECUTOR_HEARTBEAT_MS,
    heartbeatTimeoutMs: TASK_EXECUTOR_HEARTBEAT_TIMEOUT_MS,
    amTimeoutMs: settings.taskExecutor.amTimeoutMs,
  });
  const jobMaster = new JobMaster(registry, {
    ...jobMasterOptionsFrom((key) => config.getString(key)),
    ...restarts,
    slotsPerTaskExecutor: settings.taskExecutor.slots,
    // Bundles only from the cluster's file system (and the application's staging dir's, where the client put them).
    fileSystem: ClusterFileSystem.fromConf(hadoopConf, am.stagingDir ? [am.stagingDir] : []),
  });
  const jobs = new DurableJobs(jobMaster, ha.store, log);
  const startedAt = Date.now();
  let shutdown: AmShutdown | undefined;
  const control: ClusterControl = {
    overview: () => {
      const o = jobMaster.overview({ mode: am.mode, applicationId: am.applicationIdText, startedAt });
      return { ...o, jobsRunning: o.jobsRunning + jobs.initializingCount };
    },
    taskExecutors: () => jobMaster.taskExecutors(),
    jobs: () => jobs.jobs(),
    job: (id) => jobs.job(id),
    submitJob: (spec, o) => jobs.submit(spec, o?.id !== undefined ? { id: o.id } : {}),
    cancelJob: (id) => jobs.cancel(id),
    shutdown: (reason) => end({ kind: 'finish', ...reason }),
  };
  const end = (e: AmEnd): Promise<void> => (shutdown ? shutdown.request(e) : Promise.resolve());
  // An attached client's cluster ends when the client goes silent (no orphans): its running jobs
  // cancelled, the status the mode says follows from its jobs.
  const lease = clientLeaseFor(
    config,
    (lost) =>
      void endWithoutClient(
        {
          jobs: () => jobs.jobs(),
          cancelJob: (id) => jobs.cancel(id),
          clientLost: () => mode.clientLost?.(),
          ...(mode.endWithoutClient ? { endFor: mode.endWithoutClient.bind(mode) } : {}),
          finish: (e) => void end({ kind: 'finish', ...e }),
          log,
        },
        lost,
      ).catch(
        (err: unknown) =>
          void end({ kind: 'finish', finalStatus: 'KILLED', diagnostics: `${lost} (cancelling its jobs failed: ${describe(err)})` }),
      ),
    log,
  );

  let gateway: TaskExecutorGateway | undefined;
  let dispatcher: DispatcherServer | undefined;
  let bridge: ResourceManagerBridge<Container> | undefined;
  let takeover: TaskExecutorTakeover | undefined;
  let registered = false;
  const nm = NMClient.createFromConf(hadoopConf, amrm.nmTokens, onRetry);

  shutdown = new AmShutdown({
    stopTaskExecutors: async (reason) => {
      lease?.stop();
      takeover?.stop();
      await mode.stop(reason);
      // The application ends on purpose: its store goes with the staging dir, so no more records.
      await jobs.close(reason);
      jobMaster.close(reason);
      registry.stop(reason);
      await bridge?.stop();
    },
    unregister: (finalStatus, diagnostics) =>
      withTimeout(
        (async () => {
          // Failing during start-up: register first, so the diagnostics still reach YARN.
          if (!registered) await amrm.register(advertisedHost, -1, '');
          await amrm.unregister(finalStatus, diagnostics);
        })(),
        UNREGISTER_TIMEOUT_MS,
        'unregistering',
      ),
    deleteStagingDir: () =>
      withTimeout(
        (async () => {
          // Only here, when the application ends on purpose: an attempt cannot know it is the last.
          await ha.store?.remove();
          await deleteStagingDir(am, hadoopConf, log);
        })(),
        STAGING_DELETE_TIMEOUT_MS,
        'deleting the staging dir and the HA store',
      ),
    closeAll: async () => {
      ha.store?.close();
      await Promise.allSettled([dispatcher?.stop(), gateway?.close(), amrm.close(), nm.close()]);
    },
    exit,
    log,
  });
  installProcessHandlers(end, log);

  try {
    if (ha.takeover) {
      // Resubmitted tasks wait (at most the TaskExecutors' AM timeout) for TaskExecutors still running them.
      const recovered = await jobs.recover(ha.state, Date.now() + settings.taskExecutor.amTimeoutMs);
      log(
        `took over ${recovered.resubmitted.length} unfinished job(s) [${recovered.resubmitted.join(', ')}] and ${recovered.restored.length} ended one(s) from the HA store`,
      );
    }
    // Jobs the mode will submit under ids the client knows (per-job): INITIALIZING before anyone can ask.
    for (const declared of mode.declaredJobs?.() ?? []) jobs.declare(declared.id, declared.spec);
    registry.start();
    // Only containers this attempt launched or took over may register; until the bridge knows them (after registering with the RM), none.
    const admission = new ContainerAdmission(am.attemptIdText);
    gateway = await startTaskExecutorGateway({ host: bindHost, port: 0, secret, registry, admission, log });
    log(`TaskExecutor gateway listening on ${bindHost}:${gateway.address.port}`);
    dispatcher = new DispatcherServer({
      control,
      secret,
      host: bindHost,
      port: listen.port,
      ...(lease ? { lease } : {}),
      proxyFilter: new AmIpFilter(amIpFilterSettings(hadoopConf, env), { log }),
      maxBodyBytes: listen.maxBodyBytes,
      refreshIntervalMs: listen.refreshIntervalMs,
      loomVersion: loomVersion(),
      log,
    });
    const rest = await dispatcher.start();
    log(`REST API and dashboard listening on ${bindHost}:${rest.port}`);
    const trackingUrl = `http://${hostForUrl(advertisedHost)}:${rest.port}/`;
    const registration = await amrm.register(advertisedHost, rest.port, trackingUrl);
    registered = true;
    lease?.start();
    log(
      `registered with the ResourceManager: REST and dashboard at ${trackingUrl}, TaskExecutor gateway at ${advertisedHost}:${gateway.address.port}`,
    );

    bridge = new ResourceManagerBridge<Container>({
      scheduler: new AmRmScheduler(amrm, { memoryMb: settings.taskExecutor.memoryMb, vcores: settings.taskExecutor.vcores }),
      launcher: new NodeManagerLauncher(nm),
      demand: jobMaster,
      launch: {
        nodePath: settings.nodePath,
        amAddress: `${hostForUrl(advertisedHost)}:${gateway.address.port}`,
        slots: settings.taskExecutor.slots,
        amTimeoutMs: settings.taskExecutor.amTimeoutMs,
        user: am.user,
        localResources: am.localResources,
        ...(ha.store ? { haStoreUrl: ha.store.url } : {}),
        ...(am.stagingDir ? { stagingDir: am.stagingDir } : {}),
      },
      maxFailedContainers: settings.maxFailedContainers,
      failureRateIntervalMs: config.get(LoomOptions.containersFailureRateInterval),
      pacing: settings.pacing,
      idleTimeoutMs: settings.taskExecutor.idleTimeoutMs,
      onFatal: (diagnostics) => void end({ kind: 'finish', finalStatus: 'FAILED', diagnostics }),
      onShutdownRequest: () =>
        void end({ kind: 'abandon', reason: 'the ResourceManager sent AM_SHUTDOWN (it no longer knows this attempt)', exitCode: 1 }),
      // One ask YARN will never grant ends the jobs that need it, never the AM.
      onAskRefused: (refusal) => {
        const failed = jobMaster.failJobsWaitingForSlots(refusedAskReason(refusal, containerSizes(config)));
        log(
          `failed ${failed.length} job(s) waiting for slots, which YARN's refusal leaves without containers: ${failed.join(', ') || '(none)'}`,
        );
      },
      onContainerEnded: (id, diagnostics, exitStatus) => {
        takeover?.ended(id);
        jobMaster.containerFailedToStart(id, diagnostics, exitStatus);
      },
      onHeldChanged: (held) => jobMaster.setTaskExecutorsStarting(held.filter((id) => !registry.has(id)).length),
      log,
    });
    const heldBridge = bridge;
    if (ha.takeover) {
      // YARN kept the previous attempt's containers: held from the first heartbeat, so none is asked for again.
      takeover = takeOverTaskExecutors({
        previous: registration.containersFromPreviousAttempts,
        bridge,
        jobMaster,
        registry,
        deadlineMs: settings.taskExecutor.amTimeoutMs,
        log,
      });
    }
    jobMaster.onTaskExecutorEvent(() =>
      jobMaster.setTaskExecutorsStarting(heldBridge.heldContainerIds.filter((id) => !registry.has(id)).length),
    );
    admission.knowContainersFrom(bridge);
    bridge.start();
    void recordServingAttempt(
      ha,
      { applicationId: am.applicationIdText, secret, configYaml: config.toYaml() },
      {
        attempt: am.attemptId.attemptId,
        attemptId: am.attemptIdText,
        restAddress: `${hostForUrl(advertisedHost)}:${rest.port}`,
        gatewayAddress: `${hostForUrl(advertisedHost)}:${gateway.address.port}`,
        writtenAt: Date.now(),
      },
      log,
    );
    mode.start({
      submitJob: (spec, o) => jobs.submit(spec, o),
      waitForJob: (id) => jobMaster.waitForJob(id),
      finish: (finalStatus, diagnostics) => void end({ kind: 'finish', finalStatus, diagnostics }),
      log,
    });
  } catch (err) {
    await end({ kind: 'finish', finalStatus: 'FAILED', diagnostics: `the ApplicationMaster failed to start: ${describe(err)}` });
    throw err;
  }
  return {
    environment: am,
    control,
    shutdown,
    restAddress: `${advertisedHost}:${dispatcher.address().port}`,
    gatewayAddress: `${advertisedHost}:${gateway.address.port}`,
  };
}

/** A broken configuration or mode: the application still ends FAILED with the reason, not as a mystery. */
async function failBeforeServing(
  am: AmEnvironment,
  conf: Configuration,
  amrm: AMRMClient,
  err: unknown,
  log: (line: string) => void,
): Promise<void> {
  const diagnostics = `the ApplicationMaster cannot start: ${describe(err)}`;
  log(diagnostics);
  try {
    await withTimeout(amrm.register(am.nmHost, -1, ''), UNREGISTER_TIMEOUT_MS, 'registering');
    await withTimeout(amrm.unregister('FAILED', diagnostics), UNREGISTER_TIMEOUT_MS, 'unregistering');
    await withTimeout(deleteStagingDir(am, conf, log), STAGING_DELETE_TIMEOUT_MS, 'deleting the staging dir');
  } catch (e) {
    log(`could not report the failure to the ResourceManager: ${describe(e)}`);
  } finally {
    await amrm.close().catch(() => undefined);
  }
}

async function deleteStagingDir(am: AmEnvironment, conf: Configuration, log: (line: string) => void): Promise<void> {
  if (!am.stagingDir) return;
  const client = webHdfsClientFromConf(conf, { uri: am.stagingDir, user: am.user });
  try {
    await client.delete(parseHdfsPath(am.stagingDir).path, { recursive: true, ignoreMissing: true });
    log(`deleted the staging dir ${am.stagingDir}`);
  } finally {
    client.close();
  }
}

/** Signals and stray errors: a long-running AM never exits silently. */
function installProcessHandlers(end: (e: AmEnd) => Promise<void>, log: (line: string) => void): void {
  process.once('SIGTERM', () => void end({ kind: 'abandon', reason: 'SIGTERM from the NodeManager', exitCode: 143 }));
  process.once('SIGINT', () => void end({ kind: 'abandon', reason: 'SIGINT', exitCode: 130 }));
  const fatal = (what: string) => (err: unknown) => {
    log(`${what}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    void end({ kind: 'finish', finalStatus: 'FAILED', diagnostics: `${what} in the ApplicationMaster: ${describe(err)}` });
  };
  process.on('uncaughtException', fatal('uncaught error'));
  process.on('unhandledRejection', fatal('unhandled promise rejection'));
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function loomVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
