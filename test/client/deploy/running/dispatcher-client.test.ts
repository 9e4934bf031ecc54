import { connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DispatcherClient,
  DispatcherError,
  type JobStatus,
  type JobSubmission,
} from '../../../../client/deploy/running/dispatcher-client.js';
import { DispatcherKit } from '../../../appmaster/dispatcher/dispatcher-kit.js';
import { jobBody } from '../../../appmaster/dispatcher/fake-cluster-control.js';

const kit = new DispatcherKit();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
  await kit.stopAll();
});

const submission = jobBody() as unknown as JobSubmission;

async function rejection(p: Promise<unknown>): Promise<DispatcherError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DispatcherError);
  return err as DispatcherError;
}

/** A port nobody listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('DispatcherClient against the real dispatcher', () => {
  it('overview, taskExecutors, submit, list, get, cancel and shutdown, typed', async () => {
    const { control, secret, baseUrl } = await kit.start();
    control.addTaskExecutor('container_e1_1_01_000002', 2, 1);
    const client = new DispatcherClient({ baseUrl: baseUrl + '/', secret });

    expect(await client.overview()).toEqual({
      applicationId: 'application_1795460840938_0010',
      mode: 'session',
      taskExecutors: 1,
      slotsTotal: 2,
      slotsAvailable: 1,
      jobsRunning: 0,
      jobsFinished: 0,
      jobsFailed: 0,
      jobsCanceled: 0,
      startedAt: 1_795_461_200_000,
      loomVersion: '0.1.0-test',
    });
    expect(await client.taskExecutors()).toEqual([
      {
        id: 'container_e1_1_01_000002',
        host: 'localhost',
        slots: 2,
        freeSlots: 1,
        registeredAt: 1_795_461_200_000,
        lastHeartbeatAt: 1_795_461_205_000,
        memoryMb: 1024,
      },
    ]);

    const id = await client.submitJob(submission);
    expect(id).toBe('job-1');
    expect(control.submitted[0].args).toEqual(['hdfs:///in', { limit: 3 }]);
    const second = await client.submitJob({ ...submission, name: 'second' });

    const list = await client.listJobs();
    expect(list.map((j) => [j.id, j.name, j.state, j.parallelism, j.endedAt])).toEqual([
      ['job-1', 'word count', 'RUNNING', 4, undefined],
      ['job-2', 'second', 'RUNNING', 4, undefined],
    ]);
    expect(list[0].taskCounts).toMatchObject({ total: 4, scheduled: 4 });
    expect(await client.jobIds()).toEqual([
      { id: 'job-1', state: 'RUNNING' },
      { id: 'job-2', state: 'RUNNING' },
    ]);

    control.finishJob(id);
    const done = await client.getJob(id);
    expect(done).toEqual({
      id: 'job-1',
      name: 'word count',
      state: 'FINISHED',
      parallelism: 4,
      exportName: 'count',
      submittedAt: 1_795_461_201_000,
      endedAt: 1_795_461_203_000,
      tasks: [0, 1, 2, 3].map((index) => ({ index, state: 'FINISHED', attempt: 0, result: index * 10 })),
      results: [0, 10, 20, 30],
    });

    const canceled = await client.cancelJob(second);
    expect(canceled.state).toBe('CANCELED');
    expect(control.canceled).toEqual(['job-2']);

    await client.shutdownCluster({ finalStatus: 'FAILED', diagnostics: 'test over' });
    await expect.poll(() => control.shutdowns).toEqual([{ finalStatus: 'FAILED', diagnostics: 'test over' }]);
  });

  it("HTTP errors become DispatcherErrors carrying the server's messages", async () => {
    const { secret, baseUrl } = await kit.start();
    const client = new DispatcherClient({ baseUrl, secret });

    const invalid = await rejection(client.submitJob({ ...submission, parallelism: 0 }));
    expect(invalid.status).toBe(400);
    expect(invalid.errors).toEqual(['parallelism must be a whole number from 1 to 10000; got 0']);
    // The message is for the person (no REST route); the route and the server's answer are the detail (--verbose).
    expect(invalid.message).toBe(
      `the Loom cluster at ${baseUrl} refused the job: parallelism must be a whole number from 1 to 10000; got 0`,
    );
    expect(invalid.detail).toBe(`POST /jobs at ${baseUrl} answered HTTP 400: parallelism must be a whole number from 1 to 10000; got 0`);

    const missing = await rejection(client.getJob('job-42'));
    expect(missing.status).toBe(404);
    expect(missing.errors[0]).toContain('job job-42 not found');
    expect(missing.message).toBe(
      `the Loom cluster at ${baseUrl} has no job job-42 (job ids are 32 hex digits): loom list shows its jobs, loom list-clusters the other clusters`,
    );

    const wrong = await rejection(new DispatcherClient({ baseUrl, secret: 'wrong-secret-wrong-secret' }).overview());
    expect(wrong.status).toBe(401);
    expect(wrong.errors[0]).toMatch(/^the cluster secret in the Authorization header is wrong/);
  });

  it('connection refused names the address', async () => {
    const port = await closedPort();
    const err = await rejection(new DispatcherClient({ baseUrl: `http://127.0.0.1:${port}`, secret: 's'.repeat(43) }).overview());
    expect(err.status).toBeUndefined();
    expect(err.message).toBe(
      `cannot connect to the Loom dispatcher at http://127.0.0.1:${port}: connection refused. Is the cluster still running? (yarn application -status <applicationId>)`,
    );
  });

  it('a server that never answers times out with a clear message', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => silent.close(() => r())));
    const sockets = new Set<import('node:net').Socket>();
    silent.on('connection', (s) => sockets.add(s));
    cleanups.push(() => sockets.forEach((s) => s.destroy()));
    const { port } = silent.address() as AddressInfo;
    const err = await rejection(
      new DispatcherClient({ baseUrl: `http://127.0.0.1:${port}`, secret: 's'.repeat(43), requestTimeoutMs: 200 }).overview(),
    );
    expect(err.message).toBe(`the Loom dispatcher at http://127.0.0.1:${port} did not answer GET /overview in time`);
  });

  it('refuses a base URL that is not http://host:port', () => {
    expect(() => new DispatcherClient({ baseUrl: 'localhost:8081', secret: 'x' })).toThrow(/is not http:\/\/host:port/);
  });

  it('waitForJob reports each change and returns the final state', async () => {
    const { control, secret, baseUrl } = await kit.start();
    const client = new DispatcherClient({ baseUrl, secret });
    const id = await client.submitJob(submission);
    const seen: string[] = [];
    const onProgress = (j: JobStatus) => {
      seen.push(`${j.state}:${j.tasks.map((t) => t.state[0]).join('')}`);
      // Each report moves the fake job one step on, as a running cluster would between polls.
      if (seen.length === 1) control.setTask(id, 0, 'RUNNING');
      else if (seen.length === 2) control.failJob(id, 'task 0 failed: Error: boom');
    };
    const final = await client.waitForJob(id, { pollMs: 10, onProgress });
    expect(final.state).toBe('FAILED');
    expect(final.error).toBe('task 0 failed: Error: boom');
    expect(seen).toEqual(['RUNNING:SSSS', 'RUNNING:RSSS', 'FAILED:RSSS']);
  });

  it('waitForJob gives up after timeoutMs, naming the job and its state', async () => {
    const { secret, baseUrl } = await kit.start();
    const client = new DispatcherClient({ baseUrl, secret });
    const id = await client.submitJob(submission);
    const err = await rejection(client.waitForJob(id, { pollMs: 20, timeoutMs: 100 }));
    expect(err.message).toBe(`job ${id} did not end within 100 ms (it is RUNNING); cancel it with cancelJob("${id}") or wait longer`);
  });

  it('waitUntilReady waits for a dispatcher that is not up yet, and fails fast on a wrong secret', async () => {
    const { secret, port: dispatcherPort } = await kit.start();
    // A front port that drops connections until the "AM" is up, then forwards to the dispatcher.
    let up = false;
    let dropped = 0;
    const front = createServer((sock) => {
      if (!up) {
        dropped++;
        sock.destroy();
        return;
      }
      const back = connect(dispatcherPort, '127.0.0.1');
      sock.pipe(back).pipe(sock);
      back.on('error', () => sock.destroy());
      sock.on('error', () => back.destroy());
    });
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => front.close(() => r())));
    const { port } = front.address() as AddressInfo;

    const ready = new DispatcherClient({ baseUrl: `http://127.0.0.1:${port}`, secret }).waitUntilReady(10_000, 20);
    await expect.poll(() => dropped).toBeGreaterThanOrEqual(3);
    up = true;
    expect((await ready).mode).toBe('session');

    const wrong = await rejection(
      new DispatcherClient({ baseUrl: `http://127.0.0.1:${port}`, secret: 'x'.repeat(43) }).waitUntilReady(10_000, 20),
    );
    expect(wrong.status).toBe(401);

    const never = await rejection(
      new DispatcherClient({ baseUrl: `http://127.0.0.1:${await closedPort()}`, secret }).waitUntilReady(100, 20),
    );
    expect(never.message).toMatch(
      /^the dispatcher at http:\/\/127\.0\.0\.1:\d+ was not ready within 100 ms: cannot connect to the Loom dispatcher/,
    );
  });
});

describe('client-chosen job ids', () => {
  it('submits under the id the client proposes, refuses a malformed one (400) and a taken one (409)', async () => {
    const { control, secret, baseUrl } = await kit.start();
    const client = new DispatcherClient({ baseUrl, secret });
    const id = '0123456789abcdef0123456789abcdef';
    expect(await client.submitJob(submission, { id })).toBe(id);
    expect(control.job(id)?.state).toBe('RUNNING');
    const taken = await rejection(client.submitJob(submission, { id }));
    expect(taken.status).toBe(409);
    expect(taken.errors[0]).toContain(`a job with id ${id} exists already`);
    expect(taken.message).toBe(`the Loom cluster at ${baseUrl} has a job ${id} already: loom list shows it`);
    const bad = await rejection(client.submitJob(submission, { id: 'NOT-AN-ID' }));
    expect(bad.status).toBe(400);
    expect(bad.message).toContain('32 lower-case hex digits');
    expect(control.submitted).toHaveLength(1);
  });
});
