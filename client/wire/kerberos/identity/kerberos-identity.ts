import type { KerberosCredential } from '../kdc/kerberos-login.js';

/**
 * Who Loom is on a Kerberized cluster: a logged-in principal (from the ticket cache that kinit
 * filled, or from a keytab login) that can get service tickets. Hadoop's UserGroupInformation plays
 * this part for Java clients. Implementations cache service tickets until shortly before they end.
 */
export interface KerberosIdentity {
  /** The client principal, "user@REALM". */
  readonly principal: string;
  /** A ticket for a service principal such as "nn/host.example.com@REALM" (from the cache or a TGS exchange). */
  serviceTicket(servicePrincipal: string): Promise<KerberosCredential>;
  /**
   * The KDC's time as this identity keeps it (MIT's kdc_timesync: the local clock plus the offset
   * learnt at login or from kinit's cache header), for the ctime of authenticators; absent: the local clock.
   */
  readonly now?: () => Date;
}
