import { createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { KerberosFormatError, KerberosIntegrityError } from '../kerberos-errors.js';
import { AES_BLOCK_BYTES, aesCtsDecrypt, aesCtsEncrypt } from './aes-cts.js';
import { DerivedKeyPurpose, type EncryptionType, iterationCount, usageConstant } from './encryption-type.js';

/** RFC 8009 section 4: the default PBKDF2 iteration count. */
const DEFAULT_ITERATIONS = 32768;

/**
 * RFC 8009 section 3's KDF-HMAC-SHA2(key, label, k): the first k bits of
 * HMAC(key, 00000001 | label | 00 | k), k as a 4-byte big-endian bit count.
 */
export function kdfHmacSha2(hash: 'sha256' | 'sha384', key: Buffer, label: Buffer, bits: number): Buffer {
  const counter = Buffer.from([0, 0, 0, 1]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bits, 0);
  return createHmac(hash, key)
    .update(Buffer.concat([counter, label, Buffer.from([0]), length]))
    .digest()
    .subarray(0, bits / 8);
}

function aesSha2(id: number, name: string, keyBytes: number, hash: 'sha256' | 'sha384', macBytes: number, checksumType: number) {
  const macBits = macBytes * 8;
  const kc = (key: Buffer, usage: number) => kdfHmacSha2(hash, key, usageConstant(usage, DerivedKeyPurpose.checksum), macBits);
  const ke = (key: Buffer, usage: number) => kdfHmacSha2(hash, key, usageConstant(usage, DerivedKeyPurpose.encryption), keyBytes * 8);
  const ki = (key: Buffer, usage: number) => kdfHmacSha2(hash, key, usageConstant(usage, DerivedKeyPurpose.integrity), macBits);
  const mac = (key: Buffer, data: Buffer) => createHmac(hash, key).update(data).digest().subarray(0, macBytes);
  // The cipher state of a Kerberos message is the zero IV; RFC 8009 section 5 authenticates IV | C.
  const zeroIv = Buffer.alloc(AES_BLOCK_BYTES);
  const type: EncryptionType & { deriveKeys(key: Buffer, usage: number): { kc: Buffer; ke: Buffer; ki: Buffer } } = {
    id,
    name,
    keyBytes,
    checksumType,
    // RFC 8009 section 4: saltp = enctype-name | 0x00 | salt; tkey = PBKDF2-HMAC-SHA2(passphrase, saltp); key = KDF(tkey, "kerberos").
    stringToKey(password, salt, params) {
      const iterations = iterationCount(params, DEFAULT_ITERATIONS);
      const saltp = Buffer.concat([Buffer.from(name), Buffer.from([0]), Buffer.from(salt)]);
      const tkey = pbkdf2Sync(Buffer.from(password), saltp, iterations, keyBytes, hash);
      return kdfHmacSha2(hash, tkey, Buffer.from('kerberos'), keyBytes * 8);
    },
    randomKey: () => randomBytes(keyBytes),
    encrypt(key, usage, plaintext, confounder = randomBytes(AES_BLOCK_BYTES)) {
      const cipher = aesCtsEncrypt(ke(key, usage), Buffer.concat([confounder, plaintext]));
      return Buffer.concat([cipher, mac(ki(key, usage), Buffer.concat([zeroIv, cipher]))]);
    },
    decrypt(key, usage, ciphertext) {
      if (ciphertext.length < AES_BLOCK_BYTES + macBytes)
        throw new KerberosFormatError(`${name} ciphertext is ${ciphertext.length} bytes, shorter than a confounder and a checksum`);
      const cipher = ciphertext.subarray(0, ciphertext.length - macBytes);
      const expected = mac(ki(key, usage), Buffer.concat([zeroIv, cipher]));
      if (!timingSafeEqual(expected, ciphertext.subarray(ciphertext.length - macBytes)))
        throw new KerberosIntegrityError(`${name} integrity check failed for key usage ${usage}: the key is wrong or the data was altered`);
      return aesCtsDecrypt(ke(key, usage), cipher).subarray(AES_BLOCK_BYTES);
    },
    checksum: (key, usage, data) => mac(kc(key, usage), data),
    deriveKeys: (key, usage) => ({ kc: kc(key, usage), ke: ke(key, usage), ki: ki(key, usage) }),
  };
  return type;
}

/** aes128-cts-hmac-sha256-128 (etype 19, checksum hmac-sha256-128-aes128 = 19), RFC 8009. */
export const AES128_CTS_HMAC_SHA256_128 = aesSha2(19, 'aes128-cts-hmac-sha256-128', 16, 'sha256', 16, 19);
/** aes256-cts-hmac-sha384-192 (etype 20, checksum hmac-sha384-192-aes256 = 20), RFC 8009. */
export const AES256_CTS_HMAC_SHA384_192 = aesSha2(20, 'aes256-cts-hmac-sha384-192', 32, 'sha384', 24, 20);
