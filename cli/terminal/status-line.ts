/**
 * One line of live status at the bottom of a terminal (transfer progress, a running job's task
 * summary), redrawn in place, with ordinary lines printed above it. Only on a TTY: on a pipe or a
 * file `update` draws nothing, so a log stays plain lines, and callers print their own periodic
 * lines there (`isLive` says which). Redraws are at most every `minIntervalMs` (default 100 ms),
 * except the first, so a fast transfer does not flood the terminal.
 */
/** What the line is drawn on: a stream's `write`, and a TTY's `isTTY` and `columns` when it is one. */
export interface TerminalStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** `\r` then "erase in line" (ECMA-48 EL, 2K): the cursor's line is blank again. */
const CLEAR_LINE = '\r\x1b[2K';

export interface StatusLine {
  /** True when `update` draws (the stream is a TTY and the line was not turned off). */
  readonly isLive: boolean;
  /** Redraws the status text (cut to the terminal's width); nothing when not live. */
  update(text: string): void;
  /** Prints a whole line above the status (which is drawn again after it). */
  log(line: string): void;
  /** Removes the status line; later `update`s draw nothing. */
  done(): void;
}

export interface StatusLineOptions {
  /** Turn the live line off even on a TTY (`--quiet`, CI). */
  disabled?: boolean;
  minIntervalMs?: number;
  now?: () => number;
}

export function statusLine(out: TerminalStream, opts: StatusLineOptions = {}): StatusLine {
  const isLive = out.isTTY === true && opts.disabled !== true;
  const minIntervalMs = opts.minIntervalMs ?? 100;
  const now = opts.now ?? Date.now;
  let shown = '';
  let lastDraw = -Infinity;
  let ended = false;
  const fit = (text: string): string => {
    const width = (out.columns ?? 80) - 1;
    return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text;
  };
  return {
    isLive,
    update(text) {
      if (!isLive || ended) return;
      const t = now();
      const line = fit(text);
      if (line === shown || t - lastDraw < minIntervalMs) return;
      out.write(`${CLEAR_LINE}${line}`);
      shown = line;
      lastDraw = t;
    },
    log(line) {
      if (!isLive || shown === '') {
        out.write(`${line}\n`);
        return;
      }
      out.write(`${CLEAR_LINE}${line}\n${shown}`);
    },
    done() {
      if (ended) return;
      ended = true;
      if (isLive && shown !== '') out.write(CLEAR_LINE);
      shown = '';
    },
  };
}
