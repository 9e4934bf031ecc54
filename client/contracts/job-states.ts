/**
 * The states of a job and of its tasks, as the AM's job master keeps them and as the REST API
 * reports them (Flink's names). One declaration for the AM, the dispatcher's bodies and the client.
 *
 * INITIALIZING (Flink's name): accepted by the AM but not yet running, while its record is being
 * written to the HA store; it is visible (GET /jobs/<id>) from the moment the AM accepts it.
 */
export type JobState = 'INITIALIZING' | 'RUNNING' | 'FINISHED' | 'FAILED' | 'CANCELLING' | 'CANCELED';
export type TaskState = 'SCHEDULED' | 'DEPLOYING' | 'RUNNING' | 'FINISHED' | 'FAILED' | 'CANCELED';

/** A job in one of these has ended; its state no longer changes. */
export const TERMINAL_JOB_STATES: ReadonlySet<JobState> = new Set<JobState>(['FINISHED', 'FAILED', 'CANCELED']);

export function isTerminalJobState(state: string): boolean {
  return (TERMINAL_JOB_STATES as ReadonlySet<string>).has(state);
}

export const TASK_STATES: readonly TaskState[] = ['SCHEDULED', 'DEPLOYING', 'RUNNING', 'FINISHED', 'FAILED', 'CANCELED'];
