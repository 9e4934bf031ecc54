import { LoomError } from '../../client/errors/loom-error.js';
import { join } from 'node:path';
import { readAmEnv, type ClusterMode } from '../../client/contracts/am-env.js';
import {
  formatApplicationAttemptId,
  formatApplicationId,
  parseContainerId,
  type ApplicationAttemptId,
} from '../../client/wire/codec/yarn-ids.js';
import type { LocalResourceSpec } from '../../client/hadoop/yarn/container-launch-context.js';

export type { ClusterMode };

/** What the AM learns from its container's environment (set by the NodeManager, the RM and the client). */
export interface AmEnvironment {
  containerId: string;
  /** From CONTAINER_ID; the epoch prefix (`container_e<n>_`) after an RM restart does not change it. */
  attemptId: ApplicationAttemptId;
  attemptIdText: string;
  applicationIdText: string;
  /** The node's host as the NodeManager knows it: the AM listens there and advertises it. */
  nmHost: string;
  nmPort?: number;
  nmHttpPort?: number;
  /** container_tokens: holds the AMRMToken. */
  tokenFile: string;
  /** `/proxy/<appId>` from the RM: the prefix the dashboard is seen under through the web proxy. */
  webProxyBase?: string;
  mode: ClusterMode;
  stagingDir?: string;
  localResources: Record<string, LocalResourceSpec>;
  /** The submitting user; WebHDFS calls use it as user.name. */
  user: string;
  /** Where the NodeManager collects logs (first of LOG_DIRS): TaskExecutor launch commands use <LOG_DIR> instead. */
  logDir?: string;
  /** The container's working directory, where local resources are linked by name. */
  workDir: string;
  hadoopConfDir?: string;
}

export class AmEnvironmentError extends LoomError {
  static override readonly code: string = 'AM_ENVIRONMENT_INVALID';
  override name = 'AmEnvironmentError';
}

/**
 * Reads and checks the AM container's environment. All problems are reported at once, each with
 * what sets the variable, since a missing one means the AM was not started by the NodeManager
 * through Loom's client (or their versions differ).
 */
export function readAmEnvironment(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): AmEnvironment {
  const problems: string[] = [];
  const need = (name: string, setBy: string): string => {
    const v = env[name];
    if (v === undefined || v === '') problems.push(`${name} is not set (${setBy})`);
    return v ?? '';
  };
  const containerId = need('CONTAINER_ID', 'the NodeManager sets it in every container');
  const nmHost = need('NM_HOST', 'the NodeManager sets it in every container');
  const tokenFile = need('HADOOP_TOKEN_FILE_LOCATION', 'the NodeManager sets it to the container_tokens file holding the AMRMToken');

  let attemptId: ApplicationAttemptId | undefined;
  if (containerId) {
    try {
      attemptId = parseContainerId(containerId).applicationAttemptId;
    } catch (err) {
      problems.push(`CONTAINER_ID: ${(err as Error).message}`);
    }
  }

  const loom = readAmEnv(env);
  problems.push(...loom.problems);

  if (problems.length > 0 || !attemptId) {
    throw new AmEnvironmentError(
      `the ApplicationMaster cannot start: ${problems.join('; ')}. ` +
        `dist/appmaster/main.js must run inside a YARN container submitted by Loom's client of the same version.`,
    );
  }
  const optionalPort = (name: string): number | undefined => {
    const n = Number(env[name]);
    return env[name] && Number.isInteger(n) && n > 0 ? n : undefined;
  };
  const workDir = env.PWD || cwd;
  return {
    containerId,
    attemptId,
    attemptIdText: formatApplicationAttemptId(attemptId),
    applicationIdText: formatApplicationId(attemptId.applicationId),
    nmHost,
    nmPort: optionalPort('NM_PORT'),
    nmHttpPort: optionalPort('NM_HTTP_PORT'),
    tokenFile,
    webProxyBase: env.APPLICATION_WEB_PROXY_BASE || undefined,
    ...loom.values,
    logDir: env.LOG_DIRS ? env.LOG_DIRS.split(',')[0] : undefined,
    workDir,
    hadoopConfDir: env.HADOOP_CONF_DIR || undefined,
  };
}

/** A local resource's path in the working dir (the NodeManager links it there under its name). */
export function localResourcePath(am: Pick<AmEnvironment, 'workDir'>, name: string): string {
  return join(am.workDir, name);
}
