/**
 * `loom`: the programmatic client. Deploy a session cluster (or attach to one), submit jobs and
 * follow them, run programs, stop the session; run a job in a per-job cluster; deploy a program
 * in application mode and follow it to its end. The program API is `loom/program`, the Hadoop
 * clients `loom/yarn` and `loom/hdfs`, the embedded cluster `loom/minicluster`.
 */
export { LoomClient, type AttachSessionOptions, type DeploySessionOptions, type LoomClientOptions } from './api/loom-client.js';
export type { JobSpec, LoomSession, RunProgramOptions } from './api/loom-session.js';
export type { JobResultOptions, LoomJob } from './api/loom-job.js';
export type { LoomPerJob, RunPerJobOptions } from './api/loom-per-job.js';
export type { DeployApplicationOptions, LoomApplication, ProgramOutputLine } from './api/loom-application.js';
export type { ClusterApplication } from './api/cluster-application.js';
export { ApplicationDetachedError, ApplicationFailedError } from './api/application-errors.js';
export { DetachedResultError } from './program/program-errors.js';
export type { JobStatus, JobSummary, TaskStatus } from './deploy/running/dispatcher-client.js';
export type { ApplicationReport } from './hadoop/yarn/cluster-reports.js';
export { LoomError } from './errors/loom-error.js';
export { ConfigurationError } from './conf/configuration-error.js';
export { JobFailedError } from './program/program-errors.js';
