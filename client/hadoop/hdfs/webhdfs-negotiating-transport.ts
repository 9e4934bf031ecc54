/**
 * The WebHDFS HTTP layer with HTTP Negotiate (RFC 4559) on top: requests go out with the
 * `hadoop.auth` cookie of their origin when one is held; a `401 WWW-Authenticate: Negotiate`
 * answer is met with a Kerberos exchange (SpnegoAuthenticator) and the request sent again.
 *
 * A streamed body cannot be sent twice, so before one goes to an origin that has given no cookie
 * yet, an OPTIONS request to the same URL authenticates first (what Hadoop's
 * KerberosAuthenticator sends for the same reason). Requests that carry a delegation token
 * (DataNode redirects, `delegation=`) are authenticated by it and never negotiate.
 */
import { SpnegoAuthenticator } from '../http-auth/spnego-authenticator.js';
import { SpnegoAuthenticationError } from '../http-auth/spnego-errors.js';
import { discardBody, readBodyText, type HttpRequest, type HttpResponse, type HttpTransport } from './webhdfs-http.js';

/** How much of a refusal's body goes into the error (the filter's reason). */
const REFUSAL_BODY_LIMIT = 4096;

export class NegotiatingTransport {
  constructor(
    private readonly transport: HttpTransport,
    readonly spnego: SpnegoAuthenticator,
  ) {}

  async send(req: HttpRequest): Promise<HttpResponse> {
    const replayable = req.body === undefined || req.body instanceof Uint8Array;
    if (!replayable && this.spnego.canNegotiate && !req.url.searchParams.has('delegation') && !this.spnego.cookies.cookieFor(req.url))
      await this.authenticateFirst(req);
    const res = await this.transport.send(this.withCookie(req));
    this.spnego.cookies.remember(req.url, res.headers['set-cookie']);
    if (!SpnegoAuthenticator.isChallenge(res.status, res.headers['www-authenticate'])) return res;
    discardBody(res.body);
    this.spnego.cookies.forget(req.url);
    if (!replayable)
      throw new SpnegoAuthenticationError(
        `${req.url.origin} asked for Kerberos after the body of ${req.method} ${req.url.pathname} was sent, which cannot be sent again; retry the operation`,
      );
    return this.negotiate(req);
  }

  close(): void {
    this.transport.close();
  }

  /** OPTIONS to the request's URL, negotiating if asked, so the cookie is held before the body goes. */
  private async authenticateFirst(req: HttpRequest): Promise<void> {
    const probe: HttpRequest = { url: req.url, method: 'OPTIONS', ...(req.signal ? { signal: req.signal } : {}) };
    const res = await this.transport.send(probe);
    discardBody(res.body);
    this.spnego.cookies.remember(req.url, res.headers['set-cookie']);
    if (SpnegoAuthenticator.isChallenge(res.status, res.headers['www-authenticate'])) discardBody((await this.negotiate(probe)).body);
  }

  private async negotiate(req: HttpRequest): Promise<HttpResponse> {
    const exchange = await this.spnego.begin(req.url);
    const res = await this.transport.send({ ...req, headers: { ...req.headers, Authorization: exchange.authorization } });
    try {
      await exchange.finish(req.url, {
        status: res.status,
        wwwAuthenticate: res.headers['www-authenticate'],
        setCookie: res.headers['set-cookie'],
        bodyText: () => readBodyText(res.body, REFUSAL_BODY_LIMIT),
      });
    } catch (err) {
      res.body.destroy();
      throw err;
    }
    return res;
  }

  private withCookie(req: HttpRequest): HttpRequest {
    const cookie = this.spnego.cookies.cookieFor(req.url);
    return cookie ? { ...req, headers: { ...req.headers, Cookie: cookie } } : req;
  }
}
