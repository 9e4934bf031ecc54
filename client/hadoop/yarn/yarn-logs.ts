// `yarn logs -applicationId <app> [-containerId <c>] [-log_files a,b]` as Hadoop 3.3.6's LogsCLI
// prints it, byte for byte (test/fixtures/nodemanager-web/):
// - running application: the RM's attempts and their containers (getApplicationAttempts,
//   getContainers), each container's LOCAL log files from its NodeManager's web services, files in
//   the iteration order of a java.util.HashSet of their names, each file the NodeManager's block
//   followed by one newline;
// - ended application: the aggregated logs (AggregatedLogSource), each file in the LogToolUtils
//   block with the aggregated trailer.
// Files -log_files names that a container lacks are reported on stderr as LogsCLI does, and
// nothing printed at all is exit code 255 (LogsCLI returns -1).
import type { AggregatedLogSource } from './aggregated-log-source.js';
import { aggregatedContainerLogTrailer, containerLogHeader, formatHadoopLogTime, logByteRange } from './container-log-block.js';
import { javaHashMapOrder } from './java-hash-order.js';
import type { NodeManagerWebClient } from './nodemanager-web-client.js';
import type { YarnClient } from './yarn-client.js';

export interface YarnLogsRequest {
  appId: string;
  /** Only this container. */
  containerId?: string;
  /** Only these file names (-log_files); absent or containing ALL: every file. */
  logFiles?: readonly string[];
  /** -size: bytes from the start, negative from the end. */
  size?: number;
}

export interface YarnLogsIo {
  /** Bytes as they come (a log may be large). */
  write(chunk: Uint8Array | string): Promise<void>;
  error(line: string): void;
}

export interface YarnLogsDeps {
  yarn: Pick<YarnClient, 'getApplicationReport' | 'getApplicationAttempts' | 'getContainers'>;
  nodeManagers: Pick<NodeManagerWebClient, 'containerLogs' | 'containerLogFile'>;
  /** Absent: ended applications have no logs to show (the command says how to get them). */
  aggregated?: AggregatedLogSource;
}

const ENDED = new Set(['FINISHED', 'FAILED', 'KILLED']);

/** Prints the logs; returns the exit code (0, or 255 when nothing matched, as LogsCLI's -1). */
export async function printYarnLogs(req: YarnLogsRequest, deps: YarnLogsDeps, io: YarnLogsIo): Promise<number> {
  const report = await deps.yarn.getApplicationReport(req.appId);
  const wanted = req.logFiles && !req.logFiles.includes('ALL') ? new Set(req.logFiles) : undefined;
  const printed = ENDED.has(report.state)
    ? await printAggregated(req, wanted, report.user, deps, io)
    : await printRunning(req, wanted, deps, io);
  if (printed) return 0;
  io.error(`Can not find the logs for the application: ${req.appId} with the appOwner: ${report.user}`);
  return 255;
}

function patternText(wanted: ReadonlySet<string>): string {
  return `[${[...wanted].join(', ')}]`;
}

async function printRunning(
  req: YarnLogsRequest,
  wanted: ReadonlySet<string> | undefined,
  deps: YarnLogsDeps,
  io: YarnLogsIo,
): Promise<boolean> {
  let printed = false;
  for (const attempt of await deps.yarn.getApplicationAttempts(req.appId)) {
    for (const c of await deps.yarn.getContainers(attempt.attemptId)) {
      if (req.containerId !== undefined && c.containerId !== req.containerId) continue;
      const logs = await deps.nodeManagers.containerLogs(c.nodeHttpAddress, c.containerId);
      const names = logs.filter((l) => l.logAggregationType === 'LOCAL').flatMap((l) => l.files.map((f) => f.fileName));
      const matched = javaHashMapOrder(wanted ? names.filter((n) => wanted.has(n)) : names);
      if (matched.length === 0 && wanted) {
        io.error(
          `Can not find any log file matching the pattern: ${patternText(wanted)} for the container: ${c.containerId} within the application: ${req.appId}`,
        );
      }
      for (const name of matched) {
        const body = await deps.nodeManagers.containerLogFile(c.nodeHttpAddress, c.containerId, name, req.size);
        for await (const chunk of body) await io.write(chunk);
        await io.write('\n');
        printed = true;
      }
    }
  }
  return printed;
}

async function printAggregated(
  req: YarnLogsRequest,
  wanted: ReadonlySet<string> | undefined,
  appOwner: string,
  deps: YarnLogsDeps,
  io: YarnLogsIo,
): Promise<boolean> {
  if (!deps.aggregated) return false;
  let printed = false;
  for (const c of await deps.aggregated.containerLogs(req.appId, appOwner)) {
    if (req.containerId !== undefined && c.containerId !== req.containerId) continue;
    const files = wanted ? c.files.filter((f) => wanted.has(f.fileName)) : c.files;
    if (files.length === 0 && wanted) {
      io.error(
        `Can not find any log file matching the pattern: ${patternText(wanted)} for the container: ${c.containerId} within the application: ${req.appId}`,
      );
    }
    for (const f of files) {
      const content = await f.content();
      const { start, end } = req.size === undefined ? { start: 0, end: content.length } : logByteRange(content.length, req.size);
      await io.write(
        containerLogHeader({
          containerId: c.containerId,
          nodeId: c.nodeFileName,
          aggregationType: 'AGGREGATED',
          fileName: f.fileName,
          lastModifiedTime: formatHadoopLogTime(f.lastModifiedMs),
          fileLength: f.length,
        }),
      );
      await io.write(content.subarray(start, end));
      await io.write(aggregatedContainerLogTrailer(f.fileName));
      printed = true;
    }
  }
  return printed;
}
