/**
 * Every TaskExecutor this AM attempt has had, also the released and lost ones, so the dashboard
 * can show where a job's tasks ran after their containers are gone (Flink keeps no such list;
 * YARN's UI lists an application's containers the same way, ended ones included). Bounded: beyond
 * the limit the oldest records are dropped, ended ones first.
 */
import { TASK_EXECUTOR_HISTORY_KEPT, type TaskExecutorRecord } from '../../client/contracts/dispatcher-rest-types.js';
import type { TaskExecutorInfo } from '../cluster-api.js';

export class TaskExecutorHistory {
  /** By id, oldest first (a re-registration moves its record to the end). */
  private readonly records = new Map<string, TaskExecutorRecord>();

  constructor(readonly kept = TASK_EXECUTOR_HISTORY_KEPT) {}

  /** A TaskExecutor registered (again: its record starts over). */
  started(info: TaskExecutorInfo): void {
    this.records.delete(info.id);
    this.records.set(info.id, {
      id: info.id,
      host: info.host,
      ...(info.nodeHttpAddress !== undefined ? { nodeHttpAddress: info.nodeHttpAddress } : {}),
      slots: info.slots,
      ...(info.memoryMb !== undefined ? { memoryMb: info.memoryMb } : {}),
      state: 'running',
      startTime: info.registeredAt,
    });
    this.trim();
  }

  /** It went away: `released` when the AM let it go, `lost` otherwise. */
  ended(id: string, state: 'released' | 'lost', reason: string, at: number): void {
    const r = this.records.get(id);
    if (r?.state !== 'running') return;
    Object.assign(r, { state, reason, endTime: at });
  }

  /** Newest first. */
  list(): TaskExecutorRecord[] {
    return [...this.records.values()].reverse().map((r) => ({ ...r }));
  }

  private trim(): void {
    while (this.records.size > this.kept) {
      const oldest = [...this.records.values()];
      const drop = oldest.find((r) => r.state !== 'running') ?? oldest[0];
      this.records.delete(drop.id);
    }
  }
}
