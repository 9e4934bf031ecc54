import { LoomError, type LoomErrorOptions } from '../../errors/loom-error.js';

/**
 * Bytes that are not the Kerberos message, file or token they were read as: a truncated or
 * corrupt reply, keytab or credential cache. Every decoder throws this and nothing else on bad
 * input (the fuzz tests hold them to it).
 */
export class KerberosFormatError extends LoomError {
  static override readonly code: string = 'KERBEROS_MESSAGE_INVALID';
  override name = 'KerberosFormatError';
}

/** An encryption type Loom does not implement or refuses (rc4-hmac, the DES family), named in the message. */
export class KerberosEncryptionTypeError extends LoomError {
  static override readonly code: string = 'KERBEROS_ENCTYPE_UNSUPPORTED';
  override name = 'KerberosEncryptionTypeError';
}

/** Ciphertext whose integrity check failed: the wrong key (often the wrong password) or tampered bytes. */
export class KerberosIntegrityError extends LoomError {
  static override readonly code: string = 'KERBEROS_INTEGRITY_FAILED';
  override name = 'KerberosIntegrityError';
}

/** A krb5.conf, keytab or credential cache that Loom cannot use as configured; the message names the file and the fix. */
export class KerberosConfigurationError extends LoomError {
  static override readonly code: string = 'KERBEROS_CONFIGURATION_INVALID';
  override name = 'KerberosConfigurationError';
}

/**
 * The KDC answered with a KRB-ERROR (or could not be reached): `errorCode` is RFC 4120's number
 * (KDC_ERR_C_PRINCIPAL_UNKNOWN = 6...), the message says what to do about it.
 */
export class KerberosLoginError extends LoomError {
  static override readonly code: string = 'KERBEROS_LOGIN_FAILED';
  override name = 'KerberosLoginError';
  constructor(
    message: string,
    readonly errorCode: number | undefined,
    options: LoomErrorOptions = {},
  ) {
    super(message, options);
  }
}
