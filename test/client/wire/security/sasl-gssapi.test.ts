// SASL GSSAPI (RFC 4752) between Loom's client and server over each qop: the message sequence
// Hadoop runs (initial token, AP-REP, empty response, wrapped offer, wrapped choice), the layer
// each side gets, and the refusal when the two sides share no qop.
import { describe, expect, it } from 'vitest';
import { GssapiSaslClient, GssapiSaslServer, type SaslQop } from '../../../../client/wire/security/sasl-gssapi.js';
import { SaslError } from '../../../../client/wire/security/sasl-digest-md5.js';
import { forgeServiceTicket } from '../kerberos/gss/forged-credential.js';

function exchange(clientQops: SaslQop[], serverQops: SaslQop[]) {
  const { credential, keytab } = forgeServiceTicket(18);
  const client = new GssapiSaslClient(credential, clientQops, 'rm/localhost@EXAMPLE.COM');
  const server = new GssapiSaslServer(keytab, serverQops);
  const apRep = server.evaluateResponse(client.initialResponse());
  expect(apRep?.[0]).toBe(0x60);
  const empty = client.evaluateChallenge(apRep ?? Buffer.alloc(0));
  expect(empty).toHaveLength(0);
  const offer = server.evaluateResponse(empty);
  // The offer is a Wrap token with integrity only (TOK_ID 05 04, flags SentByAcceptor|AcceptorSubkey).
  expect(offer?.subarray(0, 3).toString('hex')).toBe('050405');
  const choice = client.evaluateChallenge(offer ?? Buffer.alloc(0));
  expect(client.complete).toBe(true);
  expect(server.evaluateResponse(choice)).toBeUndefined();
  expect(server.complete).toBe(true);
  return { client, server };
}

describe('SASL GSSAPI', () => {
  for (const qop of ['auth', 'auth-int', 'auth-conf'] as const) {
    it(`negotiates ${qop} and protects messages both ways`, () => {
      const { client, server } = exchange([qop], ['auth-conf', 'auth-int', 'auth']);
      expect(client.qop).toBe(qop);
      expect(server.qop).toBe(qop);
      expect(server.initiator).toBe('alice@EXAMPLE.COM');
      const clientLayer = client.securityLayer();
      const serverLayer = server.securityLayer();
      if (qop === 'auth') {
        expect(clientLayer).toBeUndefined();
        expect(serverLayer).toBeUndefined();
        return;
      }
      expect(clientLayer?.qop).toBe(qop);
      const request = Buffer.from('a Hadoop RPC request frame');
      const wrapped = clientLayer?.wrap(request) ?? Buffer.alloc(0);
      // auth-conf seals (flag 0x02), auth-int does not; under auth-int the frame stays readable.
      expect((wrapped[2] & 0x02) !== 0).toBe(qop === 'auth-conf');
      expect(wrapped.includes(request)).toBe(qop === 'auth-int');
      expect(serverLayer?.unwrap(wrapped)).toEqual(request);
      const reply = Buffer.from('its response');
      expect(clientLayer?.unwrap(serverLayer?.wrap(reply) ?? Buffer.alloc(0))).toEqual(reply);
    });
  }

  it('takes the first of the client qops that the server offers', () => {
    expect(exchange(['auth-conf', 'auth-int'], ['auth-int', 'auth']).client.qop).toBe('auth-int');
  });

  it('refuses when the server offers none of the client qops, naming both', () => {
    expect(() => exchange(['auth-conf'], ['auth'])).toThrow(
      new SaslError(
        "no common SASL protection with rm/localhost@EXAMPLE.COM: it offers auth, hadoop.rpc.protection allows auth-conf; set hadoop.rpc.protection as the cluster's core-site.xml does",
      ),
    );
  });
});
