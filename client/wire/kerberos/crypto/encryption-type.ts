/**
 * One Kerberos encryption type (RFC 3961 section 3's profile): how a password becomes a key,
 * and how a key with a usage number encrypts, decrypts and checksums.
 */
export interface EncryptionType {
  /** The etype number on the wire (RFC 3961 section 8: 17, 18, 19, 20). */
  readonly id: number;
  /** MIT's name, as krb5.conf's permitted_enctypes and klist -e write it. */
  readonly name: string;
  /** The key length in bytes. */
  readonly keyBytes: number;
  /** The keyed checksum type that goes with it (RFC 3961's "required checksum mechanism"). */
  readonly checksumType: number;
  /** The key for `password` and `salt` (normally REALMprincipal-components); `params` is the s2kparams from ETYPE-INFO2. */
  stringToKey(password: string | Buffer, salt: string | Buffer, params?: Buffer): Buffer;
  /** A fresh random key (a session or sub-session key). */
  randomKey(): Buffer;
  /** Ciphertext with a fresh confounder and the integrity check; `confounder` is for test vectors only. */
  encrypt(key: Buffer, usage: number, plaintext: Buffer, confounder?: Buffer): Buffer;
  /** The plaintext, or KerberosIntegrityError when the check fails (the wrong key). */
  decrypt(key: Buffer, usage: number, ciphertext: Buffer): Buffer;
  /** The keyed checksum of `data` for `usage`. */
  checksum(key: Buffer, usage: number, data: Buffer): Buffer;
}

/** RFC 3961's derived-key constants: usage (4 bytes, big-endian) followed by one of these. */
export const DerivedKeyPurpose = { checksum: 0x99, encryption: 0xaa, integrity: 0x55 } as const;

/** The 5-byte constant for the key of `usage` and `purpose`. */
export function usageConstant(usage: number, purpose: number): Buffer {
  const constant = Buffer.alloc(5);
  constant.writeUInt32BE(usage >>> 0, 0);
  constant[4] = purpose;
  return constant;
}

/** The iteration count of s2kparams (a 4-byte big-endian integer), or `fallback` when absent. */
export function iterationCount(params: Buffer | undefined, fallback: number): number {
  if (params?.length !== 4) return fallback;
  return params.readUInt32BE(0);
}
