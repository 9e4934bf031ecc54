// WebHDFS over HTTP Negotiate (RFC 4559) against a local server that accepts SPNEGO as Hadoop's
// AuthenticationFilter does, with tickets from a real MIT KDC: the server decrypts the AP-REQ's
// ticket with the HTTP/localhost keytab (so the token is a real one), sets hadoop.auth, and the
// client reuses that cookie; DataNode redirects go with their delegation token only; a streamed
// body is never sent before authentication; a refused ticket and a failed mutual authentication
// give one clear error.
import http from 'node:http';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebHdfsClient, type WebHdfsClientOptions } from '../../../../client/hadoop/hdfs/webhdfs-client.js';
import { SpnegoAuthenticationError } from '../../../../client/hadoop/http-auth/spnego-errors.js';
import type { KerberosIdentity } from '../../../../client/wire/kerberos/identity/kerberos-identity.js';
import type { KeytabEntry } from '../../../../client/wire/kerberos/files/keytab.js';
import { loadKrb5Config, readKeytab } from '../../../../client/wire/kerberos/kdc/kerberos-files.js';
import { loginToKdc, serviceTicket } from '../../../../client/wire/kerberos/kdc/kerberos-login.js';
import { parsePrincipal } from '../../../../client/wire/kerberos/messages/principal-text.js';
import { KRB5_OID, MS_KRB5_OID } from '../../../../client/wire/kerberos/spnego/mechanism-oids.js';
import { decodeTokenFromUrlString, encodeTokenToUrlString } from '../../../../client/wire/security/token.js';
import { hasMitKdc, type MitKdc, REALM, startMitKdc } from '../../wire/kerberos/kdc/mit-kdc.js';
import { acceptNegotiate } from '../http-auth/spnego-test-acceptor.js';

interface Seen {
  method: string;
  op: string | null;
  authorization: boolean;
  cookie: boolean;
  delegation: string | null;
  bodyBytes: number;
}

const SAMPLE_TOKEN = encodeTokenToUrlString({
  identifier: Buffer.from('owner-renewer-ids'),
  password: Buffer.alloc(20, 3),
  kind: 'HDFS_DELEGATION_TOKEN',
  service: '127.0.0.1:9000',
});

/** A NameNode behind AuthenticationFilter (Kerberos), with its DataNode on the same port under another origin (127.0.0.1; requests with `delegation=`). */
class SpnegoNameNode {
  readonly seen: Seen[] = [];
  negotiations = 0;
  clients: string[] = [];
  mechTypes: (readonly string[])[] = [];
  mode: 'accept' | 'refuse' | 'corrupt-reply' = 'accept';
  cookieLifetimeMs = 3_600_000;
  private readonly issued = new Set<string>();
  private server!: http.Server;
  port = 0;

  constructor(private readonly keytab: readonly KeytabEntry[]) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let bodyBytes = 0;
    for await (const chunk of req) bodyBytes += (chunk as Buffer).length;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const op = url.searchParams.get('op');
    const cookie = /hadoop\.auth=("[^"]*"|[^;]*)/.exec(req.headers.cookie ?? '')?.[1];
    const authorization = req.headers.authorization;
    this.seen.push({
      method: req.method ?? '',
      op,
      authorization: !!authorization,
      cookie: !!cookie,
      delegation: url.searchParams.get('delegation'),
      bodyBytes,
    });
    const dataNode = url.searchParams.has('namenoderpcaddress');
    if (!dataNode && !(cookie && this.issued.has(cookie))) {
      const negotiate = /^Negotiate (.+)$/.exec(authorization ?? '');
      if (!negotiate) {
        res.writeHead(401, {
          'WWW-Authenticate': 'Negotiate',
          'Set-Cookie': 'hadoop.auth=; Path=/; HttpOnly',
          'Content-Type': 'text/html',
        });
        res.end('<html><body><h2>HTTP ERROR 401</h2>Authentication required</body></html>');
        return;
      }
      this.negotiations++;
      let accepted;
      try {
        if (this.mode === 'refuse')
          throw new Error('GSSException: Failure unspecified at GSS-API level (Mechanism level: Checksum failed)');
        accepted = acceptNegotiate(negotiate[1], this.keytab, { corruptReply: this.mode === 'corrupt-reply' });
      } catch (err) {
        res.writeHead(403, { 'Set-Cookie': 'hadoop.auth=; Path=/; HttpOnly', 'Content-Type': 'text/html' });
        res.end(`<html><body><h2>HTTP ERROR 403</h2>${(err as Error).message}</body></html>`);
        return;
      }
      this.clients.push(`${accepted.client} -> ${accepted.service}`);
      this.mechTypes.push(accepted.mechTypes);
      const value = `"u=alice&p=${accepted.client}&t=kerberos&e=${Date.now() + this.cookieLifetimeMs}&s=sig${this.negotiations}"`;
      this.issued.add(value);
      res.setHeader('WWW-Authenticate', `Negotiate ${accepted.replyToken.toString('base64')}`);
      res.setHeader('Set-Cookie', `hadoop.auth=${value}; Path=/; HttpOnly`);
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(200).end();
      return;
    }
    if (dataNode) {
      res.writeHead(url.searchParams.get('delegation') === 'dn-token' ? 201 : 403).end();
      return;
    }
    const json = (body: unknown) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (op === 'LISTSTATUS') json({ FileStatuses: { FileStatus: [] } });
    else if (op === 'GETDELEGATIONTOKEN') json({ Token: { urlString: SAMPLE_TOKEN } });
    else if (op === 'RENEWDELEGATIONTOKEN') json({ long: 1_700_000_000_000 });
    else if (op === 'CANCELDELEGATIONTOKEN') json(null);
    else if (op === 'CREATE' && url.searchParams.get('data') === 'true') res.writeHead(201).end();
    else if (op === 'CREATE') {
      res.writeHead(307, {
        Location: `http://127.0.0.1:${this.port}/webhdfs/v1${url.pathname.slice('/webhdfs/v1'.length)}?op=CREATE&delegation=dn-token&namenoderpcaddress=localhost:9000`,
      });
      res.end();
    } else res.writeHead(400).end();
  }
}

describe.skipIf(!hasMitKdc)('WebHDFS with SPNEGO against an MIT KDC', () => {
  let kdc: MitKdc;
  let identity: KerberosIdentity;
  let keytab: KeytabEntry[];

  beforeAll(async () => {
    kdc = await startMitKdc();
    const config = loadKrb5Config({ KRB5_CONFIG: kdc.krb5Conf });
    const tgt = await loginToKdc({ config, client: parsePrincipal('alice', REALM), secret: { password: kdc.userPassword } });
    const tickets: string[] = [];
    identity = {
      principal: `alice@${REALM}`,
      serviceTicket: (principal) => {
        tickets.push(principal);
        return serviceTicket(config, tgt, parsePrincipal(principal, REALM));
      },
    };
    keytab = readKeytab(kdc.serviceKeytab);
  }, 60_000);
  afterAll(() => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- undefined when beforeAll failed
    kdc?.stop();
  });

  async function withNameNode(
    body: (nn: SpnegoNameNode, client: WebHdfsClient) => Promise<void>,
    options: Partial<WebHdfsClientOptions> = {},
  ): Promise<void> {
    const nn = new SpnegoNameNode(keytab);
    await nn.start();
    const client = new WebHdfsClient({
      endpoints: [{ scheme: 'http', host: 'localhost', port: nn.port }],
      user: 'alice',
      kerberos: { identity, serviceRealm: () => REALM },
      retry: { maxAttempts: 1 },
      ...options,
    });
    try {
      await body(nn, client);
    } finally {
      client.close();
      await nn.stop();
    }
  }

  it('answers the 401 with a real ticket for HTTP/localhost, then reuses hadoop.auth without negotiating again', async () => {
    await withNameNode(async (nn, client) => {
      await client.listStatus('/tmp');
      await client.listStatus('/tmp');
      await client.listStatus('/user');
      expect(nn.negotiations).toBe(1);
      expect(nn.clients).toEqual([`alice@${REALM} -> HTTP/localhost@${REALM}`]);
      expect(nn.mechTypes).toEqual([[KRB5_OID, MS_KRB5_OID]]);
      expect(nn.seen.map((s) => [s.op, s.authorization, s.cookie])).toEqual([
        ['LISTSTATUS', false, false],
        ['LISTSTATUS', true, false],
        ['LISTSTATUS', false, true],
        ['LISTSTATUS', false, true],
      ]);
    });
  });

  it('negotiates again once the cookie has expired', async () => {
    await withNameNode(async (nn, client) => {
      nn.cookieLifetimeMs = 1000; // inside the client's margin: it will not send it
      await client.listStatus('/');
      await client.listStatus('/');
      expect(nn.negotiations).toBe(2);
    });
  });

  it('CREATE: the NameNode step negotiates, the DataNode step carries only its delegation token and the whole body', async () => {
    await withNameNode(async (nn, client) => {
      await client.create('/tmp/spnego/a', Readable.from([Buffer.alloc(300_000, 1), Buffer.alloc(200_000, 2)]));
      const dn = nn.seen.filter((s) => s.delegation === 'dn-token');
      expect(dn).toEqual([
        { method: 'PUT', op: 'CREATE', authorization: false, cookie: false, delegation: 'dn-token', bodyBytes: 500_000 },
      ]);
      expect(nn.seen.some((s) => s.method === 'OPTIONS')).toBe(false);
      expect(nn.negotiations).toBe(1);
    });
  });

  it('a streamed body to an origin without a cookie waits for an OPTIONS request to authenticate first (HttpFS)', async () => {
    await withNameNode(
      async (nn, client) => {
        await client.create('/tmp/spnego/b', Readable.from([Buffer.alloc(100_000, 1)]));
        expect(nn.seen.map((s) => [s.method, s.authorization, s.cookie, s.bodyBytes])).toEqual([
          ['OPTIONS', false, false, 0],
          ['OPTIONS', true, false, 0],
          ['PUT', false, true, 100_000],
        ]);
      },
      { httpFs: true },
    );
  });

  it('GETDELEGATIONTOKEN with a renewer goes by Kerberos even when the client holds a token; the urlString decodes', async () => {
    await withNameNode(
      async (nn, client) => {
        const urlString = await client.getDelegationToken(`rm/localhost@${REALM}`);
        expect(decodeTokenFromUrlString(urlString ?? '')).toMatchObject({ kind: 'HDFS_DELEGATION_TOKEN', service: '127.0.0.1:9000' });
        expect(await client.renewDelegationToken(SAMPLE_TOKEN)).toBe(1_700_000_000_000);
        await client.cancelDelegationToken(SAMPLE_TOKEN);
        expect(nn.seen.every((s) => s.delegation === null)).toBe(true);
        expect(nn.negotiations).toBe(1);
      },
      { delegation: 'held-token' },
    );
  });

  it('a refused ticket is one error naming the principals and what to check', async () => {
    await withNameNode(async (nn, client) => {
      nn.mode = 'refuse';
      const err = await client.listStatus('/').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SpnegoAuthenticationError);
      const message = (err as Error).message;
      expect(message).toContain(`refused the Kerberos (SPNEGO) authentication of alice@${REALM} as service HTTP/localhost@${REALM}`);
      expect(message).toContain('HTTP 403: HTTP ERROR 403 GSSException: Failure unspecified');
      expect(message).toContain('klist');
      expect(message.split('\n')).toHaveLength(1);
    });
  });

  it('a ticket the server cannot decrypt (wrong keytab) is refused with the same clear error', async () => {
    const nn = new SpnegoNameNode([]);
    await nn.start();
    const client = new WebHdfsClient({
      endpoints: [{ scheme: 'http', host: 'localhost', port: nn.port }],
      kerberos: { identity, serviceRealm: () => REALM },
      retry: { maxAttempts: 1 },
    });
    try {
      await expect(client.listStatus('/')).rejects.toThrow(/refused the Kerberos \(SPNEGO\) authentication.*no key for HTTP\/localhost/);
    } finally {
      client.close();
      await nn.stop();
    }
  });

  it('an answer that does not prove the server holds the service key fails mutual authentication', async () => {
    await withNameNode(async (nn, client) => {
      nn.mode = 'corrupt-reply';
      await expect(client.listStatus('/')).rejects.toThrow(/mutual authentication with http:\/\/localhost:\d+ failed/);
    });
  });

  it('without a Kerberos identity the challenge is one error saying to kinit', async () => {
    await withNameNode(
      async (_nn, client) => {
        await expect(client.listStatus('/')).rejects.toThrow(
          /asks for Kerberos \(HTTP Negotiate\) but Loom has no Kerberos identity: run kinit/,
        );
      },
      { kerberos: undefined },
    );
  });
});
