// AMRMClient: ApplicationMasterProtocol (the RM scheduler port, 8030) for an ApplicationMaster,
// behaving like Hadoop's AMRMClientImpl: TOKEN auth with the attempt's AMRMToken, the absolute
// ask table (only changed entries sent, lowered as containers arrive), releases and blacklist,
// responseId rules, a rolled AMRMToken picked up, NMTokens cached per node, re-registration with
// everything resent after an RM restart, and ApplicationAttemptNotFoundException as AttemptOverError.
// Unlike AMRMClientImpl, a part of a call the RM refuses for good (an invalid ask, a foreign
// release; allocate-errors.ts) is taken back and reported as AllocateRefusedError, so one bad ask
// does not make every later heartbeat fail.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Configuration } from '../../conf/configuration.js';
import { APPLICATION_MASTER_PROTOCOL, type MethodName, type RequestOf, type ResponseOf } from '../../wire/codec/hadoop-protocols.js';
import { FailoverRpcClient, type FailoverOptions } from '../../wire/ipc/failover-rpc-client.js';
import { isRemoteException, RemoteException } from '../../wire/ipc/remote-exception.js';
import type { RetryReporter } from '../../retry/retry-report.js';
import { Credentials } from '../../wire/security/credentials-file.js';
import { AMRM_TOKEN_KIND, decodeAMRMTokenIdentifier } from '../../wire/security/token-identifiers.js';
import { tokenFromProto, type HadoopToken } from '../../wire/security/token.js';
import { remoteAllocateErrorKind } from './allocate-errors.js';
import { ANY, AskTable, type AskEntry, type ContainerRequest } from './amrm-ask-table.js';
import { nodeReportFromProto, type FinalApplicationStatus, type NodeReport } from './cluster-reports.js';
import { NMTokenCache } from './nm-token-cache.js';
import { rmProxyOptionsFromConf } from './rm-proxy-options.js';
import { AllocateRefusedError, AttemptOverError, YarnClientError } from './yarn-client-errors.js';
import { formatApplicationAttemptId } from '../../wire/codec/yarn-ids.js';
import {
  containerFromProto,
  containerIdText,
  containerIdToWire,
  containerStatusFromProto,
  nmTokenFromProto,
  resourceFromProto,
  type Container,
  type ContainerStatus,
  type NMToken,
  type Resource,
} from './yarn-records.js';

import type { AllocateResponseProto, FinishApplicationMasterRequestProto } from '../../wire/codec/generated/proto-messages.js';

export type { ContainerRequest } from './amrm-ask-table.js';

type MasterProtocol = typeof APPLICATION_MASTER_PROTOCOL;

const EXC = 'org.apache.hadoop.yarn.exceptions.';
const NOT_REGISTERED = `${EXC}ApplicationMasterNotRegisteredException`;
/** Re-registrations in a row before an RM that keeps forgetting us is reported instead of chased. */
const MAX_RESYNCS = 3;

export interface AMRMClientOptions {
  /** Scheduler addresses in failover order (one without RM HA). */
  addresses: { host: string; port: number }[];
  /** The attempt's AMRMToken (container_tokens, kind YARN_AM_RM_TOKEN). */
  token: HadoopToken;
  /** Shared with NMClient; a new one by default. */
  nmTokens?: NMTokenCache;
  failover?: Pick<FailoverOptions, 'maxAttempts' | 'sleepBaseMs' | 'sleepMaxMs' | 'maxWaitMs' | 'connection' | 'target' | 'onRetry'>;
  /** Pause between finishApplicationMaster calls while the RM stores the unregistration (Hadoop: 100 ms). */
  unregisterPollMs?: number;
}

export interface RegisterResult {
  maximumCapability: Resource;
  queue: string;
  containersFromPreviousAttempts: Container[];
  nmTokensFromPreviousAttempts: NMToken[];
  /** MEMORY, CPU */
  schedulerResourceTypes: string[];
  resourceTypes: { name: string; units: string; type: string }[];
  clientToAmTokenMasterKey: Buffer | undefined;
  applicationAcls: { accessType: string; acl: string }[];
}

export interface AllocateResult {
  responseId: number;
  /** Containers that satisfied an outstanding request (its asks are already lowered). */
  allocated: Container[];
  /** Containers no outstanding request wanted (the RM acted before a lowered ask arrived): release or reuse them. */
  surplus: Container[];
  completed: ContainerStatus[];
  /** What the application may still get (`limit`). */
  headroom: Resource | undefined;
  numClusterNodes: number;
  nmTokens: NMToken[];
  updatedNodes: NodeReport[];
  /** AM_RESYNC / AM_SHUTDOWN: the AM should shut down. */
  amCommand: 'AM_RESYNC' | 'AM_SHUTDOWN' | undefined;
  /** The response carried a new AMRMToken; later connections use it. */
  amrmTokenRolled: boolean;
  applicationPriority: number | undefined;
  containersFromPreviousAttempts: Container[];
  /** Containers the RM will take back (preemption), by id. */
  preemptedContainerIds: string[];
}

export class AMRMClient {
  readonly nmTokens: NMTokenCache;
  private readonly asks = new AskTable();
  /** Releases not yet sent. */
  private release = new Set<string>();
  /** Released containers the RM has not yet reported completed: sent again after a resync. */
  private readonly pendingRelease = new Set<string>();
  private readonly blacklisted = new Set<string>();
  private blacklistAdditions = new Set<string>();
  private blacklistRemovals = new Set<string>();
  private lastResponseId = 0;
  private token: HadoopToken;
  private rpc: FailoverRpcClient<MasterProtocol>;
  private registration: { host: string; rpc_port: number; tracking_url: string } | undefined;
  /** RPCs run one at a time so responseIds and the ask set stay consistent. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: AMRMClientOptions) {
    if (options.token.kind !== AMRM_TOKEN_KIND) {
      throw new TypeError(`AMRMClient needs a ${AMRM_TOKEN_KIND} token, got kind ${JSON.stringify(options.token.kind)}`);
    }
    this.token = options.token;
    this.nmTokens = options.nmTokens ?? new NMTokenCache();
    this.rpc = this.newRpc();
  }

  /**
   * Scheduler address(es) from yarn.resourcemanager.scheduler.address (or the HA rm-ids); the
   * AMRMToken given, or the one in the credentials file named by HADOOP_TOKEN_FILE_LOCATION.
   */
  static createFromConf(
    conf: Configuration,
    opts: { token?: HadoopToken; env?: NodeJS.ProcessEnv; nmTokens?: NMTokenCache; onRetry?: RetryReporter } = {},
  ): AMRMClient {
    const { addresses, haEnabled: _ha, ...failover } = rmProxyOptionsFromConf(conf, 'scheduler');
    const token = opts.token ?? amrmTokenFromEnvironment(opts.env ?? process.env);
    return new AMRMClient({
      addresses,
      token,
      ...(opts.nmTokens ? { nmTokens: opts.nmTokens } : {}),
      failover: { ...failover, ...(opts.onRetry ? { onRetry: opts.onRetry } : {}) },
    });
  }

  /** The AMRMToken in use (the latest rolled one). */
  get amrmToken(): HadoopToken {
    return this.token;
  }

  /** appattempt_... of the token. */
  get attemptId(): string {
    return formatApplicationAttemptId(decodeAMRMTokenIdentifier(this.token.identifier).applicationAttemptId);
  }

  /** Index (in `options.addresses`) of the ResourceManager calls currently go to. */
  get activeResourceManager(): number {
    return this.rpc.activeIndex;
  }

  register(host: string, rpcPort: number, trackingUrl: string): Promise<RegisterResult> {
    this.registration = { host, rpc_port: rpcPort, tracking_url: trackingUrl };
    return this.exclusive(() => this.registerNow());
  }

  addContainerRequest(req: ContainerRequest): void {
    this.asks.add(req);
  }

  /** Withdraws a request added earlier; false when it was not outstanding (already satisfied). */
  removeContainerRequest(req: ContainerRequest): boolean {
    return this.asks.remove(req);
  }

  /** The ask table: entries with their absolute outstanding counts. */
  outstandingAsks(): AskEntry[] {
    return this.asks.outstanding();
  }

  outstandingRequests(): ContainerRequest[] {
    return this.asks.outstandingRequests();
  }

  releaseAssignedContainer(containerId: string): void {
    containerIdToWire(containerId); // validates the id now rather than inside the next allocate
    this.release.add(containerId);
    this.pendingRelease.add(containerId);
  }

  /** Node host names the scheduler should (not) use for this application. */
  updateBlacklist(additions: string[] = [], removals: string[] = []): void {
    for (const n of additions) {
      this.blacklisted.add(n);
      this.blacklistAdditions.add(n);
      this.blacklistRemovals.delete(n);
    }
    for (const n of removals) {
      this.blacklisted.delete(n);
      this.blacklistRemovals.add(n);
      this.blacklistAdditions.delete(n);
    }
  }

  /** One heartbeat: sends changed asks, releases and blacklist changes; `progress` in [0, 1]. */
  allocate(progress: number): Promise<AllocateResult> {
    if (!Number.isFinite(progress) || progress < 0 || progress > 1)
      return Promise.reject(new RangeError(`allocate progress must be between 0 and 1, got ${progress}`));
    return this.exclusive(() => this.allocateNow(progress, 0));
  }

  /** finishApplicationMaster, repeated until the RM says the unregistration is stored. */
  unregister(finalStatus: FinalApplicationStatus, diagnostics?: string, trackingUrl?: string): Promise<void> {
    const request: FinishApplicationMasterRequestProto = { final_application_status: `APP_${finalStatus}` };
    if (diagnostics !== undefined) request.diagnostics = diagnostics;
    if (trackingUrl !== undefined) request.tracking_url = trackingUrl;
    return this.exclusive(async () => {
      for (let resyncs = 0; ;) {
        try {
          for (;;) {
            const r = await this.call('finishApplicationMaster', request);
            if (r.isUnregistered) return;
            await sleep(this.options.unregisterPollMs ?? 100);
          }
        } catch (err) {
          if (!isRemoteException(err, NOT_REGISTERED) || ++resyncs > MAX_RESYNCS) throw err;
          await this.registerNow();
        }
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue.catch(() => undefined);
    await this.rpc.close();
  }

  // ---------------------------------------------------------------- internals

  private async registerNow(): Promise<RegisterResult> {
    if (!this.registration) throw new YarnClientError('register() must be called before allocate or unregister');
    const r = await this.call('registerApplicationMaster', this.registration);
    this.lastResponseId = 0;
    const previousTokens = (r.nm_tokens_from_previous_attempts ?? []).map(nmTokenFromProto);
    for (const t of previousTokens) this.nmTokens.setToken(t.nodeId, t.token);
    return {
      maximumCapability: resourceFromProto(r.maximumCapability),
      queue: r.queue ?? '',
      containersFromPreviousAttempts: (r.containers_from_previous_attempts ?? []).map(containerFromProto),
      nmTokensFromPreviousAttempts: previousTokens,
      schedulerResourceTypes: (r.scheduler_resource_types ?? []).map(String),
      resourceTypes: (r.resource_types ?? []).map((t) => ({
        name: t.name,
        units: t.units ?? '',
        type: t.type ?? 'COUNTABLE',
      })),
      clientToAmTokenMasterKey: r.client_to_am_token_master_key ? Buffer.from(r.client_to_am_token_master_key) : undefined,
      applicationAcls: (r.application_ACLs ?? []).map((a) => ({
        accessType: String(a.accessType),
        acl: a.acl ?? ' ',
      })),
    };
  }

  private async allocateNow(progress: number, resyncs: number): Promise<AllocateResult> {
    const { asks, keys } = this.asks.takeChanged();
    const release = [...this.release];
    const additions = [...this.blacklistAdditions];
    const removals = [...this.blacklistRemovals];
    this.release = new Set();
    this.blacklistAdditions = new Set();
    this.blacklistRemovals = new Set();
    const request = {
      ask: asks,
      release: release.map(containerIdToWire),
      // Hadoop always sends the blacklist request, empty or not.
      blacklist_request: { blacklist_additions: additions, blacklist_removals: removals },
      response_id: this.lastResponseId,
      progress,
    };
    let r: AllocateResponseProto;
    try {
      r = await this.call('allocate', request);
    } catch (err) {
      // Nothing was applied: everything goes out again with the next allocate.
      this.asks.restore(keys);
      for (const id of release) this.release.add(id);
      for (const n of additions) if (!this.blacklistRemovals.has(n)) this.blacklistAdditions.add(n);
      for (const n of removals) if (!this.blacklistAdditions.has(n)) this.blacklistRemovals.add(n);
      const kind = remoteAllocateErrorKind(err);
      if (kind === 'ask-refused' || kind === 'release-refused' || kind === 'blacklist-refused')
        throw this.takeBack(kind, err as RemoteException, keys, release);
      if (!isRemoteException(err, NOT_REGISTERED) || resyncs >= MAX_RESYNCS) throw err;
      // The RM restarted and forgot us: re-register, then resend the whole table, releases and blacklist.
      for (const id of this.pendingRelease) this.release.add(id);
      for (const n of this.blacklisted) this.blacklistAdditions.add(n);
      this.asks.markAllChanged();
      await this.registerNow();
      return this.allocateNow(progress, resyncs + 1);
    }
    this.asks.commit(keys);
    return this.absorb(r);
  }

  /**
   * The RM refused one part of the call (nothing was applied): that part is taken back so the next
   * allocate carries the rest. An ask refused for its capability (the message names it as
   * `Requested resource=<memory:M, vCores:V>`) takes back every request of that capability; one
   * refused for another reason (a node label) takes back the requests this call sent. A refused
   * release drops the container the message names (else every release of this call).
   */
  private takeBack(
    kind: 'ask-refused' | 'release-refused' | 'blacklist-refused',
    err: RemoteException,
    keys: string[],
    release: string[],
  ): AllocateRefusedError {
    const message = err.remoteMessage;
    if (kind === 'ask-refused') {
      const named = /Requested resource=<memory:(-?\d+), vCores:(-?\d+)/.exec(message);
      const sent = new Set(keys);
      const gone = this.asks.discard((r) =>
        named ? r.capability.memoryMb === Number(named[1]) && r.capability.vcores === Number(named[2]) : sent.has(this.asks.anyKeyOf(r)),
      );
      const what = gone.length
        ? `${gone.length} container request(s) of ${describeCapability(gone[0].capability)}`
        : 'no outstanding request';
      return new AllocateRefusedError('ask', err.className, message, what);
    }
    if (kind === 'release-refused') {
      const named = /Cannot release container : (\S+)/.exec(message)?.[1];
      const dropped = named && release.includes(named) ? [named] : release;
      for (const id of dropped) {
        this.release.delete(id);
        this.pendingRelease.delete(id);
      }
      return new AllocateRefusedError('release', err.className, message, `the release of ${dropped.join(', ') || 'nothing'}`);
    }
    // RMServerUtils.validateBlacklistRequest refuses only the ANY resource name.
    this.blacklisted.delete(ANY);
    this.blacklistAdditions.delete(ANY);
    return new AllocateRefusedError('blacklist', err.className, message, `${ANY} from the blacklist additions`);
  }

  /** Applies a successful allocate response to the client's state and types it. */
  private async absorb(r: AllocateResponseProto): Promise<AllocateResult> {
    this.lastResponseId = r.response_id ?? 0;
    const nmTokens = (r.nm_tokens ?? []).map(nmTokenFromProto);
    for (const t of nmTokens) this.nmTokens.setToken(t.nodeId, t.token);
    let amrmTokenRolled = false;
    if (r.am_rm_token) {
      await this.useToken(tokenFromProto(r.am_rm_token, 'rolled AMRMToken in the allocate response'));
      amrmTokenRolled = true;
    }
    const completed = (r.completed_container_statuses ?? []).map(containerStatusFromProto);
    for (const s of completed) this.pendingRelease.delete(s.containerId);
    const allocated: Container[] = [];
    const surplus: Container[] = [];
    for (const c of (r.allocated_containers ?? []).map(containerFromProto)) {
      (this.asks.matchAllocated(c) ? allocated : surplus).push(c);
    }
    const preempted = [...(r.preempt?.strictContract?.container ?? []), ...(r.preempt?.contract?.container ?? [])];
    return {
      responseId: this.lastResponseId,
      allocated,
      surplus,
      completed,
      headroom: r.limit ? resourceFromProto(r.limit) : undefined,
      numClusterNodes: r.num_cluster_nodes ?? 0,
      nmTokens,
      updatedNodes: (r.updated_nodes ?? []).map(nodeReportFromProto),
      amCommand: r.a_m_command,
      amrmTokenRolled,
      applicationPriority: r.application_priority ? (r.application_priority.priority ?? 0) : undefined,
      containersFromPreviousAttempts: (r.containers_from_previous_attempts ?? []).map(containerFromProto),
      preemptedContainerIds: preempted.map((p) => containerIdText(p.id)),
    };
  }

  /** The RM rolled its AMRMToken master key: connections opened from now on authenticate with the new token. */
  private async useToken(token: HadoopToken): Promise<void> {
    if (token.kind !== AMRM_TOKEN_KIND) throw new YarnClientError(`the RM sent a rolled AMRMToken of kind ${JSON.stringify(token.kind)}`);
    const old = this.rpc;
    this.token = token;
    this.rpc = this.newRpc();
    await old.close();
  }

  private newRpc(): FailoverRpcClient<MasterProtocol> {
    return new FailoverRpcClient({
      ...this.options.failover,
      addresses: this.options.addresses,
      protocol: APPLICATION_MASTER_PROTOCOL,
      auth: { kind: 'token', token: this.token },
    });
  }

  /**
   * Every ApplicationMasterProtocol call may be resent after a broken connection: register is
   * @Idempotent, the RM answers a repeated allocate responseId with its last response, and finish
   * is repeated anyway until it reports success.
   */
  private async call<M extends MethodName<MasterProtocol>>(
    method: M,
    request: RequestOf<MasterProtocol, M>,
  ): Promise<ResponseOf<MasterProtocol, M>> {
    try {
      return await this.rpc.invoke(method, request, { idempotent: true });
    } catch (err) {
      if (remoteAllocateErrorKind(err) === 'attempt-over') {
        const remote = err as RemoteException;
        throw new AttemptOverError(remote.className, remote.remoteMessage, { cause: err });
      }
      throw err;
    }
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new YarnClientError('AMRMClient is closed'));
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** The AMRMToken from the credentials file named by HADOOP_TOKEN_FILE_LOCATION (written by the NM). */
export function amrmTokenFromEnvironment(env: NodeJS.ProcessEnv = process.env): HadoopToken {
  const path = env.HADOOP_TOKEN_FILE_LOCATION;
  if (!path) {
    throw new YarnClientError(
      'HADOOP_TOKEN_FILE_LOCATION is not set, so there is no AMRMToken: AMRMClient runs inside a YARN ApplicationMaster container (or pass the token explicitly)',
    );
  }
  const token = Credentials.readFile(path).findToken(AMRM_TOKEN_KIND);
  if (!token)
    throw new YarnClientError(`${path} holds no ${AMRM_TOKEN_KIND} token; the ResourceManager puts it into the AM container's credentials`);
  return token;
}

function describeCapability(r: Resource): string {
  return `<memory:${r.memoryMb}, vCores:${r.vcores}>`;
}
