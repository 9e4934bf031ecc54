/**
 * Transfer progress for a person, on stderr: the CLI's TransferProgressSink.
 *
 * - On a terminal: one live line (cli/terminal/status-line.ts) while a file moves, with bytes
 *   done and total, rate, time left and the file's name; it is removed when the file is done,
 *   and redrawn every second meanwhile so a stall shows.
 * - Elsewhere (a pipe, a file, CI): plain lines, so logs stay short: one when a file of 1 MiB or
 *   more has moved (`uploaded big.bin: 12.0 MiB in 0.8 s (15.0 MiB/s)`), and while a transfer
 *   lasts, one every 10 s with the fields of the live line. Nothing for smaller files.
 * - Disabled (`--quiet`): nothing.
 *
 * `log` prints a line above the live one, so other lines (retries, warnings) do not break it.
 */
import type { FileTransferProgress, TransferProgressSink } from '../../client/deploy/transfer-progress-sink.js';
import { statusLine, type StatusLine, type TerminalStream } from './status-line.js';
import { TransferMeter } from './transfer-meter.js';
import { transferEndLine, transferLine } from './transfer-text.js';

/** The smallest file whose end gets a line in a log. */
export const END_LINE_MIN_BYTES = 1024 * 1024;
/** How often a log gets a line while a transfer lasts. */
export const PLAIN_LINE_INTERVAL_MS = 10_000;
/** How often the live line is redrawn when no bytes arrive (so the rate falls and "stalled" shows). */
const LIVE_REDRAW_MS = 1000;

export interface TransferProgressOutputOptions {
  /** `--quiet`: no output at all. */
  disabled?: boolean;
  now?: () => number;
  /** Calls `tick` every `ms` until the returned function is called (default: an unref'd setInterval). */
  every?: (ms: number, tick: () => void) => () => void;
}

export interface TransferProgressOutput extends TransferProgressSink {
  /** Prints a whole line (above the live line when one is drawn). */
  log(line: string): void;
}

export function transferProgressOutput(out: TerminalStream, opts: TransferProgressOutputOptions = {}): TransferProgressOutput {
  const now = opts.now ?? Date.now;
  const every = opts.every ?? everyUnref;
  const live = out.isTTY === true && opts.disabled !== true;
  let current: StatusLine | undefined;
  return {
    log(line) {
      if (current) current.log(line);
      else out.write(`${line}\n`);
    },
    begin({ name, direction, totalBytes: knownTotal }): FileTransferProgress {
      if (opts.disabled === true) return { progress: ignore, end: ignore };
      const meter = new TransferMeter(now());
      let total = knownTotal;
      const text = (): string => {
        const t = now();
        return transferLine({
          direction,
          name,
          doneBytes: meter.bytes,
          totalBytes: total,
          rate: meter.rate(t),
          secondsLeft: meter.secondsLeft(t, total),
        });
      };
      const line = live ? statusLine(out, { now }) : undefined;
      current = line;
      const stop = line ? every(LIVE_REDRAW_MS, () => line.update(text())) : every(PLAIN_LINE_INTERVAL_MS, () => out.write(`${text()}\n`));
      line?.update(text());
      let ended = false;
      return {
        progress(doneBytes, totalBytes) {
          if (ended) return;
          if (totalBytes !== undefined) total = totalBytes;
          meter.record(now(), doneBytes);
          line?.update(text());
        },
        end(completed) {
          if (ended) return;
          ended = true;
          stop();
          if (line) {
            line.done();
            if (current === line) current = undefined;
            return;
          }
          if (completed && (total ?? meter.bytes) >= END_LINE_MIN_BYTES) {
            out.write(`${transferEndLine(direction, name, meter.bytes, now() - meter.startedAt)}\n`);
          }
        },
      };
    },
  };
}

function ignore(): void {
  // --quiet: nothing to show.
}

function everyUnref(ms: number, tick: () => void): () => void {
  const timer = setInterval(tick, ms);
  // Progress never keeps a finished command alive.
  timer.unref();
  return () => clearInterval(timer);
}
