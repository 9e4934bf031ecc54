// The RM's whole state as plain JSON-able records, so that a snapshot taken before a restart can be
// restored afterwards (work-preserving recovery). Behaviour lives in the scheduler and the core.
import type {
  AllocateResponseProto,
  ContainerLaunchContextProto,
  LogAggregationStatusProto,
} from '../../client/wire/codec/generated/proto-messages.js';
import type { NodeLogAggregationStatus } from './app-log-aggregation-status.js';
import type { WireResource } from './rm-diagnostics.js';
import type { StoredToken, TokenState } from './rm-tokens.js';

/** RMAppState (internal; FINAL_SAVING/FINISHING/KILLING are reported as the YARN states below). */
export type RmAppState =
  'NEW' | 'NEW_SAVING' | 'SUBMITTED' | 'ACCEPTED' | 'RUNNING' | 'FINAL_SAVING' | 'FINISHING' | 'FINISHED' | 'FAILED' | 'KILLING' | 'KILLED';

export type AttemptState = 'SCHEDULED' | 'ALLOCATED' | 'LAUNCHED' | 'RUNNING' | 'FINISHING' | 'FINISHED' | 'FAILED' | 'KILLED';

/**
 * Records by id. A plain object (not a Map) so that snapshots stay plain JSON; Partial because a
 * lookup by an id the RM does not know finds nothing, and the compiler should make callers say so.
 */
export type RecordsById<T> = Partial<Record<string, T>>;

/** The records of a RecordsById (Object.values types them `T | undefined`; no entry holds undefined). */
export function recordsOf<T>(byId: RecordsById<T>): T[] {
  return Object.values(byId).filter((r): r is T => r !== undefined);
}

/** A copy without `id`'s record (the map's `delete`, without a dynamically computed delete). */
export function withoutRecord<T>(byId: RecordsById<T>, id: string): RecordsById<T> {
  return Object.fromEntries(Object.entries(byId).filter(([key]) => key !== id));
}

export type FinalStatus = 'APP_UNDEFINED' | 'APP_SUCCEEDED' | 'APP_FAILED' | 'APP_KILLED' | 'APP_ENDED';

export interface ContainerStatusRecord {
  containerId: string;
  state: 'C_NEW' | 'C_RUNNING' | 'C_COMPLETE';
  exitStatus: number;
  diagnostics: string;
  capability: WireResource;
  /** HOST / IPS as the NM reported them for a container that ran. */
  attributes?: { key: string; value: string }[];
}

export interface AskEntry {
  priority: number;
  resourceName: string;
  capability: WireResource;
  numContainers: number;
  allocationRequestId: number;
  relaxLocality: boolean;
}

export interface NodeRecord {
  nodeId: string;
  host: string;
  port: number;
  httpAddress: string;
  /** Address tokens name (`127.0.0.1:<port>`) while the node id says `localhost:<port>`. */
  tokenService: string;
  capability: WireResource;
  used: WireResource;
  state: 'RUNNING' | 'LOST';
  lastHeartbeat: number;
  containers: string[];
  /** Containers the RM wants this NM to stop, sent with the next heartbeat answer. */
  toCleanup: string[];
  /** signalToContainer requests for this NM's containers, sent with the next heartbeat answer. */
  toSignal?: ContainerSignal[];
  /** Ended applications this NM was told of (appsToCleanup), each once, as RMNodeImpl's finishedApplications. */
  appsToldFinished?: string[];
}

/** SignalContainerCommandProto's names. */
export type SignalCommand = 'OUTPUT_THREAD_DUMP' | 'GRACEFUL_SHUTDOWN' | 'FORCEFUL_SHUTDOWN';

export interface ContainerSignal {
  containerId: string;
  command: SignalCommand;
}

export interface ContainerRecord {
  id: string;
  appId: string;
  /** The attempt that was given the container (kept across attempts with keep-containers). */
  attemptId: string;
  nodeId: string;
  resource: WireResource;
  priority: number;
  allocationRequestId: number;
  isAm: boolean;
  state: 'ALLOCATED' | 'ACQUIRED' | 'RUNNING' | 'COMPLETE';
  token: StoredToken;
  allocatedAt: number;
  finishedAt?: number;
  exitStatus?: number;
  diagnostics?: string;
}

export interface AttemptRecord {
  id: string;
  number: number;
  state: AttemptState;
  /**
   * Activated by the CapacityScheduler (LeafQueue.activateApplications): only then does it get an
   * AM container and count towards the queue's AM resource limit until the attempt ends.
   */
  activated: boolean;
  startTime: number;
  finishTime: number;
  amContainerId?: string;
  amrmToken: StoredToken;
  registered: boolean;
  host: string;
  rpcPort: number;
  originalTrackingUrl: string;
  diagnostics: string;
  exitStatus: number;
  asks: RecordsById<AskEntry>;
  /** Allocated but not yet handed to the AM in an allocate response. */
  newlyAllocated: string[];
  pendingCompleted: ContainerStatusRecord[];
  /** NMTokens this attempt received, per node id (handed again to the next attempt with keep-containers). */
  nmTokens: RecordsById<StoredToken>;
  lastResponseId: number;
  lastResponse?: AllocateResponseProto;
  lastContact: number;
  nextContainerSeq: number;
  unregisterRequested: boolean;
  finalStatusRequested?: FinalStatus;
}

export interface AppRecord {
  id: string;
  user: string;
  name: string;
  queue: string;
  applicationType: string;
  applicationTags: string[];
  priority: number;
  submitTime: number;
  startTime: number;
  launchTime: number;
  finishTime: number;
  state: RmAppState;
  /** State shown in reports while FINAL_SAVING / KILLING. */
  stateBeforeFinal?: RmAppState;
  finalStatus: FinalStatus;
  diagnostics: string;
  maxAppAttempts: number;
  keepContainers: boolean;
  attemptFailuresValidityIntervalMs: number;
  amResource: WireResource;
  /** The ContainerLaunchContextProto object from the submission, passed on to the AM launch. */
  amContainerSpec: ContainerLaunchContextProto;
  unmanagedAm: boolean;
  attempts: AttemptRecord[];
  failedAttemptTimes: number[];
  finalStateStored: boolean;
  trackingUrl: string;
  originalTrackingUrl: string;
  memorySeconds: number;
  vcoreSeconds: number;
  /** The latest log aggregation report of each node (by node id) that sent one for this application. */
  logAggregationReports?: Record<string, NodeLogAggregationStatus>;
  /** LOG_SUCCEEDED or LOG_FAILED once every node finished after the application ended: it stays. */
  logAggregationSettled?: LogAggregationStatusProto;
}

export interface RmState {
  clusterTimestamp: number;
  /** Bumped at each recovery; stamped into new container ids as `e<epoch>`. */
  epoch: number;
  nextAppSeq: number;
  apps: RecordsById<AppRecord>;
  nodes: RecordsById<NodeRecord>;
  containers: RecordsById<ContainerRecord>;
  tokens: TokenState;
}
