import {
  derApplication,
  derExplicit,
  derInteger,
  derKerberosFlags,
  derKerberosString,
  derKerberosTime,
  derSequence,
} from '../asn1/der-writer.js';
import { applicationSequence, readInteger, readKerberosString, readKerberosTime } from '../asn1/der-reader.js';
import { MessageType, PVNO } from './kerberos-constants.js';
import {
  type Checksum,
  decodeChecksum,
  decodeEncryptionKey,
  decodePrincipalName,
  encodeChecksum,
  encodeEncryptedData,
  encodeEncryptionKey,
  encodePrincipalName,
  type EncryptedData,
  type EncryptionKey,
  type PrincipalName,
} from './kerberos-types.js';
import type { Ticket } from './ticket.js';

/** Authenticator (RFC 4120 section 5.5.1): who sends an AP-REQ and when, encrypted with the ticket's session key. */
export interface Authenticator {
  readonly crealm: string;
  readonly cname: PrincipalName;
  readonly checksum?: Checksum | undefined;
  readonly cusec: number;
  readonly ctime: Date;
  readonly subkey?: EncryptionKey | undefined;
  readonly seqNumber?: number | undefined;
}

/** Authenticator ::= [APPLICATION 2]. */
export function encodeAuthenticator(a: Authenticator): Buffer {
  return derApplication(
    2,
    derSequence([
      derExplicit(0, derInteger(PVNO)),
      derExplicit(1, derKerberosString(a.crealm)),
      derExplicit(2, encodePrincipalName(a.cname)),
      derExplicit(3, a.checksum && encodeChecksum(a.checksum)),
      derExplicit(4, derInteger(a.cusec)),
      derExplicit(5, derKerberosTime(a.ctime)),
      derExplicit(6, a.subkey && encodeEncryptionKey(a.subkey)),
      derExplicit(7, a.seqNumber === undefined ? undefined : derInteger(a.seqNumber >>> 0)),
    ]),
  );
}

export function decodeAuthenticator(bytes: Buffer): Authenticator {
  const what = 'Authenticator';
  const f = applicationSequence(bytes, 2, what);
  const checksum = f.optional(3);
  const subkey = f.optional(6);
  const seq = f.optional(7);
  return {
    crealm: readKerberosString(f.required(1, 'crealm'), what),
    cname: decodePrincipalName(f.required(2, 'cname'), what),
    checksum: checksum && decodeChecksum(checksum, what),
    cusec: readInteger(f.required(4, 'cusec'), what),
    ctime: readKerberosTime(f.required(5, 'ctime'), what),
    subkey: subkey && decodeEncryptionKey(subkey, what),
    seqNumber: seq && readInteger(seq, what),
  };
}

/** APOptions (section 5.5.1). */
export const ApOptions = { USE_SESSION_KEY: 0x40000000, MUTUAL_REQUIRED: 0x20000000 } as const;

/** AP-REQ ::= [APPLICATION 14]: the ticket and the encrypted authenticator. */
export function encodeApRequest(options: number, ticket: Ticket, authenticator: EncryptedData): Buffer {
  return derApplication(
    MessageType.AP_REQ,
    derSequence([
      derExplicit(0, derInteger(PVNO)),
      derExplicit(1, derInteger(MessageType.AP_REQ)),
      derExplicit(2, derKerberosFlags(options)),
      derExplicit(3, ticket.encoded),
      derExplicit(4, encodeEncryptedData(authenticator)),
    ]),
  );
}
