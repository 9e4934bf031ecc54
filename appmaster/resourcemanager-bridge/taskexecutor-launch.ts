import { LocalResourceNames, RuntimeEntryPoints } from '../../client/contracts/am-container-contract.js';
import { writeTaskExecutorEnv } from '../../client/contracts/taskexecutor-env.js';
import { escapeForDoubleQuotes } from '../../client/hadoop/yarn/launch-escaping.js';
import { containerNodePath, nodeProcessCommand } from '../../client/contracts/node-command.js';
import type { LocalResourceSpec } from '../../client/hadoop/yarn/container-launch-context.js';
import type { LogSettings } from '../../client/logging/logger.js';

export interface TaskExecutorLaunchInput {
  /** loom.node.path: the node installed on the nodes, used when the client shipped none (no `loom-node` resource). */
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
  /** URL of the HA store, where a TaskExecutor that lost its AM finds the next attempt's gateway (none with a single attempt). */
  haStoreUrl?: string;
  /** The staging dir URL: bundles on its file system are fetched, as the AM accepted them (client/hadoop/hdfs/cluster-file-system.ts). */
  stagingDir?: string;
  /** The AM's loom.log.level and loom.log.format: its TaskExecutors log the same way. */
  log?: LogSettings;
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
 * The node is the AM's: the shipped `./loom-node` when the AM's resources hold it.
 */
export function taskExecutorLaunchSpec(input: TaskExecutorLaunchInput): TaskExecutorLaunchSpec {
  const command = nodeProcessCommand({
    nodePath: containerNodePath(input.nodePath, input.localResources),
    containerMemoryMb: input.containerMemoryMb,
    entryPoint: `${LocalResourceNames.runtime}/${RuntimeEntryPoints.taskExecutor}`,
    stdoutFile: 'taskexecutor.out',
    stderrFile: 'taskexecutor.err',
  });
  // Internal TLS: the TaskExecutor gets the certificate to pin, never the AM's private key.
  const { [LocalResourceNames.tlsKey]: _amOnly, ...localResources } = input.localResources;
  const tls = LocalResourceNames.tlsCertificate in localResources;
  const environment = writeTaskExecutorEnv({
    amAddress: input.amAddress,
    secretFile: LocalResourceNames.secret,
    ...(tls ? { tlsCertificateFile: LocalResourceNames.tlsCertificate } : {}),
    slots: input.slots,
    amTimeoutMs: input.amTimeoutMs,
    user: input.user,
    memoryMb: input.containerMemoryMb,
    ...(input.haStoreUrl ? { haStoreUrl: input.haStoreUrl } : {}),
    ...(input.stagingDir ? { stagingDir: input.stagingDir } : {}),
    ...(input.log ? { logLevel: input.log.level, logFormat: input.log.format } : {}),
  });
  for (const key of Object.keys(environment)) environment[key] = escapeForDoubleQuotes(environment[key]);
  return { command, environment, localResources };
}
