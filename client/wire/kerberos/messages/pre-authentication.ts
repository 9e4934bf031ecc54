import {
  readElement,
  readInteger,
  readKerberosString,
  readKerberosTime,
  readOctetString,
  sequenceFields,
  sequenceOf,
} from '../asn1/der-reader.js';
import { derExplicit, derInteger, derKerberosTime, derSequence } from '../asn1/der-writer.js';

/** PA-ENC-TS-ENC (RFC 4120 section 5.2.7.2): the client's time, encrypted with its key as proof it knows it. */
export function encodePaEncTimestamp(now: Date): Buffer {
  const micros = (now.getTime() % 1000) * 1000;
  return derSequence([derExplicit(0, derKerberosTime(now)), derExplicit(1, derInteger(micros))]);
}

/** The time inside a PA-ENC-TS-ENC (the KDC side; tests use it). */
export function decodePaEncTimestamp(bytes: Buffer): Date {
  const f = sequenceFields(readElement(bytes, 'PA-ENC-TS-ENC'), 'PA-ENC-TS-ENC');
  return readKerberosTime(f.required(0, 'patimestamp'), 'PA-ENC-TS-ENC');
}

/** ETYPE-INFO2-ENTRY (section 5.2.7.5): how the KDC derives the client's key for one etype. */
export interface EtypeInfo2Entry {
  readonly etype: number;
  readonly salt?: string | undefined;
  readonly s2kParams?: Buffer | undefined;
}

/** ETYPE-INFO2, the KDC's preferred etype first. */
export function decodeEtypeInfo2(bytes: Buffer): EtypeInfo2Entry[] {
  const what = 'ETYPE-INFO2';
  return sequenceOf(readElement(bytes, what), what).map((entry) => {
    const f = sequenceFields(entry, what);
    const salt = f.optional(1);
    const params = f.optional(2);
    return {
      etype: readInteger(f.required(0, 'etype'), what),
      salt: salt && readKerberosString(salt, what),
      s2kParams: params && Buffer.from(readOctetString(params, what)),
    };
  });
}
