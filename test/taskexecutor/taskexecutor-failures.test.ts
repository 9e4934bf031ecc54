import { afterEach, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import {
  CONNECT_METHOD_PATH,
  decodeAmMessage,
  encodeTaskExecutorMessage,
  CLUSTER_SECRET_METADATA_KEY,
  type AmMessage,
  type TaskExecutorMessage,
} from '../../client/contracts/taskexecutor-protocol.js';
import { newClusterSecret } from '../../client/contracts/cluster-secret.js';
import { TaskExecutorTestKit, waitFor } from './taskexecutor-test-kit.js';

let kit: TaskExecutorTestKit | undefined;
const clients: grpc.Client[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await kit?.stop();
  kit = undefined;
});

/** One raw Connect stream; resolves with the status it ends with and the messages it got. */
function rawConnect(
  address: string,
  secret: string | undefined,
  first: TaskExecutorMessage,
): Promise<{ code: number; details: string; messages: AmMessage[] }> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  clients.push(client);
  const md = new grpc.Metadata();
  if (secret !== undefined) md.set(CLUSTER_SECRET_METADATA_KEY, secret);
  const call = client.makeBidiStreamRequest(CONNECT_METHOD_PATH, encodeTaskExecutorMessage, decodeAmMessage, md);
  const messages: AmMessage[] = [];
  call.on('data', (m: AmMessage) => messages.push(m));
  call.write(first);
  return new Promise((resolve) => {
    call.on('status', (s: grpc.StatusObject) => resolve({ code: s.code, details: s.details, messages }));
    call.on('error', () => {});
  });
}

const register = (id: string, slots = 2): TaskExecutorMessage => ({
  kind: 'register',
  register: { taskExecutorId: id, host: '127.0.0.1', slots, memoryMb: 0, pid: 1, running: [] },
});

describe('TaskExecutor failures', () => {
  it('retries the task of a SIGKILLed TaskExecutor on the other one, and the job finishes', async () => {
    kit = await TaskExecutorTestKit.start();
    const tes = await kit.startTaskExecutors(['container_1_0001_01_000002', 'container_1_0001_01_000003']);
    const bundle = await kit.bundle({
      'stuck.mjs': `
export async function run(task) {
  // The first attempt of task 0 hangs until its TaskExecutor dies; every other attempt returns.
  if (task.index === 0 && task.attempt === 1) await new Promise((r) => setTimeout(r, 120000));
  return { index: task.index, attempt: task.attempt, pid: process.pid };
}`,
    });
    const job = await kit.jobMaster.submitJob({ bundle, exportName: 'run', parallelism: 2, args: [] });
    await waitFor(
      () => kit!.jobMaster.job(job.id)!.tasks[0].state === 'RUNNING',
      'task 0 to run',
      () => kit!.stderrOf(),
    );
    const victimId = kit.jobMaster.job(job.id)!.tasks[0].taskExecutorId!;
    const victim = tes.find((t) => t.id === victimId)!;
    const survivor = tes.find((t) => t.id !== victimId)!;
    victim.process.kill('SIGKILL');

    const done = await kit.jobMaster.waitForJob(job.id);
    expect(done.state, done.error ?? kit.stderrOf()).toBe('FINISHED');
    expect(done.results).toEqual([
      { index: 0, attempt: 2, pid: survivor.process.pid },
      { index: 1, attempt: 1, pid: expect.any(Number) },
    ]);
    expect(done.tasks[0]).toMatchObject({ attempt: 2, taskExecutorId: survivor.id });
    expect(done.tasks[0].error).toMatch(new RegExp(`TaskExecutor ${victimId} \\(127\\.0\\.0\\.1\\) was lost: its connection`));
    expect(kit.registry.list().map((t) => t.id)).toEqual([survivor.id]);
    // One TaskExecutor is gone and nothing waits: the demand is what is registered.
    expect(kit.jobMaster.wantedTaskExecutors()).toBe(1);
  });

  it('fails the job naming the TaskExecutor and the reason once a task has lost its TaskExecutor max-attempts times', async () => {
    kit = await TaskExecutorTestKit.start({ jobMaster: { maxTaskAttempts: 2 } });
    const tes = await kit.startTaskExecutors(['container_1_0001_01_000002', 'container_1_0001_01_000003']);
    const bundle = await kit.bundle({ 'hang.mjs': 'export const run = () => new Promise((r) => setTimeout(r, 120000));\n' });
    const job = await kit.jobMaster.submitJob({ bundle, exportName: 'run', parallelism: 1, args: [] });
    for (const attempt of [1, 2]) {
      await waitFor(
        () => kit!.jobMaster.job(job.id)!.tasks[0].state === 'RUNNING' && kit!.jobMaster.job(job.id)!.tasks[0].attempt === attempt,
        `attempt ${attempt} to run`,
      );
      const holder = kit.jobMaster.job(job.id)!.tasks[0].taskExecutorId!;
      tes.find((t) => t.id === holder)!.process.kill('SIGKILL');
    }
    const done = await kit.jobMaster.waitForJob(job.id);
    expect(done.state).toBe('FAILED');
    // Without restart-strategy.type, max-attempts 2 is fixed-delay with 1 attempt: the second loss ends the job.
    expect(done.error).toMatch(
      /^restart-strategy fixed-delay with 1 attempt \(the default: restart-strategy\.type unset, loom\.task\.max-attempts=2\) exhausted after 2 failure\(s\)/,
    );
    for (const te of tes) expect(done.error).toContain(`TaskExecutor ${te.id} (127.0.0.1) was lost: `);
  });

  it('refuses a wrong or missing secret with UNAUTHENTICATED; a TaskExecutor with a wrong secret exits with a message', async () => {
    kit = await TaskExecutorTestKit.start();
    const wrong = await rawConnect(kit.amAddress, 'not-the-secret', register('container_x'));
    expect(wrong.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(wrong.details).toMatch(/wrong cluster secret/);
    expect(wrong.messages).toEqual([]);
    const none = await rawConnect(kit.amAddress, undefined, register('container_y'));
    expect(none.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(none.details).toMatch(/no cluster secret/);

    const te = await kit.spawnTaskExecutor('container_1_0001_01_000009', {
      env: { LOOM_SECRET_FILE: '', LOOM_CLUSTER_SECRET: newClusterSecret() },
    });
    const exit = await te.exited;
    expect(exit.code).toBe(1);
    expect(te.stderr()).toMatch(/the AM at 127\.0\.0\.1:\d+ refused this TaskExecutor: wrong cluster secret/);
    expect(kit.registry.size).toBe(0);
  });

  it('refuses bad registrations with a reason, and a stream whose first message is not a Register', async () => {
    kit = await TaskExecutorTestKit.start();
    const zeroSlots = await rawConnect(kit.amAddress, kit.secret, register('container_z', 0));
    expect(zeroSlots.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(zeroSlots.details).toMatch(/offers 0 slots; it must offer 1 to 1024 \(LOOM_SLOTS\)/);
    const heartbeatFirst = await rawConnect(kit.amAddress, kit.secret, { kind: 'heartbeat', heartbeat: { running: [], freeSlots: 1 } });
    expect(heartbeatFirst.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(heartbeatFirst.details).toMatch(/first message must be a Register/);
    expect(kit.registry.size).toBe(0);
  });

  it('a TaskExecutor exits by itself (code 0, message on stderr) once the AM has been gone for the AM timeout', async () => {
    kit = await TaskExecutorTestKit.start({ registry: { amTimeoutMs: 1_000 } });
    const [te] = await kit.startTaskExecutors(['container_1_0001_01_000002']);
    await kit.gateway!.close();
    kit.gateway = undefined;
    const exit = await te.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(te.stderr()).toMatch(/lost the AM at 127\.0\.0\.1:\d+ .*reconnecting/);
    expect(te.stderr()).toMatch(
      /stopping: has not reached the AM at 127\.0\.0\.1:\d+ for \d+ ms \(loom\.taskexecutor\.am-timeout is 1000 ms\)/,
    );
  });

  it('reconnects to an AM that comes back on the same address; the attempt it still runs is cancelled and runs again', async () => {
    kit = await TaskExecutorTestKit.start();
    const [te] = await kit.startTaskExecutors(['container_1_0001_01_000002'], 1);
    const bundle = await kit.bundle({
      'once.mjs':
        'export async function run(task) { if (task.attempt === 1) await new Promise((r) => setTimeout(r, 120000)); return task.attempt; }\n',
    });
    const job = await kit.jobMaster.submitJob({ bundle, exportName: 'run', parallelism: 1, args: [] });
    await waitFor(
      () => kit!.jobMaster.job(job.id)!.tasks[0].state === 'RUNNING',
      'attempt 1 to run',
      () => kit!.stderrOf(),
    );
    await kit.gateway!.close();
    kit.gateway = undefined;
    await waitFor(() => !kit!.registry.has(te.id), 'the AM to notice the stream ended');
    expect(kit.jobMaster.job(job.id)!.tasks[0]).toMatchObject({ state: 'SCHEDULED', attempt: 2 });

    kit.gateway = await kit.startGateway(kit.amPort);
    const done = await kit.jobMaster.waitForJob(job.id);
    expect(done.state, done.error ?? kit.stderrOf()).toBe('FINISHED');
    expect(done.results).toEqual([2]);
    expect(te.process.exitCode).toBeNull();
    expect(te.stderr().match(/registered with the AM/g)).toHaveLength(2);
  });

  it('a TaskExecutor that cannot reach any AM gives up after LOOM_AM_TIMEOUT_MS; bad settings stop it at once with code 2', async () => {
    kit = await TaskExecutorTestKit.start();
    await kit.gateway!.close();
    kit.gateway = undefined;
    const te = await kit.spawnTaskExecutor('container_1_0001_01_000002', { env: { LOOM_AM_TIMEOUT_MS: '500' } });
    expect((await te.exited).code).toBe(0);
    expect(te.stderr()).toMatch(/am-timeout is 500 ms/);

    const bad = await kit.spawnTaskExecutor('container_1_0001_01_000003', {
      env: { LOOM_AM_ADDRESS: 'nohost', LOOM_SLOTS: 'two', LOOM_SECRET_FILE: 'missing-secret' },
    });
    expect((await bad.exited).code).toBe(2);
    expect(bad.stderr()).toMatch(/LOOM_AM_ADDRESS=nohost has no port/);
    expect(bad.stderr()).toMatch(/LOOM_SECRET_FILE: cannot read .*missing-secret \(ENOENT\)/);
    expect(bad.stderr()).toMatch(/LOOM_SLOTS="two" is not a whole number/);
  });
});
