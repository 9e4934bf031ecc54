// Internal TLS on the AM <-> TaskExecutor channel: the gateway serves TLS with the cluster's
// certificate and a TaskExecutor pins it. The right certificate registers; another one is refused
// before the secret is sent, naming both fingerprints; a plaintext peer gets nowhere. Real gRPC
// server on 127.0.0.1:0.
import { afterEach, describe, expect, it } from 'vitest';
import { startTaskExecutorGateway } from '../../../appmaster/rpc/taskexecutor-gateway-server.js';
import type { TaskExecutorAdmission } from '../../../appmaster/taskexecutors/taskexecutor-admission.js';
import { TaskExecutorRegistry } from '../../../appmaster/taskexecutors/taskexecutor-registry.js';
import { newClusterSecret } from '../../../client/contracts/cluster-secret.js';
import { PinnedCertificate } from '../../../client/wire/security/pinned-certificate.js';
import { generateSelfSignedCertificate } from '../../../client/wire/security/self-signed-certificate.js';
import { AmConnection } from '../../../taskexecutor/am-connection.js';
import { waitFor } from '../../minicluster/mini-cluster-kit.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const admitAll: TaskExecutorAdmission = { admit: () => ({ admitted: true, origin: 'launched' }) };
const clusterCert = generateSelfSignedCertificate({ commonName: 'Loom cluster application_1_0001', hosts: ['127.0.0.1'] });

async function tlsGateway() {
  const secret = newClusterSecret();
  const registry = new TaskExecutorRegistry({ heartbeatIntervalMs: 1_000, heartbeatTimeoutMs: 20_000, amTimeoutMs: 30_000 });
  registry.start();
  const gatewayLog: string[] = [];
  const gateway = await startTaskExecutorGateway({
    host: '127.0.0.1',
    port: 0,
    secret,
    tls: clusterCert,
    registry,
    admission: admitAll,
    log: (l) => gatewayLog.push(l),
  });
  cleanups.push(
    () => gateway.close(),
    () => registry.stop('test over'),
  );
  return { secret, registry, gateway, gatewayLog };
}

function connect(port: number, secret: string, certificate: PinnedCertificate | undefined) {
  const gaveUp: string[] = [];
  const log: string[] = [];
  const connection = new AmConnection({
    address: { host: '127.0.0.1', port },
    secret,
    ...(certificate ? { certificate } : {}),
    amTimeoutMs: 30_000,
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
    backoff: { initialMs: 50, maxMs: 200 },
  });
  cleanups.push(() => connection.close());
  connection.start();
  return { connection, gaveUp, log };
}

describe('TaskExecutor gateway over TLS', () => {
  it('a TaskExecutor pinning the cluster certificate registers', async () => {
    const am = await tlsGateway();
    const te = connect(am.gateway.address.port, am.secret, PinnedCertificate.fromPem(clusterCert.certificatePem, 'cert.pem'));
    await waitFor(() => te.connection.isRegistered, 'the TaskExecutor to register over TLS', 10_000, 20);
    expect(am.registry.list().map((t) => t.id)).toEqual(['container_1_0001_01_000002']);
    expect(te.gaveUp).toEqual([]);
  });

  it('another certificate is refused before registering, naming the expected and the shown fingerprint', async () => {
    const am = await tlsGateway();
    const other = PinnedCertificate.fromPem(
      generateSelfSignedCertificate({ commonName: 'x', hosts: ['127.0.0.1'] }).certificatePem,
      'other.pem',
    );
    const te = connect(am.gateway.address.port, am.secret, other);
    await waitFor(() => te.gaveUp.length > 0, 'the TaskExecutor to give up', 10_000, 20);
    const shown = PinnedCertificate.fromPem(clusterCert.certificatePem, 'cert.pem').fingerprint;
    expect(te.gaveUp[0]).toContain(`expected ${other.fingerprint}`);
    expect(te.gaveUp[0]).toContain(`SHA-256 fingerprint ${shown}`);
    expect(te.gaveUp[0]).toContain("the AM's TaskExecutor gateway at 127.0.0.1:");
    expect(te.connection.isRegistered).toBe(false);
    expect(am.registry.list()).toEqual([]);
  });

  it('a plaintext TaskExecutor does not get through to a TLS gateway', async () => {
    const am = await tlsGateway();
    const te = connect(am.gateway.address.port, am.secret, undefined);
    await waitFor(() => te.log.some((l) => l.includes('reconnecting')), 'the plaintext connection to fail', 10_000, 20);
    expect(te.connection.isRegistered).toBe(false);
    expect(am.registry.list()).toEqual([]);
  });
});
