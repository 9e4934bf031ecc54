/**
 * Which free slot each waiting task gets. Tasks are spread: each goes to the TaskExecutor with the
 * most free slots at that moment (earliest registered first on a tie), so a lost TaskExecutor
 * takes as few tasks with it as possible and its tasks find free slots on the others. A task
 * avoids TaskExecutors where its earlier attempt failed for reasons not its own, unless no other
 * slot is free.
 */

export interface SlotOffer {
  taskExecutorId: string;
  freeSlots: number;
  registeredAt: number;
}

export interface WaitingTask {
  avoid?: ReadonlySet<string>;
}

/** The TaskExecutor id for each task, in order; shorter than `tasks` when slots run out. */
export function assignSlots(tasks: readonly WaitingTask[], offers: readonly SlotOffer[]): string[] {
  const free = offers.filter((o) => o.freeSlots > 0).map((o) => ({ ...o }));
  const out: string[] = [];
  for (const task of tasks) {
    const open = free.filter((o) => o.freeSlots > 0);
    if (open.length === 0) break;
    const preferred = open.filter((o) => !task.avoid?.has(o.taskExecutorId));
    const pick = best(preferred.length ? preferred : open);
    pick.freeSlots -= 1;
    out.push(pick.taskExecutorId);
  }
  return out;
}

function best(offers: SlotOffer[]): SlotOffer {
  return offers.reduce((a, b) =>
    b.freeSlots > a.freeSlots ||
    (b.freeSlots === a.freeSlots &&
      (b.registeredAt < a.registeredAt || (b.registeredAt === a.registeredAt && b.taskExecutorId < a.taskExecutorId)))
      ? b
      : a,
  );
}
