import {
  derApplication,
  derExplicit,
  derInteger,
  derKerberosFlags,
  derKerberosString,
  derKerberosTime,
  derSequence,
} from '../asn1/der-writer.js';
import { MessageType, PVNO } from './kerberos-constants.js';
import { encodePaData, encodePrincipalName, type PaData, type PrincipalName } from './kerberos-types.js';

/** KDC-REQ-BODY (RFC 4120 section 5.4.1): what the client asks the KDC for. */
export interface KdcRequestBody {
  /** KdcOptions flags. */
  readonly options: number;
  /** The client (AS-REQ only). */
  readonly cname?: PrincipalName | undefined;
  /** The server's realm (and the client's, in an AS-REQ). */
  readonly realm: string;
  readonly sname: PrincipalName;
  readonly from?: Date | undefined;
  readonly till: Date;
  readonly renewTill?: Date | undefined;
  readonly nonce: number;
  /** Etype numbers the client accepts, preferred first. */
  readonly etypes: readonly number[];
}

/** KDC-REQ-BODY's DER (a TGS-REQ's authenticator checksums exactly these bytes). */
export function encodeKdcRequestBody(body: KdcRequestBody): Buffer {
  return derSequence([
    derExplicit(0, derKerberosFlags(body.options)),
    derExplicit(1, body.cname && encodePrincipalName(body.cname)),
    derExplicit(2, derKerberosString(body.realm)),
    derExplicit(3, encodePrincipalName(body.sname)),
    derExplicit(4, body.from && derKerberosTime(body.from)),
    derExplicit(5, derKerberosTime(body.till)),
    derExplicit(6, body.renewTill && derKerberosTime(body.renewTill)),
    derExplicit(7, derInteger(body.nonce >>> 0)),
    derExplicit(8, derSequence(body.etypes.map(derInteger))),
  ]);
}

/** AS-REQ ([APPLICATION 10]) or TGS-REQ ([APPLICATION 12]): KDC-REQ with its pre-authentication data and an encoded body. */
export function encodeKdcRequest(
  messageType: typeof MessageType.AS_REQ | typeof MessageType.TGS_REQ,
  padata: readonly PaData[],
  body: Buffer,
): Buffer {
  return derApplication(
    messageType,
    derSequence([
      derExplicit(1, derInteger(PVNO)),
      derExplicit(2, derInteger(messageType)),
      derExplicit(3, padata.length > 0 ? derSequence(padata.map(encodePaData)) : undefined),
      derExplicit(4, body),
    ]),
  );
}
