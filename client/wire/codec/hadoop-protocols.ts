/**
 * Hadoop RPC protocols as data: for each method, the fully qualified protobuf types of its
 * request and response. The IPC engine (client and minicluster server) looks calls up here, so
 * adding a method is a one-line change and no per-method code exists.
 *
 * Method names are Hadoop 3.3's (they travel as `methodName` in RequestHeaderProto), protocol
 * names are the `*PB` interface names sent as `declaringClassProtocolName`.
 */
import type { ProtoMessageName, ProtoMessages } from './generated/proto-messages.js';

/** A request/response type name meaning "opaque protobuf bytes": the body is passed through as bytes. */
export const OPAQUE_BYTES = '*bytes';

/** What a call body is: a protobuf message by its fully qualified name, or opaque bytes. */
export type BodyName = ProtoMessageName | typeof OPAQUE_BYTES;
/** The value of a body of that name: the generated message interface, or the bytes. */
export type Body<N extends BodyName> = N extends ProtoMessageName ? ProtoMessages[N] : Uint8Array;

export interface ProtocolMethod<Req extends BodyName = BodyName, Res extends BodyName = BodyName> {
  readonly request: Req;
  readonly response: Res;
  /** Safe to resend after a connection failure mid-call (reads, or writes Hadoop marks @Idempotent). */
  readonly idempotent?: boolean;
}

/**
 * What the IPC engine needs to know about a Hadoop protocol: its PB interface name (sent as
 * declaringClassProtocolName and in the connection context) and, per method, the request and
 * response types. Structural, so any object of this shape works (tests declare their own).
 */
export interface ProtocolDescriptor {
  readonly name: string;
  readonly methods: Readonly<Record<string, ProtocolMethod>>;
}

export type MethodName<P extends ProtocolDescriptor> = Extract<keyof P['methods'], string>;
export type RequestOf<P extends ProtocolDescriptor, M extends MethodName<P>> = Body<P['methods'][M]['request']>;
export type ResponseOf<P extends ProtocolDescriptor, M extends MethodName<P>> = Body<P['methods'][M]['response']>;

/** The stems S for which `hadoop.yarn.<S>RequestProto` (`<S>ResponseProto`) exists. */
type YarnRequestStem = ProtoMessageName extends infer N ? (N extends `hadoop.yarn.${infer S}RequestProto` ? S : never) : never;
type YarnResponseStem = ProtoMessageName extends infer N ? (N extends `hadoop.yarn.${infer S}ResponseProto` ? S : never) : never;
type CommonStem = ProtoMessageName extends infer N ? (N extends `hadoop.common.${infer S}RequestProto` ? S : never) : never;

type Named<T extends string> = Extract<ProtoMessageName, T>;

/** `yarn('GetNewApplication')` -> the hadoop.yarn `*RequestProto` / `*ResponseProto` pair. */
function yarn<S extends YarnRequestStem & YarnResponseStem>(
  stem: S,
): ProtocolMethod<Named<`hadoop.yarn.${S}RequestProto`>, Named<`hadoop.yarn.${S}ResponseProto`>>;
function yarn<S extends YarnRequestStem, R extends YarnResponseStem>(
  stem: S,
  responseStem: R,
): ProtocolMethod<Named<`hadoop.yarn.${S}RequestProto`>, Named<`hadoop.yarn.${R}ResponseProto`>>;
function yarn(stem: string, responseStem: string = stem): ProtocolMethod {
  // The stems are constrained to names that exist, so these strings are message names.
  return {
    request: `hadoop.yarn.${stem}RequestProto` as ProtoMessageName,
    response: `hadoop.yarn.${responseStem}ResponseProto` as ProtoMessageName,
  };
}

function common<S extends CommonStem>(
  stem: S,
): ProtocolMethod<Named<`hadoop.common.${S}RequestProto`>, Named<`hadoop.common.${S}ResponseProto`>> {
  return {
    request: `hadoop.common.${stem}RequestProto` as Named<`hadoop.common.${S}RequestProto`>,
    response: `hadoop.common.${stem}ResponseProto` as Named<`hadoop.common.${S}ResponseProto`>,
  };
}

/** Methods whose request is a bare ContainerIdProto (container upgrade / restart on the NM). */
function byContainerId<R extends YarnResponseStem>(
  responseStem: R,
): ProtocolMethod<'hadoop.yarn.ContainerIdProto', Named<`hadoop.yarn.${R}ResponseProto`>> {
  return {
    request: 'hadoop.yarn.ContainerIdProto',
    response: `hadoop.yarn.${responseStem}ResponseProto` as Named<`hadoop.yarn.${R}ResponseProto`>,
  };
}

export const APPLICATION_CLIENT_PROTOCOL = {
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
} satisfies ProtocolDescriptor;

export const APPLICATION_MASTER_PROTOCOL = {
  name: 'org.apache.hadoop.yarn.api.ApplicationMasterProtocolPB',
  methods: {
    registerApplicationMaster: yarn('RegisterApplicationMaster'),
    allocate: yarn('Allocate'),
    finishApplicationMaster: yarn('FinishApplicationMaster'),
  },
} satisfies ProtocolDescriptor;

export const CONTAINER_MANAGEMENT_PROTOCOL = {
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
} satisfies ProtocolDescriptor;

export const YARN_PROTOCOLS: readonly ProtocolDescriptor[] = [
  APPLICATION_CLIENT_PROTOCOL,
  APPLICATION_MASTER_PROTOCOL,
  CONTAINER_MANAGEMENT_PROTOCOL,
];

/** The descriptor with this `declaringClassProtocolName`, or undefined. */
export function protocolByName(name: string): ProtocolDescriptor | undefined {
  return YARN_PROTOCOLS.find((p) => p.name === name);
}
