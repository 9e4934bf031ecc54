/**
 * A cheap stand-in for a TaskExecutor process, for the simulated cluster: it speaks the real
 * AM <-> TaskExecutor gRPC protocol (proto/cluster/taskexecutor.proto, through the same codecs
 * as taskexecutor/am-connection.ts) on one stream, registers its slots, heartbeats at the interval
 * the AM gives, and "runs" each task it is given by answering RUNNING at once and FINISHED after
 * `taskMs`, with the task's index as its result. Thousands of them share a process and, per
 * simulated node, one HTTP/2 connection (the grpc.Client handed in), as Hadoop's Scheduler Load
 * Simulator runs its NMs and AMs as threads of one JVM.
 */
import * as grpc from '@grpc/grpc-js';
import {
  CLUSTER_SECRET_METADATA_KEY,
  CONNECT_METHOD_PATH,
  decodeAmMessage,
  encodeTaskExecutorMessage,
  type AmMessage,
  type TaskExecutorMessage,
  type TaskRef,
} from '../../client/contracts/taskexecutor-protocol.js';

export interface StandInTaskExecutorOptions {
  /** The node's channel to the AM's gateway. */
  client: grpc.Client;
  secret: string;
  /** The container id, as a real TaskExecutor registers it (CONTAINER_ID). */
  containerId: string;
  host: string;
  slots: number;
  memoryMb: number;
  /** How long a task "runs" before it is reported FINISHED. */
  taskMs: number;
  /** Registered with the AM (its first `registered` answer). */
  onRegistered(): void;
  /** The stream ended: `exitCode` 0 when the AM asked it to stop, 1 when the stream broke. */
  onExit(exitCode: number, reason: string): void;
}

type Call = grpc.ClientDuplexStream<TaskExecutorMessage, AmMessage>;

const refKey = (t: TaskRef): string => `${t.jobId}/${t.taskIndex}/${t.attempt}`;

export class StandInTaskExecutor {
  private call: Call | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private readonly running = new Map<string, { task: TaskRef; timer: NodeJS.Timeout }>();
  private registered = false;
  private ended = false;
  /** Tasks this stand-in reported FINISHED. */
  finished = 0;

  constructor(private readonly opts: StandInTaskExecutorOptions) {}

  start(): void {
    const metadata = new grpc.Metadata();
    metadata.set(CLUSTER_SECRET_METADATA_KEY, this.opts.secret);
    const call = this.opts.client.makeBidiStreamRequest(CONNECT_METHOD_PATH, encodeTaskExecutorMessage, decodeAmMessage, metadata);
    this.call = call;
    call.on('data', (m: AmMessage) => this.onMessage(m));
    call.on('error', (err: grpc.ServiceError) => this.exit(1, `the stream to the AM failed: ${err.details || err.message}`));
    call.on('end', () => this.exit(1, 'the AM closed the stream'));
    call.write({
      kind: 'register',
      register: {
        taskExecutorId: this.opts.containerId,
        host: this.opts.host,
        slots: this.opts.slots,
        memoryMb: this.opts.memoryMb,
        pid: process.pid,
        running: [],
      },
    });
  }

  /** YARN stopped the container (or the node went away): the process "dies" without a word to the AM. */
  kill(): void {
    this.exit(143, 'killed');
  }

  private send(message: TaskExecutorMessage): void {
    if (!this.ended) this.call?.write(message);
  }

  private onMessage(m: AmMessage): void {
    if (m.kind === 'registered') {
      if (this.registered) return;
      this.registered = true;
      const every = Math.max(10, m.registered.heartbeatIntervalMs);
      this.heartbeatTimer = setInterval(() => {
        const running = [...this.running.values()].map((r) => r.task);
        this.send({ kind: 'heartbeat', heartbeat: { running, freeSlots: Math.max(0, this.opts.slots - running.length) } });
      }, every);
      this.opts.onRegistered();
    } else if (m.kind === 'deployTask') {
      const { task } = m.deployTask;
      const key = refKey(task);
      this.send({ kind: 'taskUpdate', taskUpdate: { task, state: 'RUNNING' } });
      const timer = setTimeout(() => {
        this.running.delete(key);
        this.finished++;
        this.send({ kind: 'taskUpdate', taskUpdate: { task, state: 'FINISHED', resultJson: String(task.taskIndex) } });
      }, this.opts.taskMs);
      this.running.set(key, { task, timer });
    } else if (m.kind === 'cancelTask') {
      const key = refKey(m.cancelTask.task);
      const r = this.running.get(key);
      if (!r) return;
      clearTimeout(r.timer);
      this.running.delete(key);
      this.send({ kind: 'taskUpdate', taskUpdate: { task: r.task, state: 'CANCELED' } });
    } else if (m.kind === 'shutdown') {
      this.exit(0, `the AM asked it to stop (${m.shutdown.reason})`);
    }
  }

  private exit(code: number, reason: string): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.heartbeatTimer);
    for (const r of this.running.values()) clearTimeout(r.timer);
    this.running.clear();
    const call = this.call;
    this.call = undefined;
    call?.end();
    call?.cancel();
    this.opts.onExit(code, reason);
  }
}
