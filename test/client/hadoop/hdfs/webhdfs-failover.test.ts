import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { WebHdfsClient } from '../../../../client/hadoop/hdfs/webhdfs-client.js';
import { RetriableError, StandbyError, WebHdfsConnectionError } from '../../../../client/hadoop/hdfs/webhdfs-errors.js';
import { DEFAULT_RETRY_POLICY, decideRetry } from '../../../../client/hadoop/hdfs/webhdfs-retry-policy.js';
import type { RetryEvent } from '../../../../client/retry/retry-report.js';
import { FakeWebHdfsServer } from './fake-webhdfs-server.mjs';

const servers: FakeWebHdfsServer[] = [];
const clients: WebHdfsClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.stop();
});

async function server(options: { standby?: boolean } = {}): Promise<FakeWebHdfsServer> {
  const s = await new FakeWebHdfsServer(options).start();
  servers.push(s);
  return s;
}

/** A port on 127.0.0.1 with nothing listening (bound, then released). */
async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

const remote = (exception: string) => ({ exception, javaClassName: `x.${exception}`, message: 'm' });

describe('NameNode HA failover', () => {
  it('moves from a standby NameNode (403 StandbyException) to the active one and stays there', async () => {
    const standby = await server({ standby: true });
    const active = await server();
    active.addFile('/data/in.txt', 42);
    const sleeps: number[] = [];
    const client = new WebHdfsClient({
      endpoints: [
        { scheme: 'http', host: '127.0.0.1', port: standby.port, nnId: 'nn1' },
        { scheme: 'http', host: '127.0.0.1', port: active.port, nnId: 'nn2' },
      ],
      user: 'loom',
      sleep: async (ms) => void sleeps.push(ms),
    });
    clients.push(client);
    expect((await client.getFileStatus('/data/in.txt')).length).toBe(42);
    expect(client.activeEndpoint.nnId).toBe('nn2');
    await client.getFileStatus('/data/in.txt');
    expect(standby.requests.map((r) => r.op)).toEqual(['GETFILESTATUS']);
    expect(sleeps).toEqual([]); // the first move round the NameNode list does not wait

    // A standby answer means the NameNode did nothing, so even a non-idempotent RENAME fails over.
    const fresh = new WebHdfsClient({
      endpoints: [
        { scheme: 'http', host: '127.0.0.1', port: standby.port },
        { scheme: 'http', host: '127.0.0.1', port: active.port },
      ],
      sleep: async () => {},
    });
    clients.push(fresh);
    await fresh.rename('/data/in.txt', '/data/moved.txt');
    expect(active.files.has('/data/moved.txt')).toBe(true);
    expect(standby.requests.map((r) => r.op)).toEqual(['GETFILESTATUS', 'RENAME']);
  });

  it('fails over when the first NameNode refuses connections', async () => {
    const active = await server();
    const client = new WebHdfsClient({
      endpoints: [
        { scheme: 'http', host: '127.0.0.1', port: await closedPort() },
        { scheme: 'http', host: '127.0.0.1', port: active.port },
      ],
      user: 'loom',
      sleep: async () => {},
    });
    clients.push(client);
    expect(await client.getHomeDirectory()).toBe('/user/loom');
  });

  it('gives up after maxAttempts with the last error', async () => {
    const standby = await server({ standby: true });
    const client = new WebHdfsClient({
      endpoints: [{ scheme: 'http', host: '127.0.0.1', port: standby.port }],
      retry: { maxAttempts: 3 },
      sleep: async () => {},
    });
    clients.push(client);
    await expect(client.getHomeDirectory()).rejects.toBeInstanceOf(StandbyError);
    expect(standby.requests).toHaveLength(3);
  });
});

describe('reporting retries', () => {
  it('tells its reporter of every retry of an unreachable NameNode and gives up in one error naming it and the bound', async () => {
    const port = await closedPort();
    const events: RetryEvent[] = [];
    const sleeps: number[] = [];
    const client = new WebHdfsClient({
      endpoints: [{ scheme: 'http', host: '127.0.0.1', port }],
      retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 100 },
      retryTarget: {
        server: 'NameNode',
        addressSetting: 'fs.defaultFS',
        bound: { setting: 'dfs.http.client.failover.max.attempts', value: '3' },
      },
      onRetry: (e) => events.push(e),
      sleep: async (ms) => void sleeps.push(ms),
    });
    clients.push(client);
    const err = await client.getFileStatus('/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebHdfsConnectionError);
    expect((err as Error).message).toMatch(
      new RegExp(
        `^cannot reach the NameNode at 127\\.0\\.0\\.1:${port} \\(connection refused\\) after 3 attempt\\(s\\) .*dfs\\.http\\.client\\.failover\\.max\\.attempts=3.*fs\\.defaultFS.* \\(GETFILESTATUS /x\\)$`,
      ),
    );
    const bound = { setting: 'dfs.http.client.failover.max.attempts', value: '3' };
    expect(events).toEqual(
      [1, 2].map((n, i) => ({
        server: 'NameNode',
        address: `127.0.0.1:${port}`,
        failedAttempts: n,
        reason: 'connection refused',
        delayMs: sleeps[i],
        bound,
      })),
    );
  });

  it('is silent without a reporter, and a NameNode error that is not retried is not reported', async () => {
    const active = await server();
    const events: RetryEvent[] = [];
    const client = new WebHdfsClient({
      endpoints: [{ scheme: 'http', host: '127.0.0.1', port: active.port }],
      user: 'loom',
      onRetry: (e) => events.push(e),
      sleep: async () => {},
    });
    clients.push(client);
    await expect(client.getFileStatus('/missing')).rejects.toThrow(/File does not exist|FileNotFound/);
    expect(events).toEqual([]);
  });
});

describe('retry decisions by exception name and idempotency', () => {
  const p = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
  it('standby and never-connected: fail over for every operation', () => {
    expect(decideRetry(new StandbyError(remote('StandbyException'), 403, 'RENAME /a'), false, 0, p, 2).action).toBe('failover');
    expect(decideRetry(new WebHdfsConnectionError('refused', true), false, 0, p, 2).action).toBe('failover');
  });
  it('retriable / safe mode: retry only idempotent operations, with a backoff', () => {
    const d = decideRetry(new RetriableError(remote('RetriableException'), 403, 'GETFILESTATUS /a'), true, 3, p, 1);
    expect(d.action).toBe('retry');
    expect(d.action !== 'fail' && d.delayMs >= 400 && d.delayMs <= 800).toBe(true);
    expect(decideRetry(new RetriableError(remote('RetriableException'), 403, 'DELETE /a'), false, 0, p, 1).action).toBe('fail');
  });
  it('a connection that broke after sending: only idempotent operations move on', () => {
    expect(decideRetry(new WebHdfsConnectionError('reset', false), true, 0, p, 2).action).toBe('failover');
    expect(decideRetry(new WebHdfsConnectionError('reset', false), false, 0, p, 2).action).toBe('fail');
  });
  it('other errors and exhausted attempts fail', () => {
    expect(decideRetry(new Error('x'), true, 0, p, 2).action).toBe('fail');
    expect(decideRetry(new StandbyError(remote('StandbyException'), 403, 'X /'), true, p.maxAttempts - 1, p, 2).action).toBe('fail');
  });
});
