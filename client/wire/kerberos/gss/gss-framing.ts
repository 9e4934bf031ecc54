import { frameInitialContextToken, unframeInitialContextToken } from '../asn1/initial-context-token.js';
import { KerberosFormatError } from '../kerberos-errors.js';

/** The Kerberos V5 mechanism's OID (RFC 1964 section 1). */
export const KRB5_MECHANISM_OID = '1.2.840.113554.1.2.2';

/** RFC 4121 section 4.1 / 4.2.6: the two-byte TOK_ID at the start of each inner token. */
export const GssTokenId = {
  AP_REQ: 0x0100,
  AP_REP: 0x0200,
  KRB_ERROR: 0x0300,
  MIC: 0x0404,
  WRAP: 0x0504,
} as const;

/**
 * A context-establishment token as RFC 2743 section 3.1 frames it: [APPLICATION 0] around the
 * mechanism OID, then (RFC 4121 section 4.1) the TOK_ID and the Kerberos message.
 */
export function frameContextToken(tokenId: number, message: Buffer): Buffer {
  const id = Buffer.alloc(2);
  id.writeUInt16BE(tokenId, 0);
  return frameInitialContextToken(KRB5_MECHANISM_OID, Buffer.concat([id, message]));
}

/** The TOK_ID and Kerberos message of a framed context token; throws KerberosFormatError on anything else. */
export function unframeContextToken(token: Buffer): { tokenId: number; message: Buffer } {
  const what = 'GSS-API context token';
  const { mechanismOid, innerToken } = unframeInitialContextToken(token, what);
  if (mechanismOid !== KRB5_MECHANISM_OID)
    throw new KerberosFormatError(`${what}: not for the Kerberos V5 mechanism (OID ${KRB5_MECHANISM_OID}) but ${mechanismOid}`);
  if (innerToken.length < 2) throw new KerberosFormatError(`${what}: no TOK_ID after the mechanism OID`);
  return { tokenId: innerToken.readUInt16BE(0), message: innerToken.subarray(2) };
}
