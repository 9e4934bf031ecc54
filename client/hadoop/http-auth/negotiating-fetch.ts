/**
 * `fetch` with HTTP Negotiate (RFC 4559) for the YARN web services Loom reads (the
 * ResourceManager's REST API, the web proxy, the NodeManagers'): the `hadoop.auth` cookie of the
 * origin when one is held; a `401 WWW-Authenticate: Negotiate` answered by one Kerberos exchange
 * (SpnegoAuthenticator, shared with WebHDFS) and the request made again. Only for requests without
 * a body (GETs), which may be sent twice.
 */
import { SpnegoAuthenticator } from './spnego-authenticator.js';

/** How much of a refusal's body goes into the error (the filter's reason). */
const REFUSAL_BODY_LIMIT = 4096;

export async function negotiatingFetch(spnego: SpnegoAuthenticator, url: string | URL, init: RequestInit = {}): Promise<Response> {
  const target = new URL(url);
  const withHeaders = (extra: Record<string, string>): RequestInit => {
    const headers = new Headers(init.headers);
    for (const [name, value] of Object.entries(extra)) headers.set(name, value);
    return { ...init, headers };
  };
  const cookie = spnego.cookies.cookieFor(target);
  const first = await fetch(target, cookie ? withHeaders({ Cookie: cookie }) : init);
  spnego.cookies.remember(target, first.headers.getSetCookie());
  if (!SpnegoAuthenticator.isChallenge(first.status, first.headers.get('www-authenticate'))) return first;
  await first.body?.cancel();
  spnego.cookies.forget(target);
  const exchange = await spnego.begin(target);
  const res = await fetch(target, withHeaders({ Authorization: exchange.authorization }));
  await exchange.finish(target, {
    status: res.status,
    wwwAuthenticate: res.headers.get('www-authenticate'),
    setCookie: res.headers.getSetCookie(),
    bodyText: async () => (await res.text()).slice(0, REFUSAL_BODY_LIMIT),
  });
  return res;
}
