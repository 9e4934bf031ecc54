import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { readFixtureJson } from '../../../support/fixtures.js';
import { encodeDelimited } from '../../../../client/wire/codec/protobuf-codec.js';
import { FailoverRpcClient } from '../../../../client/wire/ipc/failover-rpc-client.js';
import {
  IpcClientClosedError,
  IpcConfigError,
  IpcConnectionError,
  IpcProtocolError,
  IpcTimeoutError,
} from '../../../../client/wire/ipc/ipc-errors.js';
import { isRemoteException, RemoteException } from '../../../../client/wire/ipc/remote-exception.js';
import { RpcClient } from '../../../../client/wire/ipc/rpc-client.js';
import { RpcConnection, type RpcAuth } from '../../../../client/wire/ipc/rpc-connection.js';
import { OPAQUE_BYTES } from '../../../../client/wire/ipc/rpc-messages.js';
import { RpcServerException } from '../../../../minicluster/ipc/rpc-server-exception.js';
import type { RpcServer, RpcCallContext } from '../../../../minicluster/ipc/rpc-server.js';
import { waitFor } from '../../../minicluster/mini-cluster-kit.js';
import type { RetryEvent } from '../../../../client/retry/retry-report.js';
import { ACP, exchangeRaw, startServer } from './server-support.js';

const REPORT_REQ = 'hadoop.yarn.GetApplicationReportRequestProto';
const REPORT_RSP = 'hadoop.yarn.GetApplicationReportResponseProto';
const METRICS_REQ = 'hadoop.yarn.GetClusterMetricsRequestProto';
const METRICS_RSP = 'hadoop.yarn.GetClusterMetricsResponseProto';

const servers: RpcServer[] = [];
const clients: { close(): Promise<void> }[] = [];
const rawServers: Server[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(rawServers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

const vector = readFixtureJson('ipc', 'sasl-digest-md5-vectors.json').cases[0];
const TOKEN = {
  identifier: Buffer.from(vector.token_identifier_hex, 'hex'),
  password: Buffer.from(vector.token_password_hex, 'hex'),
  kind: 'YARN_AM_RM_TOKEN',
  service: '',
};
const KNOWN: Record<string, string> = { [TOKEN.identifier.toString('base64')]: TOKEN.password.toString('base64') };

const descriptor = {
  name: ACP,
  methods: {
    getApplicationReport: { request: REPORT_REQ, response: REPORT_RSP, idempotent: true },
    getClusterMetrics: { request: METRICS_REQ, response: METRICS_RSP, idempotent: true },
  },
} as const;

/** A server whose getApplicationReport echoes the app id back and whose behaviour the test steers. */
async function appServer(opts: { simple?: boolean; token?: boolean; onReport?: (req: any, ctx: RpcCallContext) => Promise<object> } = {}) {
  const seen: RpcCallContext[] = [];
  const started = await startServer(
    [
      {
        protocol: descriptor,
        handlers: {
          getApplicationReport:
            opts.onReport ??
            (async (req: any, ctx) => {
              seen.push(ctx);
              if (req.application_id?.id === 404)
                throw new RpcServerException(
                  'org.apache.hadoop.yarn.exceptions.ApplicationNotFoundException',
                  "Application with id 404 doesn't exist in RM.",
                );
              if (req.application_id?.id === 500) throw new Error('handler bug');
              return { application_report: { applicationId: req.application_id, user: ctx.user ?? '' } };
            }),
          getClusterMetrics: async () => ({ cluster_metrics: { num_node_managers: 3 } }),
        },
      },
    ],
    { simple: opts.simple ?? true, ...(opts.token ? { token: { lookupPassword: (u: string) => KNOWN[u] } } : {}) },
  );
  servers.push(started.server);
  return { port: started.port, seen };
}

function connection(
  port: number,
  auth: RpcAuth = { kind: 'simple', user: 'alice' },
  extra: Partial<ConstructorParameters<typeof RpcConnection>[0]> = {},
) {
  const c = new RpcConnection({ host: '127.0.0.1', port, protocol: ACP, auth, connectMaxRetries: 0, ...extra });
  clients.push(c);
  return c;
}

const report = (c: RpcConnection, id: number, opts?: { timeoutMs?: number }) =>
  c.call('getApplicationReport', REPORT_REQ, { application_id: { id, cluster_timestamp: 1795373400808 } }, REPORT_RSP, opts);

/** A raw TCP server the test scripts byte by byte (for misbehaving peers). */
async function rawServer(onSocket: (s: Socket, data: Buffer) => void): Promise<number> {
  const server = createServer((s) => {
    s.on('error', () => {});
    s.on('data', (d) => onSocket(s, d));
  });
  rawServers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

/** The error `p` rejects with, checked to be a `type` so the test can read its fields. */
async function rejectedWith<E extends Error>(p: Promise<unknown>, type: new (...args: never[]) => E): Promise<E> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof type)) throw new Error(`expected a ${type.name}, got ${String(err)}`);
  return err;
}

describe('client <-> server over TCP', () => {
  it('multiplexes 200 concurrent calls on one connection', async () => {
    const { port, seen } = await appServer();
    const c = connection(port);
    const ids = Array.from({ length: 200 }, (_, i) => i + 1);
    const answers = await Promise.all(ids.map((id) => report(c, id)));
    expect(answers.map((a) => a.application_report!.applicationId!.id)).toEqual(ids);
    expect(new Set(seen.map((s) => s.remoteAddress)).size).toBe(1);
    expect(seen[0].user).toBe('alice');
  });

  it('authenticates with a token (DIGEST-MD5) and the handler sees the token identifier', async () => {
    const { port, seen } = await appServer({ simple: false, token: true });
    const c = connection(port, { kind: 'token', token: TOKEN });
    const a = await report(c, 7);
    expect(a.application_report!.user).toBe(TOKEN.identifier.toString('base64'));
    expect(seen[0].tokenIdentifier!.equals(TOKEN.identifier)).toBe(true);
  });

  it('refuses a wrong token password with the SASL error, and an unknown token as InvalidToken', async () => {
    const { port } = await appServer({ simple: false, token: true });
    const wrong = connection(port, { kind: 'token', token: { ...TOKEN, password: Buffer.from('not-the-password') } });
    const e1 = await rejectedWith(report(wrong, 1), RemoteException);
    expect(e1).toBeInstanceOf(RemoteException);
    expect(e1.className).toBe('javax.security.sasl.SaslException');
    expect(e1.status).toBe('FATAL');
    expect(e1.message).toMatch(/authentication/);
    const unknown = connection(port, { kind: 'token', token: { ...TOKEN, identifier: Buffer.from('someone-else') } });
    const e2 = await rejectedWith(report(unknown, 1), RemoteException);
    expect(e2.className).toBe('org.apache.hadoop.security.token.SecretManager$InvalidToken');
    expect(e2.remoteMessage).toContain(Buffer.from('someone-else').toString('base64'));
  });

  it('SIMPLE on a token-only port fails with AccessControlException', async () => {
    const { port } = await appServer({ simple: false, token: true });
    const e = await rejectedWith(report(connection(port), 1), RemoteException);
    expect(isRemoteException(e, 'org.apache.hadoop.security.AccessControlException')).toBe(true);
    expect(e.remoteMessage).toBe('SIMPLE authentication is not enabled.  Available:[TOKEN]');
  });

  it('a token client switches to SIMPLE when the server offers only SIMPLE', async () => {
    const { port } = await appServer({ simple: true, token: false });
    const a = await report(connection(port, { kind: 'token', token: TOKEN }), 3);
    expect(a.application_report!.applicationId!.id).toBe(3);
  });

  it('an ERROR fails one call; a handler crash becomes a generic ERROR; the connection goes on', async () => {
    const { port } = await appServer();
    const c = connection(port);
    const [ok1, missing, crash, ok2] = await Promise.allSettled([report(c, 1), report(c, 404), report(c, 500), report(c, 2)]);
    expect(ok1.status).toBe('fulfilled');
    expect(ok2.status).toBe('fulfilled');
    const e = (missing as PromiseRejectedResult).reason;
    expect(e.className).toBe('org.apache.hadoop.yarn.exceptions.ApplicationNotFoundException');
    expect(e.errorDetail).toBe('ERROR_APPLICATION');
    expect(e.message).toContain('getApplicationReport');
    expect((crash as PromiseRejectedResult).reason.remoteMessage).toBe('handler bug');
    expect((await report(c, 9)).application_report!.applicationId!.id).toBe(9);
  });

  it('unknown method and protocol are ERRORs with Hadoop class names', async () => {
    const { port } = await appServer();
    const c = connection(port);
    const e = await rejectedWith(c.call('noSuchMethod', OPAQUE_BYTES, Buffer.alloc(0), OPAQUE_BYTES), RemoteException);
    expect(e.className).toBe('org.apache.hadoop.ipc.RpcNoSuchMethodException');
    const other = connection(port, undefined, { protocol: 'org.example.NoSuchProtocolPB' });
    const e2 = await rejectedWith(other.call('x', OPAQUE_BYTES, Buffer.alloc(0), OPAQUE_BYTES), RemoteException);
    expect(e2.className).toBe('org.apache.hadoop.ipc.RpcNoSuchProtocolException');
  });

  it('ignores unknown fields in a request, like protobuf', async () => {
    const { port } = await appServer();
    const c = connection(port);
    // application_id { id: 5 } followed by field 99 (varint) which the request type does not define.
    const body = Buffer.from([0x0a, 0x02, 0x08, 0x05, 0x98, 0x06, 0x01]);
    const raw = await c.call('getApplicationReport', OPAQUE_BYTES, body, REPORT_RSP);
    expect((raw as any).application_report!.applicationId!.id).toBe(5);
  });

  it('a per-call timeout fails only that call; the late answer is dropped', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { port } = await appServer({
      onReport: async (req: any) => {
        if (req.application_id.id === 1) await gate;
        return { application_report: { applicationId: req.application_id } };
      },
    });
    const c = connection(port);
    const slow = report(c, 1, { timeoutMs: 50 });
    await expect(slow).rejects.toBeInstanceOf(IpcTimeoutError);
    await expect(slow).rejects.toThrow(/getApplicationReport.*127\.0\.0\.1:\d+/);
    release();
    expect((await report(c, 2)).application_report!.applicationId!.id).toBe(2);
  });

  it('a FATAL answer fails every pending call and the next call reconnects', async () => {
    let connections = 0;
    const port = await rawServer((s, data) => {
      if (data.subarray(0, 4).toString() === 'hrpc') connections++;
      if (connections === 1 && data.length > 200) {
        // FATAL for call 0 (recorded errors/07 answer shape) once both calls arrived.
        s.write(
          Buffer.from(
            '0000005b5a08001002180922286f72672e6170616368652e6861646f6f702e6970632e527063536572766572457863657074696f6e2a22436f6e6e656374696f6e20636f6e74657874206e6f742065737461626c6973686564300c3a004000',
            'hex',
          ),
        );
      }
    });
    const c = connection(port);
    const results = await Promise.allSettled([report(c, 1), report(c, 2)]);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason.className).toBe('org.apache.hadoop.ipc.RpcServerException');
    }
    expect(c.connected).toBe(false);
    // The raw server never answers the next call: wait for it to see the new connection, then end the call.
    const next = report(c, 3).catch(() => undefined);
    await waitFor(() => connections === 2, 'the next call to reconnect');
    await c.close();
    await next;
    expect(connections).toBe(2);
  });

  it('the peer closing mid-call fails pending calls promptly', async () => {
    let closedAt: number | undefined;
    const port = await rawServer((s) =>
      setTimeout(() => {
        closedAt ??= Date.now();
        s.destroy();
      }, 20),
    );
    const c = connection(port);
    const e = await rejectedWith(report(c, 1), IpcConnectionError);
    const failedAt = Date.now();
    expect(e).toBeInstanceOf(IpcConnectionError);
    expect(e.message).toMatch(/closed by the server.*1 call\(s\) pending/);
    // Failed by the close itself: the call has no timeout and the first ping is 60 s away, so only
    // the close could end it this soon. Measured from the close (connecting is not the point), with
    // room for a loaded machine.
    expect(failedAt - closedAt!).toBeLessThan(5_000);
  });

  it('a truncated frame is reported as such when the peer closes', async () => {
    const port = await rawServer((s) => {
      s.write(Buffer.from('0000002e0b0800', 'hex'));
      setTimeout(() => s.end(), 10);
    });
    const e = await rejectedWith(report(connection(port), 1), IpcConnectionError);
    expect(e).toBeInstanceOf(IpcConnectionError);
    expect(e.message).toMatch(/truncated/);
  });

  it('a response length above the maximum fails the connection without buffering it', async () => {
    const port = await rawServer((s) => s.write(Buffer.from('7fffffff', 'hex')));
    const e = await rejectedWith(report(connection(port, undefined, { maxResponseBytes: 1024 }), 1), IpcProtocolError);
    expect(e).toBeInstanceOf(IpcProtocolError);
    expect(e.message).toMatch(/2147483647 bytes, above the maximum of 1024/);
  });

  it('the server drops a garbage preamble and an oversized request, and keeps serving', async () => {
    const { port } = await appServer();
    const http = await exchangeRaw(port, Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    expect(http).toEqual({ frames: [], closedByServer: true });
    const huge = await exchangeRaw(port, Buffer.concat([Buffer.from('68727063090000', 'hex'), Buffer.from('7fffffff', 'hex')]));
    expect(huge.closedByServer).toBe(true);
    expect((await report(connection(port), 8)).application_report!.applicationId!.id).toBe(8);
  });

  it('refuses KERBEROS-only servers with a clear error', async () => {
    const port = await rawServer((s) => {
      // SASL NEGOTIATE offering only KERBEROS.
      const header = Buffer.from('08dfffffff0f100018093a004001', 'hex');
      const sasl = encodeDelimited('hadoop.common.RpcSaslProto', {
        state: 'NEGOTIATE',
        auths: [{ method: 'KERBEROS', mechanism: 'GSSAPI', protocol: 'rm', serverId: 'vm' }],
      });
      const body = Buffer.concat([Buffer.from([header.length]), header, sasl]);
      const len = Buffer.alloc(4);
      len.writeUInt32BE(body.length);
      s.write(Buffer.concat([len, body]));
    });
    const e = await rejectedWith(report(connection(port, { kind: 'token', token: TOKEN }), 1), IpcConfigError);
    expect(e).toBeInstanceOf(IpcConfigError);
    expect(e.message).toBe(
      `the server at 127.0.0.1:${port} requires Kerberos (hadoop.security.authentication=kerberos) and no Kerberos login is configured for it; run kinit, or set security.kerberos.login.keytab and security.kerberos.login.principal`,
    );
  });

  it('the pool shares one connection per (address, protocol, auth)', async () => {
    const { port } = await appServer();
    const pool = new RpcClient({ connectMaxRetries: 0 });
    clients.push(pool);
    const a = pool.proxy({ host: '127.0.0.1', port }, descriptor, { kind: 'simple', user: 'u' });
    const b = pool.proxy({ host: '127.0.0.1', port }, descriptor, { kind: 'simple', user: 'u' });
    expect(a.connection).toBe(b.connection);
    expect(pool.proxy({ host: '127.0.0.1', port }, descriptor, { kind: 'simple', user: 'v' }).connection).not.toBe(a.connection);
    const m = await a.invoke('getClusterMetrics', {});
    expect(m.cluster_metrics!.num_node_managers).toBe(3);
  });
});

describe('failover', () => {
  it('skips a dead address and a standby server, then sticks to the active one', async () => {
    const dead = await rawServer(() => {});
    await new Promise((r) => rawServers.pop()!.close(r)); // the port is now closed
    const standby = await appServer({
      onReport: async () => {
        throw new RpcServerException('org.apache.hadoop.ipc.StandbyException', 'Operation category READ is not supported in state standby');
      },
    });
    const active = await appServer();
    const client = new FailoverRpcClient({
      addresses: [dead, standby.port, active.port].map((port) => ({ host: '127.0.0.1', port })),
      protocol: descriptor,
      auth: { kind: 'simple', user: 'u' },
      sleepBaseMs: 1,
    });
    clients.push(client);
    const a = await client.invoke('getApplicationReport', { application_id: { id: 11 } });
    expect(a.application_report!.applicationId!.id).toBe(11);
    expect(client.activeIndex).toBe(2);
    await client.invoke('getApplicationReport', { application_id: { id: 12 } });
    expect(active.seen.length).toBe(2);
  });

  it("calls the same server again after a RetriableException, even when the method is not idempotent, as Hadoop's RetryPolicies do", async () => {
    let calls = 0;
    const busy = await appServer({
      onReport: async (req: any) => {
        calls++;
        if (calls === 1) throw new RpcServerException('org.apache.hadoop.ipc.RetriableException', 'the server is starting up');
        return { application_report: { applicationId: req.application_id, user: 'u' } };
      },
    });
    const other = await appServer();
    const events: RetryEvent[] = [];
    const client = new FailoverRpcClient({
      addresses: [busy.port, other.port].map((port) => ({ host: '127.0.0.1', port })),
      protocol: descriptor,
      auth: { kind: 'simple', user: 'u' },
      sleepBaseMs: 1,
      onRetry: (e) => events.push(e),
    });
    clients.push(client);
    const a = await client.invoke<any>('getApplicationReport', { application_id: { id: 13 } }, { idempotent: false });
    expect(a.application_report.applicationId.id).toBe(13);
    expect(calls).toBe(2);
    expect(client.activeIndex).toBe(0);
    expect(other.seen.length).toBe(0);
    expect(events.map((e) => e.reason)).toEqual(['RetriableException']);
    expect(events[0]?.delayMs).toBeGreaterThan(0);
  });

  it('fails at once on a RemoteException Hadoop does not retry', async () => {
    const port = (await appServer()).port;
    const client = new FailoverRpcClient({
      addresses: [{ host: '127.0.0.1', port }],
      protocol: descriptor,
      auth: { kind: 'simple', user: 'u' },
      sleepBaseMs: 1,
    });
    clients.push(client);
    const err = await client.invoke('getApplicationReport', { application_id: { id: 404 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteException);
    expect((err as RemoteException).retryable).toBe(false);
  });

  it('does not resend a non-idempotent call that broke mid-flight', async () => {
    let calls = 0;
    const port = await rawServer((s, d) => {
      if (d.length > 100 || calls > 0) {
        calls++;
        s.destroy();
      }
    });
    const client = new FailoverRpcClient({
      addresses: [{ host: '127.0.0.1', port }],
      protocol: { name: ACP, methods: { submit: { request: METRICS_REQ, response: METRICS_RSP } } },
      auth: { kind: 'simple', user: 'u' },
      sleepBaseMs: 1,
    });
    clients.push(client);
    await expect(client.invoke('submit', {})).rejects.toBeInstanceOf(IpcConnectionError);
    expect(calls).toBe(1);
  });

  it('close() ends a call in flight at once: no retry, no new connection, and later calls fail without connecting', async () => {
    let arrived = 0;
    let release: (() => void) | undefined;
    const held = await appServer({
      onReport: async (req: any) => {
        arrived++;
        await new Promise<void>((r) => (release = r));
        return { application_report: { applicationId: req.application_id } };
      },
    });
    const client = new FailoverRpcClient({
      addresses: [{ host: '127.0.0.1', port: held.port }],
      protocol: descriptor,
      auth: { kind: 'simple', user: 'u' },
      // Long enough that a retry would hold the process (what kept `yarn-session -id` alive ~40 s after its work).
      sleepBaseMs: 30_000,
    });
    const inFlight = client.invoke('getApplicationReport', { application_id: { id: 1 } });
    inFlight.catch(() => undefined);
    await waitFor(() => arrived === 1, 'the call to reach the server');
    await client.close();
    await expect(inFlight).rejects.toBeInstanceOf(IpcClientClosedError);
    await expect(client.invoke('getApplicationReport', { application_id: { id: 2 } })).rejects.toBeInstanceOf(IpcClientClosedError);
    release?.();
    expect(arrived).toBe(1);
  });

  it('tells its reporter of every retry (address, attempt, reason, the bound) and gives up in one error naming them', async () => {
    const dead = await rawServer(() => {});
    await new Promise((r) => rawServers.pop()!.close(r)); // the port is now closed
    const events: RetryEvent[] = [];
    const client = new FailoverRpcClient({
      addresses: [{ host: '127.0.0.1', port: dead }],
      protocol: descriptor,
      auth: { kind: 'simple', user: 'u' },
      maxAttempts: 4,
      sleepBaseMs: 5,
      sleepMaxMs: 5,
      target: {
        server: 'ResourceManager',
        addressSetting: 'yarn.resourcemanager.address',
        bound: { setting: 'yarn.resourcemanager.connect.max-wait.ms', value: '15' },
      },
      onRetry: (e) => events.push(e),
    });
    clients.push(client);
    const err = await client.invoke('getApplicationReport', { application_id: { id: 1 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IpcConnectionError);
    expect((err as Error).message).toMatch(
      new RegExp(
        `^cannot reach the ResourceManager at 127\\.0\\.0\\.1:${dead} \\(connection refused\\) after 4 attempt\\(s\\) over [0-9.]+ s, all that yarn\\.resourcemanager\\.connect\\.max-wait\\.ms=15 allows: check that it runs and that yarn\\.resourcemanager\\.address names it, or raise yarn\\.resourcemanager\\.connect\\.max-wait\\.ms to wait longer`,
      ),
    );
    const bound = { setting: 'yarn.resourcemanager.connect.max-wait.ms', value: '15' };
    expect(events).toEqual(
      [1, 2, 3].map((n) => ({
        server: 'ResourceManager',
        address: `127.0.0.1:${dead}`,
        failedAttempts: n,
        reason: 'connection refused',
        delayMs: 5,
        bound,
      })),
    );
  });

  it('stops once maxWaitMs has passed, whatever attempts are left', async () => {
    const dead = await rawServer(() => {});
    await new Promise((r) => rawServers.pop()!.close(r));
    const events: RetryEvent[] = [];
    const client = new FailoverRpcClient({
      addresses: [{ host: '127.0.0.1', port: dead }],
      protocol: descriptor,
      auth: { kind: 'simple', user: 'u' },
      maxAttempts: 1000,
      sleepBaseMs: 100,
      sleepMaxMs: 100,
      maxWaitMs: 250,
      onRetry: (e) => events.push(e),
    });
    clients.push(client);
    await expect(client.invoke('getApplicationReport', { application_id: { id: 1 } })).rejects.toThrow(/after [23] attempt\(s\)/);
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events.length).toBeLessThanOrEqual(2);
  });
});

describe('connect retries of one connection', () => {
  it('retry ipc.client.connect.max.retries times with a fixed pause, telling the reporter each time', async () => {
    const dead = await rawServer(() => {});
    await new Promise((r) => rawServers.pop()!.close(r));
    const events: RetryEvent[] = [];
    const c = connection(dead, undefined, {
      connectMaxRetries: 2,
      connectRetryIntervalMs: 10,
      serverName: 'NodeManager',
      onRetry: (e) => events.push(e),
    });
    await expect(report(c, 1)).rejects.toThrow(/after 3 attempt\(s\)/);
    const bound = { setting: 'ipc.client.connect.max.retries', value: '2' };
    expect(events).toEqual(
      [1, 2].map((n) => ({
        server: 'NodeManager',
        address: `127.0.0.1:${dead}`,
        failedAttempts: n,
        reason: 'connection refused',
        delayMs: 10,
        bound,
      })),
    );
  });
});
