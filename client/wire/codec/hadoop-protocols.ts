/**
 * Hadoop RPC protocols as data: for each method, the fully qualified protobuf types of its
 * request and response. The IPC engine (client and minicluster server) looks calls up here, so
 * adding a method is a one-line change and no per-method code exists.
 *
 * Method names are Hadoop 3.3's (they travel as `methodName` in RequestHeaderProto), protocol
 * names are the `*PB` interface names sent as `declaringClassProtocolName`.
 */
export interface ProtocolMethod {
  request: string;
  response: string;
}

export interface ProtocolDescriptor {
  name: string;
  methods: Record<string, ProtocolMethod>;
}

const Y = 'hadoop.yarn.';
const COMMON = 'hadoop.common.';

/** `yarn('GetNewApplication')` -> the hadoop.yarn `*RequestProto` / `*ResponseProto` pair. */
function yarn(stem: string, responseStem: string = stem): ProtocolMethod {
  return { request: `${Y}${stem}RequestProto`, response: `${Y}${responseStem}ResponseProto` };
}

function common(stem: string): ProtocolMethod {
  return { request: `${COMMON}${stem}RequestProto`, response: `${COMMON}${stem}ResponseProto` };
}

/** Methods whose request is a bare ContainerIdProto (container upgrade / restart on the NM). */
function byContainerId(responseStem: string): ProtocolMethod {
  return { request: `${Y}ContainerIdProto`, response: `${Y}${responseStem}ResponseProto` };
}

export const APPLICATION_CLIENT_PROTOCOL: ProtocolDescriptor = {
  name: 'org.apache.hadoop.yarn.api.ApplicationClientProtocolPB',
  methods: {
    getNewApplication: yarn('GetNewApplication'),
    getApplicationReport: yarn('GetApplicationReport'),
    submitApplication: yarn('SubmitApplication'),
    failApplicationAttempt: yarn('FailApplicationAttempt'),
    forceKillApplication: yarn('KillApplication'),
    getClusterMetrics: yarn('GetClusterMetrics'),
    getApplications: yarn('GetApplications'),
    getClusterNodes: yarn('GetClusterNodes'),
    getQueueInfo: yarn('GetQueueInfo'),
    getQueueUserAcls: yarn('GetQueueUserAclsInfo'),
    getDelegationToken: common('GetDelegationToken'),
    renewDelegationToken: common('RenewDelegationToken'),
    cancelDelegationToken: common('CancelDelegationToken'),
    moveApplicationAcrossQueues: yarn('MoveApplicationAcrossQueues'),
    getApplicationAttemptReport: yarn('GetApplicationAttemptReport'),
    getApplicationAttempts: yarn('GetApplicationAttempts'),
    getContainerReport: yarn('GetContainerReport'),
    getContainers: yarn('GetContainers'),
    getNewReservation: yarn('GetNewReservation'),
    submitReservation: yarn('ReservationSubmission'),
    updateReservation: yarn('ReservationUpdate'),
    deleteReservation: yarn('ReservationDelete'),
    listReservations: yarn('ReservationList'),
    getNodeToLabels: yarn('GetNodesToLabels'),
    getLabelsToNodes: yarn('GetLabelsToNodes'),
    getClusterNodeLabels: yarn('GetClusterNodeLabels'),
    updateApplicationPriority: yarn('UpdateApplicationPriority'),
    signalToContainer: yarn('SignalContainer'),
    updateApplicationTimeouts: yarn('UpdateApplicationTimeouts'),
    getResourceProfiles: yarn('GetAllResourceProfiles'),
    getResourceProfile: yarn('GetResourceProfile'),
    getResourceTypeInfo: yarn('GetAllResourceTypeInfo'),
    getClusterNodeAttributes: yarn('GetClusterNodeAttributes'),
    getAttributesToNodes: yarn('GetAttributesToNodes'),
    getNodesToAttributes: yarn('GetNodesToAttributes'),
  },
};

export const APPLICATION_MASTER_PROTOCOL: ProtocolDescriptor = {
  name: 'org.apache.hadoop.yarn.api.ApplicationMasterProtocolPB',
  methods: {
    registerApplicationMaster: yarn('RegisterApplicationMaster'),
    allocate: yarn('Allocate'),
    finishApplicationMaster: yarn('FinishApplicationMaster'),
  },
};

export const CONTAINER_MANAGEMENT_PROTOCOL: ProtocolDescriptor = {
  name: 'org.apache.hadoop.yarn.api.ContainerManagementProtocolPB',
  methods: {
    startContainers: yarn('StartContainers'),
    stopContainers: yarn('StopContainers'),
    getContainerStatuses: yarn('GetContainerStatuses'),
    increaseContainersResource: yarn('IncreaseContainersResource'),
    updateContainer: yarn('ContainerUpdate'),
    signalToContainer: yarn('SignalContainer'),
    localize: yarn('ResourceLocalization'),
    reInitializeContainer: yarn('ReInitializeContainer'),
    restartContainer: byContainerId('RestartContainer'),
    rollbackLastReInitialization: byContainerId('Rollback'),
    commitLastReInitialization: byContainerId('Commit'),
  },
};

export const YARN_PROTOCOLS: readonly ProtocolDescriptor[] = [
  APPLICATION_CLIENT_PROTOCOL,
  APPLICATION_MASTER_PROTOCOL,
  CONTAINER_MANAGEMENT_PROTOCOL,
];

/** The descriptor with this `declaringClassProtocolName`, or undefined. */
export function protocolByName(name: string): ProtocolDescriptor | undefined {
  return YARN_PROTOCOLS.find((p) => p.name === name);
}
