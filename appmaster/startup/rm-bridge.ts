/**
 * Start-up phase 6: the ResourceManager bridge turns the job master's slot demand into
 * TaskExecutor containers. A new attempt first holds the containers YARN kept from the previous
 * one (the register response names them), so none is asked for again while their TaskExecutors
 * find this attempt; from then on the gateway admits exactly the containers the bridge holds.
 */
import { containerSizes } from '../../client/conf/container-sizes.js';
import { LoomOptions } from '../../client/conf/loom-config.js';
import type { RegisterResult } from '../../client/hadoop/yarn/amrm-client.js';
import type { Container } from '../../client/hadoop/yarn/yarn-records.js';
import { takeOverTaskExecutors, type TaskExecutorTakeover } from '../ha/taskexecutor-takeover.js';
import { refusedAskReason } from '../resourcemanager-bridge/refused-ask.js';
import { ResourceManagerBridge } from '../resourcemanager-bridge/resourcemanager-bridge.js';
import type { AmEndRequests } from '../session/am-end-requests.js';
import { AmRmScheduler, NodeManagerLauncher } from '../session/yarn-ports.js';
import { componentLog, type AmProcess } from './am-process.js';
import type { AmServers } from './am-servers.js';
import type { ClusterJobs } from './cluster-jobs.js';
import type { ClusterSetup } from './cluster-setup.js';
import type { YarnConnection } from './yarn-connection.js';

export interface RunningBridge {
  bridge: ResourceManagerBridge<Container>;
  /** Waits for the previous attempt's TaskExecutors (a later attempt only). */
  takeover: TaskExecutorTakeover | undefined;
}

export function startResourceManagerBridge(
  proc: AmProcess,
  yarn: YarnConnection,
  setup: ClusterSetup,
  cluster: ClusterJobs,
  servers: AmServers,
  registration: RegisterResult,
  ends: AmEndRequests,
): RunningBridge {
  const log = componentLog(proc, 'resourcemanager-bridge');
  const { am, amrm, nm } = yarn;
  const { config, settings, ha } = setup;
  const { jobMaster, registry } = cluster;
  const startingCount = (held: readonly string[]): number => held.filter((id) => !registry.has(id)).length;
  const bridge = new ResourceManagerBridge<Container>({
    scheduler: cluster.metrics.instrumentScheduler(
      new AmRmScheduler(amrm, { memoryMb: settings.taskExecutor.memoryMb, vcores: settings.taskExecutor.vcores }),
    ),
    launcher: cluster.metrics.instrumentLauncher(new NodeManagerLauncher(nm)),
    demand: jobMaster,
    launch: {
      nodePath: settings.nodePath,
      amAddress: servers.gatewayAddress,
      slots: settings.taskExecutor.slots,
      amTimeoutMs: settings.taskExecutor.amTimeoutMs,
      user: am.user,
      localResources: am.localResources,
      ...(ha.store ? { haStoreUrl: ha.store.url } : {}),
      ...(am.stagingDir ? { stagingDir: am.stagingDir } : {}),
      log: proc.logger.settings,
    },
    maxFailedContainers: settings.maxFailedContainers,
    failureRateIntervalMs: config.get(LoomOptions.containersFailureRateInterval),
    pacing: settings.pacing,
    idleTimeoutMs: settings.taskExecutor.idleTimeoutMs,
    onFatal: (diagnostics) => void ends.request({ kind: 'finish', finalStatus: 'FAILED', diagnostics }),
    onShutdownRequest: () =>
      void ends.request({ kind: 'abandon', reason: 'the ResourceManager sent AM_SHUTDOWN (it no longer knows this attempt)', exitCode: 1 }),
    // One ask YARN will never grant ends the jobs that need it, never the AM.
    onAskRefused: (refusal) => {
      const failed = jobMaster.failJobsWaitingForSlots(refusedAskReason(refusal, containerSizes(config)));
      log.warn(
        `failed ${failed.length} job(s) waiting for slots, which YARN's refusal leaves without containers: ${failed.join(', ') || '(none)'}`,
      );
    },
    onHeldChanged: (held) => {
      jobMaster.setTaskExecutorsStarting(startingCount(held));
    },
    onLaunching: (c) => registry.containerLaunched(c.id, c.nodeHttpAddress),
    onReleasing: (id, reason) => registry.releasing(id, reason),
    log,
  });
  // YARN kept the previous attempt's containers: held from the first heartbeat, so none is asked for again.
  const takeover = ha.takeover
    ? takeOverTaskExecutors({
        previous: registration.containersFromPreviousAttempts,
        bridge,
        jobMaster,
        registry,
        deadlineMs: settings.taskExecutor.amTimeoutMs,
        log: componentLog(proc, 'taskexecutor-takeover'),
      })
    : undefined;
  // After the takeover's: an expected container that ended is no longer waited for when its TaskExecutor is lost.
  bridge.onContainerEnded((id, diagnostics, exitStatus) => {
    jobMaster.containerFailedToStart(id, diagnostics, exitStatus);
  });
  jobMaster.onTaskExecutorEvent(() => {
    jobMaster.setTaskExecutorsStarting(startingCount(bridge.heldContainerIds));
  });
  cluster.metrics.countStartingWith(() => startingCount(bridge.heldContainerIds));
  servers.admission.knowContainersFrom(bridge);
  // The NodeManager's web address of each TaskExecutor's container, for task output (where its log files are served).
  cluster.taskOutput.locateWith((id) => ({ host: registry.get(id)?.host, nodeHttpAddress: bridge.container(id)?.nodeHttpAddress }));
  bridge.start();
  return { bridge, takeover };
}
