// A TaskExecutor's connection follows its AM to a new attempt: after the stream to the old AM's
// gateway breaks, each reconnection first asks `locate` (the HA store) where the AM serves now,
// and registers there with the same secret. A store that cannot be read is reported once and the
// known address is tried meanwhile.
import { afterEach, describe, expect, it } from 'vitest';
import { startTaskExecutorGateway, type TaskExecutorGateway } from '../../appmaster/rpc/taskexecutor-gateway-server.js';
import { TaskExecutorRegistry } from '../../appmaster/taskexecutors/taskexecutor-registry.js';
import { ContainerAdmission } from '../../appmaster/taskexecutors/taskexecutor-admission.js';
import type { HostPort } from '../../client/conf/hadoop-address.js';
import { newClusterSecret } from '../../client/contracts/cluster-secret.js';
import { AmConnection } from '../../taskexecutor/am-connection.js';
import { waitFor } from '../minicluster/mini-cluster-kit.js';

const secret = newClusterSecret();
const gateways: TaskExecutorGateway[] = [];
let connection: AmConnection | undefined;
afterEach(async () => {
  connection?.close();
  connection = undefined;
  await Promise.all(gateways.splice(0).map((g) => g.close()));
});

async function am(): Promise<{ registry: TaskExecutorRegistry; gateway: TaskExecutorGateway; address: HostPort }> {
  const registry = new TaskExecutorRegistry({ heartbeatIntervalMs: 100, heartbeatTimeoutMs: 5_000, amTimeoutMs: 10_000 });
  const admission = new ContainerAdmission('appattempt_1_0001_000002');
  admission.knowContainersFrom({ originOf: (id) => (id === 'container_1_0001_01_000002' ? 'taken-over' : undefined) });
  const gateway = await startTaskExecutorGateway({ host: '127.0.0.1', port: 0, secret, registry, admission });
  gateways.push(gateway);
  return { registry, gateway, address: { host: '127.0.0.1', port: gateway.address.port } };
}

const until = (what: string, check: () => boolean, ms = 10_000) => waitFor(check, what, ms, 20);

describe('AmConnection and a new AM attempt', () => {
  it('finds the new attempt through locate and registers there, within its AM timeout', async () => {
    const first = await am();
    const log: string[] = [];
    const gaveUp: string[] = [];
    let current: HostPort | undefined = first.address;
    let storeReadable = false;
    connection = new AmConnection({
      address: first.address,
      secret,
      amTimeoutMs: 10_000,
      registration: () => ({
        taskExecutorId: 'container_1_0001_01_000002',
        host: '127.0.0.1',
        slots: 1,
        memoryMb: 0,
        pid: process.pid,
        running: [],
      }),
      heartbeat: () => ({ running: [], freeSlots: 1 }),
      onMessage: () => {},
      onGiveUp: (_kind, reason) => gaveUp.push(reason),
      log: (l) => log.push(l),
      locate: async () => {
        if (!storeReadable) throw new Error('the NameNode is in safe mode');
        return current;
      },
      backoff: { initialMs: 20, maxMs: 100 },
    });
    connection.start();
    await until('registration with attempt 1', () => first.registry.has('container_1_0001_01_000002'));

    // Attempt 1 dies; until the store can be read the TaskExecutor keeps trying the address it knows.
    await first.gateway.close();
    await until('a failed look-up', () => log.some((l) => l.includes('could not look up')));
    const second = await am();
    current = second.address;
    storeReadable = true;
    await until('registration with attempt 2', () => second.registry.has('container_1_0001_01_000002'));
    expect(connection.amTarget).toBe(`127.0.0.1:${second.address.port}`);
    expect(gaveUp).toEqual([]);
    expect(log.filter((l) => l.includes('could not look up'))).toEqual([
      "could not look up the AM's address in the HA store: the NameNode is in safe mode",
    ]);
    expect(log).toContain(`the AM now serves at 127.0.0.1:${second.address.port} (a new attempt, found in the HA store); connecting there`);
  });
});
