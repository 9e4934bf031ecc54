// Kerberos messages as a KDC would send them, built with Loom's own DER writer (the encoders a
// client never needs live here, with the tests).
import {
  derApplication,
  derExplicit,
  derInteger,
  derKerberosFlags,
  derKerberosString,
  derKerberosTime,
  derOctetString,
  derSequence,
} from '../../../../client/wire/kerberos/asn1/der-writer.js';
import {
  encodeEncryptedData,
  encodeEncryptionKey,
  encodePaData,
  encodePrincipalName,
  type PrincipalName,
} from '../../../../client/wire/kerberos/messages/kerberos-types.js';

export const krbtgt: PrincipalName = { nameType: 2, nameString: ['krbtgt', 'EXAMPLE.COM'] };
export const alice: PrincipalName = { nameType: 1, nameString: ['alice'] };
export const time = new Date('2026-12-07T19:40:00Z');

export function sampleTicket(): Buffer {
  return derApplication(
    1,
    derSequence([
      derExplicit(0, derInteger(5)),
      derExplicit(1, derKerberosString('EXAMPLE.COM')),
      derExplicit(2, encodePrincipalName(krbtgt)),
      derExplicit(3, encodeEncryptedData({ etype: 18, kvno: 2, cipher: Buffer.alloc(40, 9) })),
    ]),
  );
}

export function sampleEncTicketPart(key: Buffer): Buffer {
  return derApplication(
    3,
    derSequence([
      derExplicit(0, derKerberosFlags(0x40e10000)),
      derExplicit(1, encodeEncryptionKey({ keyType: 18, keyValue: key })),
      derExplicit(2, derKerberosString('EXAMPLE.COM')),
      derExplicit(3, encodePrincipalName(alice)),
      derExplicit(4, derSequence([derExplicit(0, derInteger(1)), derExplicit(1, derOctetString(Buffer.alloc(0)))])),
      derExplicit(5, derKerberosTime(time)),
      derExplicit(7, derKerberosTime(new Date(time.getTime() + 3600_000))),
    ]),
  );
}

export function sampleEtypeInfo2(): Buffer {
  return derSequence([
    derSequence([derExplicit(0, derInteger(18)), derExplicit(1, derKerberosString('EXAMPLE.COMalice'))]),
    derSequence([
      derExplicit(0, derInteger(17)),
      derExplicit(1, derKerberosString('EXAMPLE.COMalice')),
      derExplicit(2, derOctetString(Buffer.from([0, 0, 0x10, 0]))),
    ]),
  ]);
}

export function sampleKrbError(code: number, eData?: Buffer): Buffer {
  return derApplication(
    30,
    derSequence([
      derExplicit(0, derInteger(5)),
      derExplicit(1, derInteger(30)),
      derExplicit(4, derKerberosTime(time)),
      derExplicit(5, derInteger(123456)),
      derExplicit(6, derInteger(code)),
      derExplicit(9, derKerberosString('EXAMPLE.COM')),
      derExplicit(10, encodePrincipalName(krbtgt)),
      derExplicit(11, derKerberosString('NEEDED_PREAUTH')),
      derExplicit(12, eData && derOctetString(eData)),
    ]),
  );
}

export function sampleMethodData(): Buffer {
  return derSequence([encodePaData({ type: 19, value: sampleEtypeInfo2() }), encodePaData({ type: 2, value: Buffer.alloc(0) })]);
}

export function sampleEncAsRepPart(key: Buffer, nonce: number): Buffer {
  return derApplication(
    25,
    derSequence([
      derExplicit(0, encodeEncryptionKey({ keyType: 18, keyValue: key })),
      derExplicit(1, derSequence([derSequence([derExplicit(0, derInteger(0)), derExplicit(1, derKerberosTime(time))])])),
      derExplicit(2, derInteger(nonce)),
      derExplicit(4, derKerberosFlags(0x40e10000)),
      derExplicit(5, derKerberosTime(time)),
      derExplicit(7, derKerberosTime(new Date(time.getTime() + 3600_000))),
      derExplicit(8, derKerberosTime(new Date(time.getTime() + 7200_000))),
      derExplicit(9, derKerberosString('EXAMPLE.COM')),
      derExplicit(10, encodePrincipalName(krbtgt)),
    ]),
  );
}

export function sampleAsRep(encPart: Buffer): Buffer {
  return derApplication(
    11,
    derSequence([
      derExplicit(0, derInteger(5)),
      derExplicit(1, derInteger(11)),
      derExplicit(2, derSequence([encodePaData({ type: 19, value: sampleEtypeInfo2() })])),
      derExplicit(3, derKerberosString('EXAMPLE.COM')),
      derExplicit(4, encodePrincipalName(alice)),
      derExplicit(5, sampleTicket()),
      derExplicit(6, encodeEncryptedData({ etype: 18, cipher: encPart })),
    ]),
  );
}
