/**
 * Start-up phase 1: what the NodeManager put into the container (the AM environment, the
 * AMRMToken, HADOOP_CONF_DIR) and the clients for the ResourceManager and the NodeManagers. No
 * network yet; errors here are thrown for main.ts to print, since the AM cannot reach the RM
 * to report them (the NodeManager puts the stderr tail into the diagnostics).
 */
import { Configuration } from '../../client/conf/configuration.js';
import { AMRMClient, amrmTokenFromEnvironment } from '../../client/hadoop/yarn/amrm-client.js';
import { NMClient } from '../../client/hadoop/yarn/nm-client.js';
import { describeRetry, type RetryEvent } from '../../client/retry/retry-report.js';
import { readAmEnvironment, type AmEnvironment } from '../am-runtime/am-environment.js';
import { componentLog, type AmProcess } from './am-process.js';

export interface YarnConnection {
  am: AmEnvironment;
  hadoopConf: Configuration;
  amrm: AMRMClient;
  nm: NMClient;
  /** Logs each retry of a ResourceManager or NodeManager call, as Hadoop's ipc.Client does. */
  onRetry: (event: RetryEvent) => void;
}

export function connectToYarn(proc: AmProcess): YarnConnection {
  const { env, log } = proc;
  const am = readAmEnvironment(env);
  log(`Loom ApplicationMaster ${am.attemptIdText} (${am.mode} mode) in ${am.containerId} on ${am.nmHost}`);
  if (!am.hadoopConfDir) {
    log.warn(
      'HADOOP_CONF_DIR is not set (the NodeManager passes its own through yarn.nodemanager.env-whitelist): using Hadoop defaults, so the ResourceManager is looked for at 0.0.0.0:8030',
    );
  }
  const hadoopConf = Configuration.load({ confDir: am.hadoopConfDir, env });
  const ipcLog = componentLog(proc, 'ipc-client');
  const onRetry = (event: RetryEvent): void => {
    ipcLog(describeRetry(event));
  };
  const amrm = AMRMClient.createFromConf(hadoopConf, { token: amrmTokenFromEnvironment(env), onRetry });
  const nm = NMClient.createFromConf(hadoopConf, amrm.nmTokens, onRetry);
  return { am, hadoopConf, amrm, nm, onRetry };
}
