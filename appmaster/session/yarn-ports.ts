// client/hadoop/yarn's AMRMClient and NMClient behind the bridge's narrow ports.
import type { AMRMClient, ContainerRequest } from '../../client/hadoop/yarn/amrm-client.js';
import { buildContainerLaunchContext } from '../../client/hadoop/yarn/container-launch-context.js';
import type { NMClient } from '../../client/hadoop/yarn/nm-client.js';
import { AttemptOverError } from '../../client/hadoop/yarn/yarn-client-errors.js';
import type { Container, Resource } from '../../client/hadoop/yarn/yarn-records.js';
import type { AllocateAnswer, AllocateRound, ContainerLauncherPort, SchedulerPort } from '../resourcemanager-bridge/scheduler-ports.js';
import type { TaskExecutorLaunchSpec } from '../resourcemanager-bridge/taskexecutor-launch.js';

/** All TaskExecutor containers are asked at one priority; the AM container had priority 0. */
export const TASK_EXECUTOR_PRIORITY = 1;

/**
 * Keeps AMRMClient's ask table at the bridge's absolute count: AMRMClient lowers it itself as
 * containers arrive, so the adapter only adds or withdraws the difference before each allocate.
 */
export class AmRmScheduler implements SchedulerPort<Container> {
  private readonly request: ContainerRequest;

  constructor(
    private readonly client: AMRMClient,
    capability: Resource,
  ) {
    this.request = { capability, priority: TASK_EXECUTOR_PRIORITY };
  }

  async allocate(round: AllocateRound): Promise<AllocateAnswer<Container>> {
    let outstanding = this.client.outstandingRequests().length;
    for (; outstanding < round.ask; outstanding++) this.client.addContainerRequest(this.request);
    for (; outstanding > round.ask; outstanding--) this.client.removeContainerRequest(this.request);
    for (const id of round.release) this.client.releaseAssignedContainer(id);
    let result;
    try {
      result = await this.client.allocate(0);
    } catch (err) {
      // The RM no longer knows this attempt: the same as AM_SHUTDOWN.
      if (err instanceof AttemptOverError) return { allocated: [], completed: [], shutdownRequested: true };
      throw err;
    }
    return {
      // The bridge decides about surplus itself (demand may have changed since the ask).
      allocated: [...result.allocated, ...result.surplus],
      completed: result.completed,
      shutdownRequested: result.amCommand !== undefined,
    };
  }
}

export class NodeManagerLauncher implements ContainerLauncherPort<Container, TaskExecutorLaunchSpec> {
  constructor(private readonly client: NMClient) {}

  async start(container: Container, spec: TaskExecutorLaunchSpec): Promise<void> {
    const context = buildContainerLaunchContext({
      commands: [spec.command],
      environment: spec.environment,
      localResources: spec.localResources,
    });
    await this.client.startContainer(container, context);
  }

  async stop(container: Container): Promise<void> {
    await this.client.stopContainer(container.id, container.nodeId);
  }
}
