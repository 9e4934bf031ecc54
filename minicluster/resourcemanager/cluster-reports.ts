// Cluster-wide answers of ApplicationClientProtocol (getClusterMetrics, getClusterNodes,
// getQueueInfo) with every field a 3.3.6 RM with one CapacityScheduler queue sets (fixtures
// ipc/distributedshell/01-client-rm-8032).
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { resourceProto, type ResourceManagerCore } from './resource-manager-core.js';
import type { WireResource } from './rm-diagnostics.js';
import { addRes, pendingResource } from './scheduler-asks.js';

type Obj = Record<string, unknown>;

const MB = 1024 * 1024;

export function clusterMetrics(rm: ResourceManagerCore): Obj {
  const nodes = rm.allNodes();
  const running = nodes.filter((n) => n.state === 'RUNNING').length;
  return {
    num_node_managers: running,
    num_decommissioned_nms: 0,
    num_active_nms: running,
    num_lost_nms: nodes.filter((n) => n.state === 'LOST').length,
    num_unhealthy_nms: 0,
    num_rebooted_nms: 0,
    num_decommissioning_nms: 0,
    num_shutdown_nms: 0,
  };
}

/** The machine's use, as every NM of the mini cluster runs on it (MB and cores busy). */
function nodeUtilization(): Obj {
  const used = Math.round((totalmem() - freemem()) / MB);
  return { pmem: used, vmem: used, cpu: Math.min(1, loadavg()[0] / cpus().length), customResources: [{ key: 'yarn.io/gpu', value: 0 }] };
}

export function nodeReports(rm: ResourceManagerCore): Obj[] {
  return rm
    .allNodes()
    .filter((n) => n.state === 'RUNNING')
    .map((n) => ({
      nodeId: { host: n.host, port: n.port },
      httpAddress: n.httpAddress,
      rackName: '/default-rack',
      used: resourceProto(n.used),
      capability: resourceProto(n.capability),
      ...(n.containers.length ? { numContainers: n.containers.length } : {}),
      node_state: 'NS_RUNNING',
      health_report: '',
      last_health_report_time: n.lastHeartbeat,
      containers_utilization: { pmem: 0, vmem: 0, cpu: 0 },
      node_utilization: nodeUtilization(),
    }));
}

const sum = (rs: WireResource[]): WireResource => rs.reduce(addRes, { memory: 0, virtual_cores: 0 });

export function queueInfo(rm: ResourceManagerCore, name: string): Obj {
  const cluster = sum(
    rm
      .allNodes()
      .filter((n) => n.state === 'RUNNING')
      .map((n) => n.capability),
  );
  const live = rm.allContainers().filter((c) => c.state !== 'COMPLETE');
  const used = sum(live.map((c) => c.resource));
  const apps = rm.allApps();
  const state = (a: (typeof apps)[number]) => rm.reportedState(a);
  const pending = sum(
    apps
      .filter((a) => !['FINISHED', 'FAILED', 'KILLED'].includes(state(a)))
      .flatMap((a) => {
        const attempt = a.attempts.at(-1);
        return attempt ? [pendingResource(attempt)] : [];
      }),
  );
  const zero = resourceProto({ memory: 0, virtual_cores: 0 });
  return {
    queueName: name,
    capacity: 1,
    maximumCapacity: 1,
    currentCapacity: cluster.memory > 0 ? used.memory / cluster.memory : 0,
    state: 'Q_RUNNING',
    accessibleNodeLabels: ['*'],
    queueStatistics: {
      numAppsSubmitted: apps.length,
      numAppsRunning: apps.filter((a) => state(a) === 'RUNNING').length,
      numAppsPending: apps.filter((a) => ['NEW', 'NEW_SAVING', 'SUBMITTED', 'ACCEPTED'].includes(state(a))).length,
      numAppsCompleted: apps.filter((a) => state(a) === 'FINISHED').length,
      numAppsKilled: apps.filter((a) => state(a) === 'KILLED').length,
      numAppsFailed: apps.filter((a) => state(a) === 'FAILED').length,
      numActiveUsers: new Set(apps.filter((a) => state(a) === 'RUNNING').map((a) => a.user)).size,
      availableMemoryMB: cluster.memory - used.memory,
      allocatedMemoryMB: used.memory,
      pendingMemoryMB: pending.memory,
      reservedMemoryMB: 0,
      availableVCores: cluster.virtual_cores - used.virtual_cores,
      allocatedVCores: used.virtual_cores,
      pendingVCores: pending.virtual_cores,
      reservedVCores: 0,
      allocatedContainers: live.length,
      pendingContainers: 0,
      reservedContainers: 0,
    },
    preemptionDisabled: true,
    queueConfigurationsMap: [
      {
        partitionName: '',
        queueConfigurations: {
          capacity: 1,
          absoluteCapacity: 1,
          maxCapacity: 1,
          absoluteMaxCapacity: 1,
          maxAMPercentage: 0.1,
          effectiveMinCapacity: resourceProto(cluster),
          effectiveMaxCapacity: resourceProto(cluster),
          configuredMinCapacity: zero,
          configuredMaxCapacity: zero,
        },
      },
    ],
    intraQueuePreemptionDisabled: true,
  };
}
