// What Java's `yarn logs -applicationId <id>` prints for one aggregated container log file
// (LogToolUtils.outputContainerLog with LogCLIHelpers' header, Hadoop 3.3.6):
//   Container: <containerId> on <node file name>
//   LogAggregationType: AGGREGATED
//   <'=' as long as the Container line>
//   LogType:<file>
//   LogLastModifiedTime:<the node file's modification time, Times.format>
//   LogLength:<length>
//   LogContents:
//   <the bytes>
//   End of LogType:<file>          (after a newline of its own)
//   <'*' as long as the End line + 50>
//   <empty line>
// The NodeManager's web services print the same block for a LOCAL file with another trailer
// (localContainerLogTrailer); both are declared here once, for yarn logs, loom logs and the mini NM.

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/**
 * Hadoop's Times.format ("EEE MMM dd HH:mm:ss Z yyyy"), in the zone `utcOffsetMinutes` east of
 * UTC (default: this process's zone at that instant, as Java uses its default time zone).
 */
export function formatHadoopTime(epochMs: number, utcOffsetMinutes = -new Date(epochMs).getTimezoneOffset()): string {
  const d = new Date(epochMs + utcOffsetMinutes * 60_000);
  const sign = utcOffsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(utcOffsetMinutes);
  const zone = `${sign}${two(Math.floor(abs / 60))}${two(abs % 60)}`;
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${zone} ${d.getUTCFullYear()}`;
}

export interface ContainerLogText {
  containerId: string;
  /** The node as the aggregated file names it: host_port (yarn logs prints the file's name). */
  nodeId: string;
  fileName: string;
  length: number;
  content: Uint8Array;
  /** The aggregated file's modification time on HDFS, epoch ms. */
  lastModifiedTime: number;
}

/** Where a log file was read: the NodeManager's disk, or the aggregated file on HDFS. */
export type LogAggregationType = 'LOCAL' | 'AGGREGATED';

/** What the header of one container log file names (the one declaration of the block's text, with the trailers below). */
export interface ContainerLogBlockHeader {
  containerId: string;
  /** host:port for LOCAL, host_port (the aggregated file's name) for AGGREGATED. */
  nodeId: string;
  aggregationType: LogAggregationType;
  fileName: string;
  /** Already formatted (formatHadoopTime; the NodeManager prints "N/A" for no time). */
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
 * The trailer `yarn logs` prints after an aggregated log's contents (LogToolUtils.outputContainerLog
 * reading the TFile): a newline, "End of LogType:<file>", stars, a blank line (recorded in
 * test/fixtures/nodemanager-web/ended-app/).
 */
export function aggregatedContainerLogTrailer(fileName: string): string {
  const endOfFile = `End of LogType:${fileName}`;
  return `\n${endOfFile}\n${'*'.repeat(endOfFile.length + 50)}\n\n`;
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

/** One log file exactly as `yarn logs` prints it (bytes: the content is not re-encoded). */
export function formatContainerLogFile(log: ContainerLogText, opts: { utcOffsetMinutes?: number } = {}): Uint8Array {
  const head = containerLogHeader({
    containerId: log.containerId,
    nodeId: log.nodeId,
    aggregationType: 'AGGREGATED',
    fileName: log.fileName,
    lastModifiedTime: formatHadoopTime(log.lastModifiedTime, opts.utcOffsetMinutes),
    fileLength: log.length,
  });
  const encoder = new TextEncoder();
  const headBytes = encoder.encode(head);
  const tailBytes = encoder.encode(aggregatedContainerLogTrailer(log.fileName));
  const out = new Uint8Array(headBytes.length + log.content.length + tailBytes.length);
  out.set(headBytes, 0);
  out.set(log.content, headBytes.length);
  out.set(tailBytes, headBytes.length + log.content.length);
  return out;
}
