import {
  applicationSequence,
  expectTag,
  readElement,
  readInteger,
  readKerberosFlags,
  readKerberosString,
  readKerberosTime,
  TagClass,
  type DerElement,
} from '../asn1/der-reader.js';
import { KerberosFormatError } from '../kerberos-errors.js';
import {
  decodeEncryptedData,
  decodeEncryptionKey,
  decodePrincipalName,
  type EncryptedData,
  type EncryptionKey,
  type PrincipalName,
} from './kerberos-types.js';
import { PVNO } from './kerberos-constants.js';

/** Ticket ::= [APPLICATION 1] (RFC 4120 section 5.3), with its DER bytes kept to be sent and cached unchanged. */
export interface Ticket {
  readonly realm: string;
  readonly sname: PrincipalName;
  readonly encPart: EncryptedData;
  readonly encoded: Buffer;
}

/** A Ticket from its DER element ([APPLICATION 1]). */
export function decodeTicketElement(element: DerElement, what = 'Ticket'): Ticket {
  expectTag(element, TagClass.application, 1, what);
  const f = applicationSequence(element.encoded, 1, what);
  const vno = readInteger(f.required(0, 'tkt-vno'), what);
  if (vno !== PVNO) throw new KerberosFormatError(`${what}: ticket version ${vno}, expected ${PVNO}`);
  return {
    realm: readKerberosString(f.required(1, 'realm'), what),
    sname: decodePrincipalName(f.required(2, 'sname'), what),
    encPart: decodeEncryptedData(f.required(3, 'enc-part'), what),
    encoded: Buffer.from(element.encoded),
  };
}

/** A Ticket from its DER bytes (a credential cache entry). */
export function decodeTicket(bytes: Buffer): Ticket {
  return decodeTicketElement(readElement(bytes, 'Ticket'));
}

/** EncTicketPart ::= [APPLICATION 3] (section 5.3): what the service reads once it has decrypted a ticket. */
export interface EncTicketPart {
  readonly flags: number;
  readonly key: EncryptionKey;
  readonly crealm: string;
  readonly cname: PrincipalName;
  readonly authTime: Date;
  readonly startTime?: Date | undefined;
  readonly endTime: Date;
  readonly renewTill?: Date | undefined;
}

export function decodeEncTicketPart(bytes: Buffer): EncTicketPart {
  const what = 'EncTicketPart';
  const f = applicationSequence(bytes, 3, what);
  const start = f.optional(6);
  const renew = f.optional(8);
  return {
    flags: readKerberosFlags(f.required(0, 'flags'), what),
    key: decodeEncryptionKey(f.required(1, 'key'), what),
    crealm: readKerberosString(f.required(2, 'crealm'), what),
    cname: decodePrincipalName(f.required(3, 'cname'), what),
    authTime: readKerberosTime(f.required(5, 'authtime'), what),
    startTime: start && readKerberosTime(start, what),
    endTime: readKerberosTime(f.required(7, 'endtime'), what),
    renewTill: renew && readKerberosTime(renew, what),
  };
}
