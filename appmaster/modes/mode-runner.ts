/**
 * The mode seam of the one AM entry point: session, per-job and application clusters run the same
 * AM (dispatcher, job master, ResourceManager bridge); the mode only adds what runs once the AM
 * serves and decides when the cluster ends. `prepareModeRunner` reads and checks the mode's
 * inputs before the AM serves, so a broken submission ends FAILED with the reason at once.
 */
import type { LoomConfig } from '../../client/conf/loom-config.js';
import type { AmEnvironment } from '../am-runtime/am-environment.js';
import type { JobSpec, JobStatus } from '../cluster-api.js';
import type { FinalStatus } from '../session/am-shutdown.js';
import type { ProgramOutput } from './program-output.js';
import { prepareApplicationMode } from './application-mode.js';
import { preparePerJobMode } from './per-job-mode.js';

/** What a mode may do with the running AM. */
export interface ModeHost {
  /** `id` + `resume`: a job of that id taken over from an earlier AM attempt is the answer (per-job and application modes). */
  submitJob(spec: JobSpec, opts?: { id?: string; resume?: boolean }): Promise<JobStatus>;
  /** Resolves with the job's final status (also when the AM cancels it on shutdown). */
  waitForJob(id: string): Promise<JobStatus>;
  /** Ends the application with this final status (the first end wins). */
  finish(finalStatus: FinalStatus, diagnostics: string): void;
  log(line: string): void;
}

export interface ModeRunner {
  readonly mode: AmEnvironment['mode'];
  /**
   * Jobs this mode will submit under ids a client already knows (per-job mode's one job): the AM
   * shows them as INITIALIZING before it serves, so the client never meets a 404 for them.
   */
  declaredJobs?(): { id: string; spec: JobSpec }[];
  /** Called once the AM has registered and serves REST. */
  start(host: ModeHost): void;
  /** The AM is ending: stop whatever start() began. */
  stop(reason: string): Promise<void>;
  /**
   * The attached client went away (its lease lapsed): from now on the AM ends the cluster, so the
   * mode must not end it by itself (its running jobs are about to be cancelled).
   */
  clientLost?(): void;
  /** Application mode: main()'s lines and end, served to the attached client (GET /application, /application/output). */
  readonly programOutput?: ProgramOutput;
  /** Then, with the running jobs cancelled: the end that follows from them (default: KILLED with `lost`). */
  endWithoutClient?(jobs: JobStatus[], lost: string): { finalStatus: FinalStatus; diagnostics: string };
}

/** A session runs nothing of its own: it ends when stopped or killed. */
const SESSION_MODE: ModeRunner = {
  mode: 'session',
  start: () => undefined,
  stop: () => Promise.resolve(),
};

export function prepareModeRunner(am: AmEnvironment, config: LoomConfig, env: NodeJS.ProcessEnv): ModeRunner {
  switch (am.mode) {
    case 'session':
      return SESSION_MODE;
    case 'per-job':
      return preparePerJobMode(am, config);
    case 'application':
      return prepareApplicationMode(am, config, env);
  }
}
