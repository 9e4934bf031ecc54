// Replay: the recorded client byte streams of fixtures ipc/ (client -> RM, AM -> RM, AM -> NM and
// RM -> NM stop) sent to the mini cluster with ids and tokens rewritten to its own; every answer
// must decode to the recorded message type with the same fields set.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebHdfsClient } from '../../client/hadoop/hdfs/webhdfs-client.js';
import { Credentials } from '../../client/wire/security/credentials-file.js';
import { AMRM_TOKEN_KIND, decodeContainerTokenIdentifier } from '../../client/wire/security/token-identifiers.js';
import { tokenFromProto, type HadoopToken } from '../../client/wire/security/token.js';
import { containerIdText, containerIdToProto } from '../../client/wire/codec/yarn-ids.js';
import { startMiniCluster, type MiniCluster } from '../../minicluster/mini-cluster.js';
import { fixturePath, readFixtureJson } from '../support/fixtures.js';
import {
  fieldPaths,
  replayScenario,
  type Answer,
  type CallRewriter,
  type RecordedConnection,
  type ReplayStream,
  type ReplayedCall,
} from './ipc-replay.js';
import { amContainerOf, amrmTokenFromFile, hdfsFor, hostPort, waitFor } from './mini-cluster-kit.js';

type Obj = Record<string, any>;

const RECORDED_TS = 1795373400808;
/** How long an allocate waits for our scheduler to reach the recorded state (see sameSchedulerState). */
const SCHEDULER_WAIT_MS = 3000;
/** The stand-in AM: the recorded AMs are Java programs; ours sleeps while the replayed AM streams speak for it. */
const STAND_IN_AM = 'exec sleep 60';

let cluster: MiniCluster | undefined;
let fs: WebHdfsClient | undefined;
afterEach(async () => {
  fs?.close();
  await cluster?.stop();
  fs = undefined;
  cluster = undefined;
});

/** Ids and tokens of the recording -> the mini cluster's, learned from its answers as the replay goes. */
class MiniClusterRewriter implements CallRewriter {
  private readonly apps = new Map<number, number>();
  readonly containerTokens = new Map<string, Obj>();
  readonly nmTokens = new Map<string, HadoopToken>();
  amrmToken: HadoopToken | undefined;

  constructor(
    private readonly c: MiniCluster,
    private readonly hdfs: WebHdfsClient,
  ) {}

  learn(method: string, ours: Obj, recorded: Obj | undefined): void {
    if (method === 'getNewApplication' && recorded) this.apps.set(Number(recorded.application_id.id), Number(ours.application_id.id));
    if (method === 'allocate') {
      for (const c of ours.allocated_containers ?? []) this.containerTokens.set(containerIdText(c.id), c.container_token);
      for (const t of ours.nm_tokens ?? []) this.nmTokens.set(`${t.nodeId.host}:${t.nodeId.port}`, tokenFromProto(t.token));
    }
  }

  /** Application ids carry our cluster timestamp and our sequence number; everything else keeps its value. */
  ids<T>(v: T): T {
    if (Array.isArray(v)) return v.map((e) => this.ids(e)) as T;
    if (!v || typeof v !== 'object' || v instanceof Uint8Array) return v;
    const o = v as Obj;
    if (Number(o.cluster_timestamp) === RECORDED_TS && o.id !== undefined) {
      return {
        ...o,
        id: this.apps.get(Number(o.id)) ?? Number(o.id),
        cluster_timestamp: this.c.resourceManager.core.clusterTimestamp,
      } as T;
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, this.ids(x)])) as T;
  }

  async request(method: string, request: Obj, recorded: Answer | undefined): Promise<Obj> {
    const r = this.ids(request);
    if (method === 'allocate' && recorded?.body) await this.sameSchedulerState(recorded.body);
    if (method === 'stopContainers') await this.amStopAfterUnregister(r);
    if ((method === 'getContainerStatuses' || method === 'stopContainers') && recorded?.body) await this.containersStarted(recorded.body);
    if (method === 'submitApplication') {
      const ctx = r.application_submission_context;
      ctx.am_container_spec = { ...ctx.am_container_spec, command: [STAND_IN_AM], localResources: [] };
    }
    if (method === 'startContainers') {
      for (const start of r.start_container_request ?? []) {
        const recordedId = decodeContainerTokenIdentifier(start.container_token.identifier).containerId;
        const ourId = containerIdText(this.ids(containerIdToProto(recordedId)));
        start.container_token = await waitFor(() => this.containerTokens.get(ourId), `our token for ${ourId}`);
        const ctx = start.container_launch_context;
        if (ctx.tokens?.length && Credentials.parse(ctx.tokens).findToken(AMRM_TOKEN_KIND)) {
          ctx.tokens = new Credentials().addToken('', this.amrmToken!).serialize();
        }
        for (const e of ctx.localResources ?? []) e.value = await this.localResource(e.value);
      }
    }
    return r;
  }

  /**
   * Before an allocate, wait (briefly) until our RM has allocated the containers Hadoop's answer
   * handed out and has seen the completions it reported, so the answer can carry the same fields
   * whatever the machine's speed. A container our scheduler never made (a surplus one) is not waited for long.
   */
  private async sameSchedulerState(recorded: Obj): Promise<void> {
    const core = this.c.resourceManager.core;
    const ours = (p: Obj) => containerIdText(this.ids(p));
    const allocated = ((recorded.allocated_containers ?? []) as Obj[]).map((c) => ours(c.id));
    const completed = ((recorded.completed_container_statuses ?? []) as Obj[]).map((s) => ours(s.container_id));
    await waitFor(
      () => allocated.every((id) => core.containerRecord(id)) && completed.every((id) => core.containerRecord(id)?.state === 'COMPLETE'),
      'the recorded scheduler state',
      SCHEDULER_WAIT_MS,
    ).catch(() => undefined);
  }

  /**
   * Before asking the NM about containers (or stopping them), wait until ours has the containers
   * Hadoop's NM answered for: their startContainers come on other streams, replayed in parallel,
   * and the recorded timeline alone does not order them on a loaded machine (an unknown container
   * is answered in failed_requests).
   */
  private async containersStarted(recorded: Obj): Promise<void> {
    const ids = [...((recorded.status ?? []) as Obj[]).map((st) => st.container_id), ...((recorded.succeeded_requests ?? []) as Obj[])].map(
      (p) => containerIdText(this.ids(p)),
    );
    const known = () => new Set(this.c.nodes.flatMap((n) => n.containerStates().map((st) => st.id)));
    await waitFor(() => ids.every((id) => known().has(id)), `our NM to know ${ids.join(', ')}`, 20_000);
  }

  /** The RM stops the AM container only once the AM has unregistered (our replayed AM may run late). */
  private async amStopAfterUnregister(request: Obj): Promise<void> {
    const core = this.c.resourceManager.core;
    for (const id of ((request.container_id ?? []) as Obj[]).map((p) => containerIdText(p))) {
      const record = core.containerRecord(id);
      if (!record?.isAm) continue;
      await waitFor(
        () => core.appRecord(record.appId).attempts.find((a) => a.id === record.attemptId)?.unregisterRequested,
        'the AM to unregister',
      );
    }
  }

  /** The recorded HDFS file, made again on our WebHDFS with the same path and size. */
  private async localResource(v: Obj): Promise<Obj> {
    const path = String(v.resource.file);
    await this.hdfs.mkdirs(path.slice(0, path.lastIndexOf('/')), { permission: '755' });
    await this.hdfs.create(path, Buffer.alloc(Number(v.size), 'r'), { overwrite: true, permission: '644' });
    const st = await this.hdfs.getFileStatus(path);
    const nn = this.c.webHdfs.nameNodeAddress;
    return { ...v, resource: { scheme: 'webhdfs', host: nn.host, port: nn.port, file: path }, timestamp: st.modificationTime };
  }
}

function scenarioStreams(c: MiniCluster, rw: MiniClusterRewriter, scenario: string, onlyClientPort: boolean): ReplayStream[] {
  const nodeId = () => c.nodes[0].nodeId;
  const nmToken = () => waitFor(() => rw.nmTokens.get(nodeId()), 'our NMToken');
  const streams: ReplayStream[] = [];
  for (const file of readdirSync(fixturePath('ipc', scenario))
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const recording = readFixtureJson<RecordedConnection>('ipc', scenario, file);
    const name = `${scenario}/${file}`;
    if (recording.port === 8032) streams.push({ name, recording, target: () => hostPort(c.rmAddress) });
    else if (onlyClientPort) continue;
    else if (recording.port === 8030) {
      streams.push({
        name,
        recording,
        target: () => hostPort(c.schedulerAddress),
        // The AM's token is the one our RM wrote into the stand-in AM's container_tokens.
        token: async () => {
          const am = await waitFor(() => {
            const app = c.resourceManager.core.allApps().at(0);
            return app ? amContainerOf(c, app.id) : undefined;
          }, 'the AM container');
          rw.amrmToken = await waitFor(
            () => amrmTokenFromFile(join(c.nodes[0].containerWorkDir(am.containerId)!, 'container_tokens')),
            'the AM token',
          );
          return rw.amrmToken;
        },
      });
    } else if (recording.port === 45454 && !file.includes('startContainers-am')) {
      // AM -> NM calls, and the RM's stop of the AM container (same attempt, so the AM's NMToken).
      // The RM's start of the AM container is not replayed: our RM makes that call itself.
      streams.push({ name, recording, target: () => c.nodes[0].address, token: nmToken });
    }
    // Port 9000 (NameNode RPC) streams have no counterpart: the mini cluster's HDFS is WebHDFS only.
  }
  return streams;
}

/** Per call: same status and exception class; per method: the same fields set over the conversation. */
function compare(calls: ReplayedCall[]): { method: string; missing: string[]; extra: string[] }[] {
  for (const call of calls) {
    expect([call.stream, call.method, call.ours.status, call.ours.exceptionClassName]).toEqual([
      call.stream,
      call.method,
      call.recorded.status,
      call.recorded.exceptionClassName,
    ]);
  }
  const byMethod = new Map<string, { ours: Set<string>; recorded: Set<string> }>();
  for (const call of calls.filter((c) => c.recorded.status === 'SUCCESS')) {
    const m = byMethod.get(call.method) ?? { ours: new Set(), recorded: new Set() };
    for (const p of fieldPaths(call.ours.body)) m.ours.add(p);
    for (const p of fieldPaths(call.recorded.body)) m.recorded.add(p);
    byMethod.set(call.method, m);
  }
  return [...byMethod].map(([method, { ours, recorded }]) => ({
    method,
    missing: [...recorded].filter((p) => !ours.has(p)).sort(),
    extra: [...ours].filter((p) => !recorded.has(p)).sort(),
  }));
}

/**
 * Fields whose presence depends on timing in Hadoop itself: the NM adds HOST/IPS attributes to a
 * container's status once it has looked them up after the launch, so a container that ends at
 * once (distributedshell's `env`) is reported without them and a longer one (probe-am) with them.
 */
const TIMING_DEPENDENT = new Set([
  'completed_container_statuses.container_attributes',
  'completed_container_statuses.container_attributes.key',
  'completed_container_statuses.container_attributes.value',
]);

const SCENARIOS: { scenario: string; onlyClientPort: boolean }[] = [
  { scenario: 'distributedshell', onlyClientPort: false },
  { scenario: 'probe-am', onlyClientPort: false },
  { scenario: 'yarnclient-probe', onlyClientPort: true },
  { scenario: 'errors', onlyClientPort: true },
];

describe('recorded IPC streams replayed against the mini cluster', () => {
  for (const { scenario, onlyClientPort } of SCENARIOS) {
    it(`${scenario}: same answer types, statuses and fields set`, async () => {
      cluster = await startMiniCluster({ nodes: 1, heartbeatMs: 10, rmConfig: { minimumAllocationMb: 128 } });
      fs = hdfsFor(cluster);
      const rw = new MiniClusterRewriter(cluster, fs);
      const streams = scenarioStreams(cluster, rw, scenario, onlyClientPort).filter((s) => !s.name.includes('-raw-'));
      const calls = await replayScenario(streams, rw, 0.15);
      // Every recorded call of every replayed connection got an answer.
      const recordedCalls = streams.length;
      expect(new Set(calls.map((c) => c.stream)).size).toBe(recordedCalls);
      for (const { method, missing, extra } of compare(calls)) {
        expect({ method, missing }).toEqual({ method, missing: missing.filter((p) => TIMING_DEPENDENT.has(p)) });
        expect({ method, extra }).toEqual({ method, extra: extra.filter((p) => TIMING_DEPENDENT.has(p)) });
      }
      if (!onlyClientPort) {
        const nmCalls = calls.filter((c) => c.stream.includes('-nm-'));
        expect(nmCalls.map((c) => c.method).sort()).toEqual(
          expect.arrayContaining(['getContainerStatuses', 'startContainers', 'stopContainers']),
        );
      }
    });
  }
});
