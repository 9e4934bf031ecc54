import type { ApplicationAttemptIdProto, ApplicationIdProto, ContainerIdProto, NodeIdProto } from './generated/proto-messages.js';

// YARN identifiers in Hadoop's text format and in the proto object shapes of yarn_protos.proto.
// Text rules follow ApplicationId / ApplicationAttemptId / ContainerId.toString in Hadoop 3.3.6:
// minimum digit counts pad with zeros, larger numbers simply get more digits.

import { LoomError } from '../../errors/loom-error.js';
export interface ApplicationId {
  clusterTimestamp: number;
  id: number;
}

export interface ApplicationAttemptId {
  applicationId: ApplicationId;
  attemptId: number;
}

export interface ContainerId {
  applicationAttemptId: ApplicationAttemptId;
  /** RM epoch (0 until the RM restarts with recovery); printed as `e<epoch>` only when > 0. */
  epoch: number;
  /** Sequence number of the container within the attempt's application (low 40 bits of the proto id). */
  sequence: number;
}

export interface NodeId {
  host: string;
  port: number;
}

/** Proto shapes (field names exactly as in yarn_protos.proto), generated from proto/. */
export type { ApplicationAttemptIdProto, ApplicationIdProto, ContainerIdProto, NodeIdProto } from './generated/proto-messages.js';

export class YarnIdError extends LoomError {
  static override readonly code: string = 'YARN_ID_INVALID';
  override name = 'YarnIdError';
}

const EPOCH_SHIFT = 2 ** 40; // the epoch lives in bits 40+ of ContainerIdProto.id
const MAX_EPOCH = Math.floor(Number.MAX_SAFE_INTEGER / EPOCH_SHIFT);

function pad(n: number, digits: number): string {
  return String(n).padStart(digits, '0');
}

function digitsOnly(s: string | undefined): boolean {
  return s !== undefined && /^[0-9]+$/.test(s);
}

function checkNonNegativeInt(what: string, n: number, max = 0x7fffffff): void {
  if (!Number.isSafeInteger(n) || n < 0 || n > max) {
    throw new YarnIdError(`${what} must be an integer between 0 and ${max}, got ${n}`);
  }
}

export function formatApplicationId(app: ApplicationId): string {
  checkNonNegativeInt('application sequence', app.id);
  checkNonNegativeInt('cluster timestamp', app.clusterTimestamp, Number.MAX_SAFE_INTEGER);
  return `application_${app.clusterTimestamp}_${pad(app.id, 4)}`;
}

export function formatApplicationAttemptId(attempt: ApplicationAttemptId): string {
  checkNonNegativeInt('attempt id', attempt.attemptId);
  const app = formatApplicationId(attempt.applicationId).slice('application_'.length);
  return `appattempt_${app}_${pad(attempt.attemptId, 6)}`;
}

export function formatContainerId(c: ContainerId): string {
  checkNonNegativeInt('container sequence', c.sequence, EPOCH_SHIFT - 1);
  checkNonNegativeInt('container epoch', c.epoch, MAX_EPOCH);
  const app = formatApplicationId(c.applicationAttemptId.applicationId).slice('application_'.length);
  checkNonNegativeInt('attempt id', c.applicationAttemptId.attemptId);
  const epoch = c.epoch > 0 ? `e${pad(c.epoch, 2)}_` : '';
  return `container_${epoch}${app}_${pad(c.applicationAttemptId.attemptId, 2)}_${pad(c.sequence, 6)}`;
}

export function formatNodeId(n: NodeId): string {
  return `${n.host}:${n.port}`;
}

function parseNumber(part: string, whole: string, expected: string, kind: string): number {
  const n = Number(part);
  if (!digitsOnly(part) || !Number.isSafeInteger(n)) {
    throw new YarnIdError(`not a YARN ${kind}: '${whole}' (expected ${expected}; '${part}' is not a number)`);
  }
  return n;
}

const APP_EXPECTED = 'application_<clusterTimestamp>_<sequence>';
const ATTEMPT_EXPECTED = 'appattempt_<clusterTimestamp>_<sequence>_<attempt>';
const CONTAINER_EXPECTED = 'container_[e<epoch>_]<clusterTimestamp>_<sequence>_<attempt>_<container>';

export function parseApplicationId(text: string): ApplicationId {
  const parts = text.split('_');
  if (parts.length !== 3 || parts[0] !== 'application') {
    throw new YarnIdError(`not a YARN application id: '${text}' (expected ${APP_EXPECTED})`);
  }
  const kind = 'application id';
  const clusterTimestamp = parseNumber(parts[1], text, APP_EXPECTED, kind);
  const id = parseNumber(parts[2], text, APP_EXPECTED, kind);
  if (id > 0x7fffffff) throw new YarnIdError(`not a YARN application id: '${text}' (sequence exceeds int32)`);
  return { clusterTimestamp, id };
}

export function parseApplicationAttemptId(text: string): ApplicationAttemptId {
  const parts = text.split('_');
  if (parts.length !== 4 || parts[0] !== 'appattempt') {
    throw new YarnIdError(`not a YARN application attempt id: '${text}' (expected ${ATTEMPT_EXPECTED})`);
  }
  const kind = 'application attempt id';
  const clusterTimestamp = parseNumber(parts[1], text, ATTEMPT_EXPECTED, kind);
  const id = parseNumber(parts[2], text, ATTEMPT_EXPECTED, kind);
  const attemptId = parseNumber(parts[3], text, ATTEMPT_EXPECTED, kind);
  if (id > 0x7fffffff || attemptId > 0x7fffffff) {
    throw new YarnIdError(`not a YARN application attempt id: '${text}' (number exceeds int32)`);
  }
  return { applicationId: { clusterTimestamp, id }, attemptId };
}

export function parseContainerId(text: string): ContainerId {
  const parts = text.split('_');
  const bad = (why: string) => new YarnIdError(`not a YARN container id: '${text}' (expected ${CONTAINER_EXPECTED}${why})`);
  if (parts[0] !== 'container') throw bad('');
  let epoch = 0;
  let rest = parts.slice(1);
  if (rest[0]?.startsWith('e')) {
    const e = rest[0].slice(1);
    if (!digitsOnly(e)) throw bad(`; '${rest[0]}' is not an epoch`);
    epoch = Number(e);
    if (epoch > MAX_EPOCH) throw bad('; epoch too large');
    rest = rest.slice(1);
  }
  if (rest.length !== 4) throw bad('');
  const kind = 'container id';
  const [ts, app, attempt, seq] = rest.map((p) => parseNumber(p, text, CONTAINER_EXPECTED, kind)) as [number, number, number, number];
  if (seq >= EPOCH_SHIFT) throw bad('; container sequence exceeds 40 bits');
  if (app > 0x7fffffff || attempt > 0x7fffffff) throw bad('; number exceeds int32');
  return { applicationAttemptId: { applicationId: { clusterTimestamp: ts, id: app }, attemptId: attempt }, epoch, sequence: seq };
}

export function parseNodeId(text: string): NodeId {
  const i = text.lastIndexOf(':');
  const host = i > 0 ? text.slice(0, i) : '';
  const port = i > 0 ? text.slice(i + 1) : '';
  if (!host || !digitsOnly(port) || Number(port) > 65535) {
    throw new YarnIdError(`not a YARN node id: '${text}' (expected <host>:<port>)`);
  }
  return { host, port: Number(port) };
}

// ---- proto object shapes ----

export function applicationIdToProto(app: ApplicationId): ApplicationIdProto {
  return { id: app.id, cluster_timestamp: app.clusterTimestamp };
}

export function applicationIdFromProto(p: ApplicationIdProto | undefined): ApplicationId {
  if (p?.id === undefined || p.cluster_timestamp === undefined) {
    throw new YarnIdError(`ApplicationIdProto needs both id and cluster_timestamp, got ${JSON.stringify(p)}`);
  }
  return { clusterTimestamp: p.cluster_timestamp, id: p.id };
}

export function applicationAttemptIdToProto(a: ApplicationAttemptId): ApplicationAttemptIdProto {
  return { application_id: applicationIdToProto(a.applicationId), attemptId: a.attemptId };
}

export function applicationAttemptIdFromProto(p: ApplicationAttemptIdProto | undefined): ApplicationAttemptId {
  if (p?.attemptId === undefined) {
    throw new YarnIdError(`ApplicationAttemptIdProto needs application_id and attemptId, got ${JSON.stringify(p)}`);
  }
  return { applicationId: applicationIdFromProto(p.application_id), attemptId: p.attemptId };
}

/** The proto's int64 `id` carries the epoch in bits 40+ and the sequence in the low 40 bits. */
export function containerIdToProto(c: ContainerId): ContainerIdProto {
  return {
    app_id: applicationIdToProto(c.applicationAttemptId.applicationId),
    app_attempt_id: applicationAttemptIdToProto(c.applicationAttemptId),
    id: c.epoch * EPOCH_SHIFT + c.sequence,
  };
}

export function containerIdFromProto(p: ContainerIdProto | undefined): ContainerId {
  if (p?.id === undefined || !p.app_attempt_id) {
    throw new YarnIdError(`ContainerIdProto needs app_attempt_id and id, got ${JSON.stringify(p)}`);
  }
  const id = p.id;
  if (!Number.isSafeInteger(id) || id < 0) throw new YarnIdError(`ContainerIdProto id out of range: ${p.id}`);
  return {
    applicationAttemptId: applicationAttemptIdFromProto(p.app_attempt_id),
    epoch: Math.floor(id / EPOCH_SHIFT),
    sequence: id % EPOCH_SHIFT,
  };
}

export function nodeIdToProto(n: NodeId): NodeIdProto {
  return { host: n.host, port: n.port };
}

export function nodeIdFromProto(p: NodeIdProto | undefined): NodeId {
  if (p?.host === undefined || p.port === undefined) {
    throw new YarnIdError(`NodeIdProto needs host and port, got ${JSON.stringify(p)}`);
  }
  return { host: p.host, port: p.port };
}

// Convenience: text <-> proto in one step.
export const applicationIdText = (p: ApplicationIdProto | undefined): string => formatApplicationId(applicationIdFromProto(p));
export const attemptIdText = (p: ApplicationAttemptIdProto | undefined): string =>
  formatApplicationAttemptId(applicationAttemptIdFromProto(p));
export const containerIdText = (p: ContainerIdProto | undefined): string => formatContainerId(containerIdFromProto(p));
