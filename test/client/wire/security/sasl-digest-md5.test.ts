import { describe, expect, it } from 'vitest';
import {
  DigestMd5Client,
  DigestMd5Server,
  generateNonce,
  parseDirectives,
  SaslError,
  tokenSaslCredentials,
} from '../../../../client/wire/security/sasl-digest-md5.js';
import { readFixtureJson } from '../../../support/fixtures.js';

interface VectorCase {
  name: string;
  token_identifier_hex: string;
  token_password_hex: string;
  server_negotiate_auths: { protocol: string; serverId: string; challenge: string }[];
  client_initiate_token: string;
  server_success_token: string;
  verification: { password_base64: string };
}

const vectors = readFixtureJson<{ cases: VectorCase[] }>('ipc', 'sasl-digest-md5-vectors.json').cases;

function setup(c: VectorCase) {
  const creds = tokenSaslCredentials({
    identifier: Buffer.from(c.token_identifier_hex, 'hex'),
    password: Buffer.from(c.token_password_hex, 'hex'),
  });
  const auth = c.server_negotiate_auths[0];
  const initiate = parseDirectives(c.client_initiate_token, 'recorded initiate');
  const nonce = parseDirectives(auth.challenge, 'recorded challenge').get('nonce')![0];
  const cnonce = initiate.get('cnonce')![0];
  return { creds, auth, nonce, cnonce };
}

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an exception');
}

describe('DIGEST-MD5 against the recorded Hadoop exchanges', () => {
  it('has the 5 recorded cases', () => expect(vectors.length).toBe(5));

  for (const c of vectors) {
    it(`client reproduces the INITIATE token and accepts rspauth: ${c.name}`, () => {
      const { creds, auth, cnonce } = setup(c);
      expect(creds.password).toBe(c.verification.password_base64);
      const client = new DigestMd5Client({ ...creds, protocol: auth.protocol, serverId: auth.serverId, cnonce });
      expect(client.respond(auth.challenge)).toBe(c.client_initiate_token);
      expect(() => client.verifyServerFinal(c.server_success_token)).not.toThrow();
    });

    it(`server issues the same challenge, accepts the recorded response, answers the recorded rspauth: ${c.name}`, () => {
      const { creds, auth, nonce } = setup(c);
      const lookups: string[] = [];
      const server = new DigestMd5Server({
        protocol: auth.protocol,
        serverId: auth.serverId,
        nonce,
        lookupPassword: (u) => (lookups.push(u), u === creds.username ? creds.password : undefined),
      });
      expect(server.challenge()).toBe(auth.challenge);
      expect(server.verifyResponse(c.client_initiate_token)).toEqual({ username: creds.username, rspauth: c.server_success_token });
      expect(lookups).toEqual([creds.username]);
    });
  }
});

describe('DIGEST-MD5 client and server together', () => {
  const base = vectors[0];
  const { creds } = setup(base);
  const mkServer = (lookupPassword: (u: string) => string | undefined = () => creds.password) =>
    new DigestMd5Server({ protocol: '', serverId: 'default', lookupPassword });
  const mkClient = (password = creds.password) =>
    new DigestMd5Client({ username: creds.username, password, protocol: '', serverId: 'default' });

  it('complete a fresh exchange with generated nonces', () => {
    const server = mkServer();
    const client = mkClient();
    const challenge = server.challenge();
    expect(challenge).toMatch(/^realm="default",nonce="[A-Za-z0-9+/]{40}",qop="auth",charset=utf-8,algorithm=md5-sess$/);
    const response = client.respond(challenge);
    expect(response).toMatch(/,cnonce="[A-Za-z0-9+/]{40}",/);
    const { username, rspauth } = server.verifyResponse(response);
    expect(username).toBe(creds.username);
    client.verifyServerFinal(rspauth);
  });

  it('nonces look like the JDK ones (40 chars of standard base64) and differ', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const n = generateNonce();
      expect(n).toMatch(/^[A-Za-z0-9+/]{40}$/);
      seen.add(n);
    }
    expect(seen.size).toBe(50);
  });

  it('uses the realm option and falls back to serverId', () => {
    expect(new DigestMd5Server({ protocol: 'p', serverId: 'sid', nonce: 'n', lookupPassword: () => 'x' }).challenge()).toMatch(
      /^realm="sid",/,
    );
    expect(new DigestMd5Server({ protocol: 'p', serverId: 'sid', realm: 'r', nonce: 'n', lookupPassword: () => 'x' }).challenge()).toMatch(
      /^realm="r",/,
    );
  });

  it('refuses a wrong password with the documented message', () => {
    const server = mkServer();
    const response = mkClient('d3JvbmcgcGFzc3dvcmQ=').respond(server.challenge());
    const e = thrown(() => server.verifyResponse(response));
    expect(e).toBeInstanceOf(SaslError);
    expect(e.message).toBe('DIGEST-MD5: digest response mismatch; the token password is wrong or the token has been replaced');
  });

  it('refuses an unknown token', () => {
    const server = mkServer(() => undefined);
    const e = thrown(() => server.verifyResponse(mkClient().respond(server.challenge())));
    expect(e).toBeInstanceOf(SaslError);
    expect(e.message).toMatch(/unknown token.*expired/);
  });

  it('turns a failing password lookup into SaslError', () => {
    const server = new DigestMd5Server({
      protocol: '',
      serverId: 'default',
      lookupPassword: () => {
        throw new Error('store offline');
      },
    });
    const e = thrown(() => server.verifyResponse(mkClient().respond(server.challenge())));
    expect(e).toBeInstanceOf(SaslError);
    expect(e.message).toMatch(/store offline/);
  });

  it('refuses a response to another challenge (nonce mismatch)', () => {
    const server = mkServer();
    const e = thrown(() => server.verifyResponse(mkClient().respond(mkServer().challenge())));
    expect(e).toBeInstanceOf(SaslError);
    expect(e.message).toMatch(/nonce mismatch/);
  });

  it('refuses a replayed response and a nonce count other than 00000001', () => {
    const server = mkServer();
    const response = mkClient().respond(server.challenge());
    server.verifyResponse(response);
    expect(thrown(() => server.verifyResponse(response)).message).toMatch(/replayed/);
    const other = mkServer();
    const r2 = mkClient().respond(other.challenge()).replace('nc=00000001', 'nc=00000002');
    const e = thrown(() => other.verifyResponse(r2));
    expect(e).toBeInstanceOf(SaslError);
    expect(e.message).toMatch(/nonce count 00000002.*replayed/);
  });

  it('a client wanting qop auth refuses a challenge without it, naming hadoop.rpc.protection', () => {
    for (const qop of ['auth-conf', 'auth-int,auth-conf']) {
      const challenge = `realm="default",nonce="abc",qop="${qop}",charset=utf-8,algorithm=md5-sess`;
      const e = thrown(() => mkClient().respond(challenge));
      expect(e).toBeInstanceOf(SaslError);
      expect(e.message).toMatch(/hadoop\.rpc\.protection/);
    }
    // A list that includes auth is fine (a server allowing several protections).
    expect(mkClient().respond('realm="default",nonce="abc",qop="auth-conf,auth-int,auth",charset=utf-8,algorithm=md5-sess')).toMatch(
      /qop=auth$/,
    );
  });

  it('refuses a server final token with a bad rspauth', () => {
    const server = mkServer();
    const client = mkClient();
    server.verifyResponse(client.respond(server.challenge()));
    const e = thrown(() => client.verifyServerFinal('rspauth=00000000000000000000000000000000'));
    expect(e).toBeInstanceOf(SaslError);
    expect(e.message).toMatch(/rspauth does not match/);
    expect(thrown(() => mkClient().verifyServerFinal('rspauth=abc')).message).toMatch(/before answering/);
  });

  it('refuses a wrong digest-uri, realm and authzid', () => {
    const check = (edit: (r: string) => string, pattern: RegExp) => {
      const server = mkServer();
      const e = thrown(() => server.verifyResponse(edit(mkClient().respond(server.challenge()))));
      expect(e).toBeInstanceOf(SaslError);
      expect(e.message).toMatch(pattern);
    };
    check((r) => r.replace('digest-uri="/default"', 'digest-uri="hdfs/default"'), /digest-uri/);
    check((r) => r.replace('realm="default"', 'realm="other"'), /realm "other"/);
    check((r) => `${r},authzid="admin"`, /authzid/);
  });
});

describe('directive parsing', () => {
  it('handles quoted strings with escapes, commas inside quotes, blanks and empty elements', () => {
    const d = parseDirectives(' a = "x,\\"y\\"\\\\z" ,, B=tok ,c="" , ', 't');
    expect([...d]).toEqual([
      ['a', ['x,"y"\\z']],
      ['b', ['tok']],
      ['c', ['']],
    ]);
  });

  it('ignores unknown directives and quotes values on the way out', () => {
    const server = new DigestMd5Server({ protocol: '', serverId: 'default', nonce: 'n"o\\nce', lookupPassword: () => 'cHc=' });
    const client = new DigestMd5Client({ username: 'dQ==', password: 'cHc=', protocol: '', serverId: 'default' });
    const challenge = `${server.challenge()},stale=false,x-future="1,2"`;
    expect(server.challenge()).toContain('nonce="n\\"o\\\\nce"');
    client.verifyServerFinal(server.verifyResponse(`${client.respond(challenge)},x-extra=1`).rspauth);
  });

  it('refuses duplicates (except multiple realms offered in a challenge)', () => {
    expect(
      thrown(() =>
        new DigestMd5Client({ username: 'u', password: 'p', protocol: '', serverId: 'd' }).respond(
          'realm="d",nonce="a",nonce="b",qop="auth",charset=utf-8,algorithm=md5-sess',
        ),
      ).message,
    ).toMatch(/"nonce" 2 times/);
    const client = new DigestMd5Client({ username: 'u', password: 'p', protocol: '', serverId: 'd' });
    expect(client.respond('realm="r1",realm="r2",nonce="a",qop="auth",charset=utf-8,algorithm=md5-sess')).toContain('realm="r1"');
    const server = new DigestMd5Server({ protocol: '', serverId: 'd', lookupPassword: () => 'p' });
    const r = new DigestMd5Client({ username: 'u', password: 'p', protocol: '', serverId: 'd' }).respond(server.challenge());
    expect(thrown(() => server.verifyResponse(`${r},qop=auth`)).message).toMatch(/"qop" 2 times/);
  });

  it.each([
    ['unterminated quote', 'a="xyz', /unterminated/],
    ['missing value', 'a,b=c', /has no "="/],
    ['garbage between directives', 'a=b c=d', /expected ","/],
    ['stray quote', 'a=b"c"', /stray quote/],
    ['bad name', '=x', /directive name/],
  ])('refuses %s', (_name, text, pattern) => {
    const e = thrown(() => parseDirectives(text, 'test'));
    expect(e).toBeInstanceOf(SaslError);
    expect(e.message).toMatch(pattern);
  });
});

describe('fuzz: random and mutated input never throws anything but SaslError', () => {
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const ALPHABET = Array.from('abcnoqrz=,"\\ \t-_/+01AUTH\u00e9\u0000');
  const mutate = (s: string): string => {
    let out = s;
    for (let k = 0; k < 1 + Math.floor(rand() * 5); k++) {
      const i = Math.floor(rand() * (out.length + 1));
      const op = rand();
      if (op < 0.4) out = out.slice(0, i) + pick(ALPHABET) + out.slice(i + 1);
      else if (op < 0.7) out = out.slice(0, i) + out.slice(i + 1 + Math.floor(rand() * 10));
      else out = out.slice(0, i) + pick(ALPHABET) + out.slice(i);
    }
    return out;
  };
  const randomText = () => Array.from({ length: Math.floor(rand() * 80) }, () => pick(ALPHABET)).join('');
  const onlySaslError = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      if (!(e instanceof SaslError)) throw e;
    }
  };

  it('5000 challenges, responses and final tokens', () => {
    const c = vectors[0];
    const { creds, auth, nonce } = setup(c);
    for (let i = 0; i < 5000; i++) {
      const challenge = i % 3 === 0 ? randomText() : mutate(auth.challenge);
      const client = new DigestMd5Client({ ...creds, protocol: '', serverId: 'default' });
      onlySaslError(() => {
        client.respond(challenge);
        client.verifyServerFinal(i % 2 ? randomText() : mutate(c.server_success_token));
      });
      const server = new DigestMd5Server({ protocol: '', serverId: 'default', nonce, lookupPassword: () => creds.password });
      onlySaslError(() => server.verifyResponse(i % 3 === 0 ? randomText() : mutate(c.client_initiate_token)));
    }
    onlySaslError(() => new DigestMd5Client({ ...creds, protocol: '', serverId: 'd' }).respond('x'.repeat(5000)));
    onlySaslError(() =>
      new DigestMd5Server({ protocol: '', serverId: 'd', lookupPassword: () => 'p' }).verifyResponse('x=y,'.repeat(2000)),
    );
  });
});
