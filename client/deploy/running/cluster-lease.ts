/**
 * The client's side of the lease that keeps an attached cluster from outliving its client: the
 * client marks the cluster attached in the shipped configuration (loom.client.attached), then
 * heartbeats the AM's REST API (POST /cluster/lease with the cluster secret) about four times per
 * loom.client.heartbeat-timeout. If the heartbeats stop (the client was killed, its machine or
 * network went away), the AM ends the application KILLED, as Flink cancels the job of a client
 * whose heartbeats time out. Detaching on purpose releases the lease (DELETE /cluster/lease).
 */
import type { PinnedCertificate } from '../../wire/security/pinned-certificate.js';
import { amFetch } from './am-rest-fetch.js';
import type { LoomConfig } from '../../conf/loom-config.js';
import { LoomOptions } from '../../conf/loom-config-options.js';
import type { ApplicationReport } from '../../hadoop/yarn/cluster-reports.js';
import { CLUSTER_LEASE_PATH, type ClusterLeaseJson } from '../../contracts/dispatcher-rest-types.js';
import { locateAm } from './am-locator.js';
import { noLog } from '../no-log.js';

/** Records in the configuration the cluster ships with whether this client stays attached (and heartbeats). */
export function markAttached(conf: LoomConfig, attached: boolean): void {
  conf.set(LoomOptions.clientAttached.key, String(attached), attached ? 'attached client' : 'detached client (-d)');
}

/** What a lease needs of a running cluster (SessionCluster has it): where its REST API is, now and after a new AM attempt. */
export interface LeasedCluster {
  readonly restUrl: string;
  readonly secret: string;
  /** Internal TLS: the certificate the AM must show; absent: plain HTTP. */
  readonly certificate?: PinnedCertificate | undefined;
  /** Refreshes the application report, so restUrl names the current attempt. */
  report(): Promise<ApplicationReport>;
}

/** Starts heartbeating a cluster this client started attached (markAttached(conf, true)); stop() or release() it when done. */
export function holdClusterLease(conf: LoomConfig, cluster: LeasedCluster, log?: (line: string) => void): ClusterLease {
  return ClusterLease.start({
    restUrl: cluster.restUrl,
    secret: cluster.secret,
    ...(cluster.certificate ? { certificate: cluster.certificate } : {}),
    timeoutMs: conf.get(LoomOptions.clientHeartbeatTimeout),
    locate: async () => {
      const at = await locateAm(cluster);
      return at.state === 'serving' ? at.restUrl : undefined;
    },
    ...(log ? { log } : {}),
  });
}

export interface ClusterLeaseOptions {
  /** `http://host:port` of the AM's REST API. */
  restUrl: string;
  secret: string;
  /** Internal TLS: the certificate the AM must show (pinned). */
  certificate?: PinnedCertificate;
  /** loom.client.heartbeat-timeout; heartbeats go out every quarter of it unless intervalMs says otherwise. */
  timeoutMs: number;
  intervalMs?: number;
  /**
   * Where the AM's REST API is now (from YARN's application report): asked after a failed
   * heartbeat, since a new AM attempt serves at a new address with the same secret; undefined
   * while there is none (between attempts).
   */
  locate?: () => Promise<string | undefined>;
  /** Warnings for a person: a heartbeat that failed, and when they work again. */
  log?: (line: string) => void;
}

export class ClusterLease {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private failing = false;
  private baseUrl: string;
  private readonly intervalMs: number;
  private readonly log: (line: string) => void;

  private constructor(private readonly opts: ClusterLeaseOptions) {
    if (!Number.isFinite(opts.timeoutMs) || opts.timeoutMs <= 0)
      throw new Error(`the client heartbeat timeout must be more than 0 ms; got ${opts.timeoutMs}`);
    this.baseUrl = opts.restUrl.replace(/\/+$/, '');
    this.intervalMs = Math.max(50, opts.intervalMs ?? Math.floor(opts.timeoutMs / 4));
    this.log = opts.log ?? noLog;
  }

  /** Sends the first heartbeat at once and keeps heartbeating until stop() or release(). */
  static start(opts: ClusterLeaseOptions): ClusterLease {
    const lease = new ClusterLease(opts);
    lease.tick();
    return lease;
  }

  /** One heartbeat; resolves with the AM's view of the lease. */
  async heartbeat(): Promise<ClusterLeaseJson> {
    return this.call('POST');
  }

  /** Stops heartbeating; the AM ends the cluster after the timeout unless something else ends it first. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Detaches: tells the AM to drop the lease, so the cluster runs on until it is stopped. */
  async release(): Promise<ClusterLeaseJson> {
    this.stop();
    return this.call('DELETE');
  }

  private tick(): void {
    if (this.stopped) return;
    this.heartbeat()
      .then((state) => {
        if (this.failing) this.log(`lease heartbeats reach ${this.baseUrl} again`);
        this.failing = false;
        if (!state.attached && !this.stopped) {
          this.log(`the cluster at ${this.baseUrl} holds no lease for this client any more (released or expired); no more heartbeats`);
          this.stop();
        }
      })
      .catch((err: unknown) => {
        if (!this.failing && !this.stopped) {
          this.log(
            `warning: lease heartbeat to ${this.baseUrl} failed (${describeFetchError(err)}); retrying every ${this.intervalMs} ms, the cluster shuts down after ${this.opts.timeoutMs} ms without one`,
          );
        }
        this.failing = true;
        return this.relocate();
      })
      .finally(() => {
        if (this.stopped) return;
        this.timer = setTimeout(() => this.tick(), this.intervalMs);
        // Heartbeats alone never keep the client process alive.
        this.timer.unref();
      });
  }

  private async relocate(): Promise<void> {
    if (!this.opts.locate || this.stopped) return;
    try {
      const url = (await this.opts.locate())?.replace(/\/+$/, '');
      // While a new attempt starts, YARN reports no address yet (host N/A, port -1).
      if (!url || !/^https?:\/\/[^/]+:[1-9][0-9]*$/.test(url) || url.startsWith('http://N/A:')) return;
      if (url !== this.baseUrl) this.log(`the cluster's REST API moved to ${url} (a new ApplicationMaster attempt); heartbeating there`);
      this.baseUrl = url;
    } catch {
      // Asked again after the next failed heartbeat.
    }
  }

  private async call(method: 'POST' | 'DELETE'): Promise<ClusterLeaseJson> {
    const res = await amFetch(
      this.baseUrl + CLUSTER_LEASE_PATH,
      {
        method,
        headers: { Authorization: `Bearer ${this.opts.secret}`, Accept: 'application/json' },
        signal: AbortSignal.timeout(Math.max(1000, this.intervalMs)),
      },
      this.opts.certificate,
    );
    const text = await res.text().catch(() => '');
    if (!res.ok)
      throw new Error(`${method} ${CLUSTER_LEASE_PATH} answered HTTP ${res.status}: ${text.trim().slice(0, 300) || res.statusText}`);
    return JSON.parse(text) as ClusterLeaseJson;
  }
}

function describeFetchError(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message;
}
