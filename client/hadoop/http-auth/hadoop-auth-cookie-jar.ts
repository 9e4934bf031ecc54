/**
 * The `hadoop.auth` cookie that Hadoop's AuthenticationFilter sets once SPNEGO succeeds: a signed
 * token `u=<user>&p=<principal>&t=kerberos&e=<expiry ms>&s=<signature>` (AuthenticationToken),
 * valid for `hadoop.http.authentication.token.validity` (10 hours by default). Sending it back
 * spares a Kerberos exchange per request, as Hadoop's AuthenticatedURL does. Kept per origin
 * (scheme, host and port), so a NameNode's cookie never goes to a DataNode.
 */
export const HADOOP_AUTH_COOKIE = 'hadoop.auth';

/** How long before its expiry a cookie is no longer sent, so it does not expire on the way. */
const EXPIRY_MARGIN_MS = 30_000;

interface StoredCookie {
  value: string;
  /** ms since the epoch, or undefined when neither the token nor the cookie says. */
  expiresAt: number | undefined;
}

export class HadoopAuthCookieJar {
  private readonly cookies = new Map<string, StoredCookie>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The `Cookie` header value for `url`, or undefined when there is no live cookie for its origin. */
  cookieFor(url: URL): string | undefined {
    const cookie = this.cookies.get(url.origin);
    if (!cookie) return undefined;
    if (cookie.expiresAt !== undefined && cookie.expiresAt - EXPIRY_MARGIN_MS <= this.now()) {
      this.cookies.delete(url.origin);
      return undefined;
    }
    return `${HADOOP_AUTH_COOKIE}=${cookie.value}`;
  }

  /**
   * Takes the `hadoop.auth` cookie from a response's Set-Cookie headers. An empty value (the
   * filter clears the cookie when authentication fails) forgets the one held.
   */
  remember(url: URL, setCookie: readonly string[] | string | undefined): void {
    for (const header of typeof setCookie === 'string' ? [setCookie] : (setCookie ?? [])) {
      const [pair, ...attributes] = header.split(';');
      const eq = pair.indexOf('=');
      if (eq < 0 || pair.slice(0, eq).trim() !== HADOOP_AUTH_COOKIE) continue;
      const value = pair.slice(eq + 1).trim();
      if (value === '' || value === '""') {
        this.cookies.delete(url.origin);
        continue;
      }
      this.cookies.set(url.origin, { value, expiresAt: tokenExpiry(value) ?? cookieExpiry(attributes, this.now()) });
    }
  }

  /** Forgets the cookie of `url`'s origin (the server refused it). */
  forget(url: URL): void {
    this.cookies.delete(url.origin);
  }
}

/** The `e=` field of the AuthenticationToken the cookie carries (quoted or not). */
function tokenExpiry(value: string): number | undefined {
  const m = /(?:^"?|&)e=(\d+)/.exec(value);
  return m ? Number(m[1]) : undefined;
}

/** The cookie's own Expires or Max-Age attribute. */
function cookieExpiry(attributes: readonly string[], now: number): number | undefined {
  for (const attribute of attributes) {
    const [name, ...rest] = attribute.split('=');
    const value = rest.join('=').trim();
    if (name.trim().toLowerCase() === 'max-age' && /^-?\d+$/.test(value)) return now + Number(value) * 1000;
    if (name.trim().toLowerCase() === 'expires') {
      const time = Date.parse(value);
      if (!Number.isNaN(time)) return time;
    }
  }
  return undefined;
}
