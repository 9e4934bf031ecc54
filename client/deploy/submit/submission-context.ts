/**
 * The AM's submission: what YARN starts (command, environment, local resources) and how
 * (name, queue, memory and vcores, priority, tags, type `Loom`, attempts). Pure: the deployer
 * uploads first and hands the uploaded files' HDFS facts in.
 */
import type { LoomConfig } from '../../conf/loom-config.js';
import { LoomOptions } from '../../conf/loom-config-options.js';
import type { LocalResourceSpec } from '../../hadoop/yarn/container-launch-context.js';
import { buildContainerLaunchContext } from '../../hadoop/yarn/container-launch-context.js';
import type { ApplicationSubmission } from '../../hadoop/yarn/yarn-client.js';
import { RuntimeEntryPoints, LocalResourceNames } from '../../contracts/am-container-contract.js';
import { writeAmEnv } from '../../contracts/am-env.js';
import { escapeForDoubleQuotes } from '../../hadoop/yarn/launch-escaping.js';
import { containerNodePath, nodeProcessCommand } from '../../contracts/node-command.js';

export const APPLICATION_TYPE = 'Loom';
export const DEFAULT_SESSION_NAME = 'Loom session cluster';
/** The tag that says a Loom application's mode (YARN keeps tags lower-case): `loom-mode:session`. */
export const MODE_TAG_PREFIX = 'loom-mode:';
/** In <LOG_DIR>: names with `stderr` in them, so the NodeManager puts the tail into the diagnostics of a failed AM. */
export const AM_STDOUT_FILE = 'appmaster.stdout';
export const AM_STDERR_FILE = 'appmaster.stderr';

export interface AmSubmissionInput {
  applicationId: string;
  conf: LoomConfig;
  mode: 'session' | 'per-job' | 'application';
  /** Link name -> uploaded file: runtime archive, configuration, secret, ship files. */
  localResources: Record<string, LocalResourceSpec>;
  /** Fully qualified staging dir URL (the AM removes it when the application ends on purpose). */
  stagingDirUri: string;
  user: string;
  /** The application name when yarn.application.name is not set (default: the session's). */
  defaultName?: string;
  /** More AM environment, e.g. the program of an application-mode cluster (escaped here like the rest). */
  environment?: Record<string, string>;
}

/** `<node> --max-old-space-size=<heap> loom-runtime/dist/appmaster/main.js 1>.. 2>..` */
export function amCommand(nodePath: string, containerMemoryMb: number): string {
  return nodeProcessCommand({
    nodePath,
    containerMemoryMb,
    entryPoint: `${LocalResourceNames.runtime}/${RuntimeEntryPoints.appMaster}`,
    stdoutFile: AM_STDOUT_FILE,
    stderrFile: AM_STDERR_FILE,
  });
}

export function amSubmission(input: AmSubmissionInput): ApplicationSubmission {
  const { conf } = input;
  const memoryMb = conf.get(LoomOptions.jobManagerMemory).mebibytes;
  const environment: Record<string, string> = {
    ...writeAmEnv({ mode: input.mode, stagingDir: input.stagingDirUri, localResources: input.localResources, user: input.user }),
    ...input.environment,
  };
  for (const key of Object.keys(environment)) environment[key] = escapeForDoubleQuotes(environment[key]);
  const priority = conf.get(LoomOptions.applicationPriority);
  const queue = conf.get(LoomOptions.applicationQueue);
  const tags = [
    ...conf.get(LoomOptions.applicationTags).filter((t) => !t.toLowerCase().startsWith(MODE_TAG_PREFIX)),
    `${MODE_TAG_PREFIX}${input.mode}`,
  ];
  const attempts = conf.get(LoomOptions.applicationAttempts);
  return {
    applicationId: input.applicationId,
    name: conf.get(LoomOptions.applicationName) ?? input.defaultName ?? DEFAULT_SESSION_NAME,
    type: APPLICATION_TYPE,
    ...(queue !== undefined ? { queue } : {}),
    ...(priority >= 0 ? { priority } : {}),
    tags,
    amResource: { memoryMb, vcores: conf.get(LoomOptions.appMasterVcores) },
    amContainer: buildContainerLaunchContext({
      commands: [amCommand(containerNodePath(conf.get(LoomOptions.nodePath), input.localResources), memoryMb)],
      environment,
      localResources: input.localResources,
    }),
    maxAppAttempts: attempts,
    // As Flink with HA: a new AM attempt takes the running TaskExecutors back instead of starting
    // over, and only failures within the validity interval count against the attempts.
    ...(attempts > 1
      ? {
          keepContainersAcrossApplicationAttempts: true,
          attemptFailuresValidityIntervalMs: conf.get(LoomOptions.attemptFailuresValidityInterval),
        }
      : {}),
  };
}
