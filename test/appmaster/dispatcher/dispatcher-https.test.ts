// Internal TLS on the AM's REST endpoint: the dispatcher serves HTTPS only with the cluster's
// certificate, and the client the CLI uses (DispatcherClient) pins it. The right certificate
// answers; another one is refused before the request (and its bearer secret) is written, naming
// both fingerprints; plain HTTP gets no answer from the HTTPS port.
import { createServer } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { DispatcherClient } from '../../../client/deploy/running/dispatcher-client.js';
import { PinnedCertificate } from '../../../client/wire/security/pinned-certificate.js';
import { generateSelfSignedCertificate } from '../../../client/wire/security/self-signed-certificate.js';
import { TlsCertificateMismatchError } from '../../../client/wire/security/tls-errors.js';
import { DispatcherKit } from './dispatcher-kit.js';

const kit = new DispatcherKit();
const stops: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await kit.stopAll();
  while (stops.length) await stops.pop()!();
});

const clusterCert = generateSelfSignedCertificate({ commonName: 'Loom cluster application_1_0001', hosts: ['127.0.0.1'] });
const pinned = PinnedCertificate.fromPem(clusterCert.certificatePem, 'loom-tls-cert.pem');

describe('dispatcher over HTTPS', () => {
  it('answers the REST client that pins the cluster certificate', async () => {
    const { port, secret } = await kit.start({ more: { tls: clusterCert } });
    const client = new DispatcherClient({ baseUrl: `https://127.0.0.1:${port}`, secret, certificate: pinned });
    const overview = await client.overview();
    expect(overview.loomVersion).toBe('0.1.0-test');
  });

  it('a server showing another certificate is refused with both fingerprints, the secret never sent', async () => {
    const other = generateSelfSignedCertificate({ commonName: 'impostor', hosts: ['127.0.0.1'] });
    let requests = 0;
    const impostor = createServer({ cert: other.certificatePem, key: other.privateKeyPem }, (_req, res) => {
      requests++;
      res.end('{}');
    });
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
    stops.push(() => new Promise<void>((resolve) => impostor.close(() => resolve())));
    const port = (impostor.address() as { port: number }).port;
    const client = new DispatcherClient({ baseUrl: `https://127.0.0.1:${port}`, secret: 'a'.repeat(43), certificate: pinned });
    const err = await client.overview().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TlsCertificateMismatchError);
    const shown = PinnedCertificate.fromPem(other.certificatePem, 'other').fingerprint;
    expect((err as Error).message).toContain(`expected ${pinned.fingerprint}`);
    expect((err as Error).message).toContain(`fingerprint ${shown}`);
    expect((err as Error).message).toContain(`the AM's REST endpoint at 127.0.0.1:${port}`);
    expect(requests).toBe(0);
  });

  it('a client pinning a certificate refuses a plain http URL', async () => {
    const client = new DispatcherClient({ baseUrl: 'http://127.0.0.1:1', secret: 'a'.repeat(43), certificate: pinned });
    await expect(client.overview()).rejects.toThrow(/is not https/);
  });

  it('plain HTTP to the HTTPS port gets no REST answer', async () => {
    const { port, secret } = await kit.start({ more: { tls: clusterCert } });
    const client = new DispatcherClient({ baseUrl: `http://127.0.0.1:${port}`, secret, requestTimeoutMs: 3_000 });
    await expect(client.overview()).rejects.toThrow();
  });
});
