// Reads an application's aggregated logs from HDFS through WebHDFS, as `yarn logs` does for an
// ended application: find the application's directory (LogAggregationUtils.getRemoteAppLogDir,
// any user when none is given, as its glob does), then read every node file in listing order,
// skipping files still being written (".tmp") and HAR archives, and yield each container's log
// files in the order the NodeManager wrote them. Each node file is read whole into memory.
import type { WebHdfsClient } from '../hdfs/webhdfs-client.js';
import type { HdfsFileStatus } from '../hdfs/webhdfs-json.js';
import { FileNotFoundError } from '../hdfs/webhdfs-errors.js';
import { AggregatedLogsNotFoundError } from './aggregated-log-errors.js';
import { decodeAggregatedLogFile } from './aggregated-log-file.js';
import { AGGREGATED_LOG_TMP_SUFFIX, remoteAppLogDirCandidates, type RemoteAppLogDirSettings } from './remote-app-log-dir.js';

export interface AggregatedLogsRequest {
  appId: string;
  /** The application's owner; when absent every user directory under the root is tried. */
  user?: string | undefined;
  /** Only this container's logs. */
  containerId?: string | undefined;
  /** Only these log file names (`yarn logs -log_files`; "ALL" or none: every file). */
  logFiles?: readonly string[] | undefined;
  /** Where the logs are (remoteAppLogDirSettings(conf)). */
  settings: RemoteAppLogDirSettings;
}

export interface AggregatedLogEntry {
  /** The node file's name: host_port. */
  nodeId: string;
  containerId: string;
  fileName: string;
  length: number;
  content: Uint8Array;
  /** The node file's modification time on HDFS (epoch ms); `yarn logs` prints it as LogLastModifiedTime. */
  lastModifiedTime: number;
  /** The node file's HDFS path. */
  path: string;
}

async function listOrNothing(fs: WebHdfsClient, dir: string): Promise<HdfsFileStatus[] | undefined> {
  try {
    return await fs.listStatus(dir);
  } catch (err) {
    if (err instanceof FileNotFoundError) return undefined;
    throw err;
  }
}

/** The application's log directory and its node files, or undefined when no layout has it. */
export async function findAggregatedLogFiles(
  fs: WebHdfsClient,
  settings: RemoteAppLogDirSettings,
  appId: string,
  user?: string,
): Promise<{ dir: string; nodeFiles: HdfsFileStatus[] } | undefined> {
  const users =
    user !== undefined
      ? [user]
      : ((await listOrNothing(fs, settings.rootDir)) ?? []).filter((s) => s.type === 'DIRECTORY').map((s) => s.pathSuffix);
  for (const u of users)
    for (const dir of remoteAppLogDirCandidates(settings, u, appId)) {
      const listing = await listOrNothing(fs, dir);
      if (!listing) continue;
      const nodeFiles = listing.filter(
        (s) => s.type === 'FILE' && !s.pathSuffix.endsWith(AGGREGATED_LOG_TMP_SUFFIX) && s.pathSuffix !== `${appId}.har`,
      );
      return { dir, nodeFiles };
    }
  return undefined;
}

async function readWhole(fs: WebHdfsClient, path: string): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of await fs.open(path)) chunks.push(chunk as Buffer);
  const all = Buffer.concat(chunks);
  return new Uint8Array(all.buffer, all.byteOffset, all.length);
}

/** Every aggregated log file of the application (or of one container), node file by node file. */
export async function* readAggregatedLogs(fs: WebHdfsClient, request: AggregatedLogsRequest): AsyncGenerator<AggregatedLogEntry> {
  const found = await findAggregatedLogFiles(fs, request.settings, request.appId, request.user);
  if (!found)
    throw new AggregatedLogsNotFoundError(
      `no aggregated logs of ${request.appId} under ${request.settings.rootDir}${request.user !== undefined ? ` for user ${request.user}` : ''}: ` +
        'the application may still run, its logs may not be uploaded yet (or were deleted), or log aggregation (yarn.log-aggregation-enable) is off',
    );
  const wanted = request.logFiles && !request.logFiles.includes('ALL') ? new Set(request.logFiles) : undefined;
  for (const node of found.nodeFiles) {
    const path = `${found.dir}/${node.pathSuffix}`;
    const file = decodeAggregatedLogFile(await readWhole(fs, path));
    for (const c of file.containers) {
      if (request.containerId !== undefined && c.containerId !== request.containerId) continue;
      for (const f of c.files) {
        if (wanted && !wanted.has(f.fileName)) continue;
        yield { nodeId: node.pathSuffix, containerId: c.containerId, ...f, lastModifiedTime: node.modificationTime, path };
      }
    }
  }
}
