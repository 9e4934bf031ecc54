/**
 * What a TaskExecutor measures of itself for the AM's /metrics (sent in every heartbeat, so one
 * scrape of the AM covers the whole cluster): its process' memory and CPU time, and its tasks'
 * ends and result bytes counted from the updates it sends.
 */
import type { TaskExecutorMetricsMessage, TaskUpdateMessage } from '../client/contracts/taskexecutor-protocol.js';

export class TaskExecutorMetrics {
  private tasksFinished = 0;
  private tasksFailed = 0;
  private tasksCanceled = 0;
  private resultBytes = 0;

  /** Counts one update the TaskExecutor sends to the AM. */
  observe(update: TaskUpdateMessage): void {
    if (update.state === 'FINISHED') {
      this.tasksFinished += 1;
      this.resultBytes += Buffer.byteLength(update.resultJson ?? '');
    } else if (update.state === 'FAILED') this.tasksFailed += 1;
    else if (update.state === 'CANCELED') this.tasksCanceled += 1;
  }

  snapshot(): TaskExecutorMetricsMessage {
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    return {
      residentMemoryBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      heapTotalBytes: memory.heapTotal,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      tasksFinished: this.tasksFinished,
      tasksFailed: this.tasksFailed,
      tasksCanceled: this.tasksCanceled,
      resultBytes: this.resultBytes,
    };
  }
}
