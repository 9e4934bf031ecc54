/**
 * Where a deployment tells of the files it moves, for progress output: the deployers call it around
 * each upload (the runtime archive, the Node.js binary, the bundle, the configuration and job
 * description in the staging dir), and only the CLI turns it into something a person sees (a live
 * line on a terminal, plain lines in a log: cli/terminal/transfer-progress-output.ts). The HDFS
 * client under it knows nothing of terminals: it reports a running byte count (`onProgress`).
 */

export type TransferDirection = 'upload' | 'download' | 'copy';

/** A file about to move: its name as a person knows it (a base name), which way, and its size when known. */
export interface TransferStart {
  name: string;
  direction: TransferDirection;
  totalBytes?: number;
}

export interface TransferProgressSink {
  /** A file starts to move; what it returns is told of that file until its end. */
  begin(transfer: TransferStart): FileTransferProgress;
}

export interface FileTransferProgress {
  /** The running total of bytes moved, and the file's size when known (the shape of the WebHDFS client's `onProgress`). */
  progress(doneBytes: number, totalBytes: number | undefined): void;
  /** The transfer is over: `completed` false when it failed. */
  end(completed: boolean): void;
}

/**
 * Runs `transfer` with a progress callback for `name` and ends it either way; with no sink the
 * callback is absent, so the HDFS client counts nothing extra.
 */
export async function withTransferProgress<T>(
  sink: TransferProgressSink | undefined,
  transfer: TransferStart,
  run: (onProgress: ((doneBytes: number, totalBytes: number | undefined) => void) | undefined) => Promise<T>,
): Promise<T> {
  if (!sink) return run(undefined);
  const file = sink.begin(transfer);
  let completed = false;
  try {
    const result = await run((done, total) => file.progress(done, total));
    completed = true;
    return result;
  } finally {
    file.end(completed);
  }
}
