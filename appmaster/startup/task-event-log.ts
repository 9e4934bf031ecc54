/**
 * The AM's log of what its TaskExecutors report, each line with the job, task and attempt it is
 * about: an attempt's state changes at debug (FAILED at warn, with the task's error), a
 * TaskExecutor registering or lost at info (lost at warn). Read from the registry's events, so
 * neither the gateway nor the job master logs for it.
 */
import type { Logger } from '../../client/logging/logger.js';
import type { TaskExecutorRegistry } from '../taskexecutors/taskexecutor-registry.js';

export function logTaskEvents(registry: Pick<TaskExecutorRegistry, 'on'>, logger: Logger): void {
  registry.on((e) => {
    if (e.type === 'taskUpdate') {
      const { task, state, error, errorStack } = e.update;
      const taskLogger = logger.child({ jobId: task.jobId, taskIndex: task.taskIndex, attempt: task.attempt });
      const line = `task ${String(task.taskIndex)} attempt ${String(task.attempt)} ${state} on TaskExecutor ${e.id}`;
      if (state === 'FAILED') taskLogger.warn(`${line}: ${error ?? 'no error given'}`, errorStack);
      else taskLogger.debug(line);
    } else if (e.type === 'registered') logger.info(`TaskExecutor ${e.id} registered: ${String(e.info.slots)} slot(s) on ${e.info.host}`);
    else if (e.type === 'lost')
      logger.warn(`TaskExecutor ${e.id} on ${e.host} lost (${e.reason}); ${String(e.tasks.length)} task attempt(s) did not finish`);
  });
}
