/**
 * YARN's aggregated container logs (Hadoop 3.3.6's default TFile format): where they are on HDFS,
 * the file format both ways (no I/O), reading them through WebHDFS, and the text `yarn logs`
 * prints for them.
 */
export { AggregatedLogFormatError, AggregatedLogsNotFoundError } from './aggregated-log-errors.js';
export {
  decodeAggregatedLogFile,
  encodeAggregatedLogFile,
  type AggregatedContainerLogs,
  type AggregatedLogFile,
  type AggregatedLogFileEntry,
  type AggregatedLogFileInput,
} from './aggregated-log-file.js';
export {
  AGGREGATED_LOG_TMP_SUFFIX,
  applicationBucket,
  nodeLogFileName,
  remoteAppLogDir,
  remoteAppLogDirCandidates,
  remoteAppLogDirSettings,
  type RemoteAppLogDirSettings,
} from './remote-app-log-dir.js';
export { findAggregatedLogFiles, readAggregatedLogs, type AggregatedLogEntry, type AggregatedLogsRequest } from './read-aggregated-logs.js';
export {
  aggregatedContainerLogTrailer,
  containerLogHeader,
  formatContainerLogFile,
  formatHadoopTime,
  localContainerLogTrailer,
  type ContainerLogBlockHeader,
  type ContainerLogText,
  type LogAggregationType,
} from './yarn-logs-text.js';
export { isTFileCompression, type TFileCompression } from './tfile/tfile-compression.js';
