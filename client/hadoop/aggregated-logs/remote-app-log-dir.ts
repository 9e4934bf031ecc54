// Where YARN puts an application's aggregated logs on HDFS (Hadoop 3.3.6, TFile controller):
//   <remote-app-log-dir>/<user>/bucket-<suffix>/<application sequence % 10000, 4 digits>/<appId>/<host>_<port>
// with remote-app-log-dir = yarn.log-aggregation.TFile.remote-app-log-dir, else
// yarn.nodemanager.remote-app-log-dir (/tmp/logs), and suffix =
// yarn.log-aggregation.TFile.remote-app-log-dir-suffix, else
// yarn.nodemanager.remote-app-log-dir-suffix (logs) + "-tfile". Readers (LogAggregationUtils)
// also look where older releases wrote: <root>/<user>/<suffix>/<appId> (3.0 to 3.2) and
// <root>/<user>/<nm suffix>/<appId> (2.x). Measured on the real 3.3.6 cluster:
// /tmp/logs/root/bucket-logs-tfile/0001/application_1796661065304_0001/localhost_45454.
import { parseApplicationId } from '../../wire/codec/yarn-ids.js';

export const DEFAULT_REMOTE_APP_LOG_DIR = '/tmp/logs';
export const DEFAULT_REMOTE_APP_LOG_DIR_SUFFIX = 'logs';
/** LogAggregationUtils.TMP_FILE_SUFFIX: a node file being written. */
export const AGGREGATED_LOG_TMP_SUFFIX = '.tmp';

export interface RemoteAppLogDirSettings {
  /** The root as an HDFS path (a scheme and authority in the setting are dropped). */
  rootDir: string;
  /** The TFile controller's suffix, e.g. "logs-tfile". */
  suffix: string;
  /** yarn.nodemanager.remote-app-log-dir-suffix, for the 2.x layout. */
  nodeManagerSuffix: string;
}

function pathOf(dir: string): string {
  const path = dir.replace(/^[a-zA-Z][\w+.-]*:\/\/[^/]*/, '');
  return path.replace(/\/+$/, '') || '/';
}

/** Reads the settings from a Configuration, or anything that looks keys up the same way (the mini cluster's site values). */
export function remoteAppLogDirSettings(conf: { getTrimmed(name: string): string | undefined }): RemoteAppLogDirSettings {
  const nodeManagerSuffix = conf.getTrimmed('yarn.nodemanager.remote-app-log-dir-suffix') || DEFAULT_REMOTE_APP_LOG_DIR_SUFFIX;
  const rootDir =
    conf.getTrimmed('yarn.log-aggregation.TFile.remote-app-log-dir') ||
    conf.getTrimmed('yarn.nodemanager.remote-app-log-dir') ||
    DEFAULT_REMOTE_APP_LOG_DIR;
  const suffix = conf.getTrimmed('yarn.log-aggregation.TFile.remote-app-log-dir-suffix') || `${nodeManagerSuffix}-tfile`;
  return { rootDir: pathOf(rootDir), suffix, nodeManagerSuffix };
}

/** LogAggregationUtils.getBucket: the application's sequence number modulo 10000, as 4 digits. */
export function applicationBucket(appId: string): string {
  return String(parseApplicationId(appId).id % 10000).padStart(4, '0');
}

/** The directory 3.3.6's NodeManagers write an application's node files into. */
export function remoteAppLogDir(settings: RemoteAppLogDirSettings, user: string, appId: string): string {
  return `${settings.rootDir === '/' ? '' : settings.rootDir}/${user}/bucket-${settings.suffix}/${applicationBucket(appId)}/${appId}`;
}

/** Where a reader looks, newest layout first. */
export function remoteAppLogDirCandidates(settings: RemoteAppLogDirSettings, user: string, appId: string): string[] {
  const root = settings.rootDir === '/' ? '' : settings.rootDir;
  const dirs = [
    remoteAppLogDir(settings, user, appId),
    `${root}/${user}/${settings.suffix}/${appId}`,
    `${root}/${user}/${settings.nodeManagerSuffix}/${appId}`,
  ];
  return [...new Set(dirs)];
}

/** LogAggregationUtils.getNodeString: a node id host:port as a file name, host_port. */
export function nodeLogFileName(nodeId: string): string {
  return nodeId.replaceAll(':', '_');
}
