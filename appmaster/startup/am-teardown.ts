/**
 * How the AM's end takes apart what start-up built, in one place so the order is visible: work
 * stops first (lease and takeover timers, the mode, the jobs, the TaskExecutors, the containers),
 * then the AM unregisters, then the staging dir and HA store go, and last the servers and clients
 * close. A start-up that failed part way passes only the parts it started.
 */
import type { RegisterResult } from '../../client/hadoop/yarn/amrm-client.js';
import type { AmShutdownSteps } from '../session/am-shutdown.js';
import { componentLog, withTimeout, type AmProcess } from './am-process.js';
import type { AmServers } from './am-servers.js';
import type { ClusterJobs } from './cluster-jobs.js';
import type { ClusterSetup } from './cluster-setup.js';
import type { RunningBridge } from './rm-bridge.js';
import { deleteStagingDir } from './staging-dir.js';
import type { YarnConnection } from './yarn-connection.js';

/** Bounds on the shutdown steps, so an unreachable RM or NameNode cannot keep the process alive. */
const UNREGISTER_TIMEOUT_MS = 30_000;
const STAGING_DELETE_TIMEOUT_MS = 15_000;

/** What start-up has built: the phases' results, the later ones absent when start-up failed before them. */
export interface StartedParts {
  yarn: YarnConnection;
  setup: ClusterSetup;
  cluster: ClusterJobs;
  servers?: AmServers;
  /** Absent before registering: the end registers first, so its diagnostics still reach YARN. */
  registration?: RegisterResult;
  rmBridge?: RunningBridge;
}

export function amShutdownSteps(proc: AmProcess, parts: StartedParts): AmShutdownSteps {
  const { exit } = proc;
  const log = componentLog(proc, 'shutdown');
  const { am, amrm, nm, hadoopConf } = parts.yarn;
  const { mode, ha, listen } = parts.setup;
  const { lease, jobs, jobMaster, registry } = parts.cluster;
  const { servers, registration, rmBridge } = parts;
  return {
    stopTaskExecutors: async (reason) => {
      lease?.stop();
      rmBridge?.takeover?.stop();
      await mode.stop(reason);
      // The application ends on purpose: its store goes with the staging dir, so no more records.
      await jobs.close(reason);
      jobMaster.close(reason);
      registry.stop(reason);
      await rmBridge?.bridge.stop();
    },
    unregister: (finalStatus, diagnostics) =>
      withTimeout(
        (async () => {
          if (!registration) await amrm.register(listen.advertisedHost, -1, '');
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
      await Promise.allSettled([servers?.dispatcher.stop(), servers?.gateway.close(), amrm.close(), nm.close()]);
    },
    exit,
    log,
  };
}
