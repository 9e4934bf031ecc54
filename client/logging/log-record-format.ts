/**
 * One log line of a Loom process, in either format. Text is close to the pattern of Hadoop's
 * container-log4j.properties (`%d{ISO8601} %p [%t] %c: %m%n`), so people reading `yarn logs`
 * find what they know: `2026-12-07 19:30:00,123 INFO  [job-master] job=<id> task=<i>#<a> message`
 * (the level padded to five as log4j's `%-5p`, the ids only when the line is about a job or task,
 * an error's stack on the lines after it as log4j prints a throwable). JSON is one object a line
 * for log shippers: `{"time","level","component","jobId","taskIndex","attempt","message","error"}`
 * (absent ids left out; `error` holds the stack). No I/O here.
 */
import type { LogFormat, LogLevel } from './log-levels.js';

/** What a line is about: the component writing it, and the job, task and attempt where it is about one. */
export interface LogContext {
  component?: string;
  jobId?: string;
  taskIndex?: number;
  attempt?: number;
}

export interface LogRecord extends LogContext {
  time: Date;
  level: LogLevel;
  message: string;
  /** An error's stack (or message when it has none). */
  error?: string;
}

export function formatLogRecord(record: LogRecord, format: LogFormat): string {
  return format === 'json' ? jsonLine(record) : textLine(record);
}

function textLine(r: LogRecord): string {
  const parts = [formatLog4jTime(r.time), r.level.toUpperCase().padEnd(5)];
  if (r.component !== undefined) parts.push(`[${r.component}]`);
  if (r.jobId !== undefined) parts.push(`job=${r.jobId}`);
  if (r.taskIndex !== undefined) parts.push(`task=${String(r.taskIndex)}${r.attempt !== undefined ? `#${String(r.attempt)}` : ''}`);
  parts.push(r.message);
  const line = parts.join(' ');
  return r.error !== undefined ? `${line}\n${r.error}` : line;
}

function jsonLine(r: LogRecord): string {
  return JSON.stringify({
    time: r.time.toISOString(),
    level: r.level.toUpperCase(),
    ...(r.component !== undefined ? { component: r.component } : {}),
    ...(r.jobId !== undefined ? { jobId: r.jobId } : {}),
    ...(r.taskIndex !== undefined ? { taskIndex: r.taskIndex } : {}),
    ...(r.attempt !== undefined ? { attempt: r.attempt } : {}),
    message: r.message,
    ...(r.error !== undefined ? { error: r.error } : {}),
  });
}

/** log4j's ISO8601 date format (`yyyy-MM-dd HH:mm:ss,SSS`) in the process's time zone, as Hadoop's daemons and containers write it. */
export function formatLog4jTime(time: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const date = `${String(time.getFullYear())}-${two(time.getMonth() + 1)}-${two(time.getDate())}`;
  return `${date} ${two(time.getHours())}:${two(time.getMinutes())}:${two(time.getSeconds())},${String(time.getMilliseconds()).padStart(3, '0')}`;
}
