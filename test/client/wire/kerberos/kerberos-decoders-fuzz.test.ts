// Every Kerberos decoder fed random bytes and mutated valid inputs throws only KerberosFormatError
// (a LoomError with a code), never a RangeError or TypeError from deep inside.
import { describe, expect, it } from 'vitest';
import { readElement } from '../../../../client/wire/kerberos/asn1/der-reader.js';
import { KerberosFormatError } from '../../../../client/wire/kerberos/kerberos-errors.js';
import { decodeAuthenticator, encodeAuthenticator } from '../../../../client/wire/kerberos/messages/ap-request.js';
import { decodeEncKdcReplyPart, decodeKdcReply } from '../../../../client/wire/kerberos/messages/kdc-reply.js';
import { decodePaDataList } from '../../../../client/wire/kerberos/messages/kerberos-types.js';
import { decodeKrbError } from '../../../../client/wire/kerberos/messages/krb-error.js';
import {
  decodeEtypeInfo2,
  decodePaEncTimestamp,
  encodePaEncTimestamp,
} from '../../../../client/wire/kerberos/messages/pre-authentication.js';
import { decodeEncTicketPart, decodeTicket } from '../../../../client/wire/kerberos/messages/ticket.js';
import { decodeCredentialCache, encodeCredentialCache } from '../../../../client/wire/kerberos/files/credential-cache.js';
import { decodeKeytab, encodeKeytab } from '../../../../client/wire/kerberos/files/keytab.js';
import * as sample from './sample-messages.js';
import { mutate, random } from './fuzz-inputs.js';

export const KERBEROS_DECODERS: Record<string, { decode: (b: Buffer) => unknown; valid: () => Buffer }> = {
  'AS-REP': { decode: (b) => decodeKdcReply(b, 11), valid: () => sample.sampleAsRep(Buffer.alloc(60, 1)) },
  EncKDCRepPart: { decode: decodeEncKdcReplyPart, valid: () => sample.sampleEncAsRepPart(Buffer.alloc(32, 2), 77) },
  Ticket: { decode: decodeTicket, valid: sample.sampleTicket },
  EncTicketPart: { decode: decodeEncTicketPart, valid: () => sample.sampleEncTicketPart(Buffer.alloc(32, 2)) },
  'KRB-ERROR': { decode: decodeKrbError, valid: () => sample.sampleKrbError(25, sample.sampleMethodData()) },
  'METHOD-DATA': { decode: (b) => decodePaDataList(readElement(b, 'METHOD-DATA'), 'METHOD-DATA'), valid: sample.sampleMethodData },
  'ETYPE-INFO2': { decode: decodeEtypeInfo2, valid: sample.sampleEtypeInfo2 },
  'PA-ENC-TS-ENC': { decode: decodePaEncTimestamp, valid: () => encodePaEncTimestamp(sample.time) },
  keytab: {
    decode: decodeKeytab,
    valid: () =>
      encodeKeytab([
        { realm: 'R', principal: sample.alice, timestamp: 1, kvno: 2, enctype: 18, key: Buffer.alloc(32) },
        { realm: 'R', principal: sample.krbtgt, timestamp: 1, kvno: 2, enctype: 17, key: Buffer.alloc(16) },
      ]),
  },
  'credential cache': {
    decode: decodeCredentialCache,
    valid: () => {
      const client = { realm: 'R', name: sample.alice };
      const server = { realm: 'R', name: sample.krbtgt };
      const times = { authTime: 1, startTime: 1, endTime: 2, renewTill: 0, isSessionKeyTicket: false, flags: 0 };
      const credential = { client, server, keyType: 18, key: Buffer.alloc(32), ...times, addresses: [], authData: [] };
      return encodeCredentialCache({
        defaultPrincipal: client,
        timeOffset: { seconds: 1, microseconds: 2 },
        credentials: [{ ...credential, ticket: sample.sampleTicket(), secondTicket: Buffer.alloc(0) }],
      });
    },
  },
  Authenticator: {
    decode: decodeAuthenticator,
    valid: () => encodeAuthenticator({ crealm: 'R', cname: sample.alice, cusec: 5, ctime: sample.time, seqNumber: 9 }),
  },
};

function expectOnlyFormatErrors(decode: (b: Buffer) => unknown, input: Buffer): void {
  try {
    decode(input);
  } catch (err) {
    if (!(err instanceof KerberosFormatError)) throw new Error(`${String(err)} for input ${input.toString('hex')}`);
    expect(err.code).toBe('KERBEROS_MESSAGE_INVALID');
  }
}

describe('Kerberos decoders under fuzzing', () => {
  it.each(Object.entries(KERBEROS_DECODERS))('%s throws only KerberosFormatError', (_name, { decode, valid }) => {
    const next = random(16);
    const good = valid();
    decode(good);
    for (let i = 0; i < 2000; i++) expectOnlyFormatErrors(decode, mutate(good, next));
    for (let i = 0; i < 500; i++) {
      const bytes = Buffer.alloc(Math.floor(next() * 64));
      for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(next() * 256);
      // Half of them start like the real message, to get past the first tag.
      if (i % 2 === 0 && bytes.length > 0) bytes[0] = good[0]!;
      expectOnlyFormatErrors(decode, bytes);
    }
  });
});
