import { applicationSequence, readInteger, readKerberosString, readKerberosTime, readOctetString } from '../asn1/der-reader.js';
import { KerberosFormatError } from '../kerberos-errors.js';
import { MessageType, PVNO } from './kerberos-constants.js';
import { decodePrincipalName, type PrincipalName } from './kerberos-types.js';

/** KRB-ERROR (RFC 4120 section 5.9.1): the KDC's refusal, with its code and the server's time. */
export interface KrbError {
  readonly errorCode: number;
  readonly serverTime: Date;
  readonly crealm?: string | undefined;
  readonly cname?: PrincipalName | undefined;
  readonly realm: string;
  readonly sname: PrincipalName;
  readonly eText?: string | undefined;
  /** METHOD-DATA for KDC_ERR_PREAUTH_REQUIRED (decode with decodePaDataList), else type-specific. */
  readonly eData?: Buffer | undefined;
}

/** KRB-ERROR ::= [APPLICATION 30]. */
export function decodeKrbError(bytes: Buffer): KrbError {
  const what = 'KRB-ERROR';
  const f = applicationSequence(bytes, MessageType.KRB_ERROR, what);
  const pvno = readInteger(f.required(0, 'pvno'), what);
  if (pvno !== PVNO) throw new KerberosFormatError(`${what}: protocol version ${pvno}, expected ${PVNO}`);
  const crealm = f.optional(7);
  const cname = f.optional(8);
  const eText = f.optional(11);
  const eData = f.optional(12);
  const stime = readKerberosTime(f.required(4, 'stime'), what);
  const susec = readInteger(f.required(5, 'susec'), what);
  return {
    errorCode: readInteger(f.required(6, 'error-code'), what),
    serverTime: new Date(stime.getTime() + Math.floor(susec / 1000)),
    crealm: crealm && readKerberosString(crealm, what),
    cname: cname && decodePrincipalName(cname, what),
    realm: readKerberosString(f.required(9, 'realm'), what),
    sname: decodePrincipalName(f.required(10, 'sname'), what),
    eText: eText && readKerberosString(eText, what),
    eData: eData && Buffer.from(readOctetString(eData, what)),
  };
}
