import { readElement, TagClass } from '../asn1/der-reader.js';
import { derElement } from '../asn1/der-writer.js';
import { KerberosFormatError } from '../kerberos-errors.js';

/** The Kerberos V5 mechanism's OID 1.2.840.113554.1.2.2 as a DER element (RFC 1964 section 1). */
export const KRB5_MECHANISM_OID = Buffer.from('06092a864886f712010202', 'hex');

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
  return derElement(TagClass.application, true, 0, Buffer.concat([KRB5_MECHANISM_OID, id, message]));
}

/** The TOK_ID and Kerberos message of a framed context token; throws KerberosFormatError on anything else. */
export function unframeContextToken(token: Buffer): { tokenId: number; message: Buffer } {
  const what = 'GSS-API context token';
  const outer = readElement(token, what);
  if (outer.tagClass !== TagClass.application || outer.tagNumber !== 0 || !outer.constructed)
    throw new KerberosFormatError(`${what}: does not start with [APPLICATION 0] (0x60)`);
  const content = outer.content;
  const oidLength = KRB5_MECHANISM_OID.length;
  if (content.length < oidLength + 2 || !content.subarray(0, oidLength).equals(KRB5_MECHANISM_OID))
    throw new KerberosFormatError(`${what}: not for the Kerberos V5 mechanism (OID 1.2.840.113554.1.2.2)`);
  return { tokenId: content.readUInt16BE(oidLength), message: content.subarray(oidLength + 2) };
}
