import { lookupService } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { KerberosIdentity } from '../../wire/kerberos/identity/kerberos-identity.js';
import { realmForHost } from '../../wire/kerberos/files/krb5-conf.js';
import { initiateSecurityContext, type GssInitiator } from '../../wire/kerberos/gss/gss-initiator.js';
import type { KerberosCredential } from '../../wire/kerberos/kdc/kerberos-login.js';
import { loadKrb5Config } from '../../wire/kerberos/kdc/kerberos-files.js';
import { LoomError } from '../../errors/loom-error.js';
import { KRB5_OID, MS_KRB5_OID } from '../../wire/kerberos/spnego/mechanism-oids.js';
import { decodeNegotiationToken, encodeNegTokenInit, NegState } from '../../wire/kerberos/spnego/negotiation-token.js';
import { HadoopAuthCookieJar } from './hadoop-auth-cookie-jar.js';
import { negotiateChallenge } from './negotiate-challenge.js';
import { SpnegoAuthenticationError } from './spnego-errors.js';

/** Kerberos for Hadoop's web endpoints: who Loom is (helper KID fills it from the ticket cache or a keytab). */
export interface HttpKerberosOptions {
  identity: KerberosIdentity;
  /**
   * The realm of an HTTP service's host; default: krb5.conf's [domain_realm], else its
   * default_realm, else the realm of `identity` (KerberosUtil.getServicePrincipal's order).
   */
  serviceRealm?: (host: string) => string;
}

/** What the GSS-API Kerberos mechanism gives SPNEGO (injected in tests). */
export type SecurityContextInitiator = (
  ticket: KerberosCredential,
  options: { mutual: boolean },
) => Pick<GssInitiator, 'initialToken' | 'accept'>;

/** The server's answer to a request that carried `Authorization: Negotiate`. */
export interface NegotiateAnswer {
  status: number;
  wwwAuthenticate: string | readonly string[] | null | undefined;
  setCookie: string | readonly string[] | undefined;
  /** Up to a few KiB of the body, read only when the answer is a refusal (the filter's reason). */
  bodyText: () => Promise<string>;
}

/** One SPNEGO round: the header to send, and the check of the server's answer. */
export interface NegotiateExchange {
  readonly authorization: string;
  readonly servicePrincipal: string;
  /** Checks the answer: a refusal throws SpnegoAuthenticationError; a final token is verified (mutual authentication); the cookie is kept. */
  finish(url: URL, answer: NegotiateAnswer): Promise<void>;
}

/**
 * HTTP Negotiate (RFC 4559) with SPNEGO around the Kerberos mechanism, as Hadoop's
 * KerberosAuthenticator does it: a ticket for HTTP/<host of the URL>@<realm>, a NegTokenInit
 * offering krb5 (and the legacy Microsoft krb5 OID) with the AP-REQ as optimistic token, mutual
 * authentication checked when the server's final answer carries its AP-REP, and the `hadoop.auth`
 * cookie kept so later requests to the same origin need no new exchange. One instance per client,
 * shared by every request it makes (WebHDFS, the ResourceManager's REST API, the web proxy).
 */
export class SpnegoAuthenticator {
  readonly cookies = new HadoopAuthCookieJar();

  constructor(
    private readonly kerberos: HttpKerberosOptions | undefined,
    private readonly initiate: SecurityContextInitiator = initiateSecurityContext,
  ) {}

  /** Whether Loom can answer a Negotiate challenge at all. */
  get canNegotiate(): boolean {
    return this.kerberos !== undefined;
  }

  /** Whether an answer is a challenge to authenticate with Kerberos. */
  static isChallenge(status: number, wwwAuthenticate: string | readonly string[] | null | undefined): boolean {
    return status === 401 && negotiateChallenge(wwwAuthenticate).offered;
  }

  /**
   * HTTP/<host>@<realm>: the principal Hadoop's AuthenticationFilter runs as for `url`, its host
   * lower-cased. An address (http://127.0.0.1:8042, as YARN reports NodeManagers) becomes its name
   * by a reverse lookup first, as MIT's (rdns) and Java's Kerberos do for host-based services;
   * the address itself when it has none.
   */
  async servicePrincipal(url: URL): Promise<string> {
    let host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    if (isIP(host) !== 0) host = (await lookupService(host, 0).catch(() => ({ hostname: host }))).hostname.toLowerCase();
    return `HTTP/${host}@${this.realmOf(host)}`;
  }

  /** Gets the ticket and builds the first token; throws SpnegoAuthenticationError when Loom has no Kerberos identity. */
  async begin(url: URL): Promise<NegotiateExchange> {
    const kerberos = this.kerberos;
    if (!kerberos)
      throw new SpnegoAuthenticationError(
        `${url.origin} asks for Kerberos (HTTP Negotiate) but Loom has no Kerberos identity: run kinit (or set security.kerberos.login.keytab and security.kerberos.login.principal) and make sure the Hadoop conf says hadoop.security.authentication=kerberos`,
      );
    const servicePrincipal = await this.servicePrincipal(url);
    let ticket: KerberosCredential;
    try {
      ticket = await kerberos.identity.serviceTicket(servicePrincipal);
    } catch (err) {
      if (!(err instanceof LoomError)) throw err;
      throw new SpnegoAuthenticationError(`no Kerberos ticket for ${servicePrincipal} (to reach ${url.origin}): ${err.message}`, {
        cause: err,
      });
    }
    const context = this.initiate(ticket, { mutual: true });
    const token = encodeNegTokenInit({ mechTypes: [KRB5_OID, MS_KRB5_OID], mechToken: context.initialToken });
    const client = kerberos.identity.principal;
    return {
      authorization: `Negotiate ${token.toString('base64')}`,
      servicePrincipal,
      finish: async (target, answer) => {
        const refused = answer.status === 401 || (answer.status === 403 && clearsCookie(answer.setCookie));
        if (refused) {
          this.cookies.forget(target);
          const reason = (await answer.bodyText().catch(() => ''))
            .replace(/<[^>]*>/g, ' ')
            .replace(/\s+/g, ' ')
            .trim()
            .slice(0, 300);
          throw new SpnegoAuthenticationError(
            `${target.origin} refused the Kerberos (SPNEGO) authentication of ${client} as service ${servicePrincipal} (HTTP ${answer.status}${reason ? `: ${reason}` : ''}); check that the server's keytab holds ${servicePrincipal} with the key the KDC has (dfs.web.authentication.kerberos.principal / keytab, kvno), that the URL names the host in that principal, and that your ticket is valid (klist)`,
          );
        }
        this.verifyFinalToken(target, servicePrincipal, answer.wwwAuthenticate, context);
        this.cookies.remember(target, answer.setCookie);
      },
    };
  }

  private verifyFinalToken(
    url: URL,
    servicePrincipal: string,
    wwwAuthenticate: NegotiateAnswer['wwwAuthenticate'],
    context: Pick<GssInitiator, 'accept'>,
  ): void {
    const { token } = negotiateChallenge(wwwAuthenticate);
    if (!token || token.length === 0) return;
    try {
      const reply = decodeNegotiationToken(token);
      if (reply.kind !== 'resp')
        throw new SpnegoAuthenticationError(`${url.origin} answered Negotiate with a NegTokenInit, not a NegTokenResp`);
      if (reply.negState === NegState.reject)
        throw new SpnegoAuthenticationError(`${url.origin} rejected every mechanism Loom offered (krb5) for ${servicePrincipal}`);
      if (reply.responseToken) context.accept(reply.responseToken);
    } catch (err) {
      if (err instanceof SpnegoAuthenticationError || !(err instanceof LoomError)) throw err;
      throw new SpnegoAuthenticationError(
        `mutual authentication with ${url.origin} failed: its answer does not prove it is ${servicePrincipal} (${err.message})`,
        { cause: err },
      );
    }
  }

  private realmOf(host: string): string {
    const kerberos = this.kerberos;
    if (kerberos?.serviceRealm) return kerberos.serviceRealm(host);
    const own = kerberos?.identity.principal.split('@').at(-1) ?? '';
    try {
      return realmForHost(loadKrb5Config(), host) ?? own;
    } catch {
      // No krb5.conf: the identity came from elsewhere (a keytab and explicit KDCs); its realm is the best guess.
      return own;
    }
  }
}

/** AuthenticationFilter clears `hadoop.auth` (an empty value) on every authentication failure, never on a servlet's own 403. */
function clearsCookie(setCookie: string | readonly string[] | undefined): boolean {
  const headers = typeof setCookie === 'string' ? [setCookie] : (setCookie ?? []);
  return headers.some((h) => /^\s*hadoop\.auth=(""|)?\s*(;|$)/.test(h));
}
