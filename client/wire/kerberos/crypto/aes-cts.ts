import { createCipheriv, createDecipheriv } from 'node:crypto';
import { KerberosFormatError } from '../kerberos-errors.js';

/** AES's block size in bytes. */
export const AES_BLOCK_BYTES = 16;

/**
 * AES in CBC mode with ciphertext stealing, as RFC 3962 section 5 defines it for Kerberos (the
 * last two blocks swapped, the final one cut to the plaintext's length; one block alone is plain
 * CBC). The initial vector is the cipher state, all zeros for Kerberos messages.
 */
export function aesCtsEncrypt(key: Buffer, plaintext: Buffer, iv: Buffer = Buffer.alloc(AES_BLOCK_BYTES)): Buffer {
  if (plaintext.length < AES_BLOCK_BYTES) throw new KerberosFormatError(`AES-CTS needs at least one block; got ${plaintext.length} bytes`);
  const padded = Buffer.alloc(Math.ceil(plaintext.length / AES_BLOCK_BYTES) * AES_BLOCK_BYTES);
  plaintext.copy(padded);
  const cbc = blockCipher(key, iv, true).update(padded);
  if (plaintext.length === AES_BLOCK_BYTES) return cbc;
  const blocks = padded.length / AES_BLOCK_BYTES;
  const lastLength = plaintext.length - (blocks - 1) * AES_BLOCK_BYTES;
  const head = cbc.subarray(0, (blocks - 2) * AES_BLOCK_BYTES);
  const secondLast = cbc.subarray((blocks - 2) * AES_BLOCK_BYTES, (blocks - 1) * AES_BLOCK_BYTES);
  const last = cbc.subarray((blocks - 1) * AES_BLOCK_BYTES);
  return Buffer.concat([head, last, secondLast.subarray(0, lastLength)]);
}

/** The inverse of aesCtsEncrypt. */
export function aesCtsDecrypt(key: Buffer, ciphertext: Buffer, iv: Buffer = Buffer.alloc(AES_BLOCK_BYTES)): Buffer {
  if (ciphertext.length < AES_BLOCK_BYTES)
    throw new KerberosFormatError(`AES-CTS ciphertext must hold at least one block; got ${ciphertext.length} bytes`);
  if (ciphertext.length === AES_BLOCK_BYTES) return blockCipher(key, iv, false).update(ciphertext);
  const blocks = Math.ceil(ciphertext.length / AES_BLOCK_BYTES);
  const lastLength = ciphertext.length - (blocks - 1) * AES_BLOCK_BYTES;
  const headLength = (blocks - 2) * AES_BLOCK_BYTES;
  const head = ciphertext.subarray(0, headLength);
  const headPlain = headLength > 0 ? blockCipher(key, iv, false).update(head) : Buffer.alloc(0);
  const previous = headLength > 0 ? head.subarray(headLength - AES_BLOCK_BYTES) : iv;
  const stolen = ciphertext.subarray(headLength, headLength + AES_BLOCK_BYTES);
  const partial = ciphertext.subarray(headLength + AES_BLOCK_BYTES);
  // stolen = E(Pn padded XOR Cn-1); its decryption holds Pn XOR Cn-1, and Cn-1's tail under the zero padding.
  const decrypted = blockCipher(key, Buffer.alloc(AES_BLOCK_BYTES), false).update(stolen);
  const fullSecondLast = Buffer.concat([partial, decrypted.subarray(lastLength)]);
  const lastPlain = xor(decrypted.subarray(0, lastLength), partial);
  const secondLastPlain = xor(blockCipher(key, Buffer.alloc(AES_BLOCK_BYTES), false).update(fullSecondLast), previous);
  return Buffer.concat([headPlain, secondLastPlain, lastPlain]);
}

/** AES-ECB of one block under `key` (the E of RFC 3961's DK for AES: CBC of a single block with a zero IV). */
export function aesEncryptBlock(key: Buffer, block: Buffer): Buffer {
  return blockCipher(key, Buffer.alloc(AES_BLOCK_BYTES), true).update(block);
}

function blockCipher(key: Buffer, iv: Buffer, encrypt: boolean): { update(data: Buffer): Buffer } {
  const algorithm = `aes-${key.length * 8}-cbc`;
  const cipher = encrypt ? createCipheriv(algorithm, key, iv) : createDecipheriv(algorithm, key, iv);
  cipher.setAutoPadding(false);
  return { update: (data) => cipher.update(data) };
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}
