// ContainerManagementProtocol on a mini NodeManager, with the checks a 3.3.6 ContainerManagerImpl
// makes: SASL TOKEN authentication with an NMToken signed by the RM's NM master key for this node,
// the container token's password, node, master key and RM identifier, "one start per container",
// and per-container `failed_requests` with YARN's texts. Whole-call errors are what YARN throws
// out of the loop (an invalid container token, a malformed request).
import { LoomError } from '../../client/errors/loom-error.js';
import { timingSafeEqual } from 'node:crypto';
import type {
  ContainerExceptionMapProto,
  ContainerLaunchContextProto,
  ContainerStatusProto,
  SerializedExceptionProto,
  TokenProto,
} from '../../client/wire/codec/generated/proto-messages.js';
import { protocolHandlers, type ProtocolHandlers, type RpcCallContext } from '../ipc/rpc-server.js';
import type { SaslServerAuthOptions } from '../ipc/sasl-server-session.js';
import { CONTAINER_MANAGEMENT_PROTOCOL } from '../../client/wire/codec/hadoop-protocols.js';
import {
  createTokenPassword,
  decodeContainerTokenIdentifier,
  decodeNMTokenIdentifier,
  type ContainerTokenIdentifier,
  type NMTokenIdentifier,
} from '../../client/wire/security/token-identifiers.js';
import {
  containerIdText,
  formatApplicationAttemptId,
  formatApplicationId,
  formatContainerId,
  formatNodeId,
  parseContainerId,
  type ContainerIdProto,
} from '../../client/wire/codec/yarn-ids.js';
import { containerIdToWire } from '../../client/hadoop/yarn/yarn-records.js';
import { RmException } from '../resourcemanager/rm-exceptions.js';
import type { MasterKey } from '../resourcemanager/rm-tokens.js';
import { asRpcAnswer } from '../resourcemanager/rpc-errors.js';

const YARN_EXCEPTION = 'org.apache.hadoop.yarn.exceptions.YarnException';
const INVALID_TOKEN = 'org.apache.hadoop.security.token.SecretManager$InvalidToken';
const INVALID_CONTAINER = 'org.apache.hadoop.yarn.exceptions.InvalidContainerException';
export const INVALID_NMTOKEN_MSG = 'Invalid NMToken';
export const INVALID_CONTAINERTOKEN_MSG = 'Invalid ContainerToken';

/** A start request that passed every check: the NodeManager takes it from here (asynchronously). */
export interface AcceptedStart {
  containerId: string;
  token: ContainerTokenIdentifier;
  launchContext: ContainerLaunchContextProto;
  /** The attempt named by the NMToken the caller authenticated with. */
  nmTokenAttemptId: string;
  /** host:port of the caller's end of the connection. */
  remoteAddress: string;
}

/** What the protocol needs from the NodeManager it serves. */
export interface ContainerManagerBackend {
  /** `localhost:<port>`: the node id tokens must name. */
  readonly nodeId: string;
  masterKeys(): { nmKey: MasterKey; containerKey: MasterKey };
  /** The RM's cluster timestamp; container tokens from another RM are refused. */
  rmIdentifier(): number;
  /** True once a start of this container was accepted (YARN's recently-started tracker). */
  wasStarted(containerId: string): boolean;
  start(request: AcceptedStart): void;
  /** ContainerStatusProto of a container this NM handles, undefined if unknown. */
  status(containerId: string): ContainerStatusProto | undefined;
  /** Stop at the AM's request (no-op for a finished container). */
  stopByApplicationMaster(containerId: string): void;
}

/** A Java exception as YARN serializes it into `failed_requests` (no Java frames: we have none). */
function serialized(className: string, message: string): SerializedExceptionProto {
  return { message, trace: `${className}: ${message}\n`, class_name: className.replace('$', '.') };
}

class PerContainerFailure extends LoomError {
  static override readonly code: string = 'MINICLUSTER_CONTAINER_FAILED';
  constructor(
    readonly className: string,
    message: string,
  ) {
    super(message);
  }
}

const keyBytes = (k: MasterKey): Buffer => Buffer.from(k.key, 'base64');

function samePassword(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** NMToken password for DIGEST-MD5: only tokens of the current NM key naming this node authenticate. */
export function nmTokenAuth(backend: ContainerManagerBackend): SaslServerAuthOptions {
  return {
    simple: false,
    token: {
      serverId: 'default',
      lookupPassword: (base64Identifier) => {
        const bytes = Buffer.from(base64Identifier, 'base64');
        let id: NMTokenIdentifier;
        try {
          id = decodeNMTokenIdentifier(bytes);
        } catch {
          return undefined;
        }
        const { nmKey } = backend.masterKeys();
        if (formatNodeId(id.nodeId) !== backend.nodeId || id.keyId !== nmKey.keyId) return undefined;
        return createTokenPassword(bytes, keyBytes(nmKey)).toString('base64');
      },
    },
  };
}

function callerToken(ctx: RpcCallContext): NMTokenIdentifier {
  if (!ctx.tokenIdentifier) throw new RmException(YARN_EXCEPTION, INVALID_NMTOKEN_MSG);
  try {
    return decodeNMTokenIdentifier(ctx.tokenIdentifier);
  } catch {
    throw new RmException(YARN_EXCEPTION, INVALID_NMTOKEN_MSG);
  }
}

/** NMContainerTokenSecretManager.retrievePassword + ContainerManagerImpl.verifyAndGetContainerTokenIdentifier. */
function verifyContainerToken(backend: ContainerManagerBackend, token: TokenProto | undefined): ContainerTokenIdentifier {
  const identifier = token?.identifier;
  if (!identifier || identifier.length === 0) throw new RmException(YARN_EXCEPTION, `java.io.IOException: ${INVALID_CONTAINERTOKEN_MSG}`);
  let id: ContainerTokenIdentifier;
  try {
    id = decodeContainerTokenIdentifier(identifier);
  } catch (err) {
    throw new RmException(YARN_EXCEPTION, `java.io.IOException: ${(err as Error).message}`);
  }
  const cid = formatContainerId(id.containerId);
  if (id.nmHostAddr !== backend.nodeId) {
    throw new RmException(
      INVALID_TOKEN,
      `Given Container ${cid} identifier is not valid for current Node manager. Expected : ${backend.nodeId} Found : ${id.nmHostAddr}`,
    );
  }
  const { containerKey } = backend.masterKeys();
  if (id.masterKeyId !== containerKey.keyId)
    throw new RmException(INVALID_TOKEN, `Given Container ${cid} seems to have an illegally generated token.`);
  const expected = createTokenPassword(identifier, keyBytes(containerKey));
  if (!samePassword(expected, Buffer.from(token.password))) {
    throw new RmException(INVALID_TOKEN, `Invalid container token used for starting container on : ${backend.nodeId}`);
  }
  return id;
}

/** ContainerManagerImpl.authorizeStartAndResourceIncreaseRequest for a start. */
function authorizeStart(backend: ContainerManagerBackend, nm: NMTokenIdentifier, token: ContainerTokenIdentifier, now: number): void {
  const cid = formatContainerId(token.containerId);
  const nmApp = formatApplicationId(nm.applicationAttemptId.applicationId);
  const containerApp = formatApplicationId(token.containerId.applicationAttemptId.applicationId);
  let why: string | undefined;
  if (nmApp !== containerApp) {
    why =
      `\nNMToken for application attempt : ${formatApplicationAttemptId(nm.applicationAttemptId)} was used for starting container with container token` +
      ` issued for application attempt : ${formatApplicationAttemptId(token.containerId.applicationAttemptId)}`;
  } else if (backend.wasStarted(cid)) {
    why = `\n Attempt to relaunch the same container with id ${cid}.`;
  } else if ((token.expiryTimeStamp ?? 0) < now) {
    why =
      `\nThis token is expired. current time is ${now} found ${token.expiryTimeStamp ?? 0}` +
      `\nNote: System times on machines may be out of sync. Check system time and time zones.`;
  }
  if (why) throw new PerContainerFailure(YARN_EXCEPTION, `Unauthorized request to start container.${why}`);
  if (token.rmIdentifier !== backend.rmIdentifier()) {
    throw new PerContainerFailure(INVALID_CONTAINER, `\nContainer ${cid} rejected as it is allocated by a previous RM`);
  }
}

/** ContainerManagerImpl.startContainerInternal's sanity check of local resources. */
function checkLocalResources(launchContext: ContainerLaunchContextProto): void {
  for (const entry of launchContext.localResources ?? []) {
    const v = entry.value;
    const shown = JSON.stringify(v ?? null);
    if (!v?.resource) throw new PerContainerFailure(YARN_EXCEPTION, `Null resource URL for local resource ${entry.key} : ${shown}`);
    if (!v.type) throw new PerContainerFailure(YARN_EXCEPTION, `Null resource type for local resource ${entry.key} : ${shown}`);
    if (!v.visibility) throw new PerContainerFailure(YARN_EXCEPTION, `Null resource visibility for local resource ${entry.key} : ${shown}`);
  }
}

/** ContainerManagerImpl.authorizeGetAndStopContainerRequest. */
function authorizeGetOrStop(nm: NMTokenIdentifier, containerId: string, stop: boolean): void {
  const nmApp = formatApplicationId(nm.applicationAttemptId.applicationId);
  if (nmApp === formatApplicationId(parseContainerId(containerId).applicationAttemptId.applicationId)) return;
  const attempt = formatApplicationAttemptId(nm.applicationAttemptId);
  throw new PerContainerFailure(
    YARN_EXCEPTION,
    stop
      ? `${attempt} attempted to stop non-application container : ${containerId}`
      : `${attempt} attempted to get status for non-application container : ${containerId}`,
  );
}

const notHandled = (containerId: string): PerContainerFailure =>
  new PerContainerFailure(YARN_EXCEPTION, `Container ${containerId} is not handled by this NodeManager`);

function perContainer<T>(ids: ContainerIdProto[], each: (containerId: string) => T): { ok: T[]; failed: ContainerExceptionMapProto[] } {
  const ok: T[] = [];
  const failed: ContainerExceptionMapProto[] = [];
  for (const proto of ids) {
    const containerId = containerIdText(proto);
    try {
      ok.push(each(containerId));
    } catch (err) {
      if (!(err instanceof PerContainerFailure)) throw err;
      failed.push({ container_id: proto, exception: serialized(err.className, err.message) });
    }
  }
  return { ok, failed };
}

const unsupported = (method: string) => (): Promise<never> =>
  Promise.reject(
    new RmException(
      YARN_EXCEPTION,
      `${method} is not supported by the Loom mini cluster's NodeManager; only startContainers, stopContainers and getContainerStatuses are`,
    ),
  );

export function containerManagementService(backend: ContainerManagerBackend, now: () => number = Date.now): ProtocolHandlers {
  const h =
    <Q, R>(fn: (req: Q, nm: NMTokenIdentifier, ctx: RpcCallContext) => R) =>
    (req: Q, ctx: RpcCallContext) =>
      asRpcAnswer(() => fn(req, callerToken(ctx), ctx));
  return protocolHandlers(CONTAINER_MANAGEMENT_PROTOCOL, {
    startContainers: h((req, nm, ctx) => {
      const succeeded: ContainerIdProto[] = [];
      const failed: ContainerExceptionMapProto[] = [];
      for (const start of req.start_container_request ?? []) {
        const token = verifyContainerToken(backend, start.container_token);
        const containerId = formatContainerId(token.containerId);
        try {
          authorizeStart(backend, nm, token, now());
          const launchContext = start.container_launch_context ?? {};
          checkLocalResources(launchContext);
          backend.start({
            containerId,
            token,
            launchContext,
            nmTokenAttemptId: formatApplicationAttemptId(nm.applicationAttemptId),
            remoteAddress: ctx.remoteAddress,
          });
          succeeded.push(containerIdToWire(containerId));
        } catch (err) {
          if (!(err instanceof PerContainerFailure)) throw err;
          failed.push({ container_id: containerIdToWire(containerId), exception: serialized(err.className, err.message) });
        }
      }
      return { succeeded_requests: succeeded, ...(failed.length ? { failed_requests: failed } : {}) };
    }),
    stopContainers: h((req, nm) => {
      const { ok, failed } = perContainer(req.container_id ?? [], (containerId) => {
        authorizeGetOrStop(nm, containerId, true);
        if (!backend.status(containerId)) throw notHandled(containerId);
        backend.stopByApplicationMaster(containerId);
        return containerIdToWire(containerId);
      });
      return { succeeded_requests: ok, ...(failed.length ? { failed_requests: failed } : {}) };
    }),
    getContainerStatuses: h((req, nm) => {
      const { ok, failed } = perContainer(req.container_id ?? [], (containerId) => {
        authorizeGetOrStop(nm, containerId, false);
        const status = backend.status(containerId);
        if (!status) throw notHandled(containerId);
        return status;
      });
      return { status: ok, ...(failed.length ? { failed_requests: failed } : {}) };
    }),
    increaseContainersResource: unsupported('increaseContainersResource'),
    updateContainer: unsupported('updateContainer'),
    signalToContainer: unsupported('signalToContainer'),
    localize: unsupported('localize'),
    reInitializeContainer: unsupported('reInitializeContainer'),
    restartContainer: unsupported('restartContainer'),
    rollbackLastReInitialization: unsupported('rollbackLastReInitialization'),
    commitLastReInitialization: unsupported('commitLastReInitialization'),
  });
}
