import { afterEach, describe, expect, it } from 'vitest';
import { DispatcherServer } from '../../../appmaster/dispatcher/dispatcher-server.js';
import { ClientLease } from '../../../appmaster/lease/client-lease.js';
import { ClusterLease } from '../../../client/deploy/running/cluster-lease.js';
import { newClusterSecret } from '../../../client/contracts/cluster-secret.js';
import { bearer, http } from './dispatcher-kit.js';
import { FakeClusterControl } from './fake-cluster-control.js';
import { waitFor } from '../../minicluster/mini-cluster-kit.js';

const servers: DispatcherServer[] = [];
const leases: { stop(): void }[] = [];
afterEach(async () => {
  for (const l of leases.splice(0)) l.stop();
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function dispatcher(lease?: ClientLease) {
  const secret = newClusterSecret();
  const server = new DispatcherServer({
    control: new FakeClusterControl(),
    secret,
    host: '127.0.0.1',
    port: 0,
    log: () => {},
    ...(lease ? { lease } : {}),
  });
  servers.push(server);
  const { port } = await server.start();
  return { secret, port, restUrl: `http://127.0.0.1:${port}` };
}

function amLease(timeoutMs: number) {
  const expired: string[] = [];
  const lease = new ClientLease({ timeoutMs, onExpired: (d) => expired.push(d) });
  leases.push(lease);
  return { lease, expired };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const until = (what: string, probe: () => boolean, timeoutMs = 10_000) => waitFor(probe, what, timeoutMs, 20);

/** Resolves once `lease` has taken heartbeats for `spanMs` (first to last), however long the client took to send them. */
async function heartbeatsSpanning(lease: ClientLease, spanMs: number): Promise<void> {
  let first: number | undefined;
  await until(
    `heartbeats spanning ${spanMs} ms`,
    () => {
      const last = lease.state()['last-heartbeat'];
      first ??= last;
      return first !== undefined && last !== undefined && last - first >= spanMs;
    },
    spanMs + 20_000,
  );
}

describe('/cluster/lease route and the client heartbeat', () => {
  it('POST renews, GET reads, DELETE releases; all need the secret', async () => {
    const { lease, expired } = amLease(60_000);
    const { secret, port } = await dispatcher(lease);
    lease.start();
    expect((await http(port, 'POST', '/cluster/lease')).status).toBe(401);
    expect((await http(port, 'POST', '/cluster/lease', { headers: bearer('wrong') })).status).toBe(401);
    const renewed = await http(port, 'POST', '/v1/cluster/lease', { headers: bearer(secret), body: '{}' });
    expect(renewed.status).toBe(200);
    expect(renewed.json()).toMatchObject({ attached: true, 'timeout-ms': 60_000 });
    expect(typeof renewed.json()['last-heartbeat']).toBe('number');
    expect((await http(port, 'GET', '/cluster/lease', { headers: bearer(secret) })).json().attached).toBe(true);
    expect((await http(port, 'DELETE', '/cluster/lease', { headers: bearer(secret) })).json()).toMatchObject({ attached: false });
    expect((await http(port, 'PATCH', '/cluster/lease', { headers: bearer(secret) })).status).toBe(405);
    expect(expired).toEqual([]);
  });

  it('a heartbeating client keeps the cluster past the timeout; once it stops, the lease expires', async () => {
    const { lease, expired } = amLease(1000);
    const { secret, restUrl } = await dispatcher(lease);
    lease.start();
    const logs: string[] = [];
    const client = ClusterLease.start({ restUrl, secret, timeoutMs: 1000, intervalMs: 100, log: (l) => logs.push(l) });
    leases.push(client);
    await heartbeatsSpanning(lease, 2500); // two and a half timeouts
    expect(expired).toEqual([]);
    expect(lease.state().attached).toBe(true);
    client.stop();
    await until('the lease to expire', () => expired.length === 1);
    expect(expired[0]).toMatch(/Loom client lease expired: the attached client went silent \(its last lease heartbeat came at /);
    expect(logs).toEqual([]);
  });

  it('release() detaches: the cluster keeps running without heartbeats', async () => {
    // The release must reach the AM within one timeout of the lease's start: 1 s, not 300 ms, so a
    // loaded machine's first fetch does not let the lease expire before it.
    const { lease, expired } = amLease(1000);
    const { secret, restUrl } = await dispatcher(lease);
    lease.start();
    const client = ClusterLease.start({ restUrl, secret, timeoutMs: 1000, intervalMs: 60 });
    leases.push(client);
    expect(await client.release()).toMatchObject({ attached: false });
    expect(expired).toEqual([]);
    // A window for "nothing happens": a lease that kept its clock would expire within 1 s of the
    // release, and its timer, due before this one, fires first however late both run.
    await sleep(1500);
    expect(expired).toEqual([]);
  });

  it('against a detached cluster the client learns there is no lease and stops heartbeating', async () => {
    const { secret, restUrl } = await dispatcher();
    const logs: string[] = [];
    const client = ClusterLease.start({ restUrl, secret, timeoutMs: 400, intervalMs: 50, log: (l) => logs.push(l) });
    leases.push(client);
    await until('the client to give up', () => logs.length > 0);
    expect(logs[0]).toMatch(/holds no lease for this client any more/);
    expect(await client.heartbeat()).toEqual({ attached: false, 'timeout-ms': 0 });
  });

  it('follows the REST API to a new AM attempt (same secret, new address) through locate()', async () => {
    const first = amLease(60_000);
    const second = amLease(1000);
    const secret = newClusterSecret();
    const old = new DispatcherServer({
      control: new FakeClusterControl(),
      secret,
      host: '127.0.0.1',
      port: 0,
      log: () => {},
      lease: first.lease,
    });
    const next = new DispatcherServer({
      control: new FakeClusterControl(),
      secret,
      host: '127.0.0.1',
      port: 0,
      log: () => {},
      lease: second.lease,
    });
    servers.push(old, next);
    const oldUrl = `http://127.0.0.1:${(await old.start()).port}`;
    const nextUrl = `http://127.0.0.1:${(await next.start()).port}`;
    let current = oldUrl;
    const logs: string[] = [];
    const client = ClusterLease.start({
      restUrl: oldUrl,
      secret,
      timeoutMs: 1000,
      intervalMs: 100,
      locate: async () => current,
      log: (l) => logs.push(l),
    });
    leases.push(client);
    await until('a heartbeat on the first attempt', () => first.lease.state()['last-heartbeat'] !== undefined);
    await old.stop();
    current = 'http://N/A:-1'; // the new attempt has not registered yet
    second.lease.start();
    await until('the first heartbeat to fail', () => logs.some((l) => l.startsWith('warning: lease heartbeat')));
    current = nextUrl;
    await heartbeatsSpanning(second.lease, 1500);
    expect(second.expired).toEqual([]);
    expect(logs.some((l) => l.includes(`moved to ${nextUrl}`))).toBe(true);
    expect(logs.some((l) => l.includes('N/A'))).toBe(false);
  });

  it('a wrong secret or an unreachable AM is reported once, not per heartbeat', async () => {
    const { restUrl } = await dispatcher(amLease(60_000).lease);
    const logs: string[] = [];
    // The client asks locate() after every failed heartbeat: it counts them (no new address: it stays).
    let failed = 0;
    const locate = () => {
      failed++;
      return Promise.resolve(undefined);
    };
    const client = ClusterLease.start({
      restUrl,
      secret: 'not-the-secret',
      timeoutMs: 400,
      intervalMs: 50,
      locate,
      log: (l) => logs.push(l),
    });
    leases.push(client);
    await until('several failed heartbeats', () => failed >= 5);
    client.stop();
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(
      /^warning: lease heartbeat to http:\/\/127\.0\.0\.1:\d+ failed \(POST \/cluster\/lease answered HTTP 401: .*secret/,
    );
    await expect(ClusterLease.start({ restUrl: 'http://127.0.0.1:1', secret: 's', timeoutMs: 400 }).release()).rejects.toThrow();
  });
});
