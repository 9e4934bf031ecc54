/** In-memory TaskExecutors for job master tests: each is a link that records what the AM sent. */
import {
  taskKey,
  type AmMessage,
  type DeployTaskMessage,
  type TaskRef,
  type TaskUpdateMessage,
} from '../../../client/contracts/taskexecutor-protocol.js';
import type { TaskExecutorLink, TaskExecutorRegistry } from '../../../appmaster/taskexecutors/taskexecutor-registry.js';
import type { TaskExecutorOrigin } from '../../../appmaster/taskexecutors/taskexecutor-admission.js';

export class FakeTaskExecutor implements TaskExecutorLink {
  readonly sent: AmMessage[] = [];
  closedWith: string | undefined | null = null;

  constructor(
    readonly registry: TaskExecutorRegistry,
    readonly id: string,
    readonly slots = 2,
  ) {}

  send(message: AmMessage): void {
    this.sent.push(message);
  }

  close(shutdownReason?: string): void {
    this.closedWith = shutdownReason;
  }

  /** `origin`: as the gateway's admission would say (`taken-over`: a previous AM attempt's container). */
  register(running: TaskRef[] = [], origin: TaskExecutorOrigin = 'launched'): this {
    this.registry.register(
      { taskExecutorId: this.id, host: `host-${this.id}`, slots: this.slots, memoryMb: 1024, pid: 1, running },
      this,
      origin,
    );
    return this;
  }

  deployed(): DeployTaskMessage[] {
    return this.sent.flatMap((m) => (m.kind === 'deployTask' ? [m.deployTask] : []));
  }

  cancelled(): TaskRef[] {
    return this.sent.flatMap((m) => (m.kind === 'cancelTask' ? [m.cancelTask.task] : []));
  }

  update(task: TaskRef, state: TaskUpdateMessage['state'], extra: Partial<TaskUpdateMessage> = {}): void {
    if (state !== 'RUNNING') this.ended.add(taskKey(task));
    this.registry.taskUpdate(this.id, this, { task, state, ...extra });
  }

  /** Reports every deployed attempt not ended yet FINISHED with `result(index)` (a TaskExecutor ends each attempt once). */
  finishAll(result: (index: number) => unknown = (i) => i): void {
    for (const d of this.deployed()) {
      if (!this.ended.has(taskKey(d.task))) this.update(d.task, 'FINISHED', { resultJson: JSON.stringify(result(d.task.taskIndex)) });
    }
  }

  private readonly ended = new Set<string>();

  disconnect(reason = 'its connection was lost'): void {
    this.registry.disconnected(this.id, this, reason);
  }
}

export class FakeClock {
  t = 1_000_000;
  now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}
