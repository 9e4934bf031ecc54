import type { Krb5Config } from '../files/krb5-conf.js';
import { KerberosConfigurationError } from '../kerberos-errors.js';
import { serviceTicket, type KerberosCredential } from '../kdc/kerberos-login.js';
import { principalText } from '../messages/kerberos-types.js';
import type { KdcClock } from './kdc-clock.js';
import { parseServicePrincipal, samePrincipal } from './service-principal.js';

/**
 * A ticket is used again while it has at least this long left, so a connection opened with it does
 * not fail its AP-REQ a moment later (Java's Krb5 keeps a similar margin before asking anew).
 */
export const TICKET_REUSE_MARGIN_MS = 60_000;

/** Whether `credential` is valid at `now` with at least the reuse margin left. */
export function usableAt(credential: KerberosCredential, now: Date): boolean {
  const start = (credential.startTime ?? credential.authTime).getTime();
  return start <= now.getTime() + TICKET_REUSE_MARGIN_MS && credential.endTime.getTime() - now.getTime() > TICKET_REUSE_MARGIN_MS;
}

/**
 * The service tickets of one identity: kept in memory by service principal, got by a TGS exchange
 * with the identity's TGT when none is usable, one exchange at a time per service. `onNew` hears of
 * each new ticket (the identities write it to their credential cache, as kvno does).
 */
export class ServiceTicketStore {
  private readonly tickets: KerberosCredential[] = [];
  private readonly pending = new Map<string, Promise<KerberosCredential>>();

  constructor(
    private readonly config: Krb5Config,
    private readonly clock: KdcClock,
    private readonly onNew: (credential: KerberosCredential) => void,
  ) {}

  /** Adds tickets got elsewhere (those already in a ticket cache). */
  remember(credential: KerberosCredential): void {
    const index = this.tickets.findIndex((t) => samePrincipal(t.server, credential.server));
    if (index >= 0) this.tickets.splice(index, 1);
    this.tickets.push(credential);
  }

  /** A usable ticket for `servicePrincipal`, from memory or from the KDC with `tgt`. */
  async ticketFor(servicePrincipal: string, tgt: KerberosCredential): Promise<KerberosCredential> {
    const service = parseServicePrincipal(servicePrincipal, this.config);
    const held = this.tickets.find((t) => samePrincipal(t.server, service) && samePrincipal(t.client, tgt.client));
    if (held && usableAt(held, this.clock.now())) return held;
    const key = principalText(service.name, service.realm);
    const running = this.pending.get(key);
    if (running) return running;
    if (service.realm !== tgt.client.realm)
      throw new KerberosConfigurationError(
        `service ${key} is in realm ${service.realm} but ${principalText(tgt.client.name, tgt.client.realm)} is in ${tgt.client.realm}; Loom does not follow cross-realm trust yet: log in as a principal of ${service.realm}, or give the service principal with @${tgt.client.realm} if that is its realm`,
      );
    const exchange = serviceTicket(this.config, tgt, service, { now: this.clock.now }).then(
      (ticket) => {
        this.pending.delete(key);
        this.remember(ticket);
        this.onNew(ticket);
        return ticket;
      },
      (err: unknown) => {
        this.pending.delete(key);
        throw err;
      },
    );
    this.pending.set(key, exchange);
    return exchange;
  }

  /** Every ticket held, for writing a whole cache. */
  all(): readonly KerberosCredential[] {
    return this.tickets;
  }
}
