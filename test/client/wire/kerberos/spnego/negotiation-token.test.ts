// RFC 4178 tokens: Loom's NegTokenInit byte for byte as MIT's and Java's initiators lay it out, the
// acceptor's NegTokenResp as Java's AuthenticationFilter sends it, and every decoder fed random and
// mutated bytes throws only KerberosFormatError.
import { describe, expect, it } from 'vitest';
import { KerberosFormatError } from '../../../../../client/wire/kerberos/kerberos-errors.js';
import { frameInitialContextToken, unframeInitialContextToken } from '../../../../../client/wire/kerberos/asn1/initial-context-token.js';
import { KRB5_OID, MS_KRB5_OID, SPNEGO_OID } from '../../../../../client/wire/kerberos/spnego/mechanism-oids.js';
import {
  decodeNegotiationToken,
  encodeNegTokenInit,
  encodeNegTokenResp,
  NegState,
} from '../../../../../client/wire/kerberos/spnego/negotiation-token.js';
import { derObjectIdentifier, readObjectIdentifier } from '../../../../../client/wire/kerberos/asn1/object-identifier.js';
import { readElement } from '../../../../../client/wire/kerberos/asn1/der-reader.js';
import { random } from '../fuzz-inputs.js';

describe('OBJECT IDENTIFIER', () => {
  it('encodes the SPNEGO and Kerberos OIDs as every GSS library does', () => {
    expect(derObjectIdentifier(SPNEGO_OID).toString('hex')).toBe('06062b0601050502');
    expect(derObjectIdentifier(KRB5_OID).toString('hex')).toBe('06092a864886f712010202');
    expect(derObjectIdentifier(MS_KRB5_OID).toString('hex')).toBe('06092a864882f712010202');
  });

  it('round-trips, and refuses text that is no OID', () => {
    for (const oid of [SPNEGO_OID, KRB5_OID, MS_KRB5_OID, '2.999.1', '0.0'])
      expect(readObjectIdentifier(readElement(derObjectIdentifier(oid), 'x'), 'x')).toBe(oid);
    expect(() => derObjectIdentifier('1')).toThrow(KerberosFormatError);
    expect(() => derObjectIdentifier('1.40.3')).toThrow(KerberosFormatError);
  });
});

describe('NegTokenInit', () => {
  const krb5Token = frameInitialContextToken(KRB5_OID, Buffer.concat([Buffer.from([1, 0]), Buffer.from('ap-req')]));

  it('is framed with the SPNEGO OID and lists krb5 before the legacy Microsoft OID, the AP-REQ as mechToken', () => {
    const token = encodeNegTokenInit({ mechTypes: [KRB5_OID, MS_KRB5_OID], mechToken: krb5Token });
    // 60 len | 06 06 2b0601050502 | a0 len 30 len a0 len 30 len 06 09 <krb5> 06 09 <ms> a2 len 04 len <token>
    expect(token.subarray(2, 10).toString('hex')).toBe('06062b0601050502');
    expect(token.toString('hex')).toContain('a0183016' + '06092a864886f712010202' + '06092a864882f712010202');
    const decoded = decodeNegotiationToken(token);
    expect(decoded).toEqual({ kind: 'init', mechTypes: [KRB5_OID, MS_KRB5_OID], mechToken: krb5Token, mechListMIC: undefined });
    const inner = unframeInitialContextToken(krb5Token, 'krb5');
    expect(inner.mechanismOid).toBe(KRB5_OID);
    expect(inner.innerToken.subarray(0, 2)).toEqual(Buffer.from([1, 0]));
  });

  it('refuses a token framed for another mechanism', () => {
    expect(() => decodeNegotiationToken(krb5Token)).toThrow(/not SPNEGO/);
  });
});

describe('NegTokenResp', () => {
  it('round-trips accept-completed with the supported mechanism and the AP-REP', () => {
    const token = encodeNegTokenResp({ negState: NegState.acceptCompleted, supportedMech: KRB5_OID, responseToken: Buffer.from('ap-rep') });
    expect(token[0]).toBe(0xa1);
    expect(decodeNegotiationToken(token)).toEqual({
      kind: 'resp',
      negState: 0,
      supportedMech: KRB5_OID,
      responseToken: Buffer.from('ap-rep'),
      mechListMIC: undefined,
    });
  });

  it('decodes a reject with nothing else, and refuses a negState out of range', () => {
    expect(decodeNegotiationToken(encodeNegTokenResp({ negState: NegState.reject }))).toMatchObject({ kind: 'resp', negState: 2 });
    const bad = Buffer.from(encodeNegTokenResp({ negState: NegState.reject }));
    bad[bad.length - 1] = 9;
    expect(() => decodeNegotiationToken(bad)).toThrow(/negState 09/);
  });
});

describe('SPNEGO decoders under fuzz', () => {
  const valid = [
    encodeNegTokenInit({ mechTypes: [KRB5_OID, MS_KRB5_OID], mechToken: Buffer.alloc(40, 7), mechListMIC: Buffer.alloc(3) }),
    encodeNegTokenResp({
      negState: NegState.acceptIncomplete,
      supportedMech: MS_KRB5_OID,
      responseToken: Buffer.alloc(20, 1),
      mechListMIC: Buffer.alloc(4),
    }),
    frameInitialContextToken(SPNEGO_OID, encodeNegTokenResp({ negState: NegState.acceptCompleted })),
  ];

  function mutate(bytes: Buffer, next: () => number): Buffer {
    const out = Buffer.from(bytes);
    const kind = Math.floor(next() * 3);
    if (kind === 0) return out.subarray(0, Math.floor(next() * out.length));
    if (kind === 1) {
      const at = Math.floor(next() * out.length);
      return Buffer.concat([out.subarray(0, at), Buffer.from([Math.floor(next() * 256)]), out.subarray(at)]);
    }
    for (let i = 0; i < 1 + next() * 4; i++) out[Math.floor(next() * out.length)] = Math.floor(next() * 256);
    return out;
  }

  function expectOnlyOurErrors(decode: () => unknown): void {
    try {
      decode();
    } catch (err) {
      expect(err).toBeInstanceOf(KerberosFormatError);
    }
  }

  it('throws only KerberosFormatError on random bytes and mutated tokens', () => {
    const next = random(4178);
    for (let i = 0; i < 3000; i++) {
      const bytes =
        i % 3 === 0
          ? Buffer.from(Array.from({ length: Math.floor(next() * 60) }, () => Math.floor(next() * 256)))
          : mutate(valid[i % valid.length], next);
      expectOnlyOurErrors(() => decodeNegotiationToken(bytes));
      expectOnlyOurErrors(() => unframeInitialContextToken(bytes, 'fuzz'));
      if (bytes.length > 0)
        expectOnlyOurErrors(() =>
          readObjectIdentifier(
            readElement(Buffer.concat([Buffer.from([6, bytes.length & 0x7f]), bytes.subarray(0, bytes.length & 0x7f)]), 'oid'),
            'oid',
          ),
        );
    }
  });
});
