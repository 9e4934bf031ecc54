// Failures the YARN clients raise themselves. Errors the ResourceManager or a NodeManager sent stay
// RemoteException (client/ipc) with Hadoop's class name, except where YARN gives them a meaning the
// caller must act on (the attempt is over; one container of a bulk NodeManager call failed).

/** A client-side YARN failure: submission ended FAILED/KILLED, a poll timed out, a record was missing. */
export class YarnClientError extends Error {
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
  constructor(
    readonly remoteClassName: string,
    readonly remoteMessage: string,
    options?: { cause?: unknown },
  ) {
    super(`this application attempt is over: ${remoteMessage}`, options);
  }
}

/**
 * A NodeManager answered SUCCESS but listed this container in `failed_requests`: the operation
 * failed for it with the Java exception `remoteClassName`.
 */
export class ContainerRequestFailedError extends YarnClientError {
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
