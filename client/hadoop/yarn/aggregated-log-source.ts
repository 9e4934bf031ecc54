// What `yarn logs` and `loom logs` need from YARN's aggregated logs of an ended application (the
// TFile reader of LogAggregationTFileController lives apart): each node file's containers and
// their log files, in the order the file holds them.

/** One log file of one container in an aggregated node file. */
export interface AggregatedLogFile {
  fileName: string;
  length: number;
  /** The node file's modification time on HDFS (what `yarn logs` prints as LogLastModifiedTime). */
  lastModifiedMs: number;
  content(): Promise<Uint8Array>;
}

export interface AggregatedContainerLogs {
  containerId: string;
  /** The node file's name, host_port. */
  nodeFileName: string;
  files: AggregatedLogFile[];
}

export interface AggregatedLogSource {
  /** The application's aggregated container logs; empty when there are none (aggregation off, not yet done). */
  containerLogs(appId: string, appOwner: string): Promise<AggregatedContainerLogs[]>;
}
