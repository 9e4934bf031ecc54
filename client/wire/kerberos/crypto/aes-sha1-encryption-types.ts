import { createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { KerberosFormatError, KerberosIntegrityError } from '../kerberos-errors.js';
import { AES_BLOCK_BYTES, aesCtsDecrypt, aesCtsEncrypt, aesEncryptBlock } from './aes-cts.js';
import { DerivedKeyPurpose, type EncryptionType, iterationCount, usageConstant } from './encryption-type.js';
import { nFold } from './n-fold.js';

/** RFC 3962's HMAC-SHA1 truncated to 96 bits. */
const MAC_BYTES = 12;
/** RFC 3962 section 4: the default iteration count of PBKDF2. */
const DEFAULT_ITERATIONS = 4096;

/**
 * RFC 3961 section 5.1's DK(Key, Constant) for AES: the constant n-folded to a block, encrypted
 * again and again (K1 = E(key, constant), K2 = E(key, K1)...) until there are enough bytes;
 * AES's random-to-key is the identity.
 */
export function deriveKeyRfc3961(baseKey: Buffer, constant: Buffer): Buffer {
  let block = constant.length === AES_BLOCK_BYTES ? constant : nFold(constant, AES_BLOCK_BYTES);
  const out: Buffer[] = [];
  let have = 0;
  while (have < baseKey.length) {
    block = aesEncryptBlock(baseKey, block);
    out.push(block);
    have += block.length;
  }
  return Buffer.concat(out).subarray(0, baseKey.length);
}

function aesSha1(id: number, name: string, keyBytes: number, checksumType: number): EncryptionType {
  const derive = (key: Buffer, usage: number, purpose: number) => deriveKeyRfc3961(key, usageConstant(usage, purpose));
  const mac = (key: Buffer, data: Buffer) => createHmac('sha1', key).update(data).digest().subarray(0, MAC_BYTES);
  return {
    id,
    name,
    keyBytes,
    checksumType,
    // RFC 3962 section 4: tkey = random2key(PBKDF2(passphrase, salt, iterations, keylength)); key = DK(tkey, "kerberos").
    stringToKey(password, salt, params) {
      const iterations = iterationCount(params, DEFAULT_ITERATIONS);
      const tkey = pbkdf2Sync(Buffer.from(password), Buffer.from(salt), iterations, keyBytes, 'sha1');
      return deriveKeyRfc3961(tkey, Buffer.from('kerberos'));
    },
    randomKey: () => randomBytes(keyBytes),
    encrypt(key, usage, plaintext, confounder = randomBytes(AES_BLOCK_BYTES)) {
      const data = Buffer.concat([confounder, plaintext]);
      const cipher = aesCtsEncrypt(derive(key, usage, DerivedKeyPurpose.encryption), data);
      return Buffer.concat([cipher, mac(derive(key, usage, DerivedKeyPurpose.integrity), data)]);
    },
    decrypt(key, usage, ciphertext) {
      if (ciphertext.length < AES_BLOCK_BYTES + MAC_BYTES)
        throw new KerberosFormatError(`${name} ciphertext is ${ciphertext.length} bytes, shorter than a confounder and a checksum`);
      const cipher = ciphertext.subarray(0, ciphertext.length - MAC_BYTES);
      const data = aesCtsDecrypt(derive(key, usage, DerivedKeyPurpose.encryption), cipher);
      const expected = mac(derive(key, usage, DerivedKeyPurpose.integrity), data);
      if (!timingSafeEqual(expected, ciphertext.subarray(ciphertext.length - MAC_BYTES)))
        throw new KerberosIntegrityError(`${name} integrity check failed for key usage ${usage}: the key is wrong or the data was altered`);
      return data.subarray(AES_BLOCK_BYTES);
    },
    checksum: (key, usage, data) => mac(derive(key, usage, DerivedKeyPurpose.checksum), data),
  };
}

/** aes128-cts-hmac-sha1-96 (etype 17, checksum hmac-sha1-96-aes128 = 15), RFC 3962. */
export const AES128_CTS_HMAC_SHA1_96 = aesSha1(17, 'aes128-cts-hmac-sha1-96', 16, 15);
/** aes256-cts-hmac-sha1-96 (etype 18, checksum hmac-sha1-96-aes256 = 16), RFC 3962. */
export const AES256_CTS_HMAC_SHA1_96 = aesSha1(18, 'aes256-cts-hmac-sha1-96', 32, 16);
