import type { Krb5Config } from '../files/krb5-conf.js';
import { realmForHost } from '../files/krb5-conf.js';
import { NameType } from '../messages/kerberos-constants.js';
import type { PrincipalName } from '../messages/kerberos-types.js';
import { parsePrincipal } from '../messages/principal-text.js';

/**
 * A service principal such as "HTTP/nn.example.com@REALM" as a name and realm. Without a realm the
 * host's realm is taken from krb5.conf's [domain_realm], else default_realm, as MIT's
 * krb5_sname_to_principal does; a two-part name is a host-based service (KRB5_NT_SRV_HST).
 */
export function parseServicePrincipal(text: string, config: Krb5Config): { name: PrincipalName; realm: string } {
  const host = text.includes('@') ? undefined : text.split('/')[1];
  const parsed = parsePrincipal(text, host ? realmForHost(config, host) : config.defaultRealm);
  const nameType = parsed.name.nameString.length === 2 && parsed.name.nameString[0] !== 'krbtgt' ? NameType.SRV_HST : parsed.name.nameType;
  return { name: { nameType, nameString: parsed.name.nameString }, realm: parsed.realm };
}

/** Whether two principals are the same name in the same realm (name types differ between kinit, kvno and Loom, so they are not compared). */
export function samePrincipal(a: { name: PrincipalName; realm: string }, b: { name: PrincipalName; realm: string }): boolean {
  return (
    a.realm === b.realm &&
    a.name.nameString.length === b.name.nameString.length &&
    a.name.nameString.every((c, i) => c === b.name.nameString[i])
  );
}

/** The ticket-granting service of `realm`: krbtgt/REALM@REALM. */
export function ticketGrantingService(realm: string): { name: PrincipalName; realm: string } {
  return { name: { nameType: NameType.SRV_INST, nameString: ['krbtgt', realm] }, realm };
}
