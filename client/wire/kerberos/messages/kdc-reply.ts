import {
  applicationSequence,
  readElement,
  readInteger,
  readKerberosFlags,
  readKerberosString,
  readKerberosTime,
} from '../asn1/der-reader.js';
import { KerberosFormatError } from '../kerberos-errors.js';
import { MessageType, PVNO } from './kerberos-constants.js';
import {
  decodeEncryptedData,
  decodeEncryptionKey,
  decodePaDataList,
  decodePrincipalName,
  type EncryptedData,
  type EncryptionKey,
  type PaData,
  type PrincipalName,
} from './kerberos-types.js';
import { decodeTicketElement, type Ticket } from './ticket.js';

/** AS-REP or TGS-REP (RFC 4120 section 5.4.2): the ticket and the part encrypted for the client. */
export interface KdcReply {
  readonly messageType: number;
  readonly padata: readonly PaData[];
  readonly crealm: string;
  readonly cname: PrincipalName;
  readonly ticket: Ticket;
  readonly encPart: EncryptedData;
}

/** An AS-REP ([APPLICATION 11]) or TGS-REP ([APPLICATION 13]). */
export function decodeKdcReply(bytes: Buffer, messageType: typeof MessageType.AS_REP | typeof MessageType.TGS_REP): KdcReply {
  const what = messageType === MessageType.AS_REP ? 'AS-REP' : 'TGS-REP';
  const f = applicationSequence(bytes, messageType, what);
  const pvno = readInteger(f.required(0, 'pvno'), what);
  if (pvno !== PVNO) throw new KerberosFormatError(`${what}: protocol version ${pvno}, expected ${PVNO}`);
  const type = readInteger(f.required(1, 'msg-type'), what);
  if (type !== messageType) throw new KerberosFormatError(`${what}: msg-type ${type}, expected ${messageType}`);
  const padata = f.optional(2);
  return {
    messageType,
    padata: padata ? decodePaDataList(padata, what) : [],
    crealm: readKerberosString(f.required(3, 'crealm'), what),
    cname: decodePrincipalName(f.required(4, 'cname'), what),
    ticket: decodeTicketElement(f.required(5, 'ticket'), `${what} ticket`),
    encPart: decodeEncryptedData(f.required(6, 'enc-part'), what),
  };
}

/** EncKDCRepPart (section 5.4.2): the session key and the ticket's times and flags, as the client reads them. */
export interface EncKdcReplyPart {
  readonly key: EncryptionKey;
  readonly nonce: number;
  readonly keyExpiration?: Date | undefined;
  readonly flags: number;
  readonly authTime: Date;
  readonly startTime?: Date | undefined;
  readonly endTime: Date;
  readonly renewTill?: Date | undefined;
  readonly srealm: string;
  readonly sname: PrincipalName;
}

/**
 * EncASRepPart ([APPLICATION 25]) or EncTGSRepPart ([APPLICATION 26]). Either tag is accepted for
 * either reply, as MIT's client does: some KDCs send 25 in a TGS-REP.
 */
export function decodeEncKdcReplyPart(bytes: Buffer): EncKdcReplyPart {
  const what = 'EncKDCRepPart';
  const tag = readElement(bytes, what).tagNumber;
  const f = applicationSequence(bytes, tag === 26 ? 26 : 25, what);
  const opt = (tag: number) => {
    const e = f.optional(tag);
    return e && readKerberosTime(e, what);
  };
  return {
    key: decodeEncryptionKey(f.required(0, 'key'), what),
    nonce: readInteger(f.required(2, 'nonce'), what),
    keyExpiration: opt(3),
    flags: readKerberosFlags(f.required(4, 'flags'), what),
    authTime: readKerberosTime(f.required(5, 'authtime'), what),
    startTime: opt(6),
    endTime: readKerberosTime(f.required(7, 'endtime'), what),
    renewTill: opt(8),
    srealm: readKerberosString(f.required(9, 'srealm'), what),
    sname: decodePrincipalName(f.required(10, 'sname'), what),
  };
}
