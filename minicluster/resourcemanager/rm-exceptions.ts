import { LoomError } from '../../client/errors/loom-error.js';

// Errors the ResourceManager answers with. `className` is the Java class the client expects in the
// RPC error header (the IPC adapter turns these into RpcServerException).

export class RmException extends LoomError {
  static override readonly code: string = 'MINICLUSTER_RM_EXCEPTION';
  constructor(
    readonly className: string,
    message: string,
  ) {
    super(message);
    this.name = className.slice(className.lastIndexOf('.') + 1);
  }
}

const YARN_EXC = 'org.apache.hadoop.yarn.exceptions.';

export const applicationNotFound = (appId: string): RmException =>
  new RmException(
    `${YARN_EXC}ApplicationNotFoundException`,
    `Application with id '${appId}' doesn't exist in RM. Please check that the job submission was successful.`,
  );

export const killOfAbsentApplication = (appId: string): RmException =>
  new RmException(`${YARN_EXC}ApplicationNotFoundException`, `Trying to kill an absent application ${appId}`);

export const attemptNotFound = (attemptId: string): RmException =>
  new RmException(
    `${YARN_EXC}ApplicationAttemptNotFoundException`,
    `Application attempt ${attemptId} doesn't exist in ApplicationMasterService cache.`,
  );

export const invalidResourceRequest = (message: string): RmException =>
  new RmException(`${YARN_EXC}InvalidResourceRequestException`, message);

export const invalidContainerRelease = (message: string): RmException =>
  new RmException(`${YARN_EXC}InvalidContainerReleaseException`, message);

export const invalidBlacklistRequest = (message: string): RmException =>
  new RmException(`${YARN_EXC}InvalidResourceBlacklistRequestException`, message);

export const amNotRegistered = (attemptId: string): RmException =>
  new RmException(
    `${YARN_EXC}ApplicationMasterNotRegisteredException`,
    `AM is not registered for known application attempt: ${attemptId} or RM had restarted after AM registered.  AM should re-register.`,
  );

export const amNotRegisteredOnFinish = (attemptId: string): RmException =>
  new RmException(
    `${YARN_EXC}ApplicationMasterNotRegisteredException`,
    `Application Master is trying to unregister before registering for: ${attemptId}`,
  );

export const invalidAmRequest = (message: string): RmException =>
  new RmException(`${YARN_EXC}InvalidApplicationMasterRequestException`, message);

export const amAlreadyRegistered = (appId: string): RmException => invalidAmRequest(`Application Master is already registered : ${appId}`);

/** ClientRMService.signalToContainer for an unknown application or a container the scheduler no longer has. */
export const signalOfAbsentContainer = (containerId: string): RmException =>
  new RmException(`${YARN_EXC}YarnException`, `Trying to signal an absent container ${containerId}`);
