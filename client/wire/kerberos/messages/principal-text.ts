import { KerberosConfigurationError } from '../kerberos-errors.js';
import { NameType } from './kerberos-constants.js';
import type { PrincipalName } from './kerberos-types.js';

/** `name[/instance]@REALM` split into its name and realm; `defaultRealm` fills a missing realm. */
export function parsePrincipal(text: string, defaultRealm: string | undefined): { name: PrincipalName; realm: string } {
  const at = text.lastIndexOf('@');
  const realm = at >= 0 ? text.slice(at + 1) : defaultRealm;
  const base = at >= 0 ? text.slice(0, at) : text;
  if (!realm)
    throw new KerberosConfigurationError(
      `Kerberos principal "${text}" has no realm and krb5.conf sets no default_realm; write it as ${text}@REALM`,
    );
  if (base === '' || base.split('/').some((c) => c === ''))
    throw new KerberosConfigurationError(`"${text}" is not a Kerberos principal (name[/instance]@REALM)`);
  const nameString = base.split('/');
  const nameType = nameString[0] === 'krbtgt' ? NameType.SRV_INST : NameType.PRINCIPAL;
  return { name: { nameType, nameString }, realm };
}

/** The default salt of a principal's password keys (RFC 4120 section 4: the realm then every component). */
export function defaultSalt(name: PrincipalName, realm: string): string {
  return realm + name.nameString.join('');
}
