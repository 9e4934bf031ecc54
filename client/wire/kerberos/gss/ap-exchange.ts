import { applicationSequence, readInteger, readKerberosFlags, readKerberosTime } from '../asn1/der-reader.js';
import { derApplication, derExplicit, derInteger, derKerberosTime, derSequence } from '../asn1/der-writer.js';
import { KerberosFormatError } from '../kerberos-errors.js';
import { MessageType, PVNO } from '../messages/kerberos-constants.js';
import {
  decodeEncryptedData,
  decodeEncryptionKey,
  encodeEncryptedData,
  encodeEncryptionKey,
  type EncryptedData,
  type EncryptionKey,
} from '../messages/kerberos-types.js';
import { decodeTicketElement, type Ticket } from '../messages/ticket.js';

/** AP-REQ (RFC 4120 section 5.5.1) as an acceptor reads it: the options, the ticket and the still encrypted authenticator. */
export interface ApRequest {
  readonly options: number;
  readonly ticket: Ticket;
  readonly authenticator: EncryptedData;
}

export function decodeApRequest(bytes: Buffer): ApRequest {
  const what = 'AP-REQ';
  const f = applicationSequence(bytes, MessageType.AP_REQ, what);
  checkHeader(readInteger(f.required(0, 'pvno'), what), readInteger(f.required(1, 'msg-type'), what), MessageType.AP_REQ, what);
  return {
    options: readKerberosFlags(f.required(2, 'ap-options'), what),
    ticket: decodeTicketElement(f.required(3, 'ticket'), what),
    authenticator: decodeEncryptedData(f.required(4, 'authenticator'), what),
  };
}

/** EncAPRepPart (section 5.5.2): the acceptor's proof that it read our authenticator, and its subkey and sequence number. */
export interface EncApReplyPart {
  readonly ctime: Date;
  readonly cusec: number;
  readonly subkey?: EncryptionKey | undefined;
  readonly seqNumber?: number | undefined;
}

/** AP-REP ::= [APPLICATION 15] around the encrypted EncAPRepPart. */
export function encodeApReply(encPart: EncryptedData): Buffer {
  return derApplication(
    MessageType.AP_REP,
    derSequence([
      derExplicit(0, derInteger(PVNO)),
      derExplicit(1, derInteger(MessageType.AP_REP)),
      derExplicit(2, encodeEncryptedData(encPart)),
    ]),
  );
}

/** The encrypted part of an AP-REP. */
export function decodeApReply(bytes: Buffer): EncryptedData {
  const what = 'AP-REP';
  const f = applicationSequence(bytes, MessageType.AP_REP, what);
  checkHeader(readInteger(f.required(0, 'pvno'), what), readInteger(f.required(1, 'msg-type'), what), MessageType.AP_REP, what);
  return decodeEncryptedData(f.required(2, 'enc-part'), what);
}

/** EncAPRepPart ::= [APPLICATION 27]. */
export function encodeEncApReplyPart(part: EncApReplyPart): Buffer {
  return derApplication(
    27,
    derSequence([
      derExplicit(0, derKerberosTime(part.ctime)),
      derExplicit(1, derInteger(part.cusec)),
      derExplicit(2, part.subkey && encodeEncryptionKey(part.subkey)),
      derExplicit(3, part.seqNumber === undefined ? undefined : derInteger(part.seqNumber >>> 0)),
    ]),
  );
}

export function decodeEncApReplyPart(bytes: Buffer): EncApReplyPart {
  const what = 'EncAPRepPart';
  const f = applicationSequence(bytes, 27, what);
  const subkey = f.optional(2);
  const seq = f.optional(3);
  return {
    ctime: readKerberosTime(f.required(0, 'ctime'), what),
    cusec: readInteger(f.required(1, 'cusec'), what),
    subkey: subkey && decodeEncryptionKey(subkey, what),
    seqNumber: seq && readInteger(seq, what) >>> 0,
  };
}

function checkHeader(pvno: number, msgType: number, expected: number, what: string): void {
  if (pvno !== PVNO) throw new KerberosFormatError(`${what}: protocol version ${pvno}, expected ${PVNO}`);
  if (msgType !== expected) throw new KerberosFormatError(`${what}: message type ${msgType}, expected ${expected}`);
}
