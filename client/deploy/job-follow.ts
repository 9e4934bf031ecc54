/** Following one job over REST to its end, as a program's result(): its results, or a JobFailedError with the reasons. */
import { JobFailedError } from '../program/program-errors.js';
import type { JobDetails } from './dispatcher-client.js';
import type { SessionCluster } from './session-cluster.js';

export async function followJob(cluster: SessionCluster, jobId: string, onProgress?: (job: JobDetails) => void): Promise<unknown[]> {
  return jobResults(await cluster.dispatcher.waitForJob(jobId, onProgress ? { onProgress } : {}));
}

/** A FINISHED job's results in task order; any other end as a JobFailedError naming the failed tasks. */
export function jobResults(job: JobDetails): unknown[] {
  if (job.state === 'FINISHED') return job.results ?? job.tasks.map((t) => t.result);
  const taskErrors = job.tasks.filter((t) => t.error).map((t) => `task ${t.index} (attempt ${t.attempt}): ${t.error}`);
  const reason = [job.error, ...(job.error ? [] : taskErrors)].filter(Boolean).join('; ');
  throw new JobFailedError(job.id, job.state, reason || undefined);
}
