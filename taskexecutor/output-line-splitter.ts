/**
 * Turns one output stream's chunks into lines: split at `\n` (a `\r` before it is dropped too),
 * decoded as UTF-8, the last partial line held until more comes or the stream ends. A line longer
 * than the limit keeps its first `maxLineBytes` bytes and ends with a marker saying how many bytes
 * were cut; the rest of it is counted, never held, so a task that prints without newlines cannot
 * fill the TaskExecutor's memory.
 */

/** Longest line kept whole (bytes of UTF-8): as YARN's log viewers, Loom shows lines, not megabyte blobs. */
export const MAX_TASK_OUTPUT_LINE_BYTES = 64 * 1024;

const NEWLINE = 0x0a;

export class OutputLineSplitter {
  private parts: Buffer[] = [];
  private heldBytes = 0;
  private cutBytes = 0;

  constructor(private readonly maxLineBytes = MAX_TASK_OUTPUT_LINE_BYTES) {}

  /** The lines that `chunk` completes (none when it holds no newline). */
  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, start);
      if (newline === -1) {
        this.hold(chunk.subarray(start));
        return lines;
      }
      this.hold(chunk.subarray(start, newline));
      lines.push(this.take());
      start = newline + 1;
    }
  }

  /** The partial line the stream ended with, if any. */
  end(): string | undefined {
    return this.heldBytes > 0 || this.cutBytes > 0 ? this.take() : undefined;
  }

  private hold(piece: Buffer): void {
    if (piece.length === 0) return;
    const room = this.maxLineBytes - this.heldBytes;
    if (piece.length <= room) {
      this.parts.push(piece);
      this.heldBytes += piece.length;
      return;
    }
    if (room > 0) {
      this.parts.push(piece.subarray(0, room));
      this.heldBytes += room;
    }
    this.cutBytes += piece.length - Math.max(0, room);
  }

  private take(): string {
    let text = Buffer.concat(this.parts, this.heldBytes).toString('utf8');
    const cut = this.cutBytes;
    this.parts = [];
    this.heldBytes = 0;
    this.cutBytes = 0;
    if (cut === 0) return text.endsWith('\r') ? text.slice(0, -1) : text;
    // The cut may fall inside a character: its bytes decode to U+FFFD, which is dropped.
    if (text.endsWith('\uFFFD')) text = text.slice(0, -1);
    return `${text} [... line cut at ${this.maxLineBytes} bytes: ${cut} more bytes not kept]`;
  }
}
