/**
 * The one certificate an internal TLS peer (the AM's REST endpoint, its TaskExecutor gateway) must
 * show: the cluster's own, as the submitting client generated it or took it from
 * security.ssl.internal.cert. Clients trust only the certificates of that file (no system CAs) and
 * then compare the peer's leaf with the pinned one by SHA-256 fingerprint, so no host name check
 * is needed (the AM binds to whichever NodeManager YARN picks) and nothing else passes, not even a
 * certificate from a public CA for the same name.
 */
import { X509Certificate } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import { TlsCertificateInvalidError, TlsCertificateMismatchError } from './tls-errors.js';

/** What tls.connect (and gRPC's createSsl, undici's connect) take to trust and pin the certificate. */
export interface PinningTlsOptions {
  ca: string;
  checkServerIdentity: (host: string, peer: PeerCertificate) => Error | undefined;
}

export class PinnedCertificate {
  /** SHA-256 of the leaf certificate's DER, as `AB:CD:...` (Node's fingerprint256, `openssl x509 -fingerprint -sha256`). */
  readonly fingerprint: string;

  private constructor(
    /** Every certificate of the file, PEM: the leaf first, then any chain up to its root (the trust of the TLS handshake). */
    readonly pem: string,
    leaf: X509Certificate,
  ) {
    this.fingerprint = leaf.fingerprint256;
  }

  /** The certificates of a PEM text, the first being the one pinned; `source` names the file in errors. */
  static fromPem(text: string, source: string): PinnedCertificate {
    const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
    const [first, ...rest] = blocks;
    if (first === undefined)
      throw new TlsCertificateInvalidError(
        `${source} holds no PEM certificate (-----BEGIN CERTIFICATE-----); give a PEM X.509 certificate`,
      );
    let leaf: X509Certificate;
    try {
      leaf = new X509Certificate(first);
      for (const more of rest) new X509Certificate(more);
    } catch (err) {
      throw new TlsCertificateInvalidError(`${source} holds a certificate that cannot be read: ${(err as Error).message}`, { cause: err });
    }
    return new PinnedCertificate(`${blocks.join('\n')}\n`, leaf);
  }

  /** The certificate as one base64 line of DER blocks joined by `,` (for the session properties file). */
  toLine(): string {
    return (this.pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [])
      .map((block) => new X509Certificate(block).raw.toString('base64'))
      .join(',');
  }

  static fromLine(line: string, source: string): PinnedCertificate {
    const pem = line
      .split(',')
      .map((b64) => `-----BEGIN CERTIFICATE-----\n${(b64.trim().match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`)
      .join('');
    return PinnedCertificate.fromPem(pem, source);
  }

  /** An error naming both fingerprints when `peer` is not the pinned certificate; undefined when it is. */
  mismatch(peer: Pick<PeerCertificate, 'fingerprint256'> | undefined, where: string): TlsCertificateMismatchError | undefined {
    const got = peer?.fingerprint256;
    if (got === this.fingerprint) return undefined;
    return new TlsCertificateMismatchError(
      `${where} showed ${got ? `the certificate with SHA-256 fingerprint ${got}` : 'no certificate'}, not the cluster's (expected ${this.fingerprint}); ` +
        'another process serves there, or the connection is intercepted: nothing was sent',
    );
  }

  /** Options for a TLS client that trusts the file's certificates only and pins the leaf; `where` names the peer in errors. */
  tlsClientOptions(where: string): PinningTlsOptions {
    return { ca: this.pem, checkServerIdentity: (_host, peer) => this.mismatch(peer, where) };
  }
}
