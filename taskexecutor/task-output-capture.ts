/**
 * One task attempt's output: the worker thread's stdout and stderr (console.log/info/debug write
 * to stdout, console.error/warn/trace to stderr) as lines, numbered in the order they were read.
 * Each line is appended at once, with a synchronous write, to the attempt's file in the
 * container's log dir (client/contracts/task-output-file.ts), so a TaskExecutor killed with
 * SIGKILL leaves on disk every line it had read; then handed on (to the AM, and to the
 * TaskExecutor's own stdout/stderr). A file that cannot be written is reported once and the lines
 * still go on.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { formatTaskOutputFileLine, taskOutputFileName } from '../client/contracts/task-output-file.js';
import type { TaskOutputLine, TaskOutputStream, TaskRef } from '../client/contracts/taskexecutor-protocol.js';
import { OutputLineSplitter } from './output-line-splitter.js';

export interface TaskOutputCaptureOptions {
  task: TaskRef;
  /** The container's log dir (first of LOG_DIRS). */
  logDir: string;
  /** Each line, once it is in the file. */
  onLine(line: TaskOutputLine): void;
  /** Why the file cannot be written (reported once). */
  log(message: string): void;
  now?: () => number;
  maxLineBytes?: number;
}

export class TaskOutputCapture {
  readonly path: string;
  private fd: number | undefined;
  private seq = 0;
  private ended = false;
  private readonly splitters: Record<TaskOutputStream, OutputLineSplitter>;
  private readonly now: () => number;

  constructor(private readonly opts: TaskOutputCaptureOptions) {
    this.now = opts.now ?? Date.now;
    this.splitters = { stdout: new OutputLineSplitter(opts.maxLineBytes), stderr: new OutputLineSplitter(opts.maxLineBytes) };
    this.path = join(opts.logDir, taskOutputFileName(opts.task));
    try {
      this.fd = openSync(this.path, 'a');
    } catch (err) {
      this.fileFailed('open', err);
    }
  }

  write(stream: TaskOutputStream, chunk: Buffer | string): void {
    if (this.ended) return;
    this.emit(stream, this.splitters[stream].push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
  }

  /** The task's thread is gone: its partial lines (no newline at the end) count as lines; the file is closed. */
  end(): void {
    if (this.ended) return;
    for (const stream of ['stdout', 'stderr'] as const) {
      const partial = this.splitters[stream].end();
      if (partial !== undefined) this.emit(stream, [partial]);
    }
    this.ended = true;
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // Nothing is lost: every line was written synchronously.
      }
      this.fd = undefined;
    }
  }

  private emit(stream: TaskOutputStream, texts: string[]): void {
    if (!texts.length) return;
    const timeMs = this.now();
    const lines = texts.map((text): TaskOutputLine => ({ seq: this.seq++, timeMs, stream, text }));
    if (this.fd !== undefined) {
      try {
        writeSync(this.fd, lines.map((l) => formatTaskOutputFileLine(l.timeMs, l.stream, l.text)).join(''));
      } catch (err) {
        this.fileFailed('write', err);
        this.fd = undefined;
      }
    }
    for (const line of lines) this.opts.onLine(line);
  }

  private fileFailed(what: 'open' | 'write', err: unknown): void {
    this.opts.log(
      `cannot ${what} ${this.path} (${(err as NodeJS.ErrnoException).code ?? String(err)}); the task's output goes on to the AM only`,
    );
  }
}
