// The RM REST API bodies (/ws/v1/cluster/...) in the key order and types recorded from Hadoop 3.3.6
// (fixtures rm-rest/, failed-app/rest/, am-restart/rest/).
import type { ResourceManagerCore } from '../resource-manager-core.js';
import { logAggregationStatusRestName } from '../app-log-aggregation-status.js';
import type { WireResource } from '../rm-diagnostics.js';
import type { AppRecord, AttemptRecord, NodeRecord } from '../rm-state.js';
import { JavaFloat, RawNumber, RepeatedKey } from './java-json.js';

const LONG_MAX = new RawNumber('9223372036854775807');

export const RM_VERSION_INFO = {
  resourceManagerVersion: '3.3.6',
  resourceManagerBuildVersion:
    '3.3.6 from 1be78238728da9266a4f88195058f08fd012bf9c by ubuntu source checksum d42eb795a5eadb0febf5e44a7f87a9',
  resourceManagerVersionBuiltOn: '2023-06-18T08:31Z',
  hadoopVersion: '3.3.6',
  hadoopBuildVersion: '3.3.6 from 1be78238728da9266a4f88195058f08fd012bf9c by ubuntu source checksum 5652179ad55f76cb287d9c633bb53bbd',
  hadoopVersionBuiltOn: '2023-06-18T08:22Z',
};

export function resourceInfo(r: WireResource): object {
  return {
    memory: r.memory,
    vCores: r.virtual_cores,
    resourceInformations: {
      resourceInformation: [
        {
          attributes: {},
          maximumAllocation: LONG_MAX,
          minimumAllocation: 0,
          name: 'memory-mb',
          resourceType: 'COUNTABLE',
          units: 'Mi',
          value: r.memory,
        },
        {
          attributes: {},
          maximumAllocation: LONG_MAX,
          minimumAllocation: 0,
          name: 'vcores',
          resourceType: 'COUNTABLE',
          units: '',
          value: r.virtual_cores,
        },
      ],
    },
  };
}

export function clusterInfoJson(rm: ResourceManagerCore): object {
  return {
    clusterInfo: {
      id: rm.clusterTimestamp,
      startedOn: rm.clusterTimestamp,
      state: 'STARTED',
      haState: 'ACTIVE',
      rmStateStoreName: 'org.apache.hadoop.yarn.server.resourcemanager.recovery.NullRMStateStore',
      ...RM_VERSION_INFO,
      haZooKeeperConnectionState: 'Could not find leader elector. Verify both HA and automatic failover are enabled.',
    },
  };
}

const sum = (rs: WireResource[]): WireResource =>
  rs.reduce((a, r) => ({ memory: a.memory + r.memory, virtual_cores: a.virtual_cores + r.virtual_cores }), { memory: 0, virtual_cores: 0 });

function liveContainers(rm: ResourceManagerCore, nodeFilter?: (n: NodeRecord) => boolean) {
  return rm
    .allNodes()
    .filter((n) => n.state === 'RUNNING' && (!nodeFilter || nodeFilter(n)))
    .flatMap((n) => n.containers.flatMap((id) => rm.containerRecord(id) ?? []));
}

export function clusterMetricsJson(rm: ResourceManagerCore): object {
  const apps = rm.allApps();
  const states = apps.map((a) => rm.reportedState(a));
  const nodes = rm.allNodes();
  const running = nodes.filter((n) => n.state === 'RUNNING');
  const total = sum(running.map((n) => n.capability));
  const used = sum(running.map((n) => n.used));
  const containers = liveContainers(rm).length;
  const pct = (a: number, b: number) => (b > 0 ? Math.floor((a / b) * 100) : 0);
  return {
    clusterMetrics: {
      appsSubmitted: apps.length,
      appsCompleted: states.filter((s) => ['FINISHED', 'FAILED', 'KILLED'].includes(s)).length,
      appsPending: states.filter((s) => s === 'ACCEPTED').length,
      appsRunning: states.filter((s) => s === 'RUNNING').length,
      appsFailed: states.filter((s) => s === 'FAILED').length,
      appsKilled: states.filter((s) => s === 'KILLED').length,
      reservedMB: 0,
      availableMB: total.memory - used.memory,
      allocatedMB: used.memory,
      pendingMB: 0,
      reservedVirtualCores: 0,
      availableVirtualCores: total.virtual_cores - used.virtual_cores,
      allocatedVirtualCores: used.virtual_cores,
      pendingVirtualCores: 0,
      containersAllocated: containers,
      containersReserved: 0,
      containersPending: 0,
      totalMB: total.memory,
      totalVirtualCores: total.virtual_cores,
      utilizedMBPercent: pct(used.memory, total.memory),
      utilizedVirtualCoresPercent: 0,
      rmSchedulerBusyPercent: 0,
      totalNodes: running.length,
      lostNodes: nodes.filter((n) => n.state === 'LOST').length,
      unhealthyNodes: 0,
      decommissioningNodes: 0,
      decommissionedNodes: 0,
      rebootedNodes: 0,
      activeNodes: running.length,
      shutdownNodes: 0,
      totalUsedResourcesAcrossPartition: resourceInfo(used),
      totalClusterResourcesAcrossPartition: resourceInfo(total),
      totalReservedResourcesAcrossPartition: resourceInfo({ memory: 0, virtual_cores: 0 }),
      totalAllocatedContainersAcrossPartition: containers,
      crossPartitionMetricsAvailable: true,
    },
  };
}

export function clusterNodesJson(rm: ResourceManagerCore): object {
  return {
    nodes: {
      node: rm.allNodes().map((n) => {
        const free = { memory: n.capability.memory - n.used.memory, virtual_cores: n.capability.virtual_cores - n.used.virtual_cores };
        return {
          rack: '/default-rack',
          state: n.state,
          id: n.nodeId,
          nodeHostName: n.host,
          nodeHTTPAddress: n.httpAddress,
          lastHealthUpdate: n.lastHeartbeat,
          version: '3.3.6',
          healthReport: '',
          numContainers: n.containers.length,
          usedMemoryMB: n.used.memory,
          availMemoryMB: free.memory,
          usedVirtualCores: n.used.virtual_cores,
          availableVirtualCores: free.virtual_cores,
          memUtilization: new JavaFloat(0),
          cpuUtilization: new JavaFloat(0),
          numRunningOpportContainers: 0,
          usedMemoryOpportGB: 0,
          usedVirtualCoresOpport: 0,
          numQueuedContainers: 0,
          allocationTags: {},
          resourceUtilization: {
            nodePhysicalMemoryMB: 0,
            nodeVirtualMemoryMB: 0,
            nodeCPUUsage: new JavaFloat(0),
            aggregatedContainersPhysicalMemoryMB: 0,
            aggregatedContainersVirtualMemoryMB: 0,
            containersCPUUsage: new JavaFloat(0),
          },
          usedResource: resourceInfo(n.used),
          availableResource: resourceInfo(free),
          nodeAttributesInfo: {},
          totalResource: resourceInfo(n.capability),
        };
      }),
    },
  };
}

function amContainerOf(rm: ResourceManagerCore, attempt: AttemptRecord | undefined) {
  return attempt?.amContainerId ? rm.containerRecord(attempt.amContainerId) : undefined;
}

export function appJson(rm: ResourceManagerCore, app: AppRecord): object {
  const state = rm.reportedState(app);
  const finished = ['FINISHED', 'FAILED', 'KILLED'].includes(state);
  const attempt = app.attempts.at(-1);
  const am = amContainerOf(rm, attempt);
  const amNode = am ? rm.allNodes().find((n) => n.nodeId === am.nodeId) : undefined;
  const live = rm.allApps().length ? liveContainers(rm).filter((c) => c.appId === app.id) : [];
  const used = sum(live.map((c) => c.resource));
  const cluster = sum(
    rm
      .allNodes()
      .filter((n) => n.state === 'RUNNING')
      .map((n) => n.capability),
  );
  const usage = cluster.memory > 0 && !finished ? (used.memory / cluster.memory) * 100 : 0;
  const now = rm.config.now();
  const endOr = (v: number) => (finished ? -1 : v);
  const ran = app.attempts.some((a) => a.amContainerId);
  return {
    id: app.id,
    user: app.user,
    name: app.name,
    queue: app.queue,
    state,
    finalStatus: app.finalStatus.replace(/^APP_/, ''),
    progress: new JavaFloat(state === 'FINISHED' || state === 'KILLED' ? 100 : 0),
    trackingUI: !attempt ? 'UNASSIGNED' : finished ? 'History' : 'ApplicationMaster',
    trackingUrl: app.trackingUrl || undefined,
    diagnostics: app.diagnostics,
    clusterId: rm.clusterTimestamp,
    applicationType: app.applicationType,
    applicationTags: app.applicationTags.join(','),
    priority: app.priority,
    startedTime: app.startTime,
    launchTime: app.launchTime,
    finishedTime: app.finishTime,
    elapsedTime: (app.finishTime || now) - app.startTime,
    amContainerLogs: am && amNode ? `http://${amNode.httpAddress}/node/containerlogs/${am.id}/${app.user}` : undefined,
    amHostHttpAddress: amNode?.httpAddress,
    masterNodeId: am?.nodeId ?? '',
    allocatedMB: endOr(used.memory),
    allocatedVCores: endOr(used.virtual_cores),
    reservedMB: endOr(0),
    reservedVCores: endOr(0),
    runningContainers: endOr(live.length),
    memorySeconds: app.memorySeconds,
    vcoreSeconds: app.vcoreSeconds,
    queueUsagePercentage: new JavaFloat(usage),
    clusterUsagePercentage: new JavaFloat(usage),
    resourceSecondsMap: ran
      ? new RepeatedKey('entry', [
          { key: 'memory-mb', value: String(app.memorySeconds) },
          { key: 'vcores', value: String(app.vcoreSeconds) },
        ])
      : {},
    preemptedResourceMB: 0,
    preemptedResourceVCores: 0,
    numNonAMContainerPreempted: 0,
    numAMContainerPreempted: 0,
    preemptedMemorySeconds: 0,
    preemptedVcoreSeconds: 0,
    preemptedResourceSecondsMap: {},
    logAggregationStatus: logAggregationStatusRestName(rm.logAggregationStatus(app)),
    unmanagedApplication: app.unmanagedAm,
    amNodeLabelExpression: attempt ? '' : undefined,
    resourceInfo: finished || !attempt ? undefined : appResourceInfo(used, am?.resource),
    timeouts: { timeout: [{ type: 'LIFETIME', expiryTime: 'UNLIMITED', remainingTimeInSeconds: -1 }] },
  };
}

function appResourceInfo(used: WireResource, amUsed: WireResource | undefined): object {
  const zero = { memory: 0, virtual_cores: 0 };
  return {
    resourceUsagesByPartition: [
      {
        partitionName: '',
        used: resourceInfo(used),
        reserved: resourceInfo(zero),
        pending: resourceInfo(zero),
        amUsed: resourceInfo(amUsed ?? zero),
        amLimit: resourceInfo(zero),
        userAmLimit: resourceInfo(zero),
      },
    ],
  };
}

export function appAttemptsJson(rm: ResourceManagerCore, app: AppRecord): object {
  return {
    appAttempts: {
      appAttempt: app.attempts.map((a) => {
        const am = amContainerOf(rm, a);
        const node = am ? rm.allNodes().find((n) => n.nodeId === am.nodeId) : undefined;
        return {
          id: a.number,
          startTime: a.startTime,
          finishedTime: a.finishTime,
          containerId: am?.id ?? '',
          nodeHttpAddress: node?.httpAddress ?? '',
          nodeId: am?.nodeId ?? '',
          logsLink: am && node ? `http://${node.httpAddress}/node/containerlogs/${am.id}/${app.user}` : '',
          blacklistedNodes: '',
          nodesBlacklistedBySystem: '',
          appAttemptId: a.id,
          exportPorts: 'null',
        };
      }),
    },
  };
}

/** /apps/{id}/appattempts/{attempt}/containers: the attempt's live containers, numbers as strings; `{}` once none. */
export function appAttemptContainersJson(rm: ResourceManagerCore, app: AppRecord, attemptId: string): object {
  const now = rm.config.now();
  const live = rm.allContainers().filter((c) => c.attemptId === attemptId && c.state !== 'COMPLETE');
  if (!live.length) return {};
  // Hadoop lists them in its map's order: the task containers, then the AM container.
  live.sort((a, b) => Number(a.isAm) - Number(b.isAm) || a.id.localeCompare(b.id));
  return {
    container: live.map((c) => {
      const node = rm.allNodes().find((n) => n.nodeId === c.nodeId);
      const http = node ? `http://${node.httpAddress}` : '';
      return {
        containerId: c.id,
        allocatedMB: String(c.resource.memory),
        allocatedVCores: String(c.resource.virtual_cores),
        assignedNodeId: c.nodeId,
        priority: String(c.priority),
        startedTime: String(c.allocatedAt),
        finishedTime: '0',
        elapsedTime: String(now - c.allocatedAt),
        logUrl: `${http}/node/containerlogs/${c.id}/${app.user}`,
        containerExitStatus: '0',
        containerState: 'RUNNING',
        nodeHttpAddress: http,
        nodeId: c.nodeId,
        allocatedResources: {
          entry: [
            { key: 'memory-mb', value: String(c.resource.memory) },
            { key: 'vcores', value: String(c.resource.virtual_cores) },
          ],
        },
        exposedPorts: '',
      };
    }),
  };
}

export function remoteExceptionJson(exception: 'NotFoundException' | 'BadRequestException', message: string): object {
  return { RemoteException: { exception, message, javaClassName: `org.apache.hadoop.yarn.webapp.${exception}` } };
}
