import { heapMbForContainer, LocalResourceNames, RuntimeEntryPoints, TaskExecutorEnv } from '../../client/deploy/am-container-contract.js';
import { escapeForDoubleQuotes, shellWord } from '../../client/deploy/launch-escaping.js';
import type { LocalResourceSpec } from '../am-runtime/local-resources-env.js';

export interface TaskExecutorLaunchInput {
  /** loom.node.path: the Node.js executable (a container's PATH is bash's default). */
  nodePath: string;
  /** Memory YARN granted the container (normalized up from the ask): the heap is sized from it. */
  containerMemoryMb: number;
  /** host:port of the AM's gRPC gateway, as advertised (NM_HOST, never a wildcard). */
  amAddress: string;
  slots: number;
  amTimeoutMs: number;
  user: string;
  /** The AM's own local resources: runtime archive, configuration and secret travel unchanged. */
  localResources: Record<string, LocalResourceSpec>;
}

/** What goes into the TaskExecutor's ContainerLaunchContext, before the proto conversion. */
export interface TaskExecutorLaunchSpec {
  command: string;
  environment: Record<string, string>;
  localResources: Record<string, LocalResourceSpec>;
}

/**
 * The TaskExecutor's launch context. The NodeManager puts the command inside `bash -c "..."` and
 * env values inside `export K="..."` without escaping (fixtures containers/probe-am), so every
 * value is escaped for a double-quoted bash string here; `<LOG_DIR>` is left for the NM to expand.
 */
export function taskExecutorLaunchSpec(input: TaskExecutorLaunchInput): TaskExecutorLaunchSpec {
  const entry = `${LocalResourceNames.runtime}/${RuntimeEntryPoints.taskExecutor}`;
  const heap = heapMbForContainer(input.containerMemoryMb);
  const command = [
    escapeForDoubleQuotes(shellWord(input.nodePath)),
    `--max-old-space-size=${heap}`,
    entry,
    '1><LOG_DIR>/taskexecutor.out',
    '2><LOG_DIR>/taskexecutor.err',
  ].join(' ');
  const environment: Record<string, string> = {
    [TaskExecutorEnv.amAddress]: input.amAddress,
    [TaskExecutorEnv.secretFile]: LocalResourceNames.secret,
    [TaskExecutorEnv.slots]: String(input.slots),
    [TaskExecutorEnv.amTimeoutMs]: String(input.amTimeoutMs),
    [TaskExecutorEnv.user]: input.user,
  };
  for (const key of Object.keys(environment)) environment[key] = escapeForDoubleQuotes(environment[key]!);
  return { command, environment, localResources: { ...input.localResources } };
}
