/**
 * Application mode, attached: main()'s lines as the AM serves them (GET /application/output),
 * then, once main() ended, how it ended (GET /application; reading it tells the AM it may end, see
 * appmaster/modes/program-output.ts). `loom run-application --attached` prints what this reads
 * (client/program/program-printing.ts); the programmatic client hands it to the caller.
 */
import type { ApplicationProgramJson, ProgramOutputLineJson } from '../../contracts/dispatcher-rest-types.js';
import type { FollowedCluster } from './job-follow.js';

const POLL_MS = 250;

export interface ProgramOutputSink {
  /** One line main() wrote (ctx.log, console.*), in order. */
  line(line: ProgramOutputLineJson): void;
  /** Lines the AM's bound dropped before they were read. */
  dropped?(count: number): void;
  /** main() ended: how (RETURNED with its result, or FAILED with its error). */
  ended?(program: ApplicationProgramJson): void;
}

export interface ProgramOutputFollowing {
  /** Resolves once following ended: main()'s end was read, or stop() was called. */
  readonly done: Promise<void>;
  /** Stops polling; resolves once the poll under way finished. */
  stop(): Promise<void>;
}

/**
 * Polls until main()'s end was read or stop() is called. Errors are skipped: an AM between
 * attempts answers later, and the application report says how an ended one ended.
 */
export function followProgramOutput(cluster: FollowedCluster, sink: ProgramOutputSink): ProgramOutputFollowing {
  const stopping = new AbortController();
  const done = (async () => {
    let after = -1;
    while (!stopping.signal.aborted) {
      try {
        const output = await cluster.dispatcher.programOutput(after);
        if (output.dropped > 0) sink.dropped?.(output.dropped);
        for (const line of output.lines) sink.line(line);
        after = output.next;
        if (output.ended) {
          sink.ended?.(await cluster.dispatcher.applicationProgram());
          return;
        }
      } catch {
        // Asked again at the next poll.
      }
      await new Promise((res) => setTimeout(res, POLL_MS));
    }
  })();
  return {
    done,
    stop: async () => {
      stopping.abort();
      await done;
    },
  };
}
