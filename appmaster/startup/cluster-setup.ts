/**
 * Start-up phase 2: what the client shipped (the cluster's loom-conf.yaml and secret), the
 * settings read from it, the mode's inputs, and the HA store with what earlier attempts left
 * there. Everything here is checked before the AM serves: a broken configuration or mode ends
 * the application FAILED with the reason at once, not as a mystery.
 */
import { LoomOptions, type LoomConfig } from '../../client/conf/loom-config.js';
import { amSettings, type AmSettings } from '../am-runtime/am-settings.js';
import { readClusterFiles, type InternalTlsFiles } from '../am-runtime/cluster-files.js';
import { dispatcherSettings, type DispatcherSettings } from '../dispatcher/dispatcher-settings.js';
import { haStoreUrlFor, openAmHaStore, type AmHaStore } from '../ha/am-ha-store.js';
import { restartOptionsFrom, type JobMasterOptions } from '../jobs/job-master-options.js';
import { prepareModeRunner, type ModeRunner } from '../modes/mode-runner.js';
import { componentLog, errorMessage, withTimeout, type AmProcess } from './am-process.js';
import { deleteStagingDir } from './staging-dir.js';
import type { YarnConnection } from './yarn-connection.js';

/** Bounds on reporting a failed start-up, so an unreachable RM or NameNode cannot keep the process alive. */
const REPORT_TIMEOUT_MS = 30_000;
const STAGING_DELETE_TIMEOUT_MS = 15_000;

export interface ClusterSetup {
  config: LoomConfig;
  settings: AmSettings;
  /** Where both servers listen (rest.bind-address, default NM_HOST) and the host they advertise (NM_HOST). */
  listen: DispatcherSettings;
  restarts: Pick<JobMasterOptions, 'restartStrategy' | 'retryUserErrors'>;
  mode: ModeRunner;
  /** A new attempt learns here which jobs and TaskExecutors to take over. */
  ha: AmHaStore;
  /** The cluster's secret: the one the cluster started with (the HA store's, for a later attempt). */
  secret: string;
  /** Internal TLS (security.ssl.internal.enabled at submission): both servers serve with this certificate. */
  tls?: InternalTlsFiles;
}

/** Fails the application (and exits) when anything the client shipped is unusable; the error is rethrown for main.ts. */
export async function readClusterSetup(proc: AmProcess, yarn: YarnConnection): Promise<ClusterSetup> {
  const { env } = proc;
  const log = componentLog(proc, 'ha-store');
  const { am, hadoopConf } = yarn;
  try {
    const files = readClusterFiles(am);
    const { config } = files;
    // From here every line (also those held since the start) is written at loom.log.level, in loom.log.format.
    proc.logger.configure({ level: config.get(LoomOptions.logLevel), format: config.get(LoomOptions.logFormat) });
    const settings = amSettings(config);
    const listen = dispatcherSettings(config, env);
    const restarts = restartOptionsFrom((key) => config.getString(key));
    const mode = prepareModeRunner(am, config, env);
    const ha = await openAmHaStore(am, hadoopConf, haStoreUrlFor(am, config), log);
    const secret = ha.state.cluster?.secret ?? files.secret;
    if (secret !== files.secret)
      log.warn(
        "the HA store holds another secret than the loom-secret local resource: using the store's (the one the cluster started with)",
      );
    return { config, settings, listen, restarts, mode, ha, secret, ...(files.tls ? { tls: files.tls } : {}) };
  } catch (err) {
    proc.logger.configure({}); // the configuration may be what is broken: write what was held, as text
    await failBeforeServing(proc, yarn, err);
    proc.exit(1);
    throw err;
  }
}

/** Registers only to unregister FAILED with the reason, so it reaches YARN's diagnostics; then the staging dir goes. */
async function failBeforeServing(proc: AmProcess, yarn: YarnConnection, err: unknown): Promise<void> {
  const { log } = proc;
  const { am, amrm, nm, hadoopConf } = yarn;
  const diagnostics = `the ApplicationMaster cannot start: ${errorMessage(err)}`;
  log.error(diagnostics);
  try {
    await withTimeout(amrm.register(am.nmHost, -1, ''), REPORT_TIMEOUT_MS, 'registering');
    await withTimeout(amrm.unregister('FAILED', diagnostics), REPORT_TIMEOUT_MS, 'unregistering');
    await withTimeout(deleteStagingDir(am, hadoopConf, log), STAGING_DELETE_TIMEOUT_MS, 'deleting the staging dir');
  } catch (e) {
    log.error(`could not report the failure to the ResourceManager: ${errorMessage(e)}`);
  } finally {
    await Promise.allSettled([amrm.close(), nm.close()]);
  }
}
