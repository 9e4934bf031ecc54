import { createCipheriv, createDecipheriv, createHash, createHmac, timingSafeEqual, type Cipher, type Decipher } from 'node:crypto';
import { SaslError } from './sasl-error.js';
import type { SaslSecurityLayer, SaslQop } from './sasl-security-layer.js';

/** The qualities of protection DIGEST-MD5 defines (RFC 2831 2.1.1), weakest first. */
/** DIGEST-MD5's qop values are SASL's. */
export type DigestQop = SaslQop;

/**
 * The ciphers RFC 2831 defines for auth-conf. Loom implements 3des, the one Java's client picks
 * first whenever the server offers it (DigestMD5Client tries the "high" strength ciphers 3des, then
 * rc4). OpenSSL 3 keeps rc4 and des in its legacy provider, which Node does not load, so those are
 * refused by name.
 */
export const SUPPORTED_DIGEST_CIPHERS = ['3des'] as const;
export type DigestCipher = (typeof SUPPORTED_DIGEST_CIPHERS)[number];

const KIC_MAGIC = 'Digest session key to client-to-server signing key magic constant';
const KIS_MAGIC = 'Digest session key to server-to-client signing key magic constant';
const KCC_MAGIC = 'Digest H(A1) to client-to-server sealing key magic constant';
const KCS_MAGIC = 'Digest H(A1) to server-to-client sealing key magic constant';

/** RFC 2831 2.3: message type 1 precedes the sequence number in every protected message. */
const MESSAGE_TYPE = 1;
const MAC_BYTES = 10;
/** MAC + message type + sequence number after the integrity-protected message. */
const INTEGRITY_TRAILER = MAC_BYTES + 2 + 4;
const DES_BLOCK = 8;

function md5(...parts: (Buffer | string)[]): Buffer {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return h.digest();
}

/**
 * A 7-byte DES key piece spread over 8 bytes, 7 key bits each followed by an odd parity bit
 * (what the JDK's DigestMD5Base does before building a DESede key; RFC 2831 2.4).
 */
export function desKeyWithParity(seven: Buffer): Buffer {
  let bits = BigInt(`0x${seven.toString('hex')}`);
  const out = Buffer.alloc(8);
  for (let i = 7; i >= 0; i--) {
    const b = Number(bits & 0x7fn) << 1;
    let ones = 0;
    for (let v = b; v; v >>= 1) ones += v & 1;
    out[i] = b | ((ones & 1) ^ 1);
    bits >>= 7n;
  }
  return out;
}

/** The keys RFC 2831 2.3 and 2.4 derive from H(A1), for one direction pair. */
export interface DigestMd5Keys {
  /** Kic, Kis: HMAC-MD5 keys. */
  clientIntegrity: Buffer;
  serverIntegrity: Buffer;
  /** Kcc, Kcs: sealing keys (auth-conf only). */
  clientConfidentiality?: Buffer;
  serverConfidentiality?: Buffer;
}

export function deriveDigestMd5Keys(hA1: Buffer, qop: 'auth-int' | 'auth-conf', cipher?: DigestCipher): DigestMd5Keys {
  const keys: DigestMd5Keys = { clientIntegrity: md5(hA1, KIC_MAGIC), serverIntegrity: md5(hA1, KIS_MAGIC) };
  if (qop === 'auth-conf') {
    // n = 16 for 3des (and rc4); 7 for des and rc4-56, 5 for rc4-40 (not implemented).
    if (cipher !== '3des') throw new SaslError(`DIGEST-MD5: cipher ${String(cipher)} is not supported (only 3des)`);
    keys.clientConfidentiality = md5(hA1.subarray(0, 16), KCC_MAGIC);
    keys.serverConfidentiality = md5(hA1.subarray(0, 16), KCS_MAGIC);
  }
  return keys;
}

/** Two-key triple DES in CBC, key K1 K2 K1 from the sealing key's first 14 bytes, IV its last 8. */
function tripleDes(sealingKey: Buffer, encrypt: true): Cipher;
function tripleDes(sealingKey: Buffer, encrypt: false): Decipher;
function tripleDes(sealingKey: Buffer, encrypt: boolean): Cipher | Decipher {
  const k1 = desKeyWithParity(sealingKey.subarray(0, 7));
  const k2 = desKeyWithParity(sealingKey.subarray(7, 14));
  const key = Buffer.concat([k1, k2, k1]);
  const iv = sealingKey.subarray(8, 16);
  const c = encrypt ? createCipheriv('des-ede3-cbc', key, iv) : createDecipheriv('des-ede3-cbc', key, iv);
  c.setAutoPadding(false);
  return c;
}

/**
 * RFC 2831 2.3 (integrity) and 2.4 (confidentiality) as the JDK implements them, for one side of
 * one connection:
 *   auth-int:  message | HMAC-MD5(Ki, seq | message)[0..9] | 0x0001 | seq
 *   auth-conf: 3DES-CBC(Kc, message | padding | HMAC-MD5(Ki, seq | message)[0..9]) | 0x0001 | seq
 * Sequence numbers count from 0 in each direction; the CBC state runs on from one message to the
 * next (the JDK calls Cipher.update, never doFinal). Unlike the JDK, which returns an empty message
 * for a bad MAC, a bad MAC here is an error: the connection is not to be trusted any more.
 */
export class DigestMd5SecurityLayer implements SaslSecurityLayer {
  private readonly myIntegrityKey: Buffer;
  private readonly peerIntegrityKey: Buffer;
  private readonly encrypt: Cipher | undefined;
  private readonly decrypt: Decipher | undefined;
  private mySeq = 0;
  private peerSeq = 0;

  constructor(
    readonly qop: 'auth-int' | 'auth-conf',
    keys: DigestMd5Keys,
    side: 'client' | 'server',
  ) {
    const client = side === 'client';
    this.myIntegrityKey = client ? keys.clientIntegrity : keys.serverIntegrity;
    this.peerIntegrityKey = client ? keys.serverIntegrity : keys.clientIntegrity;
    if (qop === 'auth-conf') {
      const mine = client ? keys.clientConfidentiality : keys.serverConfidentiality;
      const peer = client ? keys.serverConfidentiality : keys.clientConfidentiality;
      if (!mine || !peer) throw new SaslError('DIGEST-MD5: auth-conf needs the sealing keys Kcc and Kcs');
      this.encrypt = tripleDes(mine, true);
      this.decrypt = tripleDes(peer, false);
    }
  }

  wrap(plain: Buffer): Buffer {
    if (plain.length === 0) return Buffer.alloc(0);
    const seq = Buffer.alloc(4);
    seq.writeUInt32BE(this.mySeq);
    this.mySeq = (this.mySeq + 1) >>> 0;
    const mac = this.mac(this.myIntegrityKey, seq, plain);
    const type = Buffer.from([0, MESSAGE_TYPE]);
    if (!this.encrypt) return Buffer.concat([plain, mac, type, seq]);
    const padLength = DES_BLOCK - ((plain.length + MAC_BYTES) % DES_BLOCK);
    const sealed = this.encrypt.update(Buffer.concat([plain, Buffer.alloc(padLength, padLength), mac]));
    return Buffer.concat([sealed, type, seq]);
  }

  unwrap(wrapped: Buffer): Buffer {
    if (wrapped.length === 0) return Buffer.alloc(0);
    const min = this.decrypt ? 6 + DES_BLOCK * 2 : INTEGRITY_TRAILER;
    if (wrapped.length < min) throw new SaslError(`DIGEST-MD5: protected message of ${wrapped.length} bytes is shorter than its trailer`);
    const type = wrapped.readUInt16BE(wrapped.length - 6);
    const seq = wrapped.subarray(wrapped.length - 4);
    let message: Buffer;
    let mac: Buffer;
    if (this.decrypt) {
      const sealed = wrapped.subarray(0, wrapped.length - 6);
      if (sealed.length % DES_BLOCK !== 0) {
        throw new SaslError(`DIGEST-MD5: encrypted part of ${sealed.length} bytes is not a whole number of 3DES blocks`);
      }
      const opened = this.decrypt.update(sealed);
      mac = opened.subarray(opened.length - MAC_BYTES);
      const padded = opened.subarray(0, opened.length - MAC_BYTES);
      const padLength = padded.length > 0 ? padded[padded.length - 1] : 0;
      if (padLength < 1 || padLength > DES_BLOCK || padLength > padded.length) {
        throw new SaslError('DIGEST-MD5: bad padding in a decrypted message: it was altered in transit or the keys differ');
      }
      message = padded.subarray(0, padded.length - padLength);
    } else {
      message = wrapped.subarray(0, wrapped.length - INTEGRITY_TRAILER);
      mac = wrapped.subarray(message.length, message.length + MAC_BYTES);
    }
    if (!timingSafeEqual(mac, this.mac(this.peerIntegrityKey, seq, message))) {
      throw new SaslError(
        'DIGEST-MD5: message integrity check failed (MAC mismatch): the message was altered in transit or the keys differ',
      );
    }
    const got = seq.readUInt32BE(0);
    if (got !== this.peerSeq) {
      throw new SaslError(
        `DIGEST-MD5: out of order sequencing of messages: got sequence number ${got}, expected ${this.peerSeq} (a message was replayed or dropped)`,
      );
    }
    if (type !== MESSAGE_TYPE) throw new SaslError(`DIGEST-MD5: invalid message type ${type}; RFC 2831 defines only 1`);
    this.peerSeq = (this.peerSeq + 1) >>> 0;
    return message;
  }

  private mac(key: Buffer, seq: Buffer, message: Buffer): Buffer {
    return createHmac('md5', key).update(seq).update(message).digest().subarray(0, MAC_BYTES);
  }
}
