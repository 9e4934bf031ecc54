import { describeRetry, type RetryReporter } from '../client/retry/retry-report.js';
import { flushDefaultsNotice } from './defaults-notice.js';

/**
 * The CLI's retry reporter: one line per retry on `stream` (stderr), as Hadoop's tools print
 * "Retrying connect to server ..." while a server does not answer, so a command is never silent
 * while it waits.
 */
export function retryLinesTo(stream: { write(text: string): unknown }): RetryReporter {
  return (event) => {
    flushDefaultsNotice();
    stream.write(`${describeRetry(event)}\n`);
  };
}
