/**
 * The AM's side of the client lease: a cluster started by an attached client (yarn-session
 * without -d, attached per-job or application runs) lives only as long as that client keeps
 * heartbeating, so a client killed with SIGKILL or cut off by the network leaves no orphan.
 * The clock starts when the AM starts serving (the client cannot heartbeat earlier); a client
 * that detaches on purpose releases the lease and the cluster lives on until stopped.
 */
import { formatLoomDuration } from '../../client/conf/loom-config-duration.js';
import type { LoomConfig } from '../../client/conf/loom-config.js';
import { LoomOptions } from '../../client/conf/loom-config-options.js';
import type { ClusterLeaseJson } from '../../client/contracts/dispatcher-rest-types.js';
import { isTerminalJobState } from '../../client/contracts/job-states.js';
import type { JobStatus } from '../cluster-api.js';
import type { FinalStatus } from '../session/am-shutdown.js';

export interface ClientLeaseOptions {
  /** loom.client.heartbeat-timeout */
  timeoutMs: number;
  /** Called once, when the client has been silent for the timeout, with diagnostics for YARN. */
  onExpired(diagnostics: string): void;
  log?: (line: string) => void;
  now?: () => number;
}

/** What the dispatcher's /cluster/lease route needs. */
export interface LeaseEndpoint {
  renew(): ClusterLeaseJson;
  release(): ClusterLeaseJson;
  state(): ClusterLeaseJson;
}

/** A cluster nobody holds a lease on: it lives until stopped, and heartbeats change nothing. */
export const DETACHED_CLUSTER: LeaseEndpoint = {
  renew: () => ({ attached: false, 'timeout-ms': 0 }),
  release: () => ({ attached: false, 'timeout-ms': 0 }),
  state: () => ({ attached: false, 'timeout-ms': 0 }),
};

export class ClientLease implements LeaseEndpoint {
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private lastHeartbeatAt: number | undefined;
  private startedAt: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private released = false;
  private expired = false;

  constructor(private readonly opts: ClientLeaseOptions) {
    if (!Number.isFinite(opts.timeoutMs) || opts.timeoutMs <= 0) {
      throw new Error(`loom.client.heartbeat-timeout must be more than 0 ms for an attached cluster; got ${opts.timeoutMs}`);
    }
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? (() => undefined);
  }

  /** Starts the clock (the AM serves from now on). */
  start(): void {
    if (this.startedAt !== undefined) return;
    this.startedAt = this.now();
    this.log(
      `client lease: this cluster ends when its attached client is silent for ${this.opts.timeoutMs} ms (loom.client.heartbeat-timeout)`,
    );
    this.schedule();
  }

  /** A heartbeat from the client. */
  renew(): ClusterLeaseJson {
    if (!this.released && !this.expired) {
      this.lastHeartbeatAt = this.now();
      this.schedule();
    }
    return this.state();
  }

  /** The client detached: from now on the cluster lives until it is stopped. */
  release(): ClusterLeaseJson {
    if (!this.released && !this.expired) {
      this.released = true;
      this.clear();
      this.log('client lease released: the client detached, the cluster runs on until it is stopped');
    }
    return this.state();
  }

  state(): ClusterLeaseJson {
    const last = this.lastHeartbeatAt ?? this.startedAt;
    const active = !this.released && !this.expired;
    return {
      attached: active,
      'timeout-ms': this.opts.timeoutMs,
      ...(this.lastHeartbeatAt !== undefined ? { 'last-heartbeat': this.lastHeartbeatAt } : {}),
      ...(active && last !== undefined ? { expires: last + this.opts.timeoutMs } : {}),
    };
  }

  /** The AM is ending anyway: no more expiry. */
  stop(): void {
    this.clear();
  }

  private schedule(): void {
    if (this.startedAt === undefined || this.released || this.expired) return;
    this.clear();
    const last = this.lastHeartbeatAt ?? this.startedAt;
    const due = last + this.opts.timeoutMs - this.now();
    this.timer = setTimeout(() => this.check(), Math.max(0, due));
    // The AM's servers keep it alive; a pending expiry must not.
    this.timer.unref();
  }

  private check(): void {
    this.timer = undefined;
    if (this.released || this.expired || this.startedAt === undefined) return;
    const last = this.lastHeartbeatAt ?? this.startedAt;
    if (this.now() - last < this.opts.timeoutMs) {
      this.schedule();
      return;
    }
    this.expired = true;
    const diagnostics = leaseExpiredDiagnostics(this.opts.timeoutMs, this.lastHeartbeatAt, this.startedAt, this.now());
    this.log(diagnostics);
    this.opts.onExpired(diagnostics);
  }

  private clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** Names the lease, when the client was last heard from, and how to get a cluster that outlives its client. */
export function leaseExpiredDiagnostics(timeoutMs: number, lastHeartbeatAt: number | undefined, startedAt: number, now: number): string {
  const since =
    lastHeartbeatAt !== undefined
      ? `its last lease heartbeat came at ${new Date(lastHeartbeatAt).toISOString()}`
      : `it sent no lease heartbeat since the ApplicationMaster started at ${new Date(startedAt).toISOString()}`;
  return (
    `Loom client lease expired: the attached client went silent (${since}, ${((now - (lastHeartbeatAt ?? startedAt)) / 1000).toFixed(1)} s ago; ` +
    `loom.client.heartbeat-timeout is ${formatLoomDuration(timeoutMs)}), so the cluster shut itself down at ${new Date(now).toISOString()} instead of running without its client. ` +
    'Start it detached (-d) to keep a cluster running without a client.'
  );
}

/**
 * The lease of a cluster its client started attached (loom.client.attached in the shipped
 * configuration), or undefined for a detached one. Its expiry calls `onLost` with the diagnostics;
 * endWithoutClient() is what the AM does then.
 */
export function clientLeaseFor(
  config: LoomConfig,
  onLost: (diagnostics: string) => void,
  log?: (line: string) => void,
): ClientLease | undefined {
  if (!config.get(LoomOptions.clientAttached)) return undefined;
  return new ClientLease({
    timeoutMs: config.get(LoomOptions.clientHeartbeatTimeout),
    onExpired: onLost,
    ...(log ? { log } : {}),
  });
}

/** An application's end: final status and diagnostics for YARN. */
export interface ClusterEnd {
  finalStatus: FinalStatus;
  diagnostics: string;
}

/** What ending a cluster without its client needs of the AM. */
export interface LostClientHost {
  jobs(): JobStatus[];
  cancelJob(id: string): Promise<unknown>;
  /** Called first: the mode stops ending the cluster by itself (its ends would race this one). */
  clientLost?(): void;
  /** The end that follows from the jobs once the running ones were cancelled; default KILLED. */
  endFor?(jobs: JobStatus[], lost: string): ClusterEnd;
  finish(end: ClusterEnd): void;
  log(line: string): void;
}

/**
 * The client's lease lapsed: the work it was attached to goes, as a client that exits cancels
 * its job (Flink's -sae, shutdown on attached exit). Only the jobs still running are cancelled;
 * the cluster then ends with the status that follows from its jobs: a per-job cluster whose job
 * FINISHED before the lapse ends SUCCEEDED, one whose job had to be cancelled KILLED (Flink's
 * cancelled job ends its YARN application KILLED), a session KILLED; the diagnostics name the
 * lost client. Nothing in the cluster failed, so the lease itself never makes it FAILED.
 */
export async function endWithoutClient(host: LostClientHost, lost: string): Promise<void> {
  host.clientLost?.();
  const running = host.jobs().filter((j) => !isTerminalJobState(j.state));
  if (running.length > 0) host.log(`client lease: cancelling ${running.length} running job(s): ${running.map((j) => j.id).join(', ')}`);
  const cancelled = await Promise.allSettled(running.map((j) => host.cancelJob(j.id)));
  cancelled.forEach((r, i) => {
    if (r.status === 'rejected')
      host.log(`client lease: could not cancel job ${running[i].id}: ${(r.reason as Error).message}; the shutdown stops it`);
  });
  const jobs = host.jobs();
  const cancelledNote = running.length > 0 ? ` Its running job(s) ${running.map((j) => j.id).join(', ')} were cancelled.` : '';
  host.finish(host.endFor?.(jobs, lost) ?? { finalStatus: 'KILLED', diagnostics: `${lost}${cancelledNote}` });
}
