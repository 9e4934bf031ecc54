import { createHmac, randomBytes } from 'node:crypto';
import { CodecError } from '../codec/codec-error.js';
import type { ContainerTokenIdentifierProto, LogAggregationContextProto, ResourceProto } from '../codec/generated/proto-messages.js';
import { decodeMessage, encodeMessage, type ProtoMessageName, type ProtoMessages } from '../codec/protobuf-codec.js';
import {
  applicationAttemptIdFromProto,
  applicationAttemptIdToProto,
  containerIdFromProto,
  containerIdToProto,
  nodeIdFromProto,
  nodeIdToProto,
  type ApplicationAttemptId,
  type ContainerId,
  type NodeId,
} from '../codec/yarn-ids.js';
import type { HadoopToken } from './token.js';

/**
 * The identifiers inside YARN's tokens (protobufs from yarn_security_token.proto), and minting:
 * a token's password is HMAC-SHA1(master key, identifier bytes), as Hadoop's SecretManager makes it.
 * The identifier bytes are the SASL user name (base64), so decode -> encode must give them back exactly.
 */

export const AMRM_TOKEN_KIND = 'YARN_AM_RM_TOKEN';
export const NM_TOKEN_KIND = 'NMToken';
export const CONTAINER_TOKEN_KIND = 'ContainerToken';
export const RM_DELEGATION_TOKEN_KIND = 'RM_DELEGATION_TOKEN';

const AMRM_PROTO = 'hadoop.yarn.AMRMTokenIdentifierProto' as const;
const NM_PROTO = 'hadoop.yarn.NMTokenIdentifierProto';
const CONTAINER_PROTO = 'hadoop.yarn.ContainerTokenIdentifierProto';
const DELEGATION_PROTO = 'hadoop.yarn.YARNDelegationTokenIdentifierProto';

/** proto default of every key id field when absent */
const NO_KEY = -1;

export interface AMRMTokenIdentifier {
  applicationAttemptId: ApplicationAttemptId;
  keyId: number;
}

export interface NMTokenIdentifier {
  applicationAttemptId: ApplicationAttemptId;
  nodeId: NodeId;
  appSubmitter: string;
  keyId: number;
}

/** Optional fields stay absent when the token lacks them, so re-encoding reproduces the bytes. */
export interface ContainerTokenIdentifier {
  containerId: ContainerId;
  nmHostAddr?: string;
  appSubmitter?: string;
  resource?: ResourceProto;
  expiryTimeStamp?: number;
  masterKeyId?: number;
  rmIdentifier?: number;
  priority?: number;
  creationTime?: number;
  logAggregationContext?: LogAggregationContextProto;
  nodeLabelExpression?: string;
  containerType?: 'APPLICATION_MASTER' | 'TASK';
  executionType?: 'GUARANTEED' | 'OPPORTUNISTIC';
  version?: number;
  allocationRequestId?: number;
  allocationTags?: string[];
}

export interface RMDelegationTokenIdentifier {
  owner?: string;
  renewer?: string;
  realUser?: string;
  issueDate?: number;
  maxDate?: number;
  sequenceNumber?: number;
  masterKeyId?: number;
}

/** Decodes and converts, turning any failure into a CodecError that names the identifier type. */
function decodeAs<N extends ProtoMessageName, T>(typeName: N, label: string, bytes: Uint8Array, convert: (p: ProtoMessages[N]) => T): T {
  try {
    return convert(decodeMessage(typeName, bytes));
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new CodecError(`cannot decode ${label} token identifier: ${why}`, { cause: err });
  }
}

function need<T>(value: T | undefined, label: string, field: string): T {
  if (value === undefined) throw new CodecError(`${label} token identifier has no ${field}`);
  return value;
}

// ---- AMRMToken ----

export function decodeAMRMTokenIdentifier(bytes: Uint8Array): AMRMTokenIdentifier {
  return decodeAs(AMRM_PROTO, 'AMRM', bytes, (p) => ({
    applicationAttemptId: applicationAttemptIdFromProto(need(p.appAttemptId, 'AMRM', 'appAttemptId')),
    keyId: p.keyId ?? NO_KEY,
  }));
}

export function encodeAMRMTokenIdentifier(id: AMRMTokenIdentifier): Buffer {
  return Buffer.from(encodeMessage(AMRM_PROTO, { appAttemptId: applicationAttemptIdToProto(id.applicationAttemptId), keyId: id.keyId }));
}

// ---- NMToken ----

export function decodeNMTokenIdentifier(bytes: Uint8Array): NMTokenIdentifier {
  return decodeAs(NM_PROTO, 'NMToken', bytes, (p) => ({
    applicationAttemptId: applicationAttemptIdFromProto(need(p.appAttemptId, 'NMToken', 'appAttemptId')),
    nodeId: nodeIdFromProto(need(p.nodeId, 'NMToken', 'nodeId')),
    appSubmitter: need(p.appSubmitter, 'NMToken', 'appSubmitter'),
    keyId: p.keyId ?? NO_KEY,
  }));
}

export function encodeNMTokenIdentifier(id: NMTokenIdentifier): Buffer {
  return Buffer.from(
    encodeMessage(NM_PROTO, {
      appAttemptId: applicationAttemptIdToProto(id.applicationAttemptId),
      nodeId: nodeIdToProto(id.nodeId),
      appSubmitter: id.appSubmitter,
      keyId: id.keyId,
    }),
  );
}

// ---- ContainerToken ----

/** Drops undefined entries so that absent fields stay absent on the wire. */
function present<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function decodeContainerTokenIdentifier(bytes: Uint8Array): ContainerTokenIdentifier {
  return decodeAs(CONTAINER_PROTO, 'ContainerToken', bytes, (p) => {
    const id: ContainerTokenIdentifier = {
      containerId: containerIdFromProto(need(p.containerId, 'ContainerToken', 'containerId')),
      ...present({
        nmHostAddr: p.nmHostAddr,
        appSubmitter: p.appSubmitter,
        resource: p.resource,
        expiryTimeStamp: p.expiryTimeStamp,
        masterKeyId: p.masterKeyId,
        rmIdentifier: p.rmIdentifier,
        priority: p.priority ? (p.priority.priority ?? 0) : undefined,
        creationTime: p.creationTime,
        logAggregationContext: p.logAggregationContext,
        nodeLabelExpression: p.nodeLabelExpression,
        containerType: p.containerType,
        executionType: p.executionType,
        version: p.version,
        allocationRequestId: p.allocation_request_id,
        allocationTags: p.allocation_tags,
      }),
    };
    return id;
  });
}

export function encodeContainerTokenIdentifier(id: ContainerTokenIdentifier): Buffer {
  // Hadoop's ContainerTokenIdentifier writes only app_attempt_id and id inside the container id.
  const { app_id: _unused, ...containerId } = containerIdToProto(id.containerId);
  const proto: ContainerTokenIdentifierProto = present({
    containerId,
    nmHostAddr: id.nmHostAddr,
    appSubmitter: id.appSubmitter,
    resource: id.resource,
    expiryTimeStamp: id.expiryTimeStamp,
    masterKeyId: id.masterKeyId,
    rmIdentifier: id.rmIdentifier,
    priority: id.priority === undefined ? undefined : { priority: id.priority },
    creationTime: id.creationTime,
    logAggregationContext: id.logAggregationContext,
    nodeLabelExpression: id.nodeLabelExpression,
    containerType: id.containerType,
    executionType: id.executionType,
    version: id.version,
    allocation_request_id: id.allocationRequestId,
    allocation_tags: id.allocationTags,
  });
  return Buffer.from(encodeMessage(CONTAINER_PROTO, proto));
}

// ---- RM delegation token ----

export function decodeRMDelegationTokenIdentifier(bytes: Uint8Array): RMDelegationTokenIdentifier {
  return decodeAs(DELEGATION_PROTO, 'RM delegation', bytes, (p) => p);
}

export function encodeRMDelegationTokenIdentifier(id: RMDelegationTokenIdentifier): Buffer {
  return Buffer.from(encodeMessage(DELEGATION_PROTO, present(id)));
}

// ---- by kind ----

export type DecodedTokenIdentifier =
  | { kind: typeof AMRM_TOKEN_KIND; identifier: AMRMTokenIdentifier }
  | { kind: typeof NM_TOKEN_KIND; identifier: NMTokenIdentifier }
  | { kind: typeof CONTAINER_TOKEN_KIND; identifier: ContainerTokenIdentifier }
  | { kind: typeof RM_DELEGATION_TOKEN_KIND; identifier: RMDelegationTokenIdentifier };

/** Decodes the identifier of a token of a known kind; undefined for other kinds (e.g. HDFS tokens). */
export function decodeTokenIdentifier(token: Pick<HadoopToken, 'kind' | 'identifier'>): DecodedTokenIdentifier | undefined {
  switch (token.kind) {
    case AMRM_TOKEN_KIND:
      return { kind: AMRM_TOKEN_KIND, identifier: decodeAMRMTokenIdentifier(token.identifier) };
    case NM_TOKEN_KIND:
      return { kind: NM_TOKEN_KIND, identifier: decodeNMTokenIdentifier(token.identifier) };
    case CONTAINER_TOKEN_KIND:
      return { kind: CONTAINER_TOKEN_KIND, identifier: decodeContainerTokenIdentifier(token.identifier) };
    case RM_DELEGATION_TOKEN_KIND:
      return { kind: RM_DELEGATION_TOKEN_KIND, identifier: decodeRMDelegationTokenIdentifier(token.identifier) };
    default:
      return undefined;
  }
}

// ---- minting ----

/** Hadoop's secret managers make 64-bit HMAC-SHA1 keys (KeyGenerator initialised with 64). */
export function generateMasterKey(): Buffer {
  return randomBytes(8);
}

/** SecretManager.createPassword: HMAC-SHA1 of the identifier bytes under the master key (20 bytes). */
export function createTokenPassword(identifier: Uint8Array, masterKey: Uint8Array): Buffer {
  return createHmac('sha1', masterKey).update(identifier).digest();
}

/** A complete token for already-encoded identifier bytes. */
export function mintToken(opts: { kind: string; service: string; identifier: Uint8Array; masterKey: Uint8Array }): HadoopToken {
  const identifier = Buffer.from(opts.identifier);
  return { identifier, password: createTokenPassword(identifier, opts.masterKey), kind: opts.kind, service: opts.service };
}
