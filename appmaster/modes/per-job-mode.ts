/**
 * Per-job mode in the AM: the cluster exists for one job, whose description the client shipped
 * as a local resource. The AM submits it (under the id the client chose) as soon as it serves,
 * and ends the application when the job ends: SUCCEEDED when it FINISHED, FAILED with the job's
 * error, KILLED when it was cancelled. An attached client reads the job's end and then stops the
 * cluster itself; the AM gives it loom.client.heartbeat-timeout for that, then ends on its own.
 * When the attached client's lease lapses, the job is cancelled if it still runs, and the cluster
 * ends with the job's outcome all the same (a job that had FINISHED ends it SUCCEEDED).
 */
import { isTerminalJobState } from '../../client/contracts/job-states.js';
import { readFileSync } from 'node:fs';
import type { LoomConfig } from '../../client/conf/loom-config.js';
import { LoomOptions } from '../../client/conf/loom-config-options.js';
import { parsePerJobDescription, ProgramResourceNames, type PerJobDescription } from '../../client/contracts/program-contract.js';
import { localResourcePath, type AmEnvironment } from '../am-runtime/am-environment.js';
import type { JobSpec, JobStatus } from '../cluster-api.js';
import { validateJobSpec } from '../jobs/job-spec-validation.js';
import type { FinalStatus } from '../session/am-shutdown.js';
import type { ModeHost, ModeRunner } from './mode-runner.js';

export function preparePerJobMode(am: Pick<AmEnvironment, 'workDir'>, config: LoomConfig): ModeRunner {
  const path = localResourcePath(am, ProgramResourceNames.job);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(
      `per-job mode needs the job description ${ProgramResourceNames.job} (${(err as Error).message}); the submitting client ships it as a local resource`,
    );
  }
  const description = parsePerJobDescription(text, path);
  const { spec } = validateJobSpec(description.job);
  return new PerJobMode(description, spec, config.get(LoomOptions.clientHeartbeatTimeout));
}

/** The application's final status and diagnostics for a job's end. */
export function perJobOutcome(job: JobStatus): { finalStatus: FinalStatus; diagnostics: string } {
  switch (job.state) {
    case 'FINISHED':
      return { finalStatus: 'SUCCEEDED', diagnostics: `job ${job.id} FINISHED` };
    case 'CANCELED':
      return { finalStatus: 'KILLED', diagnostics: `job ${job.id} was cancelled${job.error ? `: ${job.error}` : ''}` };
    default:
      return { finalStatus: 'FAILED', diagnostics: `job ${job.id} ${job.state}: ${job.error ?? 'no reason recorded'}` };
  }
}

class PerJobMode implements ModeRunner {
  readonly mode = 'per-job' as const;
  private timer: NodeJS.Timeout | undefined;
  /** The attached client's lease lapsed: the AM ends the cluster, not this mode. */
  private clientGone = false;

  constructor(
    private readonly description: PerJobDescription,
    private readonly spec: JobSpec,
    /** How long an attached client may take to read the end and stop the cluster. */
    private readonly clientGraceMs: number,
  ) {}

  declaredJobs(): { id: string; spec: JobSpec }[] {
    return [{ id: this.description.jobId, spec: this.spec }];
  }

  start(host: ModeHost): void {
    const id = this.description.jobId;
    host
      // resume: a new AM attempt finds the job it took over from the HA store under this id.
      .submitJob(this.spec, { id, resume: true })
      .then(() => {
        host.log(`per-job: running job ${id} (${this.spec.exportName}, parallelism ${this.spec.parallelism})`);
        return host.waitForJob(id);
      })
      .then((job) => {
        if (this.clientGone) return;
        const { finalStatus, diagnostics } = perJobOutcome(job);
        if (!this.description.attached) {
          host.finish(finalStatus, diagnostics);
          return;
        }
        host.log(`per-job: ${diagnostics}; waiting up to ${this.clientGraceMs} ms for the attached client to read it and stop the cluster`);
        this.timer = setTimeout(
          () => host.finish(finalStatus, `${diagnostics} (the attached client did not stop the cluster)`),
          this.clientGraceMs,
        );
      })
      .catch((err: unknown) =>
        host.finish('FAILED', `job ${id} could not be submitted: ${err instanceof Error ? err.message : String(err)}`),
      );
  }

  stop(): Promise<void> {
    clearTimeout(this.timer);
    return Promise.resolve();
  }

  clientLost(): void {
    this.clientGone = true;
    clearTimeout(this.timer);
  }

  /**
   * The cluster's end once its client is gone: its job's own outcome when the job had ended (a job
   * that FINISHED before the lease lapsed ends the application SUCCEEDED, never KILLED), KILLED
   * when it had to be cancelled; the diagnostics name the lost client either way.
   */
  endWithoutClient(jobs: JobStatus[], lost: string): { finalStatus: FinalStatus; diagnostics: string } {
    const id = this.description.jobId;
    const job = jobs.find((j) => j.id === id);
    if (!job || !isTerminalJobState(job.state))
      return { finalStatus: 'KILLED', diagnostics: `job ${id} ${job?.state ?? 'never started'} when its client went away: ${lost}` };
    const { finalStatus, diagnostics } = perJobOutcome(job);
    return { finalStatus, diagnostics: `${diagnostics}; the attached client went away before it stopped the cluster: ${lost}` };
  }
}
