/**
 * Where a session's files live on HDFS: `<base>/.loom/<applicationId>/`, base being
 * `yarn.staging-directory` when set (a path or an hdfs:// URI), else the user's HDFS home
 * (GETHOMEDIRECTORY). Runtime archives, shared by all of the user's applications, sit in
 * `<base>/.loom/runtime/`; every other entry of `.loom/` is one application's staging dir.
 */
import type { Configuration } from '../../conf/configuration.js';
import { joinHdfsPath, parseHdfsPath } from '../../hadoop/hdfs/hdfs-path.js';
import type { WebHdfsClient } from '../../hadoop/hdfs/webhdfs-client.js';

export const STAGING_DIR_NAME = '.loom';
export const RUNTIME_DIR_NAME = 'runtime';
/** Job bundles uploaded by `loom run` go below the application's staging dir in this folder. */
export const JOBS_DIR_NAME = 'jobs';

/** `<base>/.loom`, absolute; `stagingDirectory` is the yarn.staging-directory setting. */
export async function stagingRoot(stagingDirectory: string | undefined, client: WebHdfsClient): Promise<string> {
  const configured = stagingDirectory?.trim();
  if (configured) {
    const parsed = parseHdfsPath(configured, await client.getHomeDirectory());
    return joinHdfsPath(parsed.path, STAGING_DIR_NAME);
  }
  return joinHdfsPath(await client.getHomeDirectory(), STAGING_DIR_NAME);
}

export function applicationStagingDir(root: string, applicationId: string): string {
  return joinHdfsPath(root, applicationId);
}

export function runtimeDir(root: string): string {
  return joinHdfsPath(root, RUNTIME_DIR_NAME);
}

export function jobsDir(applicationStagingDirectory: string): string {
  return joinHdfsPath(applicationStagingDirectory, JOBS_DIR_NAME);
}

/** `application_<ts>_<n>` names only: nothing else under .loom is ever removed as a leftover. */
export function isApplicationDirName(name: string): boolean {
  return /^application_\d+_\d+$/.test(name);
}

/**
 * `scheme://authority` of the file system staged files live on: that of yarn.staging-directory
 * when it is a full URI, else fs.defaultFS. Local resources and job bundles carry URLs built on it.
 */
export function stagingFileSystemUri(hadoopConf: Configuration, stagingDirectory: string | undefined): string {
  for (const candidate of [stagingDirectory?.trim(), hadoopConf.getTrimmed('fs.defaultFS')]) {
    const m = candidate ? /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/]+)/.exec(candidate) : null;
    if (m) return `${m[1].toLowerCase()}://${m[2]}`;
  }
  throw new Error(
    'fs.defaultFS is not an hdfs:// or webhdfs:// URI: set it in core-site.xml (HADOOP_CONF_DIR), or give yarn.staging-directory as a full URI',
  );
}

/** A fully qualified URL for an absolute HDFS path. */
export function qualifiedUri(fileSystemUri: string, path: string): string {
  return `${fileSystemUri}${path.split('/').map(encodeURIComponent).join('/')}`;
}
