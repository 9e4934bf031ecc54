// The mini NodeManager's log aggregation, in the order Hadoop 3.3.6's AppLogAggregatorImpl and
// LogAggregationTFileController take (yarn.log-aggregation-enable true, the TFile format): once
// the ResourceManager says an application finished (appsToCleanup) and its containers on this node
// have ended, the NM
//   1. creates the application's remote dir <root>/<user>/bucket-<suffix>/<bucket>/<appId>
//      (770; a missing root is made 1777, as verifyAndCreateRemoteLogDir does),
//   2. writes one TFile for the node, as the application's user, to <host>_<port>.tmp (640):
//      VERSION, APPLICATION_ACL, APPLICATION_OWNER, then each container's top-level log files,
//   3. renames it to <host>_<port>, replacing an older one,
//   4. deletes the uploaded local files and the application's local log dir (DeletionService),
//   5. reports the application's log aggregation status (SUCCEEDED or FAILED) to the RM.
// Rolling aggregation of running applications (roll-monitoring-interval-seconds) is not done:
// every log is uploaded once, when the application ends.
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeAggregatedLogFile } from '../../client/hadoop/aggregated-logs/aggregated-log-file.js';
import {
  AGGREGATED_LOG_TMP_SUFFIX,
  nodeLogFileName,
  remoteAppLogDir,
  type RemoteAppLogDirSettings,
} from '../../client/hadoop/aggregated-logs/remote-app-log-dir.js';
import type { TFileCompression } from '../../client/hadoop/aggregated-logs/tfile/tfile-compression.js';
import { FileNotFoundError } from '../../client/hadoop/hdfs/webhdfs-errors.js';
import type { WebHdfsClient } from '../../client/hadoop/hdfs/webhdfs-client.js';

/** LogAggregationFileController.TLDIR_PERMISSIONS and APP_DIR_PERMISSIONS, AggregatedLogFormat's file mode. */
const ROOT_DIR_PERMISSION = '1777';
const APP_DIR_PERMISSION = '770';
const LOG_FILE_PERMISSION = '640';

export interface LogAggregationSettings {
  /** Where the node files go (remoteAppLogDirSettings of the cluster's yarn-site). */
  remote: RemoteAppLogDirSettings;
  /** yarn.nodemanager.log-aggregation.compression-type. */
  compression: TFileCompression;
  /** An HDFS client acting as `user` (the NM writes the node file as the application's user). */
  fileSystemAs: (user: string) => WebHdfsClient;
  /** The NM's own HDFS user: it creates a missing root dir. */
  nodeManagerUser: string;
}

export interface AppLogUpload {
  appId: string;
  user: string;
  /** host:port */
  nodeId: string;
  /** The application's containers on this node, in the order the NM started them. */
  containerIds: readonly string[];
  /** yarn.nodemanager.log-dirs/<appId>: holds one dir per container. */
  appLogDir: string;
}

/** A container's top-level log files (AggregatedLogFormat.LogValue ignores sub-folders), sorted by name. */
async function containerLogFiles(dir: string): Promise<{ fileName: string; content: Uint8Array }[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch {
    return []; // "ContainerDir may have been deleted by the user."
  }
  const files: { fileName: string; content: Uint8Array }[] = [];
  for (const fileName of names) {
    const path = join(dir, fileName);
    if (!(await stat(path)).isFile()) continue;
    files.push({ fileName, content: new Uint8Array(await readFile(path)) });
  }
  return files;
}

async function ensureRemoteRoot(fs: WebHdfsClient, root: string): Promise<void> {
  try {
    await fs.getFileStatus(root);
  } catch (err) {
    if (!(err instanceof FileNotFoundError)) throw err;
    await fs.mkdirs(root, { permission: ROOT_DIR_PERMISSION });
    await fs.setPermission(root, ROOT_DIR_PERMISSION);
  }
}

/** Uploads one application's logs of this node; returns the node file's HDFS path. Local logs are deleted only after the rename. */
export async function aggregateAppLogs(upload: AppLogUpload, settings: LogAggregationSettings): Promise<string> {
  const nmFs = settings.fileSystemAs(settings.nodeManagerUser);
  try {
    await ensureRemoteRoot(nmFs, settings.remote.rootDir);
  } finally {
    nmFs.close();
  }
  const fs = settings.fileSystemAs(upload.user);
  try {
    const appDir = remoteAppLogDir(settings.remote, upload.user, upload.appId);
    await fs.mkdirs(appDir, { permission: APP_DIR_PERMISSION });
    const containers = [];
    for (const containerId of upload.containerIds)
      containers.push({ containerId, files: await containerLogFiles(join(upload.appLogDir, containerId)) });
    const bytes = encodeAggregatedLogFile({ owner: upload.user, containers, compression: settings.compression });
    const finalPath = `${appDir}/${nodeLogFileName(upload.nodeId)}`;
    const tmpPath = finalPath + AGGREGATED_LOG_TMP_SUFFIX;
    await fs.create(tmpPath, Buffer.from(bytes), { overwrite: true, permission: LOG_FILE_PERMISSION, contentLength: bytes.length });
    await fs.rename(tmpPath, finalPath, { overwrite: true });
    await rm(upload.appLogDir, { recursive: true, force: true });
    return finalPath;
  } finally {
    fs.close();
  }
}
