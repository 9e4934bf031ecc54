/**
 * A simulated cluster in the spirit of Hadoop's Scheduler Load Simulator: N SimulatedNodes
 * registered with a mini cluster's ResourceManager next to its real NodeManagers, so a real AM
 * process (started on a real node) gets its TaskExecutor containers on simulated ones and drives
 * thousands of stand-in TaskExecutors over the real protocols. Like SLS's SchedulerWrapper, it
 * records what the scheduler sees: each allocate call of the AM (simulation-recorder.ts).
 */
import type { ChildProcess } from 'node:child_process';
import type { ResourceManager } from '../resourcemanager/resource-manager.js';
import type { LocalizationSource } from '../nodemanager/localizer.js';
import { SimulatedNode } from './simulated-node.js';
import { SimulationRecorder } from './simulation-recorder.js';

export interface SimulatedClusterOptions {
  resourceManager: ResourceManager;
  /** The mini cluster's HDFS namespace as a localization source (namespaceLocalizationSource). */
  source: LocalizationSource;
  nodes: number;
  /** Per node (default 1 TiB and 1,000 vcores: room for hundreds of containers each). */
  nodeMemoryMb?: number;
  nodeVcores?: number;
  /** Node heartbeat interval (default 100 ms): the mini RM grants one container per application and node heartbeat. */
  heartbeatMs?: number;
  /** How long a stand-in TaskExecutor takes per task (default 10 ms). */
  taskMs?: number;
  launchReal?: (containerId: string, env: Record<string, string>, secret: string) => ChildProcess | undefined;
}

export interface SimulatedCluster {
  nodes: SimulatedNode[];
  recorder: SimulationRecorder;
  /** Containers running on the simulated nodes now. */
  liveContainers(): number;
  stop(): Promise<void>;
}

export async function startSimulatedCluster(opts: SimulatedClusterOptions): Promise<SimulatedCluster> {
  if (!Number.isInteger(opts.nodes) || opts.nodes < 1)
    throw new Error(`a simulated cluster needs at least one node; nodes=${String(opts.nodes)}`);
  const recorder = new SimulationRecorder();
  const rm = opts.resourceManager;
  const core = rm.core;
  // SchedulerWrapper: every allocate the AM makes, timed as the RM receives it.
  const allocate = core.allocate.bind(core);
  core.allocate = (attemptId, req) => {
    const at = Date.now();
    const answer = allocate(attemptId, req);
    const asked = (req.ask ?? []).filter((a) => a.resource_name === '*').reduce((n, a) => n + (a.num_containers ?? 0), 0);
    recorder.allocateCall({ at, asked, granted: answer.allocated_containers?.length ?? 0 });
    return answer;
  };
  const nodes: SimulatedNode[] = [];
  const stop = async (): Promise<void> => {
    core.allocate = allocate;
    await Promise.all(nodes.map((n) => n.stop()));
  };
  try {
    for (let i = 0; i < opts.nodes; i++)
      nodes.push(
        await SimulatedNode.start({
          tracker: () => rm.core,
          source: opts.source,
          memoryMb: opts.nodeMemoryMb ?? 1024 * 1024,
          vcores: opts.nodeVcores ?? 1000,
          heartbeatMs: opts.heartbeatMs ?? 100,
          taskMs: opts.taskMs ?? 10,
          recorder,
          ...(opts.launchReal ? { launchReal: opts.launchReal } : {}),
        }),
      );
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes, recorder, liveContainers: () => nodes.reduce((n, node) => n + node.liveContainers, 0), stop };
}
