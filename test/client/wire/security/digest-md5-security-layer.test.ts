import { createCipheriv, createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  deriveDigestMd5Keys,
  desKeyWithParity,
  DigestMd5SecurityLayer,
} from '../../../../client/wire/security/digest-md5-security-layer.js';
import { DigestMd5Client, DigestMd5Server, SaslError } from '../../../../client/wire/security/sasl-digest-md5.js';
import type { SaslSecurityLayer } from '../../../../client/wire/security/sasl-security-layer.js';

const md5 = (...parts: (Buffer | string)[]) => parts.reduce((h, p) => h.update(p), createHash('md5')).digest();

/** A full exchange between our client and server: both layers, or none for auth. */
function negotiate(clientQop: 'auth' | 'auth-int' | 'auth-conf', serverQops: ('auth' | 'auth-int' | 'auth-conf')[]) {
  const server = new DigestMd5Server({ protocol: '', serverId: 'default', qops: serverQops, lookupPassword: () => 'cGFzc3dvcmQ=' });
  const client = new DigestMd5Client({
    username: 'dXNlcg==',
    password: 'cGFzc3dvcmQ=',
    protocol: '',
    serverId: 'default',
    qops: [clientQop],
  });
  const response = client.respond(server.challenge());
  const { rspauth, securityLayer: serverLayer } = server.verifyResponse(response);
  const clientLayer = client.verifyServerFinal(rspauth);
  return { response, clientLayer, serverLayer };
}

function layers(qop: 'auth-int' | 'auth-conf'): { client: SaslSecurityLayer; server: SaslSecurityLayer } {
  const { clientLayer, serverLayer } = negotiate(qop, [qop]);
  if (!clientLayer || !serverLayer) throw new Error('no layer negotiated');
  return { client: clientLayer, server: serverLayer };
}

describe('DIGEST-MD5 security layer (RFC 2831 2.3, 2.4)', () => {
  it('derives Kic/Kis/Kcc/Kcs from H(A1) with the RFC magic strings', () => {
    const hA1 = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
    const keys = deriveDigestMd5Keys(hA1, 'auth-conf', '3des');
    expect(keys.clientIntegrity).toEqual(md5(hA1, 'Digest session key to client-to-server signing key magic constant'));
    expect(keys.serverIntegrity).toEqual(md5(hA1, 'Digest session key to server-to-client signing key magic constant'));
    expect(keys.clientConfidentiality).toEqual(md5(hA1, 'Digest H(A1) to client-to-server sealing key magic constant'));
    expect(keys.serverConfidentiality).toEqual(md5(hA1, 'Digest H(A1) to server-to-client sealing key magic constant'));
  });

  it('spreads 7 key bytes over 8 with odd parity', () => {
    expect(desKeyWithParity(Buffer.alloc(7)).toString('hex')).toBe('0101010101010101');
    expect(desKeyWithParity(Buffer.alloc(7, 0xff)).toString('hex')).toBe('fefefefefefefefe');
    for (const b of desKeyWithParity(Buffer.from('0123456789abcd', 'hex'))) {
      expect(b.toString(2).split('1').length - 1).toSatisfy((n: number) => n % 2 === 1);
    }
  });

  it('auth-int: message | 10-byte HMAC-MD5(Kic, seq | message) | 0001 | seq, counted from 0', () => {
    const hA1 = Buffer.alloc(16, 7);
    const keys = deriveDigestMd5Keys(hA1, 'auth-int');
    const layer = new DigestMd5SecurityLayer('auth-int', keys, 'client');
    const msg = Buffer.from('hello');
    for (const seq of [0, 1]) {
      const seqBytes = Buffer.from([0, 0, 0, seq]);
      const mac = createHmac('md5', keys.clientIntegrity).update(seqBytes).update(msg).digest().subarray(0, 10);
      expect(layer.wrap(msg)).toEqual(Buffer.concat([msg, mac, Buffer.from([0, 1]), seqBytes]));
    }
  });

  it('auth-conf: 3DES-CBC (K1 K2 K1 from Kcc, IV its last 8 bytes) over message | padding | MAC, the CBC state running on', () => {
    const keys = deriveDigestMd5Keys(Buffer.alloc(16, 9), 'auth-conf', '3des');
    const layer = new DigestMd5SecurityLayer('auth-conf', keys, 'client');
    const kcc = keys.clientConfidentiality!;
    const k1 = desKeyWithParity(kcc.subarray(0, 7));
    const cipher = createCipheriv('des-ede3-cbc', Buffer.concat([k1, desKeyWithParity(kcc.subarray(7, 14)), k1]), kcc.subarray(8, 16));
    cipher.setAutoPadding(false);
    for (const [seq, text] of [
      [0, 'abc'],
      [1, 'exactly-6'],
    ] as const) {
      const msg = Buffer.from(text);
      const seqBytes = Buffer.from([0, 0, 0, seq]);
      const mac = createHmac('md5', keys.clientIntegrity).update(seqBytes).update(msg).digest().subarray(0, 10);
      const pad = 8 - ((msg.length + 10) % 8);
      const sealed = cipher.update(Buffer.concat([msg, Buffer.alloc(pad, pad), mac]));
      expect(layer.wrap(msg)).toEqual(Buffer.concat([sealed, Buffer.from([0, 1]), seqBytes]));
    }
  });

  for (const qop of ['auth-int', 'auth-conf'] as const) {
    it(`${qop}: client and server layers from one exchange round-trip in both directions`, () => {
      const { client, server } = layers(qop);
      expect(client.qop).toBe(qop);
      for (let i = 0; i < 5; i++) {
        const msg = Buffer.from(`message ${i} `.repeat(i * 7 + 1));
        const wrapped = client.wrap(msg);
        if (qop === 'auth-conf') expect(wrapped.includes(msg)).toBe(false);
        expect(server.unwrap(wrapped)).toEqual(msg);
        expect(client.unwrap(server.wrap(msg))).toEqual(msg);
      }
      expect(client.wrap(Buffer.alloc(0)).length).toBe(0);
    });

    it(`${qop}: a flipped bit, a replayed message and a skipped one are refused`, () => {
      const tampered = layers(qop);
      const w = Buffer.from(tampered.client.wrap(Buffer.from('transfer 100')));
      w[2] ^= 1;
      expect(() => tampered.server.unwrap(w)).toThrow(qop === 'auth-int' ? /MAC mismatch/ : /MAC mismatch|bad padding/);

      const replayed = layers(qop);
      const first = replayed.client.wrap(Buffer.from('once'));
      expect(replayed.server.unwrap(first).toString()).toBe('once');
      if (qop === 'auth-int') {
        // Under auth-conf a replay also breaks the CBC chain; under auth-int only the sequence number catches it.
        expect(() => replayed.server.unwrap(first)).toThrow(/got sequence number 0, expected 1 \(a message was replayed or dropped\)/);
      } else {
        expect(() => replayed.server.unwrap(first)).toThrow(SaslError);
      }

      const skipped = layers('auth-int');
      skipped.client.wrap(Buffer.from('lost'));
      expect(() => skipped.server.unwrap(skipped.client.wrap(Buffer.from('next')))).toThrow(/got sequence number 1, expected 0/);
      expect(() => skipped.server.unwrap(Buffer.alloc(5, 1))).toThrow(SaslError);
    });
  }

  it('the response names the qop and cipher and hashes A2 with the 32 zeros', () => {
    const { response } = negotiate('auth-conf', ['auth-conf']);
    expect(response).toMatch(/,qop=auth-conf,cipher=3des$/);
    expect(negotiate('auth', ['auth']).clientLayer).toBeUndefined();
  });

  it('refuses ciphers it does not implement by name, and a qop the server did not offer', () => {
    const client = new DigestMd5Client({ username: 'u', password: 'p', protocol: '', serverId: 'default', qops: ['auth-conf'] });
    expect(() => client.respond('realm="default",nonce="n",qop="auth-conf",charset=utf-8,cipher="rc4,des",algorithm=md5-sess')).toThrow(
      /offers the ciphers \[rc4, des\] for privacy and Loom implements only 3des/,
    );
    const server = new DigestMd5Server({ protocol: '', serverId: 'default', qops: ['auth-conf'], lookupPassword: () => 'p' });
    const authClient = new DigestMd5Client({ username: 'u', password: 'p', protocol: '', serverId: 'default', qops: ['auth'] });
    const forged = authClient.respond(server.challenge().replace('qop="auth-conf"', 'qop="auth"'));
    expect(() => server.verifyResponse(forged)).toThrow(/Invalid QOP: auth \(this server offers auth-conf/);
  });
});
