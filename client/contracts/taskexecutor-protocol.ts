/**
 * The AM <-> TaskExecutor gRPC protocol (proto/cluster/taskexecutor.proto) as typed messages, their
 * codecs and the hand-built service definition. Shared by the AM's gateway server and the
 * TaskExecutor's connection, so both sides encode exactly the same way. The root comes from
 * proto/cluster, turned into JSON at build time (scripts/generate-protocol-types.mjs).
 */
import { LoomError } from '../errors/loom-error.js';
import protobuf from 'protobufjs';
import type { ServiceDefinition } from '@grpc/grpc-js';
import type { BundleRef } from './bundle-ref.js';
import { CLUSTER_PROTO_JSON } from '../wire/codec/generated/cluster-proto-json.js';

/** Call metadata key that carries the cluster secret. */
export const CLUSTER_SECRET_METADATA_KEY = 'loom-cluster-secret';
export const CONNECT_METHOD_PATH = '/loom.cluster.TaskExecutorGateway/Connect';

export interface TaskRef {
  jobId: string;
  taskIndex: number;
  attempt: number;
}

export interface RegisterMessage {
  taskExecutorId: string;
  host: string;
  slots: number;
  memoryMb: number;
  pid: number;
  running: TaskRef[];
}

export interface HeartbeatMessage {
  running: TaskRef[];
  freeSlots: number;
  /** Absent from a TaskExecutor that measures nothing. */
  metrics?: TaskExecutorMetricsMessage;
}

/** A TaskExecutor's own numbers (proto TaskExecutorMetrics); the AM serves them at /metrics. */
export interface TaskExecutorMetricsMessage {
  residentMemoryBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  cpuSeconds: number;
  tasksFinished: number;
  tasksFailed: number;
  tasksCanceled: number;
  resultBytes: number;
}

export type TaskUpdateState = 'RUNNING' | 'FINISHED' | 'FAILED' | 'CANCELED';

export interface TaskUpdateMessage {
  task: TaskRef;
  state: TaskUpdateState;
  resultJson?: string;
  error?: string;
  errorStack?: string;
  retryable?: boolean;
}

/** Which of a task's streams a line was written to (console.log/info/debug go to stdout, console.error/warn to stderr). */
export type TaskOutputStream = 'stdout' | 'stderr';

/** One line a task attempt wrote, without its newline. */
export interface TaskOutputLine {
  /** From 0 per attempt, over both streams, in the order the TaskExecutor read them. */
  seq: number;
  timeMs: number;
  stream: TaskOutputStream;
  text: string;
}

/** A batch of an attempt's lines; `dropped` counts lines the TaskExecutor could not queue for the AM since its last batch. */
export interface TaskOutputMessage {
  task: TaskRef;
  lines: TaskOutputLine[];
  dropped: number;
}

/** How far a task attempt says it is (proto TaskProgress, flat on the wire): `fraction` 0 to 1, `message` at most 200 characters, '' for none. */
export interface TaskProgressMessage {
  task: TaskRef;
  fraction: number;
  message: string;
}

export type TaskExecutorMessage =
  | { kind: 'register'; register: RegisterMessage }
  | { kind: 'heartbeat'; heartbeat: HeartbeatMessage }
  | { kind: 'taskUpdate'; taskUpdate: TaskUpdateMessage }
  | { kind: 'taskOutput'; taskOutput: TaskOutputMessage }
  | { kind: 'taskProgress'; taskProgress: TaskProgressMessage };

export interface DeployTaskMessage {
  task: TaskRef;
  parallelism: number;
  bundle: BundleRef;
  exportName: string;
  argsJson: string;
  jobName: string;
}

export type AmMessage =
  | { kind: 'registered'; registered: { heartbeatIntervalMs: number; amTimeoutMs: number } }
  | { kind: 'heartbeatAck'; heartbeatAck: Record<string, never> }
  | { kind: 'deployTask'; deployTask: DeployTaskMessage }
  | { kind: 'cancelTask'; cancelTask: { task: TaskRef } }
  | { kind: 'shutdown'; shutdown: { reason: string } };

export class ClusterProtocolError extends LoomError {
  static override readonly code: string = 'CLUSTER_PROTOCOL_VIOLATED';
  override name = 'ClusterProtocolError';
}

/** A stable key for one task attempt, used by both sides to index running work. */
export function taskKey(t: TaskRef): string {
  return `${t.jobId}/${t.taskIndex}/${t.attempt}`;
}

let types: { te: protobuf.Type; am: protobuf.Type } | undefined;

function messageTypes(): { te: protobuf.Type; am: protobuf.Type } {
  if (types) return types;
  const root = protobuf.Root.fromJSON(CLUSTER_PROTO_JSON).resolveAll();
  types = { te: root.lookupType('loom.cluster.TaskExecutorMessage'), am: root.lookupType('loom.cluster.AmMessage') };
  return types;
}

type Obj = Record<string, unknown>;

const TO_OBJECT: protobuf.IConversionOptions = { enums: String, longs: Number, defaults: true, arrays: true, oneofs: true };

function decodeWith(type: protobuf.Type, buf: Buffer, what: string): Obj {
  try {
    return type.toObject(type.decode(buf), TO_OBJECT);
  } catch (err) {
    throw new ClusterProtocolError(`cannot decode ${what}: ${(err as Error).message}`);
  }
}

function encodeWith(type: protobuf.Type, value: Obj): Buffer {
  return Buffer.from(type.encode(type.fromObject(value)).finish());
}

function taskRef(o: unknown, what: string): TaskRef {
  const r = (o ?? {}) as Obj;
  const jobId = typeof r.jobId === 'string' ? r.jobId : '';
  if (!jobId) throw new ClusterProtocolError(`${what} names no job`);
  return { jobId, taskIndex: Number(r.taskIndex ?? 0), attempt: Number(r.attempt ?? 0) };
}

function taskExecutorMetrics(m: Obj): TaskExecutorMetricsMessage {
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return {
    residentMemoryBytes: n(m.residentMemoryBytes),
    heapUsedBytes: n(m.heapUsedBytes),
    heapTotalBytes: n(m.heapTotalBytes),
    cpuSeconds: n(m.cpuSeconds),
    tasksFinished: n(m.tasksFinished),
    tasksFailed: n(m.tasksFailed),
    tasksCanceled: n(m.tasksCanceled),
    resultBytes: n(m.resultBytes),
  };
}

const optional = (s: unknown): string | undefined => (typeof s === 'string' && s !== '' ? s : undefined);

export function encodeTaskExecutorMessage(m: TaskExecutorMessage): Buffer {
  if (m.kind === 'taskOutput') {
    const { task, lines, dropped } = m.taskOutput;
    const wireLines = lines.map((l) => ({ seq: l.seq, timeMs: l.timeMs, stream: l.stream.toUpperCase(), text: l.text }));
    return encodeWith(messageTypes().te, { taskOutput: { task, lines: wireLines, dropped } });
  }
  if (m.kind === 'taskProgress') {
    const { task, fraction, message } = m.taskProgress;
    return encodeWith(messageTypes().te, { taskProgress: { ...task, fraction, message } });
  }
  const { kind: _kind, ...rest } = m;
  return encodeWith(messageTypes().te, rest);
}

function taskOutputLine(o: unknown): TaskOutputLine {
  const l = (o ?? {}) as Obj;
  const stream = String(l.stream);
  if (stream !== 'STDOUT' && stream !== 'STDERR') throw new ClusterProtocolError(`task output line with unknown stream ${stream}`);
  return { seq: Number(l.seq), timeMs: Number(l.timeMs), stream: stream === 'STDOUT' ? 'stdout' : 'stderr', text: String(l.text) };
}

export function decodeTaskExecutorMessage(buf: Buffer): TaskExecutorMessage {
  const o = decodeWith(messageTypes().te, buf, 'a TaskExecutor message');
  switch (o.kind) {
    case 'register': {
      const r = o.register as Obj;
      return {
        kind: 'register',
        register: {
          taskExecutorId: String(r.taskExecutorId),
          host: String(r.host),
          slots: Number(r.slots),
          memoryMb: Number(r.memoryMb),
          pid: Number(r.pid),
          running: ((r.running as unknown[] | undefined) ?? []).map((t) => taskRef(t, 'a running task')),
        },
      };
    }
    case 'heartbeat': {
      const h = o.heartbeat as Obj;
      const heartbeat: HeartbeatMessage = {
        running: ((h.running as unknown[] | undefined) ?? []).map((t) => taskRef(t, 'a running task')),
        freeSlots: Number(h.freeSlots),
      };
      if (typeof h.metrics === 'object' && h.metrics !== null) heartbeat.metrics = taskExecutorMetrics(h.metrics as Obj);
      return { kind: 'heartbeat', heartbeat };
    }
    case 'taskUpdate': {
      const u = o.taskUpdate as Obj;
      const state = String(u.state);
      if (!['RUNNING', 'FINISHED', 'FAILED', 'CANCELED'].includes(state)) {
        throw new ClusterProtocolError(`task update with unknown state ${state}`);
      }
      const update: TaskUpdateMessage = { task: taskRef(u.task, 'a task update'), state: state as TaskUpdateState };
      const resultJson = optional(u.resultJson);
      const error = optional(u.error);
      const errorStack = optional(u.errorStack);
      if (resultJson !== undefined) update.resultJson = resultJson;
      if (error !== undefined) update.error = error;
      if (errorStack !== undefined) update.errorStack = errorStack;
      if (u.retryable === true) update.retryable = true;
      return { kind: 'taskUpdate', taskUpdate: update };
    }
    case 'taskOutput': {
      const t = o.taskOutput as Obj;
      return {
        kind: 'taskOutput',
        taskOutput: {
          task: taskRef(t.task, 'a task output batch'),
          lines: ((t.lines as unknown[] | undefined) ?? []).map(taskOutputLine),
          dropped: Number(t.dropped ?? 0),
        },
      };
    }
    case 'taskProgress': {
      const p = o.taskProgress as Obj;
      const fraction = Number(p.fraction);
      if (!(fraction >= 0 && fraction <= 1))
        throw new ClusterProtocolError(`task progress with fraction ${String(p.fraction)} (expected 0 to 1)`);
      return {
        kind: 'taskProgress',
        taskProgress: { task: taskRef(p, 'a task progress'), fraction, message: typeof p.message === 'string' ? p.message : '' },
      };
    }
    default:
      throw new ClusterProtocolError('empty TaskExecutor message (no register, heartbeat, task update, task output or task progress)');
  }
}

export function encodeAmMessage(m: AmMessage): Buffer {
  const { kind: _kind, ...rest } = m;
  return encodeWith(messageTypes().am, rest);
}

export function decodeAmMessage(buf: Buffer): AmMessage {
  const o = decodeWith(messageTypes().am, buf, 'an AM message');
  switch (o.kind) {
    case 'registered': {
      const r = o.registered as Obj;
      return { kind: 'registered', registered: { heartbeatIntervalMs: Number(r.heartbeatIntervalMs), amTimeoutMs: Number(r.amTimeoutMs) } };
    }
    case 'heartbeatAck':
      return { kind: 'heartbeatAck', heartbeatAck: {} };
    case 'deployTask': {
      const d = o.deployTask as Obj;
      const b = (d.bundle ?? {}) as Obj;
      const kind = String(b.kind);
      if (kind !== 'file' && kind !== 'archive')
        throw new ClusterProtocolError(`deploy message with bundle kind "${kind}" (expected file or archive)`);
      const bundle: BundleRef = { url: String(b.url), kind, size: Number(b.size), modificationTime: Number(b.modificationTime) };
      const entry = optional(b.entry);
      if (entry !== undefined) bundle.entry = entry;
      return {
        kind: 'deployTask',
        deployTask: {
          task: taskRef(d.task, 'a deploy message'),
          parallelism: Number(d.parallelism),
          bundle,
          exportName: String(d.exportName),
          argsJson: String(d.argsJson),
          jobName: String(d.jobName),
        },
      };
    }
    case 'cancelTask':
      return { kind: 'cancelTask', cancelTask: { task: taskRef((o.cancelTask as Obj).task, 'a cancel message') } };
    case 'shutdown':
      return { kind: 'shutdown', shutdown: { reason: String((o.shutdown as Obj).reason) } };
    default:
      throw new ClusterProtocolError('empty AM message');
  }
}

/** The gRPC service, built by hand from the codecs above (no @grpc/proto-loader). */
export const TASK_EXECUTOR_GATEWAY_SERVICE: ServiceDefinition = {
  Connect: {
    path: CONNECT_METHOD_PATH,
    requestStream: true,
    responseStream: true,
    requestSerialize: encodeTaskExecutorMessage,
    requestDeserialize: decodeTaskExecutorMessage,
    responseSerialize: encodeAmMessage,
    responseDeserialize: decodeAmMessage,
    originalName: 'connect',
  },
};
