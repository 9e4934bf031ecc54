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

/** The header lines `yarn logs` prints before a container's log file. */
export function containerLogHeader(containerId: string, nodeId: string, aggregationType = 'AGGREGATED'): string {
  const line = `Container: ${containerId} on ${nodeId}`;
  return `${line}\nLogAggregationType: ${aggregationType}\n${'='.repeat(line.length)}\n`;
}

/** One log file exactly as `yarn logs` prints it (bytes: the content is not re-encoded). */
export function formatContainerLogFile(log: ContainerLogText, opts: { utcOffsetMinutes?: number } = {}): Uint8Array {
  const end = `End of LogType:${log.fileName}`;
  const head =
    containerLogHeader(log.containerId, log.nodeId) +
    `LogType:${log.fileName}\nLogLastModifiedTime:${formatHadoopTime(log.lastModifiedTime, opts.utcOffsetMinutes)}\n` +
    `LogLength:${log.length}\nLogContents:\n`;
  const tail = `\n${end}\n${'*'.repeat(end.length + 50)}\n\n`;
  const encoder = new TextEncoder();
  const headBytes = encoder.encode(head);
  const tailBytes = encoder.encode(tail);
  const out = new Uint8Array(headBytes.length + log.content.length + tailBytes.length);
  out.set(headBytes, 0);
  out.set(log.content, headBytes.length);
  out.set(tailBytes, headBytes.length + log.content.length);
  return out;
}
