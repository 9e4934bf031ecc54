/**
 * The file a TaskExecutor writes each task attempt's output to, in its container's log dir (the
 * first entry of LOG_DIRS, the NodeManager's per-container log dir, so YARN serves it on
 * /node/containerlogs while the container runs and log aggregation keeps it after): its name, and
 * one line per output line, `<ISO-8601 UTC time with ms> <stdout|stderr> <text>`. The TaskExecutor
 * writes it (taskexecutor/task-output-capture.ts); `loom logs` reads it back through YARN.
 */
import type { TaskOutputStream, TaskRef } from './taskexecutor-protocol.js';

const FILE_NAME = /^task-(.+)-(\d+)-(\d+)\.log$/;
const FILE_LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (stdout|stderr) (.*)$/s;

/** `task-<jobId>-<taskIndex>-<attempt>.log` */
export function taskOutputFileName(task: TaskRef): string {
  return `task-${task.jobId}-${task.taskIndex}-${task.attempt}.log`;
}

/** The attempt a file name names, or undefined when it is no task output file. */
export function parseTaskOutputFileName(name: string): TaskRef | undefined {
  const m = FILE_NAME.exec(name);
  return m ? { jobId: m[1], taskIndex: Number(m[2]), attempt: Number(m[3]) } : undefined;
}

/** One line of the file, with its newline. */
export function formatTaskOutputFileLine(timeMs: number, stream: TaskOutputStream, text: string): string {
  return `${new Date(timeMs).toISOString()} ${stream} ${text}\n`;
}

/** A line of the file (without its newline) back as its parts, or undefined when it is not in that format. */
export function parseTaskOutputFileLine(line: string): { timeMs: number; stream: TaskOutputStream; text: string } | undefined {
  const m = FILE_LINE.exec(line);
  if (!m) return undefined;
  return { timeMs: Date.parse(m[1]), stream: m[2] === 'stderr' ? 'stderr' : 'stdout', text: m[3] };
}
