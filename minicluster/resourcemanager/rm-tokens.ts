// Token issuing for the mini RM: AMRMTokens (one per attempt), NMTokens (per attempt and node) and
// ContainerTokens, minted with the shared identifier codecs and master-key passwords. This file holds
// only the RM's bookkeeping: which key, and which AMRMTokens still authenticate.
import { randomInt } from 'node:crypto';
import {
  AMRM_TOKEN_KIND,
  CONTAINER_TOKEN_KIND,
  NM_TOKEN_KIND,
  encodeAMRMTokenIdentifier,
  encodeContainerTokenIdentifier,
  encodeNMTokenIdentifier,
  generateMasterKey,
  mintToken,
  type ContainerTokenIdentifier,
} from '../../client/wire/security/token-identifiers.js';
import type { ApplicationAttemptId, NodeId } from '../../client/wire/codec/yarn-ids.js';
import { withoutRecord, type RecordsById } from './rm-state.js';

export interface MasterKey {
  keyId: number;
  /** base64 so a snapshot stays plain JSON. */
  key: string;
}

/** A Hadoop token in plain-JSON form (base64 bytes) so it can sit in a snapshot. */
export interface StoredToken {
  identifier: string;
  password: string;
  kind: string;
  service: string;
}

export interface TokenState {
  amrmKey: MasterKey;
  nmKey: MasterKey;
  containerKey: MasterKey;
  /** base64 AMRMToken identifier -> base64 password, for attempts that are still alive. */
  liveAmrmTokens: RecordsById<string>;
}

function newMasterKey(): MasterKey {
  return { keyId: randomInt(-0x7fffffff, 0x7fffffff), key: generateMasterKey().toString('base64') };
}

export function newTokenState(): TokenState {
  return { amrmKey: newMasterKey(), nmKey: newMasterKey(), containerKey: newMasterKey(), liveAmrmTokens: {} };
}

function mint(key: MasterKey, identifier: Buffer, kind: string, service: string): StoredToken {
  const t = mintToken({ kind, service, identifier, masterKey: Buffer.from(key.key, 'base64') });
  return { identifier: t.identifier.toString('base64'), password: t.password.toString('base64'), kind, service };
}

export class RmTokenIssuer {
  constructor(readonly state: TokenState) {}

  /** A fresh AMRMToken for an attempt (empty service, as recorded in container_tokens). */
  issueAmrmToken(applicationAttemptId: ApplicationAttemptId): StoredToken {
    const id = encodeAMRMTokenIdentifier({ applicationAttemptId, keyId: this.state.amrmKey.keyId });
    const t = mint(this.state.amrmKey, id, AMRM_TOKEN_KIND, '');
    this.state.liveAmrmTokens[t.identifier] = t.password;
    return t;
  }

  /** Attempt over: its AMRMToken no longer authenticates. */
  revokeAmrmToken(token: StoredToken | undefined): void {
    if (token) this.state.liveAmrmTokens = withoutRecord(this.state.liveAmrmTokens, token.identifier);
  }

  /** For the IPC server's DIGEST-MD5: base64 identifier -> base64 password, undefined if unknown/revoked. */
  lookupAmrmPassword(base64Identifier: string): string | undefined {
    return this.state.liveAmrmTokens[base64Identifier];
  }

  /** NMToken: node id says `localhost:<port>`, the service names the address `127.0.0.1:<port>`. */
  issueNmToken(applicationAttemptId: ApplicationAttemptId, nodeId: NodeId, appSubmitter: string, service: string): StoredToken {
    const id = encodeNMTokenIdentifier({ applicationAttemptId, nodeId, appSubmitter, keyId: this.state.nmKey.keyId });
    return mint(this.state.nmKey, id, NM_TOKEN_KIND, service);
  }

  issueContainerToken(fields: Omit<ContainerTokenIdentifier, 'masterKeyId'>, service: string): StoredToken {
    const id = encodeContainerTokenIdentifier({ ...fields, masterKeyId: this.state.containerKey.keyId });
    return mint(this.state.containerKey, id, CONTAINER_TOKEN_KIND, service);
  }

  /** Master keys the NodeManagers need to check NMTokens and ContainerTokens. */
  nodeManagerKeys(): { nmKey: MasterKey; containerKey: MasterKey } {
    return { nmKey: this.state.nmKey, containerKey: this.state.containerKey };
  }
}

/** TokenProto object shape (bytes as Buffers) from the stored form. */
export function tokenProto(t: StoredToken): { identifier: Buffer; password: Buffer; kind: string; service: string } {
  return { identifier: Buffer.from(t.identifier, 'base64'), password: Buffer.from(t.password, 'base64'), kind: t.kind, service: t.service };
}
