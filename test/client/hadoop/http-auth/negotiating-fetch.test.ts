// The YARN web services' side of SPNEGO: NodeManagerWebClient (fetch) meets a `401 Negotiate`
// with a real ticket from an MIT KDC for HTTP/localhost (the address 127.0.0.1 named by a reverse
// lookup, as YARN reports NodeManagers by address), then reuses hadoop.auth; and the cookie jar's
// expiry rules.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HadoopAuthCookieJar } from '../../../../client/hadoop/http-auth/hadoop-auth-cookie-jar.js';
import { NodeManagerWebClient } from '../../../../client/hadoop/yarn/nodemanager-web-client.js';
import type { KerberosIdentity } from '../../../../client/wire/kerberos/identity/kerberos-identity.js';
import { loadKrb5Config, readKeytab } from '../../../../client/wire/kerberos/kdc/kerberos-files.js';
import { loginToKdc, serviceTicket } from '../../../../client/wire/kerberos/kdc/kerberos-login.js';
import { parsePrincipal } from '../../../../client/wire/kerberos/messages/principal-text.js';
import { hasMitKdc, type MitKdc, REALM, startMitKdc } from '../../wire/kerberos/kdc/mit-kdc.js';
import { acceptNegotiate } from './spnego-test-acceptor.js';

describe('HadoopAuthCookieJar', () => {
  it('keeps hadoop.auth per origin until 30 s before the e= expiry, and forgets it when the server clears it', () => {
    let now = 1_000_000;
    const jar = new HadoopAuthCookieJar(() => now);
    const nn = new URL('http://nn:9870/webhdfs/v1/?op=LISTSTATUS');
    jar.remember(nn, ['JSESSIONID=x; Path=/', `hadoop.auth="u=a&p=a@R&t=kerberos&e=${now + 60_000}&s=x"; Path=/; HttpOnly`]);
    expect(jar.cookieFor(nn)).toBe(`hadoop.auth="u=a&p=a@R&t=kerberos&e=${now + 60_000}&s=x"`);
    expect(jar.cookieFor(new URL('http://nn:9864/'))).toBeUndefined();
    now += 31_000;
    expect(jar.cookieFor(nn)).toBeUndefined();
    jar.remember(nn, 'hadoop.auth=u=b&t=kerberos&s=y; Max-Age=600');
    expect(jar.cookieFor(nn)).toBe('hadoop.auth=u=b&t=kerberos&s=y');
    jar.remember(nn, 'hadoop.auth=; Path=/; Expires=Thu, 01-Jan-1970 00:00:00 GMT');
    expect(jar.cookieFor(nn)).toBeUndefined();
  });
});

describe.skipIf(!hasMitKdc)('NodeManagerWebClient with SPNEGO against an MIT KDC', () => {
  let kdc: MitKdc;
  let identity: KerberosIdentity;
  let server: http.Server;
  let port = 0;
  const seen: { authorization: boolean; cookie: boolean }[] = [];
  const accepted: string[] = [];

  beforeAll(async () => {
    kdc = await startMitKdc();
    const config = loadKrb5Config({ KRB5_CONFIG: kdc.krb5Conf });
    const tgt = await loginToKdc({ config, client: parsePrincipal('alice', REALM), secret: { password: kdc.userPassword } });
    identity = { principal: `alice@${REALM}`, serviceTicket: (p) => serviceTicket(config, tgt, parsePrincipal(p, REALM)) };
    const keytab = readKeytab(kdc.serviceKeytab);
    server = http.createServer((req, res) => {
      const cookie = /hadoop\.auth=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
      seen.push({ authorization: !!req.headers.authorization, cookie: !!cookie });
      if (cookie !== '"u=alice&t=kerberos&s=1"') {
        const negotiate = /^Negotiate (.+)$/.exec(req.headers.authorization ?? '');
        if (!negotiate) {
          res.writeHead(401, { 'WWW-Authenticate': 'Negotiate' }).end('Authentication required');
          return;
        }
        const a = acceptNegotiate(negotiate[1], keytab);
        accepted.push(`${a.client} -> ${a.service}`);
        res.setHeader('WWW-Authenticate', `Negotiate ${a.replyToken.toString('base64')}`);
        res.setHeader('Set-Cookie', 'hadoop.auth="u=alice&t=kerberos&s=1"; Path=/; HttpOnly');
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ containers: { container: [] } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  }, 60_000);
  afterAll(async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- undefined when beforeAll failed
    kdc?.stop();
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- undefined when beforeAll failed
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('negotiates once for HTTP/localhost@LOOM.TEST and then goes by the cookie', async () => {
    const client = new NodeManagerWebClient({ kerberos: { identity, serviceRealm: () => REALM } });
    expect(await client.containers(`127.0.0.1:${port}`)).toEqual([]);
    expect(await client.containers(`127.0.0.1:${port}`)).toEqual([]);
    expect(accepted).toEqual([`alice@${REALM} -> HTTP/localhost@${REALM}`]);
    expect(seen).toEqual([
      { authorization: false, cookie: false },
      { authorization: true, cookie: false },
      { authorization: false, cookie: true },
    ]);
  });
});
