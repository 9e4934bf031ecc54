// The Kerberos GSS-API mechanism (RFC 4121) between Loom's initiator and acceptor: context
// establishment with and without mutual authentication, Wrap and MIC tokens both ways in every
// etype, the token layouts byte by byte, RRC rotation, and the refusals (tampering, replay,
// reflection, wrong key, clock skew).
import { describe, expect, it } from 'vitest';
import { decodeTokenHeader, rotateLeft } from '../../../../../client/wire/kerberos/gss/per-message-tokens.js';
import { acceptSecurityContext } from '../../../../../client/wire/kerberos/gss/gss-acceptor.js';
import { decodeGssChecksum, GSS_CHECKSUM_TYPE, GssFlags } from '../../../../../client/wire/kerberos/gss/gss-checksum.js';
import { GssContextError } from '../../../../../client/wire/kerberos/gss/gss-errors.js';
import { GssTokenId, unframeContextToken } from '../../../../../client/wire/kerberos/gss/gss-framing.js';
import { initiateSecurityContext } from '../../../../../client/wire/kerberos/gss/gss-initiator.js';
import { decodeApRequest } from '../../../../../client/wire/kerberos/gss/ap-exchange.js';
import { encryptionType } from '../../../../../client/wire/kerberos/crypto/encryption-types.js';
import { KeyUsage } from '../../../../../client/wire/kerberos/crypto/key-usage.js';
import { decodeAuthenticator } from '../../../../../client/wire/kerberos/messages/ap-request.js';
import { decodeEncTicketPart } from '../../../../../client/wire/kerberos/messages/ticket.js';
import { KerberosFormatError, KerberosIntegrityError } from '../../../../../client/wire/kerberos/kerberos-errors.js';
import { forgeServiceTicket } from './forged-credential.js';

function establish(etype = 18, mutual = true) {
  const { credential, keytab } = forgeServiceTicket(etype);
  const initiator = initiateSecurityContext(credential, { mutual });
  const acceptor = acceptSecurityContext(initiator.initialToken, { keytab });
  if (mutual) {
    expect(acceptor.replyToken).toBeDefined();
    initiator.accept(acceptor.replyToken ?? Buffer.alloc(0));
  } else expect(acceptor.replyToken).toBeUndefined();
  return { initiator, acceptor, credential, keytab };
}

const checksumBytes: Record<number, number> = { 17: 12, 18: 12, 19: 16, 20: 24 };

describe('GSS-API Kerberos context (RFC 4121)', () => {
  for (const etype of [17, 18, 19, 20]) {
    it(`wraps, unwraps and signs both ways with etype ${etype}`, () => {
      const { initiator, acceptor } = establish(etype);
      expect(initiator.established).toBe(true);
      expect(acceptor.initiator).toBe('alice@EXAMPLE.COM');
      expect(acceptor.service).toBe('rm/localhost@EXAMPLE.COM');
      for (const confidential of [true, false]) {
        for (const message of [Buffer.alloc(0), Buffer.from('hello, rm'), Buffer.alloc(5_000, 7)]) {
          expect(acceptor.unwrap(initiator.wrap(message, confidential))).toEqual({ message, confidential });
          expect(initiator.unwrap(acceptor.wrap(message, confidential))).toEqual({ message, confidential });
        }
      }
      const text = Buffer.from('signed');
      acceptor.verifyMic(text, initiator.getMic(text));
      initiator.verifyMic(text, acceptor.getMic(text));
    });
  }

  it('frames the initial token as RFC 2743 InitialContextToken around an AP-REQ with the 0x8003 checksum', () => {
    const { credential, keytab } = forgeServiceTicket(18, new Date('2026-12-07T22:59:00Z'));
    const initiator = initiateSecurityContext(credential, { mutual: true, now: () => new Date('2026-12-07T23:00:00.123Z') });
    const token = initiator.initialToken;
    expect(token[0]).toBe(0x60);
    // Length in DER long form, then the OID 1.2.840.113554.1.2.2, TOK_ID 01 00 and the AP-REQ ([APPLICATION 14] = 0x6e).
    const afterLength = token[1] & 0x80 ? 2 + (token[1] & 0x7f) : 2;
    expect(token.subarray(afterLength, afterLength + 11).toString('hex')).toBe('06092a864886f712010202');
    expect(token.subarray(afterLength + 11, afterLength + 13).toString('hex')).toBe('0100');
    expect(token[afterLength + 13]).toBe(0x6e);
    const apReq = decodeApRequest(unframeContextToken(token).message);
    expect(apReq.options).toBe(0x20000000); // mutual-required
    const sessionKey = decodeEncTicketPart(
      encryptionType(18).decrypt(keytab[0].key, KeyUsage.KDC_REP_TICKET, apReq.ticket.encPart.cipher),
    ).key;
    const authenticator = decodeAuthenticator(
      encryptionType(18).decrypt(sessionKey.keyValue, KeyUsage.AP_REQ_AUTHENTICATOR, apReq.authenticator.cipher),
    );
    expect(authenticator.checksum?.checksumType).toBe(GSS_CHECKSUM_TYPE);
    const value = authenticator.checksum?.checksum ?? Buffer.alloc(0);
    // Lgth 16 little-endian, Bnd 16 zero bytes, Flags little-endian: mutual | sequence | conf | integ = 2 + 8 + 16 + 32.
    expect(value.toString('hex')).toBe(`10000000${'00'.repeat(16)}3a000000`);
    expect(decodeGssChecksum(value).flags).toBe(GssFlags.MUTUAL | GssFlags.SEQUENCE | GssFlags.CONF | GssFlags.INTEG);
    expect(authenticator.subkey?.keyType).toBe(18);
    expect(authenticator.subkey?.keyValue).toHaveLength(32);
    expect(authenticator.seqNumber).toBeGreaterThanOrEqual(0);
    expect(authenticator.ctime.toISOString()).toBe('2026-12-07T23:00:00.000Z');
    expect(authenticator.cusec).toBe(123_000);
    const reply = acceptSecurityContext(token, { keytab, now: () => new Date('2026-12-07T23:00:01Z') }).replyToken ?? Buffer.alloc(0);
    expect(unframeContextToken(reply).tokenId).toBe(GssTokenId.AP_REP);
    expect(unframeContextToken(reply).message[0]).toBe(0x6f); // [APPLICATION 15]
  });

  it('lays out Wrap and MIC tokens as RFC 4121 section 4.2.6 says', () => {
    const { initiator, acceptor } = establish(18);
    const sealed = acceptor.wrap(Buffer.from('abc'), true);
    // TOK_ID 05 04, flags SentByAcceptor|Sealed|AcceptorSubkey, filler FF, EC 0, RRC 0, then SND_SEQ.
    expect(sealed.subarray(0, 8).toString('hex')).toBe('050407ff00000000');
    // confounder (16) + plaintext (3) + encrypted header (16) + HMAC-SHA1-96 (12)
    expect(sealed).toHaveLength(16 + 16 + 3 + 16 + 12);
    const first = decodeTokenHeader(sealed, GssTokenId.WRAP).sequence;
    const integrity = acceptor.wrap(Buffer.from('abc'), false);
    // Not sealed: EC is the checksum length (12), the plaintext follows the header in clear.
    expect(integrity.subarray(0, 8).toString('hex')).toBe('050405ff000c0000');
    expect(integrity.readBigUInt64BE(8)).toBe(first + 1n);
    expect(integrity.subarray(16, 19).toString()).toBe('abc');
    expect(integrity).toHaveLength(16 + 3 + 12);
    const mic = initiator.getMic(Buffer.from('abc'));
    // TOK_ID 04 04, flags AcceptorSubkey only (sent by the initiator), five FF filler bytes.
    expect(mic.subarray(0, 8).toString('hex')).toBe('040404ffffffffff');
    expect(mic).toHaveLength(16 + 12);
    for (const etype of [19, 20]) {
      const { acceptor: a } = establish(etype);
      expect(a.wrap(Buffer.from('abc'), false).readUInt16BE(4)).toBe(checksumBytes[etype]);
    }
  });

  it('unwraps tokens whose sender rotated them (RRC 28, as Microsoft sends)', () => {
    const { initiator, acceptor } = establish(18);
    for (const confidential of [true, false]) {
      const token = initiator.wrap(Buffer.from('rotated message'), confidential);
      const body = token.subarray(16);
      const rotated = Buffer.concat([token.subarray(0, 16), rotateLeft(body, body.length - (28 % body.length))]);
      rotated.writeUInt16BE(28, 6);
      expect(acceptor.unwrap(rotated).message.toString()).toBe('rotated message');
    }
  });

  it('works without mutual authentication (the acceptor numbers its tokens from the initiator number)', () => {
    const { initiator, acceptor } = establish(17, false);
    expect(initiator.established).toBe(true);
    expect(initiator.unwrap(acceptor.wrap(Buffer.from('x'), true)).message.toString()).toBe('x');
    expect(acceptor.unwrap(initiator.wrap(Buffer.from('y'), false)).message.toString()).toBe('y');
  });

  it('refuses altered tokens', () => {
    const { initiator, acceptor } = establish(18);
    for (const confidential of [true, false]) {
      const token = initiator.wrap(Buffer.from('pay 10 to bob'), confidential);
      token[token.length - 20] ^= 1;
      expect(() => acceptor.unwrap(token)).toThrow(KerberosIntegrityError);
    }
    const mic = acceptor.getMic(Buffer.from('pay 10 to bob'));
    expect(() => initiator.verifyMic(Buffer.from('pay 99 to bob'), mic)).toThrow(KerberosIntegrityError);
    // A changed header (here the Sealed flag dropped) breaks the check too.
    const { initiator: i2, acceptor: a2 } = establish(18);
    const sealed = i2.wrap(Buffer.from('m'), true);
    sealed[2] &= ~0x02;
    expect(() => a2.unwrap(sealed)).toThrow(KerberosIntegrityError);
  });

  it('refuses replayed, reordered and reflected tokens', () => {
    const { initiator, acceptor } = establish(18);
    const first = initiator.wrap(Buffer.from('1'), true);
    const second = initiator.wrap(Buffer.from('2'), true);
    expect(() => acceptor.unwrap(second)).toThrow(/out of sequence: number \d+, expected \d+/);
    acceptor.unwrap(first);
    expect(() => acceptor.unwrap(first)).toThrow(GssContextError);
    expect(acceptor.unwrap(second).message.toString()).toBe('2');
    // A token of the initiator sent back to it.
    expect(() => initiator.unwrap(initiator.wrap(Buffer.from('3'), true))).toThrow(/sent by the initiator, as we are: a reflected token/);
  });

  it('refuses to protect messages before the AP-REP was accepted, and an AP-REP for another authenticator', () => {
    const { credential, keytab } = forgeServiceTicket(18);
    const initiator = initiateSecurityContext(credential, { mutual: true });
    expect(initiator.established).toBe(false);
    expect(() => initiator.wrap(Buffer.from('x'), true)).toThrow(/not established yet/);
    const other = initiateSecurityContext(credential, { mutual: true, now: () => new Date(Date.now() - 5000) });
    const otherReply = acceptSecurityContext(other.initialToken, { keytab }).replyToken ?? Buffer.alloc(0);
    expect(() => initiator.accept(otherReply)).toThrow(/does not answer our authenticator/);
    expect(() => initiator.accept(Buffer.from('6005060100', 'hex'))).toThrow(KerberosFormatError);
  });

  it('refuses a ticket for a service whose key it does not hold, and a client outside the clock skew', () => {
    const { credential, keytab } = forgeServiceTicket(18);
    const stale = [{ ...keytab[0], key: encryptionType(18).randomKey() }];
    expect(() => acceptSecurityContext(initiateSecurityContext(credential, { mutual: true }).initialToken, { keytab: stale })).toThrow(
      'the Kerberos ticket for rm/localhost@EXAMPLE.COM does not decrypt with its key: a stale keytab or a forged ticket',
    );
    expect(() => acceptSecurityContext(initiateSecurityContext(credential, { mutual: true }).initialToken, { keytab: [] })).toThrow(
      /the keytab holds no key of rm\/localhost@EXAMPLE.COM/,
    );
    const token = initiateSecurityContext(credential, { mutual: true }).initialToken;
    expect(() => acceptSecurityContext(token, { keytab, now: () => new Date(Date.now() + 600_000) })).toThrow(
      /clock skew too great: alice@EXAMPLE.COM's clock is (599|600|601) s behind rm\/localhost@EXAMPLE.COM's \(limit 300 s\)/,
    );
    expect(() => acceptSecurityContext(token, { keytab, now: () => new Date(Date.now() + 7200_000) })).toThrow(
      /expired at .* \[Ticket expired\]/,
    );
  });
});
