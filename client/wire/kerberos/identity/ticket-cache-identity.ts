import type { CredentialCache } from '../files/credential-cache.js';
import { isConfigEntry } from '../files/credential-cache.js';
import type { Krb5Config } from '../files/krb5-conf.js';
import { KerberosConfigurationError } from '../kerberos-errors.js';
import { readCredentialCacheIfPresent, writeCredentialCache } from '../kdc/kerberos-files.js';
import { fromCachedCredential, toCachedCredential, type KerberosCredential } from '../kdc/kerberos-login.js';
import { principalText } from '../messages/kerberos-types.js';
import { KdcClock } from './kdc-clock.js';
import type { KerberosIdentity } from './kerberos-identity.js';
import { samePrincipal, ticketGrantingService } from './service-principal.js';
import { ServiceTicketStore } from './service-ticket-store.js';

export interface TicketCacheIdentityOptions {
  /** The FILE cache (kerberos-files.ts credentialCachePath: KRB5CCNAME or /tmp/krb5cc_<uid>). */
  readonly path: string;
  readonly config: Krb5Config;
  /** The principal the person configured (security.kerberos.login.principal), named in the message when there is no cache. */
  readonly expectedPrincipal?: string | undefined;
  /** The machine's clock (tests move it). */
  readonly localNow?: () => Date;
}

/**
 * The identity kinit left behind, as `hdfs dfs` and `yarn` use it: the TGT of the cache's default
 * principal, the service tickets already in the cache, and TGS exchanges for the others, each new
 * ticket kept in memory and added to the cache file (whole, by a rename, as kvno leaves it) so
 * `klist` lists it. When the TGT has ended the cache is read again, in case kinit ran meanwhile.
 */
export class TicketCacheIdentity implements KerberosIdentity {
  readonly principal: string;
  private readonly clock: KdcClock;
  private readonly tickets: ServiceTicketStore;
  private tgt: KerberosCredential;

  private constructor(
    private readonly options: TicketCacheIdentityOptions,
    cache: CredentialCache,
  ) {
    this.clock = new KdcClock(options.localNow);
    this.tickets = new ServiceTicketStore(options.config, this.clock, (ticket) => this.addToCacheFile(ticket));
    this.principal = principalText(cache.defaultPrincipal.name, cache.defaultPrincipal.realm);
    this.tgt = this.adopt(cache);
  }

  /** The identity of the cache at `options.path`; throws the one line a person can act on when there is no cache or its TGT has ended. */
  static open(options: TicketCacheIdentityOptions): TicketCacheIdentity {
    return new TicketCacheIdentity(options, readCache(options));
  }

  /** The KDC's time as this identity keeps it (kinit's offset from the cache header). */
  readonly now = (): Date => this.clock.now();

  async serviceTicket(servicePrincipal: string): Promise<KerberosCredential> {
    if (this.tgt.endTime.getTime() <= this.clock.now().getTime()) this.tgt = this.adopt(readCache(this.options));
    return this.tickets.ticketFor(servicePrincipal, this.tgt);
  }

  /** Takes the cache's TGT, clock offset and service tickets; the TGT must still be valid. */
  private adopt(cache: CredentialCache): KerberosCredential {
    const client = cache.defaultPrincipal;
    const who = principalText(client.name, client.realm);
    if (who !== this.principal)
      throw new KerberosConfigurationError(
        `the ticket cache ${this.options.path} now belongs to ${who}, not ${this.principal}; restart the command to act as ${who}`,
      );
    this.clock.adoptCacheOffset(cache.timeOffset);
    const tgs = ticketGrantingService(client.realm);
    const entries = cache.credentials.filter((c) => !isConfigEntry(c) && samePrincipal(c.client, client));
    const tgtEntry = entries
      .filter((c) => samePrincipal(c.server, tgs))
      .sort((a, b) => b.endTime - a.endTime)
      .at(0);
    if (!tgtEntry)
      throw new KerberosConfigurationError(
        `the ticket cache ${this.options.path} holds no ticket-granting ticket of ${who} (krbtgt/${client.realm}@${client.realm}); run kinit ${who}`,
      );
    const tgt = fromCachedCredential(tgtEntry);
    if (tgt.endTime.getTime() <= this.clock.now().getTime())
      throw new KerberosConfigurationError(
        `the Kerberos ticket of ${who} in ${this.options.path} expired at ${tgt.endTime.toISOString()}; run kinit ${who}`,
      );
    for (const entry of entries) if (!samePrincipal(entry.server, tgs)) this.tickets.remember(fromCachedCredential(entry));
    return tgt;
  }

  /** Adds `ticket` to the cache file when it still belongs to this principal (replacing an older ticket of the same service). */
  private addToCacheFile(ticket: KerberosCredential): void {
    let cache: CredentialCache | undefined;
    try {
      cache = readCredentialCacheIfPresent(this.options.path);
    } catch {
      return; // damaged meanwhile: leave it to kinit
    }
    if (!cache || principalText(cache.defaultPrincipal.name, cache.defaultPrincipal.realm) !== this.principal) return;
    const others = cache.credentials.filter((c) => isConfigEntry(c) || !samePrincipal(c.server, ticket.server));
    try {
      writeCredentialCache(this.options.path, { ...cache, credentials: [...others, toCachedCredential(ticket)] });
    } catch {
      // A cache Loom may read but not replace (another user's, a read-only directory): the ticket
      // stays in memory for this process, as it would for Java's UGI, which never writes the cache.
    }
  }
}

function readCache(options: TicketCacheIdentityOptions): CredentialCache {
  const cache = readCredentialCacheIfPresent(options.path);
  if (!cache)
    throw new KerberosConfigurationError(
      `no Kerberos ticket cache at ${options.path}: run kinit ${options.expectedPrincipal ?? '<principal>'} (or set KRB5CCNAME to your cache), or set security.kerberos.login.keytab and security.kerberos.login.principal`,
    );
  return cache;
}
