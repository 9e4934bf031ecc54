import type { KrbError } from './krb-error.js';

/** RFC 4120 section 7.5.9's error codes that Loom names. */
export const KrbErrorCode = {
  KDC_ERR_C_PRINCIPAL_UNKNOWN: 6,
  KDC_ERR_S_PRINCIPAL_UNKNOWN: 7,
  KDC_ERR_POLICY: 12,
  KDC_ERR_ETYPE_NOSUPP: 14,
  KDC_ERR_CLIENT_REVOKED: 18,
  KDC_ERR_KEY_EXPIRED: 23,
  KDC_ERR_PREAUTH_FAILED: 24,
  KDC_ERR_PREAUTH_REQUIRED: 25,
  KRB_AP_ERR_BAD_INTEGRITY: 31,
  KRB_AP_ERR_TKT_EXPIRED: 32,
  KRB_AP_ERR_SKEW: 37,
  KRB_AP_ERR_MODIFIED: 41,
  KRB_ERR_RESPONSE_TOO_BIG: 52,
  KRB_ERR_GENERIC: 60,
  KDC_ERR_WRONG_REALM: 68,
} as const;

/**
 * A KRB-ERROR as one line a person can act on (MIT's texts in brackets, as kinit prints them):
 * `client` is the principal that logged in, `service` the one asked for, `localTime` our clock.
 */
export function krbErrorMessage(error: KrbError, client: string, service: string, localTime: Date = new Date()): string {
  const kdcText = error.eText ? ` (KDC: ${error.eText})` : '';
  switch (error.errorCode) {
    case KrbErrorCode.KDC_ERR_C_PRINCIPAL_UNKNOWN:
      return `Kerberos principal ${client} is unknown to the KDC of ${error.realm} [Client not found in Kerberos database]; check the name and realm, or have it created (kadmin: addprinc)`;
    case KrbErrorCode.KDC_ERR_S_PRINCIPAL_UNKNOWN:
      return `Kerberos service principal ${service} is unknown to the KDC of ${error.realm} [Server not found in Kerberos database]; check the service's host name and realm (hadoop's *.principal keys, [domain_realm] in krb5.conf)`;
    case KrbErrorCode.KDC_ERR_PREAUTH_FAILED:
    case KrbErrorCode.KRB_AP_ERR_BAD_INTEGRITY:
      return `Kerberos login of ${client} failed [Password incorrect]: the password is wrong, or the keytab's key is older than the KDC's (re-export it with kadmin ktadd)`;
    case KrbErrorCode.KRB_AP_ERR_SKEW: {
      const skew = Math.round((error.serverTime.getTime() - localTime.getTime()) / 1000);
      return `Kerberos clock skew too great: this machine's clock is ${Math.abs(skew)} s ${skew > 0 ? 'behind' : 'ahead of'} the KDC of ${error.realm} (${error.serverTime.toISOString()}); synchronise it (NTP) or raise clockskew in krb5.conf`;
    }
    case KrbErrorCode.KRB_AP_ERR_TKT_EXPIRED:
      return `Kerberos ticket of ${client} has expired [Ticket expired]; log in again (kinit, or a keytab)`;
    case KrbErrorCode.KDC_ERR_WRONG_REALM:
      return `Kerberos realm ${error.realm} is not the realm of ${client} [Wrong realm]; use the principal's own realm (user@REALM) or fix default_realm in krb5.conf`;
    case KrbErrorCode.KDC_ERR_KEY_EXPIRED:
      return `Kerberos password of ${client} has expired; change it with kpasswd`;
    case KrbErrorCode.KDC_ERR_CLIENT_REVOKED:
      return `Kerberos principal ${client} is locked or disabled [Client's credentials have been revoked]; ask the realm's admin`;
    case KrbErrorCode.KDC_ERR_ETYPE_NOSUPP:
      return `the KDC of ${error.realm} has no key for ${client} in an encryption type Loom supports (aes256/aes128-cts-hmac-sha1-96, aes-cts-hmac-sha2) [KDC has no support for encryption type]`;
    case KrbErrorCode.KDC_ERR_POLICY:
      return `the KDC of ${error.realm} refused ${client} by policy${kdcText}`;
    default:
      return `the KDC of ${error.realm} refused the request of ${client} for ${service} with Kerberos error ${error.errorCode}${kdcText}`;
  }
}
