/**
 * The per-cluster certificate of internal TLS (security.ssl.internal.enabled): a fresh EC P-256
 * key pair from node:crypto and a self-signed X.509 v3 certificate (RFC 5280) written with Loom's
 * own DER encoder, signed ecdsa-with-SHA256 (RFC 5758 section 3.2). P-256 rather than Ed25519:
 * Node's TLS and gRPC accept both, but browsers opening the dashboard and Java's TLS in YARN's web
 * proxy accept ECDSA everywhere and Ed25519 certificates hardly anywhere.
 *
 * The client and the TaskExecutors pin this exact certificate (its SHA-256 fingerprint), so they
 * need no name check; the subjectAltName still lists the hosts given, for people and tools that
 * look. Key usage is digitalSignature (ECDHE-ECDSA) and the extended key usage serverAuth.
 */
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';
import { TagClass } from '../kerberos/asn1/der-reader.js';
import { derElement, derExplicit, derInteger, derOctetString, derSequence } from '../kerberos/asn1/der-writer.js';

/** Universal tags an X.509 certificate uses beyond Kerberos' set. */
const Tag = {
  boolean: 1,
  integer: 2,
  bitString: 3,
  objectIdentifier: 6,
  utf8String: 12,
  set: 17,
  utcTime: 23,
  generalizedTime: 24,
} as const;

const Oid = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organizationName: '2.5.4.10',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

export interface SelfSignedCertificateOptions {
  /** The subject's (and issuer's) common name, e.g. `Loom cluster application_..._0001`. */
  commonName: string;
  /** Host names and IP addresses for the subjectAltName (dNSName / iPAddress); duplicates are dropped. */
  hosts: readonly string[];
  /** Default 365 days: a session may run for months; the client pins the certificate, so expiry guards little. */
  validDays?: number;
  now?: Date;
}

export interface CertificateAndKey {
  /** The certificate, PEM. */
  certificatePem: string;
  /** The private key, PKCS#8 PEM: never in an environment variable, a command line or a world-readable file. */
  privateKeyPem: string;
}

export function generateSelfSignedCertificate(opts: SelfSignedCertificateOptions): CertificateAndKey {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const now = opts.now ?? new Date();
  // One minute back: a node whose clock is a little behind still takes it as valid.
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000 - 60_000);
  const notAfter = new Date(notBefore.getTime() + (opts.validDays ?? 365) * 86_400_000);
  const name = derSequence([rdn(Oid.organizationName, 'Loom'), rdn(Oid.commonName, opts.commonName)]);
  const algorithm = derSequence([oid(Oid.ecdsaWithSha256)]);
  const tbs = derSequence([
    derExplicit(0, derInteger(2)),
    serialNumber(),
    algorithm,
    name,
    derSequence([time(notBefore), time(notAfter)]),
    name,
    spki,
    derExplicit(3, derSequence(extensions(spki, opts.hosts))),
  ]);
  const signature = sign('sha256', tbs, privateKey);
  const certificate = derSequence([tbs, algorithm, bitString(signature)]);
  return {
    certificatePem: pem('CERTIFICATE', certificate),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

function extensions(spki: Buffer, hosts: readonly string[]): Buffer[] {
  const names = [...new Set(hosts.map((h) => h.trim()).filter((h) => h !== ''))].map(generalName);
  // RFC 5280 4.2.1.2, method (1): the SHA-1 of the subjectPublicKey BIT STRING's bits (the last 65 bytes of a P-256 SPKI).
  const keyId = createHash('sha1')
    .update(spki.subarray(spki.length - 65))
    .digest();
  const out = [
    extension(Oid.basicConstraints, true, derSequence([])),
    // digitalSignature is bit 0: one byte 0x80 with 7 unused bits.
    extension(Oid.keyUsage, true, derElement(TagClass.universal, false, Tag.bitString, Buffer.from([7, 0x80]))),
    extension(Oid.extKeyUsage, false, derSequence([oid(Oid.serverAuth)])),
    extension(Oid.subjectKeyIdentifier, false, derOctetString(keyId)),
  ];
  if (names.length > 0) out.push(extension(Oid.subjectAltName, false, derSequence(names)));
  return out;
}

/** GeneralName: dNSName [2] IA5String or iPAddress [7] OCTET STRING (4 or 16 bytes), both IMPLICIT. */
function generalName(host: string): Buffer {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(bare);
  if (family === 4) return derElement(TagClass.context, false, 7, Buffer.from(bare.split('.').map(Number)));
  if (family === 6 && !bare.includes('.')) return derElement(TagClass.context, false, 7, ipv6Bytes(bare));
  return derElement(TagClass.context, false, 2, Buffer.from(host.toLowerCase(), 'ascii'));
}

/** An IPv6 address in text (`::` shortening allowed; no embedded IPv4) as its 16 bytes. */
function ipv6Bytes(address: string): Buffer {
  const words = (text: string): number[] => (text === '' ? [] : text.split(':').map((w) => parseInt(w, 16)));
  const shortened = address.indexOf('::');
  const left = words(shortened < 0 ? address : address.slice(0, shortened));
  const right = shortened < 0 ? [] : words(address.slice(shortened + 2));
  const all = shortened < 0 ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const out = Buffer.alloc(16);
  all.forEach((w, i) => out.writeUInt16BE(w, i * 2));
  return out;
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return derSequence([
    oid(id),
    critical ? derElement(TagClass.universal, false, Tag.boolean, Buffer.from([0xff])) : undefined,
    derOctetString(value),
  ]);
}

function rdn(type: string, value: string): Buffer {
  return derElement(
    TagClass.universal,
    true,
    Tag.set,
    derSequence([oid(type), derElement(TagClass.universal, false, Tag.utf8String, Buffer.from(value, 'utf8'))]),
  );
}

/** A positive 128-bit serial (RFC 5280 4.1.2.2: at most 20 octets, positive). */
function serialNumber(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x40;
  return derElement(TagClass.universal, false, Tag.integer, bytes);
}

/** RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050, whole seconds, Z. */
function time(at: Date): Buffer {
  const text = at
    .toISOString()
    .replace(/\.\d{3}/, '')
    .replace(/[-:T]/g, '');
  return at.getUTCFullYear() < 2050
    ? derElement(TagClass.universal, false, Tag.utcTime, Buffer.from(text.slice(2), 'latin1'))
    : derElement(TagClass.universal, false, Tag.generalizedTime, Buffer.from(text, 'latin1'));
}

function bitString(bytes: Buffer): Buffer {
  return derElement(TagClass.universal, false, Tag.bitString, Buffer.concat([Buffer.from([0]), bytes]));
}

/** OBJECT IDENTIFIER: the first two arcs in one byte, each arc base 128 with continuation bits. */
function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const bytes: number[] = [arcs[0] * 40 + arcs[1]];
  for (const arc of arcs.slice(2)) {
    const digits: number[] = [];
    for (let n = arc; ; n = Math.floor(n / 128)) {
      digits.unshift(n % 128);
      if (n < 128) break;
    }
    bytes.push(...digits.map((d, i) => (i < digits.length - 1 ? d | 0x80 : d)));
  }
  return derElement(TagClass.universal, false, Tag.objectIdentifier, Buffer.from(bytes));
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
