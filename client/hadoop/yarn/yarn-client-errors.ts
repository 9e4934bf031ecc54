// Failures the YARN clients raise themselves. Errors the ResourceManager or a NodeManager sent stay
// RemoteException (client/wire/ipc) with Hadoop's class name, except where YARN gives them a meaning the
// caller must act on (the attempt is over; one container of a bulk NodeManager call failed).

import { LoomError } from '../../errors/loom-error.js';
/** A client-side YARN failure: submission ended FAILED/KILLED, a poll timed out, a record was missing. */
export class YarnClientError extends LoomError {
  static override readonly code: string = 'YARN_CLIENT_FAILED';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The ResourceManager no longer knows this application attempt (ApplicationAttemptNotFoundException):
 * the attempt finished, was killed or failed, or the RM lost it. The AM must exit; a new attempt
 * (if any) runs elsewhere.
 */
export class AttemptOverError extends YarnClientError {
  static override readonly code: string = 'YARN_ATTEMPT_OVER';
  constructor(
    readonly remoteClassName: string,
    readonly remoteMessage: string,
    options?: { cause?: unknown },
  ) {
    super(`this application attempt is over: ${remoteMessage}`, options);
  }
}

/**
 * The ResourceManager refused one part of an allocate call with an exception no retry can mend
 * (client/hadoop/yarn/allocate-errors.ts): an ask (InvalidResourceRequestException), a release
 * (InvalidContainerReleaseException) or a blacklist change. Nothing of the call was applied; the
 * AMRMClient has taken that part back (`withdrawn` says what), so the next allocate carries the
 * rest and succeeds. Hadoop's AMRMClientImpl would send the refused part again forever.
 */
export class AllocateRefusedError extends YarnClientError {
  static override readonly code: string = 'YARN_ALLOCATE_REFUSED';
  constructor(
    readonly refused: 'ask' | 'release' | 'blacklist',
    readonly remoteClassName: string,
    readonly remoteMessage: string,
    readonly withdrawn: string,
  ) {
    super(
      `the ResourceManager refused the ${refused} (${remoteClassName.slice(remoteClassName.lastIndexOf('.') + 1)}: ${remoteMessage}); withdrawn: ${withdrawn}`,
    );
  }

  get simpleClassName(): string {
    return this.remoteClassName.slice(this.remoteClassName.lastIndexOf('.') + 1);
  }
}

/**
 * A NodeManager answered SUCCESS but listed this container in `failed_requests`: the operation
 * failed for it with the Java exception `remoteClassName`.
 */
export class ContainerRequestFailedError extends YarnClientError {
  static override readonly code: string = 'YARN_CONTAINER_REQUEST_FAILED';
  constructor(
    readonly operation: 'startContainers' | 'stopContainers' | 'getContainerStatuses',
    readonly containerId: string,
    readonly remoteClassName: string,
    readonly remoteMessage: string,
  ) {
    super(`${operation} failed for ${containerId}: ${remoteClassName}: ${remoteMessage}`);
  }

  get simpleClassName(): string {
    return this.remoteClassName.slice(this.remoteClassName.lastIndexOf('.') + 1);
  }
}
