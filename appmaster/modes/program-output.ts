/**
 * Application mode: main()'s lines (ctx.log, and console.* of its thread) and its end, kept for
 * the attached client, which reads them over REST (GET /application/output?after=<seq>, GET
 * /application) while main() runs. The lines are numbered, so a client that polls loses none;
 * at most `maxLines` are kept (the oldest go first, counted as dropped). The AM's end waits,
 * within a bound, until the attached client has read main()'s end (`collected`), so the last
 * lines and the returned value reach it before the AM unregisters.
 */
import type {
  ApplicationProgramJson,
  ProgramOutputJson,
  ProgramOutputLineJson,
  ProgramOutputStream,
} from '../../client/contracts/dispatcher-rest-types.js';

export const DEFAULT_PROGRAM_OUTPUT_LINES = 10_000;

export type ProgramEnd = { ok: true; result?: unknown } | { ok: false; error: string };

export class ProgramOutput {
  private readonly lines: ProgramOutputLineJson[] = [];
  private nextSeq = 0;
  private end: ProgramEnd | undefined;
  private endCollected = false;
  private readonly collectedWaiters: (() => void)[] = [];

  constructor(
    private readonly maxLines = DEFAULT_PROGRAM_OUTPUT_LINES,
    private readonly now: () => number = Date.now,
  ) {}

  append(stream: ProgramOutputStream, text: string): void {
    if (this.end) return;
    this.lines.push({ seq: this.nextSeq++, time: new Date(this.now()).toISOString(), stream, text });
    if (this.lines.length > this.maxLines) this.lines.shift();
  }

  /** main() ended; lines appended later are ignored. */
  finish(end: ProgramEnd): void {
    this.end ??= end;
  }

  /** The lines after `after`, as GET /application/output answers. */
  read(after: number): ProgramOutputJson {
    const first = this.lines[0]?.seq ?? this.nextSeq;
    const lines = this.lines.filter((l) => l.seq > after);
    return {
      lines,
      next: this.nextSeq - 1,
      ended: this.end !== undefined,
      dropped: Math.max(0, first - Math.max(after + 1, 0)),
    };
  }

  /** GET /application; once main() ended, the answer tells `collected()` the client has it. */
  program(): ApplicationProgramJson {
    const end = this.end;
    if (!end) return { state: 'RUNNING' };
    this.endCollected = true;
    for (const wake of this.collectedWaiters.splice(0)) wake();
    if (!end.ok) return { state: 'FAILED', error: end.error };
    return { state: 'RETURNED', ...(end.result !== undefined ? { result: end.result } : {}) };
  }

  /** Resolves when a client has read main()'s end, or after `timeoutMs`. */
  collected(timeoutMs: number): Promise<void> {
    if (this.endCollected) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.collectedWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
