import { LoomError } from '../../errors/loom-error.js';

/** Bytes that are not an aggregated log file (TFile over BCFile) as YARN's LogAggregationTFileController writes it. */
export class AggregatedLogFormatError extends LoomError {
  static override readonly code: string = 'AGGREGATED_LOG_INVALID';
  override name = 'AggregatedLogFormatError';
}

/** No aggregated log file of an application (or of the asked container) under the remote log dir. */
export class AggregatedLogsNotFoundError extends LoomError {
  static override readonly code: string = 'AGGREGATED_LOGS_NOT_FOUND';
  override name = 'AggregatedLogsNotFoundError';
}
