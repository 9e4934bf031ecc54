import { KerberosEncryptionTypeError } from '../kerberos-errors.js';
import { AES128_CTS_HMAC_SHA1_96, AES256_CTS_HMAC_SHA1_96 } from './aes-sha1-encryption-types.js';
import { AES128_CTS_HMAC_SHA256_128, AES256_CTS_HMAC_SHA384_192 } from './aes-sha2-encryption-types.js';
import type { EncryptionType } from './encryption-type.js';

/** The encryption types Loom implements, strongest first: the order of an AS-REQ's etype list. */
export const SUPPORTED_ENCRYPTION_TYPES: readonly EncryptionType[] = [
  AES256_CTS_HMAC_SHA384_192,
  AES128_CTS_HMAC_SHA256_128,
  AES256_CTS_HMAC_SHA1_96,
  AES128_CTS_HMAC_SHA1_96,
];

/** Types a KDC may still offer that Loom refuses on purpose (RFC 6649 deprecates DES, RFC 8429 rc4-hmac and 3DES). */
const REFUSED: Readonly<Partial<Record<number, string>>> = {
  1: 'des-cbc-crc',
  2: 'des-cbc-md4',
  3: 'des-cbc-md5',
  4: 'des-cbc-raw',
  5: 'des3-cbc-md5',
  6: 'des3-cbc-raw',
  7: 'des3-cbc-sha1',
  8: 'des-hmac-sha1',
  16: 'des3-cbc-sha1-kd',
  23: 'rc4-hmac',
  24: 'rc4-hmac-exp',
};

/** Whether Loom implements etype `id`. */
export function isSupportedEncryptionType(id: number): boolean {
  return SUPPORTED_ENCRYPTION_TYPES.some((e) => e.id === id);
}

/** The implementation of etype `id`, or an error naming it (and saying what to configure instead). */
export function encryptionType(id: number): EncryptionType {
  const found = SUPPORTED_ENCRYPTION_TYPES.find((e) => e.id === id);
  if (found) return found;
  const refused = REFUSED[id];
  const supported = SUPPORTED_ENCRYPTION_TYPES.map((e) => e.name).join(', ');
  if (refused !== undefined)
    throw new KerberosEncryptionTypeError(
      `Kerberos encryption type ${refused} (${id}) is weak and not supported by Loom; give the principal keys of ${supported} (kadmin: cpw -e aes256-cts-hmac-sha1-96:normal)`,
    );
  throw new KerberosEncryptionTypeError(`Kerberos encryption type ${id} is not supported by Loom; it supports ${supported}`);
}

/** The etype named `name` (MIT's names, as in krb5.conf), or an error listing the ones Loom has. */
export function encryptionTypeByName(name: string): EncryptionType {
  const found = SUPPORTED_ENCRYPTION_TYPES.find((e) => e.name === name);
  if (found) return found;
  const refused = Object.entries(REFUSED).find(([, n]) => n === name);
  if (refused) return encryptionType(Number(refused[0]));
  throw new KerberosEncryptionTypeError(
    `unknown Kerberos encryption type "${name}"; Loom supports ${SUPPORTED_ENCRYPTION_TYPES.map((e) => e.name).join(', ')}`,
  );
}
