import { createPrivateKey, X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, connect, type TLSSocket } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { generateSelfSignedCertificate } from '../../../../client/wire/security/self-signed-certificate.js';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('generateSelfSignedCertificate', () => {
  const now = new Date('2026-12-07T12:00:00Z');
  const made = generateSelfSignedCertificate({
    commonName: 'Loom cluster application_1_0001',
    hosts: ['localhost', '127.0.0.1', '::1', 'Node-1.Example', 'localhost'],
    now,
  });

  it('is an X.509 certificate Node parses: subject, SAN, validity, self-signed, matching key', () => {
    const cert = new X509Certificate(made.certificatePem);
    expect(cert.subject).toBe('O=Loom\nCN=Loom cluster application_1_0001');
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:node-1.example');
    expect(new Date(cert.validFrom).getTime()).toBe(now.getTime() - 60_000);
    expect(new Date(cert.validTo).getTime()).toBe(now.getTime() - 60_000 + 365 * 86_400_000);
    expect(cert.ca).toBe(false);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(made.privateKeyPem))).toBe(true);
    expect(cert.publicKey.asymmetricKeyType).toBe('ec');
    expect(cert.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkHost('node-1.example')).toBe('node-1.example');
  });

  it('each call makes a new key and serial', () => {
    const other = generateSelfSignedCertificate({ commonName: 'x', hosts: [] });
    const a = new X509Certificate(made.certificatePem);
    const b = new X509Certificate(other.certificatePem);
    expect(a.serialNumber).not.toBe(b.serialNumber);
    expect(a.fingerprint256).not.toBe(b.fingerprint256);
    expect(b.subjectAltName).toBeUndefined();
  });

  it('serves TLS: a client trusting exactly this certificate completes the handshake', async () => {
    const server = createServer({ cert: made.certificatePem, key: made.privateKeyPem }, (s) => s.end('hello'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const got = await new Promise<{ text: string; fingerprint: string }>((resolve, reject) => {
        const socket: TLSSocket = connect({ host: '127.0.0.1', port, ca: made.certificatePem, servername: 'localhost' }, () => {
          let text = '';
          socket.on('data', (d: Buffer) => (text += d.toString()));
          socket.on('end', () => resolve({ text, fingerprint: socket.getPeerCertificate().fingerprint256 }));
        });
        socket.on('error', reject);
      });
      expect(got.text).toBe('hello');
      expect(got.fingerprint).toBe(new X509Certificate(made.certificatePem).fingerprint256);
    } finally {
      server.close();
    }
  });

  it.skipIf(!hasOpenssl())('openssl x509 reads it and openssl verify accepts it as its own trust anchor', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-cert-'));
    try {
      const path = join(dir, 'cert.pem');
      writeFileSync(path, made.certificatePem);
      const text = execFileSync('openssl', ['x509', '-in', path, '-noout', '-text'], { encoding: 'utf8' });
      expect(text).toContain('Version: 3 (0x2)');
      expect(text).toContain('Signature Algorithm: ecdsa-with-SHA256');
      expect(text).toContain('NIST CURVE: P-256');
      expect(text).toContain('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:node-1.example');
      expect(text).toContain('TLS Web Server Authentication');
      expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
      const verified = execFileSync('openssl', ['verify', '-attime', String(now.getTime() / 1000), '-CAfile', path, path], {
        encoding: 'utf8',
      });
      expect(verified.trim()).toBe(`${path}: OK`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
