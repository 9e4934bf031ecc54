// One log file of one container in the text shape every Hadoop 3.3.6 log reader prints
// (LogToolUtils.outputContainerLog): the NodeManager's /ws/v1/node/containers/<c>/logs/<file>
// answers it for a running application, and `yarn logs` prints it for aggregated logs. Recorded in
// test/fixtures/nodemanager-web/.

import { formatHadoopTime } from '../aggregated-logs/yarn-logs-text.js';

/** Where a log file was read: the NodeManager's disk, or the aggregated file on HDFS. */
export type LogAggregationType = 'LOCAL' | 'AGGREGATED';

export interface ContainerLogBlockHeader {
  containerId: string;
  /** host:port for LOCAL, host_port (the aggregated file's name) for AGGREGATED. */
  nodeId: string;
  aggregationType: LogAggregationType;
  fileName: string;
  /** Already formatted (formatHadoopLogTime). */
  lastModifiedTime: string;
  /** The whole file's length in bytes, also when only part of it follows. */
  fileLength: number;
}

/** `Container: <id> on <node>` and the lines up to LogContents:, each ending in a newline. */
export function containerLogHeader(h: ContainerLogBlockHeader): string {
  const containerLine = `Container: ${h.containerId} on ${h.nodeId}`;
  return (
    `${containerLine}\n` +
    `LogAggregationType: ${h.aggregationType}\n` +
    `${'='.repeat(containerLine.length)}\n` +
    `LogType:${h.fileName}\n` +
    `LogLastModifiedTime:${h.lastModifiedTime}\n` +
    `LogLength:${String(h.fileLength)}\n` +
    'LogContents:\n'
  );
}

/**
 * The NodeManager's trailer after a local log's contents (NMWebServices.getLogs): no newline of its
 * own before "End of", the running-container warning while the container runs, a line of stars
 * 50 longer than "End of LogType:<file>", and a blank line.
 */
export function localContainerLogTrailer(fileName: string, runningContainerId: string | undefined): string {
  const endOfFile = `End of LogType:${fileName}`;
  const note =
    runningContainerId === undefined
      ? '\n'
      : `This log file belongs to a running container (${runningContainerId}) and so may not be complete.\n`;
  return `${endOfFile}.${note}${'*'.repeat(endOfFile.length + 50)}\n\n`;
}

/**
 * Which bytes of a `length`-byte file a `size` parameter selects (LogToolUtils.outputContainerLog):
 * size >= 0 the first `size` bytes, size < 0 the last |size| bytes; the whole file when it is shorter.
 */
export function logByteRange(length: number, size: number): { start: number; end: number } {
  if (size < 0) return { start: Math.max(0, length + size), end: length };
  return { start: 0, end: Math.min(length, size) };
}

/**
 * org.apache.hadoop.yarn.util.Times.format in the process's time zone (the JVM's default zone in
 * Hadoop), "N/A" for 0 or less; the formatting itself is the aggregated-log text's, declared once.
 */
export function formatHadoopLogTime(epochMs: number): string {
  return epochMs <= 0 ? 'N/A' : formatHadoopTime(epochMs);
}

/**
 * The trailer `yarn logs` prints after an aggregated log's contents (LogToolUtils.outputContainerLog
 * reading the TFile): a newline, "End of LogType:<file>", stars, a blank line (recorded in
 * test/fixtures/nodemanager-web/ended-app/).
 */
export function aggregatedContainerLogTrailer(fileName: string): string {
  const endOfFile = `End of LogType:${fileName}`;
  return `\n${endOfFile}\n${'*'.repeat(endOfFile.length + 50)}\n\n`;
}
