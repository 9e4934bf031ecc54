// Loom's DER reader and writer and RFC 4120's messages: round trips, the exact bytes of the
// primitive encodings, and a reply as a KDC sends it decoded field by field.
import { describe, expect, it } from 'vitest';
import {
  readElement,
  readInteger,
  readKerberosFlags,
  readKerberosTime,
  sequenceFields,
} from '../../../../client/wire/kerberos/asn1/der-reader.js';
import {
  derElement,
  derInteger,
  derKerberosFlags,
  derKerberosTime,
  derOctetString,
} from '../../../../client/wire/kerberos/asn1/der-writer.js';
import { AES256_CTS_HMAC_SHA1_96 } from '../../../../client/wire/kerberos/crypto/aes-sha1-encryption-types.js';
import { KeyUsage } from '../../../../client/wire/kerberos/crypto/key-usage.js';
import { KerberosFormatError } from '../../../../client/wire/kerberos/kerberos-errors.js';
import { decodeAuthenticator, encodeApRequest, encodeAuthenticator } from '../../../../client/wire/kerberos/messages/ap-request.js';
import { decodeEncKdcReplyPart, decodeKdcReply } from '../../../../client/wire/kerberos/messages/kdc-reply.js';
import { encodeKdcRequest, encodeKdcRequestBody } from '../../../../client/wire/kerberos/messages/kdc-request.js';
import { decodePaDataList } from '../../../../client/wire/kerberos/messages/kerberos-types.js';
import { decodeKrbError } from '../../../../client/wire/kerberos/messages/krb-error.js';
import {
  decodeEtypeInfo2,
  decodePaEncTimestamp,
  encodePaEncTimestamp,
} from '../../../../client/wire/kerberos/messages/pre-authentication.js';
import { decodeEncTicketPart, decodeTicket } from '../../../../client/wire/kerberos/messages/ticket.js';
import * as sample from './sample-messages.js';

describe('DER primitives', () => {
  it('encodes INTEGERs in the fewest two-complement bytes', () => {
    expect(derInteger(0).toString('hex')).toBe('020100');
    expect(derInteger(127).toString('hex')).toBe('02017f');
    expect(derInteger(128).toString('hex')).toBe('02020080');
    expect(derInteger(-1).toString('hex')).toBe('0201ff');
    expect(derInteger(-129).toString('hex')).toBe('0202ff7f');
    expect(derInteger(0xffffffff).toString('hex')).toBe('020500ffffffff');
    for (const n of [0, 1, -1, 255, 256, -256, 2 ** 31 - 1, -(2 ** 31), 0xffffffff])
      expect(readInteger(readElement(derInteger(n), 't'), 't')).toBe(n);
  });

  it('writes long-form lengths and high tag numbers, and reads them back', () => {
    const big = derOctetString(Buffer.alloc(300, 1));
    expect(big.subarray(0, 4).toString('hex')).toBe('0482012c');
    expect(readElement(big, 't').content).toHaveLength(300);
    const highTag = derElement(2, true, 40, Buffer.from([5]));
    expect(highTag.toString('hex')).toBe('bf280105');
    expect(readElement(highTag, 't')).toMatchObject({ tagClass: 2, constructed: true, tagNumber: 40 });
  });

  it('writes KerberosTime and KerberosFlags as RFC 4120 says', () => {
    expect(derKerberosTime(new Date('2026-12-07T19:40:05.678Z')).subarray(2).toString()).toBe('20261207194005Z');
    expect(readKerberosTime(readElement(derKerberosTime(sample.time), 't'), 't')).toEqual(sample.time);
    expect(derKerberosFlags(0x40810010).toString('hex')).toBe('03050040810010');
    expect(readKerberosFlags(readElement(derKerberosFlags(0x40810010), 't'), 't')).toBe(0x40810010);
  });

  it('names a missing required field and bytes after the element', () => {
    expect(() => sequenceFields(readElement(Buffer.from('3000', 'hex'), 'X'), 'X').required(1, 'name')).toThrow(
      'X: required field name [1] is missing',
    );
    expect(() => readElement(Buffer.from('300000', 'hex'), 'X')).toThrow(KerberosFormatError);
    expect(() => readElement(Buffer.from('3005', 'hex'), 'X')).toThrow(/runs past the end/);
  });
});

describe('RFC 4120 messages', () => {
  it('decodes a KRB-ERROR with METHOD-DATA and ETYPE-INFO2', () => {
    const error = decodeKrbError(sample.sampleKrbError(25, sample.sampleMethodData()));
    expect(error).toMatchObject({ errorCode: 25, realm: 'EXAMPLE.COM', eText: 'NEEDED_PREAUTH', sname: sample.krbtgt });
    expect(error.serverTime).toEqual(new Date(sample.time.getTime() + 123));
    const methods = decodePaDataList(readElement(error.eData!, 'METHOD-DATA'), 'METHOD-DATA');
    expect(methods.map((m) => m.type)).toEqual([19, 2]);
    expect(decodeEtypeInfo2(methods[0].value)).toEqual([
      { etype: 18, salt: 'EXAMPLE.COMalice', s2kParams: undefined },
      { etype: 17, salt: 'EXAMPLE.COMalice', s2kParams: Buffer.from([0, 0, 0x10, 0]) },
    ]);
  });

  it('decodes an AS-REP, its ticket kept byte for byte, and the encrypted part', () => {
    const key = AES256_CTS_HMAC_SHA1_96.stringToKey('pw', 'EXAMPLE.COMalice');
    const session = Buffer.alloc(32, 3);
    const enc = AES256_CTS_HMAC_SHA1_96.encrypt(key, KeyUsage.AS_REP_ENC_PART, sample.sampleEncAsRepPart(session, 4242));
    const reply = decodeKdcReply(sample.sampleAsRep(enc), 11);
    expect(reply).toMatchObject({ crealm: 'EXAMPLE.COM', cname: sample.alice, encPart: { etype: 18 } });
    expect(reply.ticket.encoded).toEqual(sample.sampleTicket());
    expect(decodeTicket(reply.ticket.encoded)).toMatchObject({
      realm: 'EXAMPLE.COM',
      sname: sample.krbtgt,
      encPart: { etype: 18, kvno: 2 },
    });
    const part = decodeEncKdcReplyPart(AES256_CTS_HMAC_SHA1_96.decrypt(key, KeyUsage.AS_REP_ENC_PART, reply.encPart.cipher));
    expect(part).toMatchObject({ nonce: 4242, flags: 0x40e10000, srealm: 'EXAMPLE.COM', sname: sample.krbtgt, key: { keyType: 18 } });
    expect(part.key.keyValue).toEqual(session);
    expect(part.renewTill).toEqual(new Date(sample.time.getTime() + 7200_000));
    expect(() => decodeKdcReply(sample.sampleAsRep(enc), 13)).toThrow(/expected APPLICATION tag 13, found APPLICATION tag 11/);
  });

  it('decodes an EncTicketPart', () => {
    expect(decodeEncTicketPart(sample.sampleEncTicketPart(Buffer.alloc(32, 1)))).toMatchObject({
      crealm: 'EXAMPLE.COM',
      cname: sample.alice,
      authTime: sample.time,
    });
  });

  it('encodes an AS-REQ as [APPLICATION 10] with the body at [4]', () => {
    const body = encodeKdcRequestBody({
      options: 0x40000010,
      cname: sample.alice,
      realm: 'EXAMPLE.COM',
      sname: sample.krbtgt,
      till: sample.time,
      nonce: 0xfffffffe,
      etypes: [18, 17],
    });
    const request = encodeKdcRequest(10, [{ type: 2, value: Buffer.from('x') }], body);
    const outer = readElement(request, 'AS-REQ');
    expect(outer).toMatchObject({ tagClass: 1, tagNumber: 10 });
    const f = sequenceFields(readElement(outer.content, 'KDC-REQ'), 'KDC-REQ');
    expect(readInteger(f.required(1, 'pvno'), 't')).toBe(5);
    expect(readInteger(f.required(2, 'msg-type'), 't')).toBe(10);
    expect(f.required(4, 'req-body').encoded).toEqual(body);
    const bodyFields = sequenceFields(readElement(body, 'body'), 'body');
    expect(readInteger(bodyFields.required(7, 'nonce'), 't')).toBe(0xfffffffe);
  });

  it('round-trips an Authenticator and a PA-ENC-TS-ENC, and wraps an AP-REQ', () => {
    const authenticator = {
      crealm: 'EXAMPLE.COM',
      cname: sample.alice,
      checksum: { checksumType: 16, checksum: Buffer.alloc(12, 5) },
      cusec: 999999,
      ctime: sample.time,
      subkey: { keyType: 18, keyValue: Buffer.alloc(32, 6) },
      seqNumber: 0x80000001,
    };
    expect(decodeAuthenticator(encodeAuthenticator(authenticator))).toEqual(authenticator);
    expect(decodePaEncTimestamp(encodePaEncTimestamp(new Date('2026-12-07T19:40:05.678Z')))).toEqual(new Date('2026-12-07T19:40:05Z'));
    const apReq = encodeApRequest(0, decodeTicket(sample.sampleTicket()), { etype: 18, cipher: Buffer.alloc(30) });
    expect(readElement(apReq, 'AP-REQ')).toMatchObject({ tagClass: 1, tagNumber: 14 });
  });
});
