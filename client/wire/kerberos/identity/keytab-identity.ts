import { isSupportedEncryptionType } from '../crypto/encryption-types.js';
import type { KeytabEntry } from '../files/keytab.js';
import type { Krb5Config } from '../files/krb5-conf.js';
import { KerberosConfigurationError } from '../kerberos-errors.js';
import { readKeytab, writeCredentialCache } from '../kdc/kerberos-files.js';
import { loginToKdc, toCachedCredential, type KerberosCredential } from '../kdc/kerberos-login.js';
import { principalText } from '../messages/kerberos-types.js';
import { parsePrincipal } from '../messages/principal-text.js';
import { KdcClock } from './kdc-clock.js';
import type { KerberosIdentity } from './kerberos-identity.js';
import { ServiceTicketStore } from './service-ticket-store.js';

/**
 * Hadoop's UserGroupInformation logs in from a keytab again once this share of the TGT's lifetime
 * has passed (TICKET_RENEW_WINDOW, 0.80), before any connection that needs a ticket.
 */
export const RELOGIN_AT_SHARE_OF_LIFETIME = 0.8;

export interface KeytabIdentityOptions {
  readonly keytabPath: string;
  /** The principal, `_HOST` already replaced (host-pattern.ts); without a realm, krb5.conf's default_realm. */
  readonly principal: string;
  readonly config: Krb5Config;
  /** Where the private credential cache is written (mode 0600), for MIT `klist -c` and for other processes of the same user. */
  readonly cachePath: string;
  /** The machine's clock (tests move it). */
  readonly localNow?: () => Date;
}

/**
 * A keytab login, as Flink's security.kerberos.login.keytab and Hadoop's
 * UserGroupInformation.loginUserFromKeytab: an AS exchange with the keytab's key, again once 80%
 * of the TGT's lifetime has passed; the TGT and the service tickets are written to a private
 * credential cache, so `klist -c <cachePath>` shows what Loom holds. The keytab is read and its
 * principal checked when the identity is made; the KDC is asked at the first ticket.
 */
export class KeytabIdentity implements KerberosIdentity {
  readonly principal: string;
  private readonly client: ReturnType<typeof parsePrincipal>;
  private keytab: readonly KeytabEntry[];
  private readonly clock: KdcClock;
  private readonly tickets: ServiceTicketStore;
  private tgt: KerberosCredential | undefined;
  private login: Promise<KerberosCredential> | undefined;
  private logins = 0;

  constructor(private readonly options: KeytabIdentityOptions) {
    this.client = parsePrincipal(options.principal, options.config.defaultRealm);
    this.principal = principalText(this.client.name, this.client.realm);
    this.keytab = readKeytabOf(options.keytabPath, this.principal);
    this.clock = new KdcClock(options.localNow);
    this.tickets = new ServiceTicketStore(options.config, this.clock, () => {
      this.writeCache();
    });
  }

  /** The KDC's time as this identity keeps it (the offset learnt at login). */
  readonly now = (): Date => this.clock.now();

  /** How many AS exchanges this identity made (the first login and each relogin). */
  get loginCount(): number {
    return this.logins;
  }

  async serviceTicket(servicePrincipal: string): Promise<KerberosCredential> {
    return this.tickets.ticketFor(servicePrincipal, await this.currentTgt());
  }

  /** The TGT, logging in first when there is none or 80% of its lifetime has passed. */
  async currentTgt(): Promise<KerberosCredential> {
    const tgt = this.tgt;
    if (tgt && this.clock.now().getTime() < reloginTime(tgt)) return tgt;
    this.login ??= this.logIn().finally(() => {
      this.login = undefined;
    });
    return this.login;
  }

  private async logIn(): Promise<KerberosCredential> {
    // Read again at each login, as UGI does, so a keytab re-exported after a key change is taken.
    if (this.logins > 0) this.keytab = readKeytabOf(this.options.keytabPath, this.principal);
    // MIT's kdc_timesync: the KDC's clock (a skew error's stime, the reply's authtime) sets the
    // offset that later authenticators and this identity's view of ticket lifetimes follow.
    const tgt = await loginToKdc({
      config: this.options.config,
      client: this.client,
      secret: { keytab: this.keytab },
      now: this.clock.now,
      adoptKdcTime: (kdcTime) => {
        this.clock.adoptKdcTime(kdcTime, this.clock.localNow());
      },
    });
    this.logins++;
    this.tgt = tgt;
    this.writeCache();
    return tgt;
  }

  private writeCache(): void {
    const tgt = this.tgt;
    if (!tgt) return;
    const now = this.clock.now().getTime();
    const live = this.tickets.all().filter((t) => t.endTime.getTime() > now);
    writeCredentialCache(this.options.cachePath, {
      defaultPrincipal: tgt.client,
      timeOffset: this.clock.toCacheOffset(),
      credentials: [tgt, ...live].map(toCachedCredential),
    });
  }
}

/** When Hadoop's UGI logs in again: the TGT's start plus 80% of its lifetime. */
export function reloginTime(tgt: KerberosCredential): number {
  const start = (tgt.startTime ?? tgt.authTime).getTime();
  return start + (tgt.endTime.getTime() - start) * RELOGIN_AT_SHARE_OF_LIFETIME;
}

function readKeytabOf(path: string, principal: string): KeytabEntry[] {
  let entries: KeytabEntry[];
  try {
    entries = readKeytab(path);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new KerberosConfigurationError(`security.kerberos.login.keytab: cannot use ${path}: ${reason}`, { cause: err });
  }
  const mine = entries.filter((e) => principalText(e.principal, e.realm) === principal);
  if (mine.length === 0) {
    const held = [...new Set(entries.map((e) => principalText(e.principal, e.realm)))];
    throw new KerberosConfigurationError(
      `keytab ${path} holds no key of ${principal} (it holds ${held.length > 0 ? held.join(', ') : 'nothing'}); set security.kerberos.login.principal to one of those, or export the principal's key into the keytab (kadmin ktadd -k ${path} ${principal})`,
    );
  }
  if (!mine.some((e) => isSupportedEncryptionType(e.enctype)))
    throw new KerberosConfigurationError(
      `keytab ${path} holds ${principal} only in encryption types Loom does not support (${[...new Set(mine.map((e) => e.enctype))].join(', ')}); export aes256-cts-hmac-sha1-96 or aes128 keys (kadmin ktadd -e)`,
    );
  return mine;
}
