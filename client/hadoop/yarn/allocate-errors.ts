// What each error an allocate() call can end with means for an ApplicationMaster, as data: the
// RemoteExceptions a 3.3.6 ResourceManager answers ApplicationMasterProtocol.allocate with
// (ApplicationMasterService.allocate, DefaultAMSProcessor.allocate, the IPC layer), each with what
// Hadoop's clients do about it and what Loom does. Anything not listed (a connection refused or
// reset, a timeout, an unknown class) is retryable: retried within the AM's budget of failed
// heartbeats in a row.
import { RemoteException } from '../../wire/ipc/remote-exception.js';
import { AllocateRefusedError, AttemptOverError } from './yarn-client-errors.js';

export type AllocateErrorKind =
  /** One ask can never be granted (it is invalid, not merely big): the ask is withdrawn and whatever needed it fails; heartbeats go on. */
  | 'ask-refused'
  /** A release names a container this attempt may not release: that release is dropped; heartbeats go on. */
  | 'release-refused'
  /** A blacklist change the RM refuses: it is dropped; heartbeats go on. */
  | 'blacklist-refused'
  /** The RM does not know this attempt as registered (it restarted): register again and resend everything. */
  | 'resync'
  /** This attempt can never heartbeat again: exit without unregistering, a next attempt (if any) takes over. */
  | 'attempt-over'
  /** The AM and the RM are out of step in a way retrying cannot mend: end the application with the reason. */
  | 'fatal'
  /** The RM (or the way to it) failed this time: retry, within the AM's budget of failed heartbeats in a row. */
  | 'retryable';

export interface AllocateErrorClass {
  kind: AllocateErrorKind;
  /** Where the RM raises it and what Hadoop's own clients do about it. */
  hadoop: string;
}

const YARN = 'org.apache.hadoop.yarn.exceptions.';

/** Java class name of the RemoteException -> its class. */
export const ALLOCATE_ERRORS: Readonly<Partial<Record<string, AllocateErrorClass>>> = {
  [`${YARN}InvalidResourceRequestException`]: {
    kind: 'ask-refused',
    hadoop:
      "DefaultAMSProcessor.allocate -> RMServerUtils.normalizeAndValidateRequests: a capability below 0 or above the queue's maximum allowed allocation (also in an ask of 0 containers). " +
      'AMRMClientImpl.allocate puts the ask back for the next call, so it fails forever; AMRMClientAsync reports it to onError (Flink then ends the JobManager).',
  },
  [`${YARN}InvalidLabelResourceRequestException`]: {
    kind: 'ask-refused',
    hadoop:
      'SchedulerUtils.validateResourceRequest: a node label expression that is not enabled, not allowed for the queue, or unknown (a subclass of InvalidResourceRequestException).',
  },
  [`${YARN}InvalidContainerReleaseException`]: {
    kind: 'release-refused',
    hadoop:
      'RMServerUtils.validateContainerReleaseRequest: a container of another attempt while the application does not keep containers across attempts.',
  },
  [`${YARN}InvalidResourceBlacklistRequestException`]: {
    kind: 'blacklist-refused',
    hadoop: 'RMServerUtils.validateBlacklistRequest: `*` in the blacklist additions.',
  },
  [`${YARN}ApplicationMasterNotRegisteredException`]: {
    kind: 'resync',
    hadoop:
      'ApplicationMasterService.allocate after an RM restart or failover; AMRMClientImpl.allocate catches it, re-registers and resends every ask, release and blacklist entry.',
  },
  [`${YARN}ApplicationAttemptNotFoundException`]: {
    kind: 'attempt-over',
    hadoop:
      "ApplicationMasterService.allocate: the attempt is not in its cache (finished, killed, failed, expired); AMRMClientAsyncImpl's heartbeat thread calls onShutdownRequest.",
  },
  'org.apache.hadoop.security.token.SecretManager$InvalidToken': {
    kind: 'attempt-over',
    hadoop: "The RM no longer accepts this attempt's AMRMToken (its master key is gone): no heartbeat of this attempt can succeed again.",
  },
  [`${YARN}InvalidApplicationMasterRequestException`]: {
    kind: 'fatal',
    hadoop:
      'ApplicationMasterService.allocate: a responseId that is neither the last nor the one before it (AMRMClientUtils.assembleInvalidResponseIdExceptionMessage); AMRMClientAsync reports it to onError.',
  },
  'org.apache.hadoop.ipc.StandbyException': {
    kind: 'retryable',
    hadoop: "A standby RM of an HA pair: RMProxy's failover policy tries the next RM.",
  },
  'org.apache.hadoop.ipc.RetriableException': {
    kind: 'retryable',
    hadoop: 'The server asks to be called again later.',
  },
  [`${YARN}YarnException`]: {
    kind: 'retryable',
    hadoop:
      'DefaultAMSProcessor.allocate wraps SchedulerInvalidResoureRequestException (a SchedulingRequest the placement processor refuses) in a plain YarnException; Loom sends no SchedulingRequests, so one is counted like any unknown failure.',
  },
};

/** The class of an error thrown by AMRMClient.allocate (a RemoteException, or the client's own errors built from one). */
export function allocateErrorKind(err: unknown): AllocateErrorKind {
  if (err instanceof AllocateRefusedError)
    return err.refused === 'ask' ? 'ask-refused' : err.refused === 'release' ? 'release-refused' : 'blacklist-refused';
  if (err instanceof AttemptOverError) return 'attempt-over';
  if (err instanceof RemoteException) return ALLOCATE_ERRORS[err.className]?.kind ?? 'retryable';
  return 'retryable';
}

/** The listed class of a RemoteException the RM sent (undefined for anything else). */
export function remoteAllocateErrorKind(err: unknown): AllocateErrorKind | undefined {
  return err instanceof RemoteException ? ALLOCATE_ERRORS[err.className]?.kind : undefined;
}
