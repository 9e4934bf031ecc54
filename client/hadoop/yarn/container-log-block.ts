// One log file of one container in the text shape every Hadoop 3.3.6 log reader prints
// (LogToolUtils.outputContainerLog): the NodeManager's /ws/v1/node/containers/<c>/logs/<file>
// answers it for a running application, and `yarn logs` prints it for aggregated logs. Recorded in
// test/fixtures/nodemanager-web/.

import { formatHadoopTime } from '../aggregated-logs/yarn-logs-text.js';

// The block's header and trailers are declared once, with the aggregated-log text.
export {
  aggregatedContainerLogTrailer,
  containerLogHeader,
  localContainerLogTrailer,
  type ContainerLogBlockHeader,
  type LogAggregationType,
} from '../aggregated-logs/yarn-logs-text.js';

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
